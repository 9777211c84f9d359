// Normalization rules applied before comparing, each a small function of its own so
// each can be tested alone (gitops-engine's normalize-then-compare).
#pragma once

#include <optional>

#include "sim/core/json.hpp"
#include "sim/kube/defaults.hpp"

namespace gs::diff {

inline constexpr const char* kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
inline constexpr const char* kDeploymentRevisionAnnotation = "deployment.kubernetes.io/revision";
// The annotation's JSON pointer, the key path of the error a corrupt one raises.
inline constexpr const char* kLastAppliedPointer = "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration";

// Drops `status`.
void dropStatus(Json& object);
// Drops metadata the server owns: uid, resourceVersion, generation, creationTimestamp,
// managedFields, selfLink, deletionTimestamp, deletionGracePeriodSeconds.
void dropServerMetadata(Json& object);
// Drops the last-applied and deployment revision annotations (and an emptied map).
void dropBookkeepingAnnotations(Json& object);
// Secret: folds `stringData` into base64 `data` (sim/kube/defaults.hpp).
using kube::foldSecretStringData;
// Cluster-scoped kinds carry no namespace; a namespaced object without one gets
// `defaultNamespace` (when not empty).
void normalizeNamespace(Json& object, const std::string& defaultNamespace);

// All of the above, in order, and an Endpoints object's subsets sorted as gitops-engine's
// normalizeEndpoint sorts them: what both desired and live go through.
void normalizeObject(Json& object, const std::string& defaultNamespace = {});

// The object kubectl last applied, parsed from live's annotation; nullopt when absent
// (then the diff is two-way). Throws gs::Error (InvalidInput) when the annotation is not
// a JSON object, as Argo CD and kubectl refuse to diff against a corrupt one.
std::optional<Json> lastAppliedOf(const Json& live);
// The last-applied annotation's text (unparsed), or nullptr when live has none.
const std::string* lastAppliedText(const Json& live);

// Argo CD's resource-tracking annotation: Argo sets it on desired before comparing, so
// it is bookkeeping like last-applied.
inline constexpr const char* kArgoTrackingAnnotation = "argocd.argoproj.io/tracking-id";

// ClusterRoles with an aggregationRule get their rules from the aggregation controller;
// Argo CD's ignoreAggregatedRoles drops them from the comparison.
void dropAggregatedRules(Json& object);


}  // namespace gs::diff
