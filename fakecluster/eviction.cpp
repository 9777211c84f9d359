#include "fakecluster/eviction.hpp"

#include <string>
#include <vector>

#include "fakecluster/api_error.hpp"
#include "fakecluster/controllers/disruption_controller.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

ApiError refused(const std::string& why) {
  return ApiError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.",
                  {StatusCause{"DisruptionBudget", "", why}});
}

}  // namespace

void evictPod(FakeCluster& cluster, std::string_view ns, std::string_view name, const DeleteOptions& options) {
  ObjectStore& store = cluster.store();
  const ObjectPtr pod = store.find(kube::ObjectKey{"", "Pod", std::string(ns), std::string(name)});
  if (!pod) throw ApiError::notFound("pods", std::string(name));
  const std::string phase = phaseOf(*pod);
  auto remove = [&] {
    // The API server marks the pod before it deletes it, so that its controller and anyone
    // reading it later can tell an eviction from other deletions.
    if (!options.dryRun) {
      Json status = objectAt(*pod, {"status"_key});
      setCondition(status, "DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting", cluster.loop().clock().rfc3339(), false,
                   true);
      store.writeStatus(kube::objectKeyOf(*pod), std::move(status));
    }
    cluster.remove("", "Pod", ns, name, options);
  };
  if (terminating(*pod) || phase == "Succeeded" || phase == "Failed" || phase == "Pending") return remove();
  std::vector<ObjectPtr> budgets;
  store.forEach("policy", "PodDisruptionBudget", ns, [&](const ObjectPtr& budget) {
    if (budgetSelects(*budget, *pod)) budgets.push_back(budget);
  });
  if (budgets.empty()) return remove();
  if (budgets.size() > 1) {
    throw ApiError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
  }
  const Json& budget = *budgets.front();
  const std::string& budgetName = stringAt(budget, {"metadata"_key, "name"_key});
  const Json& status = objectAt(budget, {"status"_key});
  const std::int64_t healthy = intField(status, {"currentHealthy"_key}, 0);
  const std::int64_t desired = intField(status, {"desiredHealthy"_key}, 0);
  if (!podReady(*pod)) {
    // An unready pod does not count towards the budget: it may go without spending a
    // disruption always (AlwaysAllow) or while the budget is met (IfHealthyBudget).
    const bool always = stringField(budget, {"spec"_key, "unhealthyPodEvictionPolicy"_key}) == "AlwaysAllow";
    if (always || (healthy >= desired && desired > 0)) return remove();
  }
  // checkAndDecrement.
  if (intField(status, {"observedGeneration"_key}, 0) < intField(budget, {"metadata"_key, "generation"_key}, 1)) {
    throw refused("The disruption budget " + budgetName + " is still being processed by the server.");
  }
  const std::int64_t allowed = intField(status, {"disruptionsAllowed"_key}, 0);
  if (allowed <= 0) {
    throw refused("The disruption budget " + budgetName + " needs " + std::to_string(desired) + " healthy pods and has " +
                  std::to_string(healthy) + " currently");
  }
  if (!options.dryRun) {
    Json next = status;
    next["disruptionsAllowed"] = allowed - 1;
    next["disruptedPods"][std::string(name)] = cluster.loop().clock().rfc3339();
    store.writeStatus(kube::objectKeyOf(budget), std::move(next));
  }
  remove();
}

}  // namespace gs::fake
