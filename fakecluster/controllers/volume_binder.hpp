// A dynamic provisioner and binder in one: a Pending PersistentVolumeClaim whose
// StorageClass exists gets a PersistentVolume pvc-<claim uid> of the requested size and
// access modes from the class's provisioner, and is Bound to it: at once for an
// Immediate class, and for a WaitForFirstConsumer class (kind's default `standard`) only
// once the scheduler has chosen a node for a pod that uses it (the claim waits with a
// WaitForFirstConsumer event; the volume gets node affinity to that node, as
// local-path's do). Deleting the claim deletes the volume (the class's reclaim policy).
// A claim naming a class that does not exist stays Pending with ProvisioningFailed
// warnings until the class appears; one with no class (`""`, or none and no default
// class) waits for a volume nobody provisions.
// A bound claim whose storage request grew (the API server lets it only when its class
// sets allowVolumeExpansion) is expanded at once, as a CSI driver with online expansion
// does: the volume's and the claim's capacity become the request (external-resizer's
// Resizing and VolumeResizeSuccessful events).
// Not modelled: static volumes, provisioners that fail, expansion that fails or waits for
// a node (FileSystemResizePending).
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class VolumeBinder final : public Controller {
 public:
  explicit VolumeBinder(ControllerContext& ctx) : Controller(ctx, "persistentvolume-binder-controller", 15) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"PersistentVolumeClaim", "StorageClass"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  void expandIfAsked(const kube::ObjectKey& key, const Json& claim);
};

}  // namespace gs::fake
