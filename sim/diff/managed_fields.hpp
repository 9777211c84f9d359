// Ignoring the fields a field manager owns (Argo CD's ignoreDifferences
// `managedFieldsManagers`): the FieldsV1 sets of live's managedFields entries for those
// managers say which fields to leave out of the comparison, on both sides.
#pragma once

#include <string>
#include <vector>

#include "sim/core/json.hpp"

namespace gs::diff {

// The union of the FieldsV1 sets owned by `managers` in `live`'s metadata.managedFields
// (any operation, any API version); null when they own nothing.
Json ownedFields(const Json& live, const std::vector<std::string>& managers);

// Removes from `value` every field the FieldsV1 set names: "f:<name>" members,
// "k:{...}" list elements by key fields, "v:<value>" set elements, "i:<n>" indexes; a
// node marked "." (owned itself) or a leaf is removed whole, as structured-merge-diff's
// RemoveItems does.
void removeOwnedFields(Json& value, const Json& fieldsV1);
// The part of a fieldsV1 set the manifest `value` also sets: Argo CD hides a trusted
// manager's field only where Git and live both have it (a field Git leaves out stays in
// the comparison, so removing `replicas` from Git still shows).
Json ownedFieldsPresentIn(const Json& fieldsV1, const Json& value);

}  // namespace gs::diff
