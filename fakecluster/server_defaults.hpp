// Defaults the API server's registry strategies add on create that depend on the new
// object's uid or on cluster state, beyond the static table in sim/kube/defaults:
// a Job's generated selector and controller-uid labels, and a Service's cluster IP
// (from 10.96.0.0/12, drawn from the seeded RNG as the real allocator draws at random)
// and node ports (30000-32767).
#pragma once

#include <set>
#include <string>

#include "sim/core/json.hpp"
#include "sim/core/rng.hpp"

namespace gs::fake {

// A new pod's status: Pending with its QoS class, and PodScheduled False/SchedulingGated
// while spec.schedulingGates is not empty (the scheduler leaves such a pod alone).
Json initialPodStatus(const Json& pod, const std::string& now);

// The namespace strategy labels every Namespace kubernetes.io/metadata.name with its name,
// on create and update (the store also creates it with spec.finalizers [kubernetes], which
// an update keeps: only the finalize subresource changes them). `meta` is its metadata.
void labelNamespace(Json& meta);

// spec.selector {matchLabels: {batch.kubernetes.io/controller-uid: uid}} and the
// controller-uid / job-name labels on the template, unless spec.manualSelector is true.
void defaultJobSelector(Json& job, const std::string& uid);
// Whether a StorageClass is marked as the cluster's default (the is-default-class
// annotation, or its beta form, set to "true").
bool isDefaultStorageClass(const Json& storageClass);
// The DefaultStorageClass admission plugin: a new PersistentVolumeClaim that names no
// storage class gets the default class's name, when there is one (an explicit "" stays).
void defaultStorageClass(Json& claim, const std::string& defaultClass);

class ServiceAllocator {
 public:
  explicit ServiceAllocator(Rng rng) : rng_(std::move(rng)) {}

  // Fills spec.clusterIP/clusterIPs/ipFamilies/ipFamilyPolicy and the node ports of a
  // new Service; keeps values the manifest set (and reserves them). Headless ("None")
  // and ExternalName Services get no address.
  void allocate(Json& service);
  // On update: values left empty are carried over from `old`, as the API server does.
  static void carryOver(Json& service, const Json& old);
  void release(const Json& service);

 private:
  std::string nextIp();
  int nextNodePort();
  Rng rng_;
  std::set<std::string> ips_;
  std::set<int> nodePorts_;
};

}  // namespace gs::fake
