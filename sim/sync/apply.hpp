// Client-side apply as `kubectl apply` (and Argo CD's default sync) does it: the object
// is created with the `kubectl.kubernetes.io/last-applied-configuration` annotation, or
// updated with a three-way patch: desired fields are set, fields that were applied last
// time but are gone from desired are removed (list elements by their merge key), and
// fields only the cluster or other actors set are kept.
#pragma once

#include "fakecluster/cluster_client.hpp"
#include "sim/core/json.hpp"
#include "sim/diff/ignore.hpp"

namespace gs::sync {

inline constexpr const char* kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

// The object `live` becomes when `desired` is applied over it (`live` may be null).
Json clientSideApplied(const Json& live, const Json& desired);

struct ApplyOptions {
  bool dryRun = false;
  // Replace=true: the object is replaced (PUT of desired as written) instead of applied.
  bool replace = false;
  // The fieldValidation directive the write carries. gitops-engine's kubectl apply sends
  // none (it sets kubectl's client-side validator, which defers to a server that supports
  // field validation), so the server's default, Warn, applies whatever Argo CD's Validate
  // option says: unknown fields are dropped and the warnings go unseen.
  fake::FieldValidation fieldValidation = fake::FieldValidation::Warn;
  // RespectIgnoreDifferences=true: the fields these rules ignore keep their live values.
  std::vector<diff::IgnoreRule> respectIgnored;
};

// Applies `desired` through the cluster (create, or update by client-side apply or
// replace); returns the stored object. API errors (409 conflict, 422 invalid, ...)
// propagate as fake::ApiError.
Json applyObject(fake::ClusterClient& cluster, const Json& desired, const ApplyOptions& options = {});

// Copies into `desired` the live values of the fields `rules` ignore (where live has them).
void keepIgnoredFields(Json& desired, const Json& live, const std::vector<diff::IgnoreRule>& rules);

}  // namespace gs::sync
