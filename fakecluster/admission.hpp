// Validation the API server runs on every write of a built-in kind, with the field
// paths, reasons and messages a real server returns: object names, required fields,
// selector/template agreement, restart policies, and fields that are immutable once
// set (Deployment/ReplicaSet/DaemonSet/Job selectors, Job templates, most of a
// StatefulSet's spec, Service cluster IPs, PVC specs, immutable ConfigMaps/Secrets).
// Stateless; the store calls it before defaulting and storing.
#pragma once

#include "fakecluster/resource_registry.hpp"
#include "sim/core/json.hpp"

namespace gs::fake {

// Throws ApiError 422 Invalid (with one cause per problem) when `object` may not be
// written. `old` is the stored object on update, nullptr on create.
void validateWrite(const ResourceType& type, const Json& object, const Json* old);

// "Deployment.apps" / "ConfigMap": how an Invalid status names the kind.
std::string qualifiedKind(const ResourceType& type);

}  // namespace gs::fake
