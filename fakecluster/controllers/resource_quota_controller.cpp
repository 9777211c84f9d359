#include "fakecluster/controllers/resource_quota_controller.hpp"

#include "fakecluster/object_util.hpp"
#include "fakecluster/resource_quota.hpp"

namespace gs::fake {

void ResourceQuotaController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (quotasByNamespace_.empty() && !is(object, "v1", "ResourceQuota")) return;  // the common case: no quotas at all
  const std::string& ns = stringAt(object, {"metadata"_key, "namespace"_key});
  if (is(object, "v1", "ResourceQuota")) {
    const auto key = kube::objectKeyOf(object);
    if (event.type == WatchEvent::Type::Deleted) {
      quotasByNamespace_[ns].erase(key);
      if (quotasByNamespace_[ns].empty()) quotasByNamespace_.erase(ns);
      return;
    }
    const bool known = quotasByNamespace_[ns].insert(key).second == false;
    // Its own status writes need no recount; a new or changed spec does.
    if (!known || event.type == WatchEvent::Type::Added || at(object, {"status"_key, "hard"_key}) != at(object, {"spec"_key, "hard"_key})) {
      queue().add(key);
    }
    return;
  }
  auto quotas = quotasByNamespace_.find(ns);
  if (quotas == quotasByNamespace_.end()) return;
  for (const auto& key : quotas->second) queue().add(key);
}

void ResourceQuotaController::reconcile(const kube::ObjectKey& key) {
  const ObjectPtr quota = ctx_.store.find(key);
  if (!quota || terminating(*quota)) return;
  Json status = computedQuotaStatus(ctx_.store, *quota);
  if (status != quota->value("status", Json::object())) ctx_.store.writeStatus(key, std::move(status));
  queue().addAfter(key, std::chrono::minutes(5));
}

}  // namespace gs::fake
