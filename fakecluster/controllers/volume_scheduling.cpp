#include "fakecluster/controllers/volume_scheduling.hpp"

#include "fakecluster/controllers/scheduler.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

std::vector<std::string> claimNames(const Json& pod) {
  std::vector<std::string> names;
  for (const auto& volume : at(pod, {"spec"_key, "volumes"_key})) {
    const std::string& claim = stringAt(volume, {"persistentVolumeClaim"_key, "claimName"_key});
    if (!claim.empty()) names.push_back(claim);
  }
  return names;
}

bool PodVolumes::fit(const Json& node) const {
  for (const auto& volume : boundVolumes) {
    if (!nodeSelectorTermsMatch(at(*volume, {"spec"_key, "nodeAffinity"_key, "required"_key, "nodeSelectorTerms"_key}), node)) return false;
  }
  return true;
}

PodVolumes podVolumes(const ObjectStore& store, const Json& pod) {
  PodVolumes result;
  const std::string& ns = stringAt(pod, {"metadata"_key, "namespace"_key});
  for (const auto& name : claimNames(pod)) {
    const ObjectPtr claim = store.find(kube::ObjectKey{"", "PersistentVolumeClaim", ns, name});
    if (!claim) {
      result.unschedulable = "persistentvolumeclaim \"" + name + "\" not found";
      return result;
    }
    if (terminating(*claim)) {
      result.unschedulable = "persistentvolumeclaim \"" + name + "\" is being deleted";
      return result;
    }
    if (stringAt(*claim, {"status"_key, "phase"_key}) == "Bound") {
      const ObjectPtr volume = store.find(kube::ObjectKey{"", "PersistentVolume", "", stringAt(*claim, {"spec"_key, "volumeName"_key})});
      if (volume && !at(*volume, {"spec"_key, "nodeAffinity"_key, "required"_key, "nodeSelectorTerms"_key}).empty()) {
        result.boundVolumes.push_back(volume);
      }
      continue;
    }
    const std::string& className = stringAt(*claim, {"spec"_key, "storageClassName"_key});
    const ObjectPtr storageClass = className.empty() ? nullptr : store.find(kube::ObjectKey{"storage.k8s.io", "StorageClass", "", className});
    if (!storageClass || storageClass->value("volumeBindingMode", "Immediate") != "WaitForFirstConsumer") {
      result.unschedulable = "pod has unbound immediate PersistentVolumeClaims";
      return result;
    }
    if (!stringAt(*claim, {"metadata"_key, "annotations"_key, kSelectedNodeAnnotation}).empty()) {
      result.awaitingBinding = true;
    } else {
      result.toProvision.push_back(kube::objectKeyOf(*claim));
    }
  }
  return result;
}

}  // namespace gs::fake
