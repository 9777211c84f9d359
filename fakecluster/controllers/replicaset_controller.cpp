#include "fakecluster/controllers/replicaset_controller.hpp"

#include <algorithm>

#include "fakecluster/controllers/pod_factory.hpp"
#include "fakecluster/label_selector.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

void ReplicaSetController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (enqueueIfKind(event, "apps/v1", "ReplicaSet")) return;
  if (is(object, "v1", "Pod")) {
    enqueueOwner(object, "apps", "ReplicaSet");
  }
}

void ReplicaSetController::reconcile(const kube::ObjectKey& key) {
  auto current = ctx_.store.find(key);
  if (!current) {
    createFailures_.erase(key);
    return;
  }
  const Json& rs = *current;
  const std::string uid = rs["metadata"].value("uid", "");
  std::vector<ObjectPtr> active;
  for (const auto& podKey : ctx_.store.dependentKeys(uid)) {
    if (podKey.kind != "Pod" || !podKey.group.empty()) continue;
    auto pod = ctx_.store.find(podKey);
    if (pod && controllerUid(*pod) == uid && podActive(*pod)) active.push_back(pod);
  }
  const std::int64_t replicas = intField(rs, {"spec"_key, "replicas"_key}, 1);
  std::string failure;
  if (!terminating(rs)) {
    auto diff = static_cast<std::int64_t>(active.size()) - replicas;
    if (diff < 0) {
      const Json& podTemplate = objectAt(rs["spec"], {"template"_key});
      for (std::int64_t i = 0; i < -diff; ++i) {
        try {
          ObjectPtr pod = ctx_.store.createShared(podFromTemplate(podTemplate, rs));
          ctx_.events.normal(rs, name(), "SuccessfulCreate", "Created pod: " + (*pod)["metadata"]["name"].get<std::string>());
          active.push_back(std::move(pod));
        } catch (const ApiError& e) {
          failure = e.what();
          ctx_.events.warning(rs, name(), "FailedCreate", std::string("Error creating: ") + e.what());
          break;
        }
      }
    } else if (diff > 0) {
      std::sort(active.begin(), active.end(), [](const ObjectPtr& a, const ObjectPtr& b) { return deleteBefore(*a, *b); });
      for (std::int64_t i = 0; i < diff; ++i) {
        const Json& pod = *active[static_cast<std::size_t>(i)];
        const auto podKey = kube::objectKeyOf(pod);
        try {
          ctx_.store.removeShared("", "Pod", podKey.ns, podKey.name);
          ctx_.events.normal(rs, name(), "SuccessfulDelete", "Deleted pod: " + podKey.name);
        } catch (const ApiError& e) {
          if (e.code() != 404) {
            failure = e.what();
            ctx_.events.warning(rs, name(), "FailedDelete", std::string("Error deleting: ") + e.what());
          }
        }
      }
      active.erase(active.begin(), active.begin() + diff);
    }
  }
  // Status, as calculateStatus computes it.
  const std::int64_t minReady = intField(rs, {"spec"_key, "minReadySeconds"_key}, 0);
  const Json& templateLabels = at(rs, {"spec"_key, "template"_key, "metadata"_key, "labels"_key});
  std::int64_t fullyLabeled = 0, ready = 0, available = 0, count = 0;
  bool waitingForAvailability = false;
  for (const auto& pod : active) {
    if (!pod) continue;
    ++count;
    const Json& labels = objectAt((*pod)["metadata"], {"labels"});
    bool all = true;
    for (auto it = templateLabels.begin(); it != templateLabels.end(); ++it) {
      if (!labels.contains(it.key()) || labels[it.key()] != it.value()) all = false;
    }
    if (all) ++fullyLabeled;
    if (podReady(*pod)) {
      ++ready;
      if (podAvailable(*pod, minReady, nowUnix())) ++available;
      else waitingForAvailability = true;
    }
  }
  auto latest = ctx_.store.find(key);
  if (!latest) return;
  Json status = (*latest).value("status", Json::object());
  status["replicas"] = count;
  status["fullyLabeledReplicas"] = fullyLabeled;
  status["readyReplicas"] = ready;
  status["availableReplicas"] = available;
  status["observedGeneration"] = (*latest)["metadata"].value("generation", 1);
  if (!failure.empty()) {
    setCondition(status, "ReplicaFailure", "True", "FailedCreate", failure, now(), false);
  } else {
    removeCondition(status, "ReplicaFailure");
  }
  omitZeroCounts(status, {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"});  // replicas stays
  ctx_.store.writeStatus(key, std::move(status));
  if (waitingForAvailability) queue().addAfter(key, std::chrono::seconds(minReady));
  if (failure.empty()) {
    createFailures_.erase(key);
  } else {
    // client-go's default controller rate limiter: 5 ms, doubling per failure, at most 1000 s.
    const int failures = createFailures_[key]++;
    const auto delay = std::min<std::int64_t>(1000000, std::int64_t{5} << std::min(failures, 30));
    queue().addAfter(key, std::chrono::milliseconds(delay));
  }
}

}  // namespace gs::fake
