// kustomize's name-reference fix-up: once every name is final (prefixes, suffixes,
// generator hashes), each field that refers to another object by name (a ConfigMap
// volume, a secretKeyRef, a serviceAccountName, a RoleBinding's roleRef and subjects, an
// HPA's scaleTargetRef, an Ingress backend, a StatefulSet's serviceName, ...) and holds
// that object's original name is rewritten to its final name, when the two objects are
// in the same namespace (or the referenced one is cluster-scoped). A configuration
// (`configurations` files) may add references, a custom resource's fields say.
#pragma once

#include "sim/render/transformers.hpp"

namespace gs::render {

// `config` adds the name references of the build's configuration files.
void fixNameReferences(Resources& resources, const TransformerConfig& config);

}  // namespace gs::render
