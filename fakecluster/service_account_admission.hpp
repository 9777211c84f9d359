// Two admission plugins every pod passes: ServiceAccount (spec.serviceAccountName defaults
// to "default", the deprecated spec.serviceAccount mirrors it, and the account must exist
// in the pod's namespace: otherwise 403 "error looking up service account ns/name:
// serviceaccount "name" not found", so a workload whose ServiceAccount is not there yet
// gets FailedCreate until it is) and DefaultTolerationSeconds (pods tolerate the
// not-ready and unreachable NoExecute taints for 300 s unless they say otherwise).
// Not modelled: the kube-api-access projected volume the plugin mounts.
#pragma once

#include "fakecluster/object_store.hpp"

namespace gs::fake {

// Admits a new pod: fills the fields above; throws ApiError 403 for a missing account.
void admitServiceAccount(const ObjectStore& store, Json& pod);

}  // namespace gs::fake
