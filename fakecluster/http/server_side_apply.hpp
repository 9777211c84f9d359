// Server-side apply (PATCH with application/apply-patch+yaml), with field managers and
// conflicts as structured-merge-diff has them: the applied configuration is created when
// the object does not exist, else merged into it (strategic merge for built-in kinds,
// JSON merge for custom resources); a field another manager owns with a different value
// is a 409 conflict unless force=true (then the applier takes it); fields this manager
// applied before and no longer applies are removed unless someone else owns them too.
// Simplified: ownership is tracked for writes through the REST layer only (the
// simulation's own controllers and the sync engine write to the store directly), and
// apply of a subresource is not supported.
#pragma once

#include <string>
#include <utility>

#include "fakecluster/cluster.hpp"
#include "fakecluster/http/field_ownership.hpp"

namespace gs::fake::http {

// Returns the stored object (with managedFields) and whether it was created.
std::pair<Json, bool> serverSideApply(FakeCluster& cluster, FieldOwnership& ownership, const ResourceType& type, const std::string& ns,
                                      const std::string& name, Json applied, const std::string& manager, bool force, const WriteOptions& options);

}  // namespace gs::fake::http
