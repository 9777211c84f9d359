// kustomize's name-reference fix-up: once every name is final (prefixes, suffixes,
// generator hashes), each field that refers to another object by name (a ConfigMap
// volume, a secretKeyRef, a serviceAccountName, a RoleBinding's roleRef and subjects, an
// HPA's scaleTargetRef, an Ingress backend, a StatefulSet's serviceName, ...) and holds
// that object's original name is rewritten to its final name, when the two objects are
// in the same namespace (or the referenced one is cluster-scoped).
#pragma once

#include "sim/render/transformers.hpp"

namespace gs::render {

void fixNameReferences(Resources& resources);

}  // namespace gs::render
