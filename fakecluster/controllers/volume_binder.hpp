// A dynamic provisioner and binder in one: every Pending PersistentVolumeClaim gets a
// PersistentVolume pvc-<claim uid> of the requested size and access modes and is
// Bound to it at once (as with kind's local-path provisioner and Immediate binding);
// deleting the claim deletes the volume (reclaim policy Delete).
// Not modelled: WaitForFirstConsumer, storage classes that fail to provision.
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class VolumeBinder final : public Controller {
 public:
  explicit VolumeBinder(ControllerContext& ctx) : Controller(ctx, "persistentvolume-binder-controller", 15) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"PersistentVolumeClaim"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;
};

}  // namespace gs::fake
