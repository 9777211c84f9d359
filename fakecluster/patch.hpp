// The three patch formats of PATCH requests: RFC 6902 JSON Patch, RFC 7386 JSON merge
// patch, and Kubernetes strategic merge patch (maps merge, keyed lists merge by their
// merge key, other lists are replaced, null deletes, `$patch: delete|replace` and
// `$deleteFromPrimitiveList/<field>` directives; `$setElementOrder` is accepted and
// ignored). Strategic merge is defined only for built-in kinds, as on a real server.
#pragma once

#include <string_view>

#include "sim/core/json.hpp"
#include "sim/kube/schema.hpp"
#include "sim/kube/strategic_merge.hpp"

namespace gs::fake {

enum class PatchType { Json, Merge, Strategic };

// Parses a Content-Type ("application/json-patch+json", "application/merge-patch+json",
// "application/strategic-merge-patch+json"); throws ApiError 415 otherwise.
PatchType patchTypeFromContentType(std::string_view contentType);

// Applies a patch to `original`; throws ApiError (422 for a patch that does not apply,
// 415 for strategic merge on a kind without schema).
Json applyPatch(const Json& original, const Json& patch, PatchType type, const kube::FieldSchema* schema, bool builtin);


}  // namespace gs::fake
