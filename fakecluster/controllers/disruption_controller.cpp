#include "fakecluster/controllers/disruption_controller.hpp"

#include <algorithm>
#include <set>

#include "fakecluster/label_selector.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

constexpr std::int64_t kDisruptedPodTimeout = 120;  // DeletionTimeout: an eviction's record lapses after 2 minutes

const std::string& namespaceOf(const Json& o) { return stringAt(o, {"metadata"_key, "namespace"_key}); }
const std::string& nameOf(const Json& o) { return stringAt(o, {"metadata"_key, "name"_key}); }

}  // namespace

bool budgetSelects(const Json& budget, const Json& pod) {
  const Json& selector = at(budget, {"spec"_key, "selector"_key});
  if (!selector.is_object() || namespaceOf(budget) != namespaceOf(pod)) return false;  // policy/v1: a null selector selects no pods
  return LabelSelector::fromJson(selector).matches(at(pod, {"metadata"_key, "labels"_key}));
}

std::vector<ObjectPtr> podsOfBudget(const ObjectStore& store, const Json& budget) {
  std::vector<ObjectPtr> pods;
  const Json& selector = at(budget, {"spec"_key, "selector"_key});
  if (!selector.is_object()) return pods;
  const auto match = LabelSelector::fromJson(selector);
  store.forEach("", "Pod", namespaceOf(budget), [&](const ObjectPtr& pod) {
    if (match.matches(at(*pod, {"metadata"_key, "labels"_key}))) pods.push_back(pod);
  });
  return pods;
}

void DisruptionController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "policy/v1", "PodDisruptionBudget")) {
    auto& names = budgets_[namespaceOf(object)];
    if (event.type == WatchEvent::Type::Deleted) names.erase(nameOf(object));
    else names.insert(nameOf(object));
    if (names.empty()) budgets_.erase(namespaceOf(object));
    enqueueIfKind(event, "policy/v1", "PodDisruptionBudget");
    return;
  }
  // A pod, or a controller whose scale may be a budget's expectedPods: every budget of the
  // namespace looks again (most namespaces have none, and then this is one lookup).
  const auto budgets = budgets_.find(namespaceOf(object));
  if (budgets == budgets_.end()) return;
  for (const auto& name : budgets->second) queue().add(kube::ObjectKey{"policy", "PodDisruptionBudget", budgets->first, name});
}

std::int64_t DisruptionController::controllersScale(const std::vector<ObjectPtr>& pods, std::string& error) const {
  std::set<std::string> counted;
  std::int64_t scale = 0;
  for (const auto& pod : pods) {
    const Json* ref = controllerRef(*pod);
    ObjectPtr owner = ref != nullptr ? ctx_.store.findByUid(ref->value("uid", "")) : nullptr;
    if (owner && owner->value("kind", "") == "ReplicaSet") {
      const Json* up = controllerRef(*owner);
      if (up != nullptr && up->value("kind", "") == "Deployment") {
        if (auto deployment = ctx_.store.findByUid(up->value("uid", ""))) owner = deployment;
      }
    }
    const std::string kind = owner ? owner->value("kind", "") : "";
    if (kind != "ReplicaSet" && kind != "Deployment" && kind != "StatefulSet" && kind != "ReplicationController") {
      error = "found no controllers for pod \"" + nameOf(*pod) + "\"";
      return 0;
    }
    if (counted.insert(stringAt(*owner, {"metadata"_key, "uid"_key})).second) scale += intField(*owner, {"spec"_key, "replicas"_key}, 1);
  }
  return scale;
}

void DisruptionController::reconcile(const kube::ObjectKey& key) {
  auto found = ctx_.store.find(key);
  if (!found || terminating(*found)) return;
  const Json& budget = *found;
  const std::vector<ObjectPtr> pods = podsOfBudget(ctx_.store, budget);
  const Json& current = objectAt(budget, {"status"_key});
  // Evictions recorded by the Eviction API: until the pod is gone or being deleted, or two
  // minutes have passed, it does not count as healthy.
  Json disrupted = Json::object();
  std::int64_t nextExpiry = 0;
  for (const auto& [podName, since] : objectAt(current, {"disruptedPods"_key}).items()) {
    const auto it = std::find_if(pods.begin(), pods.end(), [&](const ObjectPtr& p) { return nameOf(*p) == podName; });
    const std::int64_t at = unixOf(since.is_string() ? since.get<std::string>() : "");
    if (it == pods.end() || terminating(**it) || at + kDisruptedPodTimeout <= nowUnix()) continue;
    disrupted[podName] = since;
    nextExpiry = nextExpiry == 0 ? at + kDisruptedPodTimeout : std::min(nextExpiry, at + kDisruptedPodTimeout);
  }
  std::int64_t healthy = 0;
  for (const auto& pod : pods) {
    if (podReady(*pod) && !terminating(*pod) && !disrupted.contains(nameOf(*pod))) ++healthy;
  }
  const Json& minAvailable = at(budget, {"spec"_key, "minAvailable"_key});
  const Json& maxUnavailable = at(budget, {"spec"_key, "maxUnavailable"_key});
  std::string error;
  std::int64_t expected = static_cast<std::int64_t>(pods.size());
  std::int64_t desired = 0;
  if (!maxUnavailable.is_null()) {
    expected = controllersScale(pods, error);
    desired = std::max<std::int64_t>(0, expected - scaledValue(maxUnavailable, expected, true));
  } else if (minAvailable.is_number_integer()) {
    desired = minAvailable.get<std::int64_t>();
  } else if (minAvailable.is_string()) {
    expected = controllersScale(pods, error);
    desired = scaledValue(minAvailable, expected, true);
  }
  Json status = current;
  status["observedGeneration"] = intField(budget, {"metadata"_key, "generation"_key}, 1);
  if (disrupted.empty()) status.erase("disruptedPods");
  else status["disruptedPods"] = disrupted;
  if (!error.empty()) {
    status["disruptionsAllowed"] = 0;
    setCondition(status, "DisruptionAllowed", "False", "SyncFailed", error, now(), false);
  } else {
    const std::int64_t allowed = std::max<std::int64_t>(0, healthy - desired);
    status["currentHealthy"] = healthy;
    status["desiredHealthy"] = desired;
    status["expectedPods"] = expected;
    status["disruptionsAllowed"] = allowed;
    setCondition(status, "DisruptionAllowed", allowed > 0 ? "True" : "False", allowed > 0 ? "SufficientPods" : "InsufficientPods", "", now(), false);
  }
  for (auto& condition : status["conditions"]) {
    if (condition.value("type", "") == "DisruptionAllowed") condition["observedGeneration"] = status["observedGeneration"];
  }
  if (status != current) ctx_.store.writeStatus(key, std::move(status));
  if (nextExpiry > 0) queue().addAfter(key, std::chrono::seconds(nextExpiry - nowUnix()));
}

}  // namespace gs::fake
