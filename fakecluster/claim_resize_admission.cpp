#include "fakecluster/claim_resize_admission.hpp"

#include "fakecluster/object_util.hpp"
#include "sim/kube/quantity.hpp"

namespace gs::fake {

namespace {

// GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName.
std::string claimClass(const Json& claim) {
  const Json& annotated = at(claim, {"metadata"_key, "annotations"_key, "volume.beta.kubernetes.io/storage-class"});
  if (annotated.is_string()) return annotated.get<std::string>();
  return stringAt(claim, {"spec"_key, "storageClassName"_key});
}

}  // namespace

void admitClaimResize(const ObjectStore& store, const Json& claim, const Json& old) {
  const auto sizeNow = kube::Quantity::fromJson(at(claim, {"spec"_key, "resources"_key, "requests"_key, "storage"}));
  const auto sizeBefore = kube::Quantity::fromJson(at(old, {"spec"_key, "resources"_key, "requests"_key, "storage"}));
  if (!sizeNow || *sizeNow <= sizeBefore.value_or(kube::Quantity{})) return;
  auto forbidden = [&](const std::string& why) {
    return ApiError(403, "Forbidden", "persistentvolumeclaims \"" + stringAt(old, {"metadata"_key, "name"_key}) + "\" is forbidden: " + why);
  };
  if (stringAt(old, {"status"_key, "phase"_key}) != "Bound") throw forbidden("Only bound persistent volume claims can be expanded");
  const std::string name = claimClass(claim);
  bool allowed = !name.empty() && name == claimClass(old);
  if (allowed) {
    const ObjectPtr storageClass = store.find(kube::ObjectKey{"storage.k8s.io", "StorageClass", "", name});
    allowed = storageClass && at(*storageClass, {"allowVolumeExpansion"}) == Json(true);
  }
  if (!allowed) throw forbidden("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
}

}  // namespace gs::fake
