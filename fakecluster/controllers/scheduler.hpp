// The scheduler: binds each pending pod to a Node (spec.nodeName and the PodScheduled
// condition, "Successfully assigned ns/pod to node" event). A node fits when it is
// Ready and schedulable, matches the pod's nodeSelector and required node affinity
// (matchExpressions on labels, matchFields on metadata.name), and its NoSchedule taints
// are tolerated; among fitting nodes the one running fewest pods wins (ties by name).
// A pod that fits nowhere gets PodScheduled=False/Unschedulable and a FailedScheduling
// event with the real message, and is retried when nodes change.
// Pods with PersistentVolumeClaims are placed as the VolumeBinding plugin places them
// (volume_scheduling.hpp).
// Not modelled: resource requests against node capacity, pod (anti-)affinity,
// topology spread, preemption.
#pragma once

#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class Scheduler final : public Controller {
 public:
  explicit Scheduler(ControllerContext& ctx) : Controller(ctx, "default-scheduler", 30) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Pod", "Node", "PersistentVolumeClaim"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  void markUnschedulable(const kube::ObjectKey& key, const Json& pod, const std::string& reasons);
  // A Node as the scheduler's cache holds it (kube-scheduler's NodeInfo): the stored
  // version, and whether every pod without a nodeSelector or required node affinity
  // fits it (Ready, schedulable, no taints), so most checks need no look at the object.
  struct NodeEntry {
    kube::ObjectKey key;
    ObjectPtr object;
    bool fitsUnconstrainedPods = false;
  };
  std::unordered_map<std::string, std::size_t> podsPerNode_;
  std::unordered_map<std::string, std::string> nodeOfPod_;  // pod uid -> node
  std::set<kube::ObjectKey> unschedulable_;
  std::set<kube::ObjectKey> awaitingVolumes_;  // pods whose WaitForFirstConsumer claims are being provisioned
  std::vector<NodeEntry> nodes_;  // every Node, in name order
  std::size_t nextStart_ = 0;     // where the next search for a node begins
};

// Whether `node` satisfies required node selector terms (any term, all of its
// matchExpressions on labels and matchFields on metadata.name).
bool nodeSelectorTermsMatch(const Json& terms, const Json& node);

// Whether `pod`'s nodeSelector and required node affinity accept `node`.
bool podMatchesNodeSelection(const Json& pod, const Json& node);

// Whether one of `tolerations` (a pod's) tolerates `taint`.
bool tolerates(const Json& tolerations, const Json& taint);

// Whether `pod` may run on `node` (selector, required affinity, taints), with the
// reason it may not ("node(s) didn't match Pod's node affinity/selector", ...).
bool podFitsNode(const Json& pod, const Json& node, std::string* whyNot = nullptr);

}  // namespace gs::fake
