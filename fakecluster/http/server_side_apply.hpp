// Server-side apply (PATCH with application/apply-patch+yaml): the applied configuration
// is created when the object does not exist, otherwise merged into it (strategic merge
// for built-in kinds, JSON merge for custom resources), and the fields the same manager
// applied last time but no longer applies are removed. Partial: field ownership is kept
// only for this manager's own applies (no conflicts with other managers are reported,
// and metadata.managedFields is not returned); docs/serve.md says so.
#pragma once

#include <string>
#include <utility>

#include "fakecluster/cluster.hpp"

namespace gs::fake::http {

// Returns the stored object and whether it was created.
std::pair<Json, bool> serverSideApply(FakeCluster& cluster, const ResourceType& type, const std::string& ns, const std::string& name,
                                      Json applied, const std::string& manager, bool force, const WriteOptions& options);

}  // namespace gs::fake::http
