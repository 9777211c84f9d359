// Structured-merge-diff's view of an object's fields, for field ownership
// (metadata.managedFields, FieldsV1): fields are leaf paths; lists that merge by key
// (containers by name, ports by port and protocol) are entered by key ("k:{...}"), other
// lists are owned whole. Used by server-side apply (fakecluster/http) and by the store's
// record of Update operations (managed_fields.hpp).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/kube/schema.hpp"

namespace gs::fake {

using FieldPath = std::vector<std::string>;  // FieldsV1 keys: "f:spec", "k:{\"name\":\"web\"}"
using FieldSet = std::set<FieldPath>;

// The leaf fields an object sets (apiVersion, kind, status and server-set metadata left out).
FieldSet fieldsOf(const Json& object, const kube::FieldSchema* schema);
// The value at a path, or nullopt.
std::optional<Json> valueAt(const Json& object, const FieldPath& path);
// Removes the value at a path (and maps or keyed elements left empty by it).
void removeAt(Json& object, const FieldPath& path);
// ".spec.template.spec.containers[name=\"web\"].image", as conflicts name fields.
std::string describe(const FieldPath& path);
// A set as a FieldsV1 object.
Json toFieldsV1(const FieldSet& fields);
// The set a FieldsV1 object lists (the inverse of toFieldsV1).
FieldSet fromFieldsV1(const Json& fieldsV1);
// Fields of `after` that differ from `before`, and fields `before` had that `after` lacks.
FieldSet changedFields(const Json& before, const Json& after, const kube::FieldSchema* schema);

}  // namespace gs::fake
