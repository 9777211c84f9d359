#include "fakecluster/controllers/volume_binder.hpp"

#include "fakecluster/object_util.hpp"

namespace gs::fake {

void VolumeBinder::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "v1", "PersistentVolumeClaim")) queue().add(kube::objectKeyOf(object));
}

void VolumeBinder::reconcile(const kube::ObjectKey& key) {
  auto claim = ctx_.store.find(key);
  if (!claim) {
    // The claim is gone: so is its dynamically provisioned volume.
    ctx_.store.forEach("", "PersistentVolume", "", [&](const ObjectPtr& pv) {
      const Json& ref = at((*pv), {"spec", "claimRef"});
      if (ref.is_object() && ref.value("namespace", "") == key.ns && ref.value("name", "") == key.name) {
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
  if (terminating(pvc) || stringField(pvc, {"status"_key, "phase"_key}) == "Bound") return;
  const std::string volume = "pvc-" + pvc["metadata"].value("uid", "");
  const Json& spec = objectAt(pvc, {"spec"_key});
  const Json size = spec.value("/resources/requests/storage"_json_pointer, Json("1Gi"));
  const Json modes = spec.value("accessModes", Json::array({"ReadWriteOnce"}));
  const std::string storageClass = spec.value("storageClassName", "standard");
  if (!ctx_.store.find(kube::ObjectKey{"", "PersistentVolume", "", volume})) {
    Json pv = ctx_.store.create(Json{
        {"apiVersion", "v1"},
        {"kind", "PersistentVolume"},
        {"metadata", {{"name", volume}, {"annotations", {{"pv.kubernetes.io/provisioned-by", "rancher.io/local-path"}}}}},
        {"spec",
         {{"capacity", {{"storage", size}}},
          {"accessModes", modes},
          {"persistentVolumeReclaimPolicy", "Delete"},
          {"storageClassName", storageClass},
          {"volumeMode", spec.value("volumeMode", "Filesystem")},
          {"hostPath", {{"path", "/var/local-path-provisioner/" + volume + "_" + key.ns + "_" + key.name}, {"type", "DirectoryOrCreate"}}},
          {"claimRef", {{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"}, {"namespace", key.ns}, {"name", key.name},
                        {"uid", pvc["metadata"].value("uid", "")}}}}}});
    ctx_.store.writeStatus(kube::objectKeyOf(pv), Json{{"phase", "Bound"}});
    ctx_.events.normal(pvc, "rancher.io/local-path", "ProvisioningSucceeded",
                       "Successfully provisioned volume " + volume);
  }
  Json next = pvc;
  next["spec"]["volumeName"] = volume;
  auto& annotations = next["metadata"]["annotations"];
  if (!annotations.is_object()) annotations = Json::object();
  annotations["pv.kubernetes.io/bind-completed"] = "yes";
  annotations["pv.kubernetes.io/bound-by-controller"] = "yes";
  next["metadata"].erase("resourceVersion");
  ctx_.store.updateShared(std::move(next));
  ctx_.store.writeStatus(key, Json{{"phase", "Bound"}, {"accessModes", modes}, {"capacity", {{"storage", size}}}});
}

}  // namespace gs::fake
