// ResourceQuota and LimitRange as the API server's admission plugins and the quota
// controller apply them:
// - LimitRanger: a new pod's containers get their namespace's LimitRange `default`
//   limits and `defaultRequest` requests for what they leave out (and the
//   kubernetes.io/limit-ranger annotation saying so); then a container's requests and
//   limits outside the ranges' `min` and `max` are 403 Forbidden ("maximum cpu usage per
//   Container is 1, but limit is 2").
// - ResourceQuota: creating an object that would take a namespace's usage over a quota's
//   hard limit is 403 Forbidden ("exceeded quota: compute, requested: requests.cpu=500m,
//   used: requests.cpu=1500m, limited: requests.cpu=2"); a pod that leaves out a
//   compute resource a quota limits is refused ("must specify ..."). Admission goes by
//   status.hard, so a quota limits nothing until the quota controller has seen it, and
//   a limit added to spec is "status unknown" (403) until it has been counted. Admitted
//   creates are charged to status.used at once, as the plugin does.
// Usage counted: pods (non-terminal: pods, count/pods, cpu/memory/ephemeral-storage
// requests and limits, init containers and overhead included), services (and
// loadbalancers, nodeports), configmaps, secrets, persistentvolumeclaims (and
// requests.storage, per storage class too), resourcequotas, and count/<resource> for
// every kind. Not modelled: quota scopes and scope selectors, LimitRange ratios and
// Pod or PersistentVolumeClaim ranges, extended resources.
#pragma once

#include <map>
#include <string>

#include "fakecluster/object_store.hpp"
#include "sim/kube/quantity.hpp"

namespace gs::fake {

using ResourceUsage = std::map<std::string, kube::Quantity>;

// What `object`, of `type`, counts against quotas.
ResourceUsage quotaUsage(const ResourceType& type, const Json& object);

// LimitRanger's defaults and checks for a new pod; throws ApiError 403.
void admitLimitRanges(const ObjectStore& store, Json& pod);

// ResourceQuota admission of a create; throws ApiError 403; charges the quotas unless
// `dryRun`.
void admitQuota(ObjectStore& store, const ResourceType& type, const Json& object, bool dryRun);

// A quota's status as the quota controller computes it: hard from spec, used counted
// over the namespace.
Json computedQuotaStatus(const ObjectStore& store, const Json& quota);

}  // namespace gs::fake
