// The PersistentVolumeClaimResize admission plugin: a claim's storage request may grow only
// when the claim is bound, its StorageClass sets allowVolumeExpansion, and its volume's
// plugin can be resized. kind's default class (local-path, hostPath volumes) allows none,
// so raising a claim's size in Git fails its sync there, as it does here.
#pragma once

#include "fakecluster/object_store.hpp"

namespace gs::fake {

// Checks an update of `claim` over `old`; throws ApiError 403 Forbidden.
void admitClaimResize(const ObjectStore& store, const Json& claim, const Json& old);

}  // namespace gs::fake
