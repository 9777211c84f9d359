// OpenAPI v3 as a real API server publishes it (/openapi/v3 lists one document per group
// version; each document has the paths, with the fieldValidation parameter kubectl looks
// for before it validates on the server, and a schema per kind tagged with
// x-kubernetes-group-version-kind, which `kubectl explain` reads). Built-in kinds get
// their Go type's shape (sim/kube/api_types.hpp: every field and its type, one component
// per struct, no descriptions); custom resources their CRD's openAPIV3Schema.
// /openapi/v2 is not served (clients fall back to v3).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fakecluster/object_store.hpp"

namespace gs::fake::http {

// `path`: the segments after /openapi ({"v3"}, {"v3", "apis", "apps", "v1"}, ...).
std::optional<Json> openApiDocument(const ObjectStore& store, const std::vector<std::string>& path);

}  // namespace gs::fake::http
