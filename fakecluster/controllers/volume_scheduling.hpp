// What a pod's PersistentVolumeClaims ask of the scheduler (kube-scheduler's
// VolumeBinding plugin): a claim that is missing or being deleted, or unbound with an
// Immediate binding mode, keeps the pod unschedulable; a bound volume with node affinity
// (local-path volumes are tied to their node) limits the nodes the pod fits; an unbound
// claim of a WaitForFirstConsumer class is provisioned on the node chosen for the pod:
// the scheduler marks it with volume.kubernetes.io/selected-node and binds the pod once
// the claim is Bound.
#pragma once

#include <string>
#include <vector>

#include "fakecluster/object_store.hpp"

namespace gs::fake {

inline constexpr const char* kSelectedNodeAnnotation = "volume.kubernetes.io/selected-node";

struct PodVolumes {
  std::string unschedulable;            // why no node can take the pod, e.g. persistentvolumeclaim "data" not found
  std::vector<ObjectPtr> boundVolumes;  // bound PersistentVolumes with required node affinity
  std::vector<kube::ObjectKey> toProvision;  // WaitForFirstConsumer claims no node was chosen for yet
  bool awaitingBinding = false;              // a claim was given a node and is not Bound yet

  bool constrained() const { return !boundVolumes.empty(); }
  // Whether every bound volume's node affinity admits `node`.
  bool fit(const Json& node) const;
};

PodVolumes podVolumes(const ObjectStore& store, const Json& pod);

// The claim names a pod's volumes refer to.
std::vector<std::string> claimNames(const Json& pod);

}  // namespace gs::fake
