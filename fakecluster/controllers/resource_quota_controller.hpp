// The resource quota controller: keeps each ResourceQuota's status (hard from spec, used
// counted over its namespace, resource_quota.hpp) current as objects come and go, and
// recounts every 5 minutes (its full resync) for kinds it does not watch.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class ResourceQuotaController final : public Controller {
 public:
  explicit ResourceQuotaController(ControllerContext& ctx) : Controller(ctx, "resourcequota-controller", 59) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override {
    return {"ResourceQuota", "Pod", "Service", "ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment", "ReplicaSet", "StatefulSet",
            "DaemonSet", "Job", "CronJob", "Ingress"};
  }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  std::map<std::string, std::set<kube::ObjectKey>> quotasByNamespace_;
};

}  // namespace gs::fake
