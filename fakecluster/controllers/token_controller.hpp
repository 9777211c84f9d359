// The tokens controller of kube-controller-manager for legacy service-account token
// Secrets (type kubernetes.io/service-account-token, annotated
// kubernetes.io/service-account.name): it fills their data with `ca.crt`, `namespace`
// and a `token` (a JWT-shaped string; deterministic, signed by nobody: the simulated
// API server checks no tokens), annotates the account's uid, and deletes such a Secret
// whose account does not exist (or was recreated with another uid).
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class TokenController final : public Controller {
 public:
  explicit TokenController(ControllerContext& ctx) : Controller(ctx, "serviceaccount-token-controller", 6) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Secret", "ServiceAccount"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;
};

// The root CA every namespace's kube-root-ca.crt and every token Secret carries.
extern const char* const kClusterRootCa;

}  // namespace gs::fake
