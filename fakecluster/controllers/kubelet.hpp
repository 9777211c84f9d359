// The simulated kubelet of every node: runs the pods bound to its nodes on the virtual
// clock, with no processes. Per container: image pull through the ImageResolver (with
// a per-node image cache and imagePullPolicy), ErrImagePull -> ImagePullBackOff with
// the real 10 s doubling to 5 min backoff, InvalidImageName for malformed references,
// ErrImageNeverPull, create and start, readiness (readinessProbe initialDelaySeconds,
// or never under a fault), crashes -> CrashLoopBackOff with restartCount and the same
// backoff, init containers in order, run-to-completion for Never/OnFailure pods, and
// graceful termination. It writes pod status the way the real kubelet shapes it
// (phase, conditions, containerStatuses, hostIP/podIP, qosClass) and records its
// events (Pulling, Pulled, Created, Started, Failed, BackOff, Killing, Unhealthy).
//
// Per-pod behaviour can be declared in pod annotations:
//   sim.gitops-sim.io/ready-after: "30s"   containers become ready this long after start
//   sim.gitops-sim.io/never-ready: "true"  containers never become ready
//   sim.gitops-sim.io/crash-after: "5s"    containers exit 1 this long after each start
//   sim.gitops-sim.io/run-time: "20s"      Never/OnFailure containers exit after this long
//   sim.gitops-sim.io/exit-code: "1"       ... with this exit code
// Not modelled: liveness/startup probes, resource limits and OOM kills, volumes,
// ephemeral and sidecar (restartable init) containers, node failure.
#pragma once

#include <string_view>
#include <vector>

#include <map>
#include <set>
#include <unordered_map>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class Kubelet final : public Controller {
 public:
  explicit Kubelet(ControllerContext& ctx);
  ~Kubelet() override;
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Pod"}; }

  // Images present on a node (normalised references).
  const std::set<std::string>& imagesOn(const std::string& node) { return images_[node]; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  struct Container;
  struct PodRuntime;
  void start(const Json& pod);
  void prepare(PodRuntime& pod, std::size_t index);
  void pulled(PodRuntime& pod, std::size_t index);
  void pullFailed(PodRuntime& pod, std::size_t index, const std::string& error);
  void run(PodRuntime& pod, std::size_t index);
  void exited(PodRuntime& pod, std::size_t index, int exitCode);
  // A container kept unready by a never-ready fault: its readiness probe runs every
  // period and passes once the fault no longer applies.
  void probeUntilReady(PodRuntime& pod, std::size_t index, int run);
  void kill(PodRuntime& pod);
  void after(PodRuntime& pod, Duration delay, const std::string& what, std::function<void(PodRuntime&)> action);
  void writeStatus(PodRuntime& pod);
  // An Event about container `index` of the pod (involvedObject.fieldPath names it).
  void event(PodRuntime& pod, std::size_t index, bool warning, const std::string& reason, const std::string& message);
  ObjectPtr current(const PodRuntime& pod) const;
  static Json identity(const PodRuntime& pod);  // apiVersion, kind, name, namespace, uid
  bool initDone(const PodRuntime& pod) const;
  std::string podIp(const std::string& node);

  std::unordered_map<std::string, std::unique_ptr<PodRuntime>> pods_;  // by uid
  std::map<std::string, std::set<std::string>> images_;               // node -> pulled images
  std::map<std::string, int> nextIp_;                                 // node -> last host octet
  std::uint64_t containerIds_ = 0;
};

}  // namespace gs::fake
