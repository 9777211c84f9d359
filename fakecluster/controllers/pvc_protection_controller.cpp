#include "fakecluster/controllers/pvc_protection_controller.hpp"

#include <algorithm>

#include "fakecluster/controllers/volume_scheduling.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

bool hasProtection(const Json& claim) {
  const Json& finalizers = at(claim, {"metadata"_key, "finalizers"_key});
  return finalizers.is_array() && std::find(finalizers.begin(), finalizers.end(), kPvcProtectionFinalizer) != finalizers.end();
}

// A pod that holds its claims: scheduled and not finished (podIsShutDown's complement).
bool usesItsClaims(const Json& pod) {
  const std::string& phase = stringAt(pod, {"status"_key, "phase"_key});
  return !stringAt(pod, {"spec"_key, "nodeName"_key}).empty() && phase != "Succeeded" && phase != "Failed";
}

}  // namespace

void PvcProtectionController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "v1", "PersistentVolumeClaim")) {
    const auto key = kube::objectKeyOf(object);
    if (event.type != WatchEvent::Type::Deleted && terminating(object) && hasProtection(object)) {
      deleting_.insert(key);
      queue().add(key);
    } else {
      deleting_.erase(key);
    }
    return;
  }
  // Pod changes matter only while some claim waits for its last user to go: most of the
  // time none does, and a pod change costs one test.
  if (deleting_.empty()) return;
  if (!is(object, "v1", "Pod") || (event.type != WatchEvent::Type::Deleted && usesItsClaims(object))) return;
  // A pod that went or finished may have been the last user of a claim being deleted.
  const std::string& ns = stringAt(object, {"metadata"_key, "namespace"_key});
  for (const auto& name : claimNames(object)) {
    const auto claim = deleting_.find(kube::ObjectKey{"", "PersistentVolumeClaim", ns, name});
    if (claim != deleting_.end()) queue().add(*claim);
  }
}

void PvcProtectionController::reconcile(const kube::ObjectKey& key) {
  auto claim = ctx_.store.find(key);
  if (!claim || !terminating(*claim) || !hasProtection(*claim)) return;
  bool inUse = false;
  ctx_.store.forEach("", "Pod", key.ns, [&](const ObjectPtr& pod) {
    if (!inUse && usesItsClaims(*pod)) {
      const auto names = claimNames(*pod);
      inUse = std::find(names.begin(), names.end(), key.name) != names.end();
    }
  });
  if (inUse) return;  // a pod's change brings it back here
  Json next = *claim;
  Json& finalizers = next["metadata"]["finalizers"];
  finalizers.erase(std::remove(finalizers.begin(), finalizers.end(), Json(kPvcProtectionFinalizer)), finalizers.end());
  updateOrRetry(key, std::move(next));
}

}  // namespace gs::fake
