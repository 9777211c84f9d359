#include "fakecluster/controllers/volume_binder.hpp"

#include "fakecluster/controllers/volume_scheduling.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/kube/quantity.hpp"

namespace gs::fake {

void VolumeBinder::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "v1", "PersistentVolumeClaim")) {
    queue().add(kube::objectKeyOf(object));
  } else if (is(object, "storage.k8s.io/v1", "StorageClass") && event.type != WatchEvent::Type::Deleted) {
    // A class that appears lets the claims waiting for it be provisioned.
    const std::string& name = stringAt(object, {"metadata"_key, "name"_key});
    ctx_.store.forEach("", "PersistentVolumeClaim", "", [&](const ObjectPtr& claim) {
      if (stringAt(*claim, {"spec"_key, "storageClassName"_key}) == name && stringAt(*claim, {"status"_key, "phase"_key}) != "Bound") {
        queue().add(kube::objectKeyOf(*claim));
      }
    });
  }
}

void VolumeBinder::reconcile(const kube::ObjectKey& key) {
  auto claim = ctx_.store.find(key);
  if (!claim) {
    // The claim is gone: so is its dynamically provisioned volume, unless its reclaim
    // policy keeps it (Released, as the volume controller marks it).
    ctx_.store.forEach("", "PersistentVolume", "", [&](const ObjectPtr& pv) {
      const Json& ref = at((*pv), {"spec", "claimRef"});
      if (ref.is_object() && ref.value("namespace", "") == key.ns && ref.value("name", "") == key.name) {
        if (stringAt(*pv, {"spec"_key, "persistentVolumeReclaimPolicy"_key}) == "Retain") {
          ctx_.loop.after(Duration(0), 15, "release volume", [this, volumeKey = kube::objectKeyOf(*pv)] {
            try {
              ctx_.store.writeStatus(volumeKey, Json{{"phase", "Released"}});
            } catch (const ApiError&) {
            }
          });
          return;
        }
        ctx_.loop.after(Duration(0), 15, "delete volume", [this, name = (*pv)["metadata"].value("name", "")] {
          try {
            ctx_.store.removeShared("", "PersistentVolume", "", name);
          } catch (const ApiError&) {
          }
        });
      }
    });
    return;
  }
  const Json& pvc = *claim;
  if (terminating(pvc)) return;
  if (stringAt(pvc, {"status"_key, "phase"_key}) == "Bound") return expandIfAsked(key, pvc);
  const std::string volume = "pvc-" + pvc["metadata"].value("uid", "");
  const Json& spec = objectAt(pvc, {"spec"_key});
  const Json size = spec.value("/resources/requests/storage"_json_pointer, Json("1Gi"));
  const Json modes = spec.value("accessModes", Json::array({"ReadWriteOnce"}));
  const std::string storageClass = spec.value("storageClassName", "");
  if (storageClass.empty()) {
    ctx_.events.normal(pvc, "persistentvolume-controller", "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
    return;
  }
  const ObjectPtr classObject = ctx_.store.find(kube::ObjectKey{"storage.k8s.io", "StorageClass", "", storageClass});
  if (!classObject) {
    ctx_.events.warning(pvc, "persistentvolume-controller", "ProvisioningFailed", "storageclass.storage.k8s.io \"" + storageClass + "\" not found");
    return;
  }
  const std::string provisioner = stringAt(*classObject, {"provisioner"_key});
  const std::string reclaimPolicy = classObject->value("reclaimPolicy", "Delete");
  const std::string& selectedNode = stringAt(pvc, {"metadata"_key, "annotations"_key, kSelectedNodeAnnotation});
  if (classObject->value("volumeBindingMode", "Immediate") == "WaitForFirstConsumer" && selectedNode.empty()) {
    // Provisioned only once the scheduler has placed a pod that uses it.
    ctx_.events.normal(pvc, "persistentvolume-controller", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
    return;
  }
  if (!ctx_.store.find(kube::ObjectKey{"", "PersistentVolume", "", volume})) {
    Json pv = Json{
        {"apiVersion", "v1"},
        {"kind", "PersistentVolume"},
        {"metadata", {{"name", volume}, {"annotations", {{"pv.kubernetes.io/provisioned-by", provisioner}}}}},
        {"spec",
         {{"capacity", {{"storage", size}}},
          {"accessModes", modes},
          {"persistentVolumeReclaimPolicy", reclaimPolicy},
          {"storageClassName", storageClass},
          {"volumeMode", spec.value("volumeMode", "Filesystem")},
          {"hostPath", {{"path", "/var/local-path-provisioner/" + volume + "_" + key.ns + "_" + key.name}, {"type", "DirectoryOrCreate"}}},
          {"claimRef", {{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"}, {"namespace", key.ns}, {"name", key.name},
                        {"uid", pvc["metadata"].value("uid", "")}}}}}};
    if (!selectedNode.empty()) {
      // A volume made for a node stays on it (local-path's node affinity).
      pv["spec"]["nodeAffinity"] = Json{
          {"required",
           {{"nodeSelectorTerms",
             Json::array({Json{{"matchExpressions", Json::array({Json{{"key", "kubernetes.io/hostname"}, {"operator", "In"}, {"values", Json::array({selectedNode})}}})}}})}}}};
    }
    pv = ctx_.store.create(std::move(pv));
    ctx_.store.writeStatus(kube::objectKeyOf(pv), Json{{"phase", "Bound"}});
    ctx_.events.normal(pvc, provisioner, "ProvisioningSucceeded",
                       "Successfully provisioned volume " + volume);
  }
  Json next = pvc;
  next["spec"]["volumeName"] = volume;
  auto& annotations = next["metadata"]["annotations"];
  if (!annotations.is_object()) annotations = Json::object();
  annotations["pv.kubernetes.io/bind-completed"] = "yes";
  annotations["pv.kubernetes.io/bound-by-controller"] = "yes";
  annotations["volume.beta.kubernetes.io/storage-provisioner"] = provisioner;
  annotations["volume.kubernetes.io/storage-provisioner"] = provisioner;
  next["metadata"].erase("resourceVersion");
  ctx_.store.updateShared(std::move(next));
  ctx_.store.writeStatus(key, Json{{"phase", "Bound"}, {"accessModes", modes}, {"capacity", {{"storage", size}}}});
}

void VolumeBinder::expandIfAsked(const kube::ObjectKey& key, const Json& claim) {
  const Json& requested = at(claim, {"spec"_key, "resources"_key, "requests"_key, "storage"});
  const auto wanted = kube::Quantity::fromJson(requested);
  const auto capacity = kube::Quantity::fromJson(at(claim, {"status"_key, "capacity"_key, "storage"}));
  const std::string& volumeName = stringAt(claim, {"spec"_key, "volumeName"_key});
  if (!wanted || (capacity && *wanted <= *capacity) || volumeName.empty()) return;
  const kube::ObjectKey volumeKey{"", "PersistentVolume", "", volumeName};
  const ObjectPtr volume = ctx_.store.find(volumeKey);
  if (!volume) return;
  const std::string resizer = stringAt(claim, {"metadata"_key, "annotations"_key, "volume.kubernetes.io/storage-provisioner"});
  ctx_.events.normal(claim, resizer.empty() ? "external-resizer" : "external-resizer " + resizer, "Resizing", "External resizer is resizing volume " + volumeName);
  Json grown = *volume;
  grown["spec"]["capacity"]["storage"] = requested;
  grown["metadata"].erase("resourceVersion");
  ctx_.store.updateShared(std::move(grown));
  Json status = objectAt(claim, {"status"_key});
  status["capacity"]["storage"] = requested;
  ctx_.store.writeStatus(key, std::move(status));
  ctx_.events.normal(claim, resizer.empty() ? "external-resizer" : "external-resizer " + resizer, "VolumeResizeSuccessful", "Resize volume succeeded");
}

}  // namespace gs::fake
