// The disruption controller (pkg/controller/disruption): the status of every
// PodDisruptionBudget from the pods its selector picks in its namespace (a null selector
// picks none, {} all): expectedPods, currentHealthy (Ready, not being deleted, not just
// evicted), desiredHealthy (minAvailable as a count; or a percentage of the scale of the
// pods' controllers; or that scale minus maxUnavailable), disruptionsAllowed, the
// disruptedPods the Eviction API recorded (kept two minutes or until the pod goes), and the
// DisruptionAllowed condition (SufficientPods, InsufficientPods, or SyncFailed when a pod
// has no scalable controller and the budget needs one). eviction.hpp enforces the budgets.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class DisruptionController final : public Controller {
 public:
  explicit DisruptionController(ControllerContext& ctx) : Controller(ctx, "disruption-controller", 55) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"PodDisruptionBudget", "Pod", "Deployment", "ReplicaSet", "StatefulSet"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  // The summed scale of the controllers of `pods` (a ReplicaSet's Deployment when it has
  // one), or the error the real controller reports.
  std::int64_t controllersScale(const std::vector<ObjectPtr>& pods, std::string& error) const;

  // The budgets by namespace, from their watch events: a pod event in a namespace without
  // one costs a lookup.
  std::map<std::string, std::set<std::string>, std::less<>> budgets_;
};

// Does the budget's selector pick `pod` (same namespace; a null selector picks none)?
bool budgetSelects(const Json& budget, const Json& pod);
// The pods a budget's selector picks in its namespace.
std::vector<ObjectPtr> podsOfBudget(const ObjectStore& store, const Json& budget);

}  // namespace gs::fake
