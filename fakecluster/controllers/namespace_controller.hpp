// What kube-controller-manager puts in every active namespace: the `default`
// ServiceAccount (serviceaccount-controller) and the `kube-root-ca.crt` ConfigMap
// (root-ca-cert-publisher), recreated if deleted.
#pragma once

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
};

}  // namespace gs::fake
