// Storage object in-use protection for claims: the StorageObjectInUseProtection admission
// plugin gives every new PersistentVolumeClaim the `kubernetes.io/pvc-protection`
// finalizer (ObjectStore::create), and this controller (pvc-protection-controller) removes
// it from a claim being deleted once no pod uses it: a scheduled pod that has not
// finished. Until then the claim stays Terminating, as `kubectl delete pvc` shows on a
// real cluster while its pod runs. Not modelled: the PersistentVolume's
// `kubernetes.io/pv-protection`.
#pragma once

#include <set>
#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

inline constexpr const char* kPvcProtectionFinalizer = "kubernetes.io/pvc-protection";

class PvcProtectionController final : public Controller {
 public:
  explicit PvcProtectionController(ControllerContext& ctx) : Controller(ctx, "pvc-protection-controller", 14) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"PersistentVolumeClaim", "Pod"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  // Claims being deleted that still carry the finalizer, as their last change showed.
  std::set<kube::ObjectKey> deleting_;
};

}  // namespace gs::fake
