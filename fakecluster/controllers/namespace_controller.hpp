// What kube-controller-manager puts in every active namespace: the `default`
// ServiceAccount (serviceaccount-controller) and the `kube-root-ca.crt` ConfigMap
// (root-ca-cert-publisher), recreated if deleted; and the namespace controller's sweep of
// a terminating namespace, which deletes its contents two seconds after the delete.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class NamespaceController final : public Controller {
 public:
  explicit NamespaceController(ControllerContext& ctx) : Controller(ctx, "serviceaccount-controller", 5) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Namespace", "ServiceAccount", "ConfigMap"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  static constexpr std::chrono::seconds kSweepDelay{2};
  std::map<std::string, VirtualTime> sweepAt_;  // terminating namespaces, and when their sweep runs
};

}  // namespace gs::fake
