// What the Endpoints and EndpointSlice controllers share: which Services select a pod, a
// Service port's target on one pod, and the endpoints.kubernetes.io/last-change-trigger-time
// annotation both write (pkg/controller/util/endpoint in Kubernetes).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fakecluster/object_store.hpp"
#include "fakecluster/work_queue.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::fake {

inline constexpr const char* kLastChangeTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time";

// The Service's selector when it selects pods: a non-empty label map (a Service without
// one, or of type ExternalName, gets no endpoints from the controllers).
const Json* podSelectorOf(const Json& service);
// clusterIP is set and not "None" (a headless Service's Endpoints and EndpointSlices are
// labelled service.kubernetes.io/headless).
bool serviceIpSet(const Json& service);
// Whether every key of a Service's selector has the same value in `labels`.
bool selectorMatches(const Json& selector, const Json& labels);
// The pods in the Service's namespace its selector matches, in name order.
std::vector<ObjectPtr> podsSelectedBy(const ObjectStore& store, const Json& service, const Json& selector);
// A Service port's targetPort on one pod: a number, or the named port of one of the
// pod's containers with the same protocol (nullopt: the pod does not serve that port).
std::optional<std::int64_t> resolveTargetPort(const Json& servicePort, const Json& pod);

// Which Services a pod change concerns, as GetServicesToUpdateOnPodChange decides it
// from the informer's old and new pod (pkg/controller/util/endpoint): none when the pod
// kept its labels, hostname and subdomain, deletionTimestamp, readiness and IPs; the
// Services selecting it otherwise. When its labels changed, every selecting Service of
// the namespace (the real one adds those its old labels matched; this keeps only a hash
// of them, so it may sync a few more). Each controller keeps one, as each has its own
// informer. Pods of a namespace without selecting Services are not remembered (a new
// Service is synced in full). The Services come from the controller's own Service
// events (serviceEvent), as from its Service informer, not from store lookups.
class PodChangeFilter {
 public:
  void serviceEvent(const WatchEvent& event);
  void servicesToSync(const WatchEvent& event, const std::function<void(const ObjectPtr&)>& visit);
  // What both controllers do with a v1 Service or Pod change: queue the Service, or the
  // Services the pod change concerns. False for any other object.
  bool queueServices(const WatchEvent& event, WorkQueue& queue);

 private:
  struct Seen {
    std::uint64_t labels = 0;  // hashes of what an endpoint shows
    std::uint64_t rest = 0;    // hostname, subdomain, deletionTimestamp, IPs
    bool ready = false;
    bool operator==(const Seen&) const = default;
  };
  std::unordered_map<kube::ObjectKey, Seen, kube::ObjectKeyHash> pods_;
  // namespace -> name -> the Service's latest version, for the Services with a selector
  std::unordered_map<std::string, std::map<std::string, ObjectPtr>> selecting_;
};

// The trigger time as TriggerTimeTracker computes it on every sync of a Service: the
// earliest of the pods' Ready transitions and the Service's creation that changed since
// the previous sync ("" when none did: a writer then drops the annotation).
class TriggerTimeTracker {
 public:
  std::string compute(const kube::ObjectKey& key, const Json& service, const std::vector<ObjectPtr>& pods);
  void forget(const kube::ObjectKey& key) { states_.erase(key); }

 private:
  struct State {
    std::map<std::string, std::string> pods;  // pod name -> Ready's lastTransitionTime
    std::string service;                       // creationTimestamp
  };
  std::map<kube::ObjectKey, State> states_;
};

// What both controllers read of a Service they sync.
struct EndpointsInput {
  const Json& ports;  // spec.ports
  bool publishNotReady = false;
  std::vector<ObjectPtr> pods;  // selected, in name order
  std::string triggerTime;      // this sync's (see TriggerTimeTracker)
};
// nullopt when the Service selects no pods (no selector, ExternalName) or is being deleted.
std::optional<EndpointsInput> endpointsInput(const ObjectStore& store, const kube::ObjectKey& key, const Json& service,
                                             TriggerTimeTracker& triggerTimes);

}  // namespace gs::fake
