// Kubernetes strategic merge patch as a pure function, shared by the fake API server's
// PATCH and by kustomize's patches: maps merge, keyed lists merge by their merge key,
// other lists are replaced, null deletes, `$patch: delete|replace` and
// `$deleteFromPrimitiveList/<field>` directives; `$setElementOrder` and `$retainKeys`
// are accepted and ignored.
#pragma once

#include <span>

#include "sim/core/json.hpp"
#include "sim/kube/schema.hpp"

namespace gs::kube {

// Where a merged keyed list puts its elements: the API server keeps the original's
// order and appends new ones; kustomize (kyaml) puts the patch's elements first, in the
// patch's order, then the original elements the patch did not mention. PatchFirst is
// kyaml's merge in one more way: it knows only `$patch`, so `$retainKeys`,
// `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<list>` are kept as ordinary
// fields (kubectl kustomize prints them); and it matches list-map keys as written (see
// mergeKeyedListInPlace).
// GitOrder: kubectl apply of a whole manifest, whose patch carries `$setElementOrder` for
// each keyed list: the manifest's elements in its order, the server's own ones
// interleaved where they stood. (AppendNew honours explicit `$setElementOrder/<list>`
// directives the same way.)
enum class ListOrder { AppendNew, PatchFirst, GitOrder };

// True when two list elements have the same merge key (missing fields count as their
// fallback; the key "." compares whole elements).
bool sameMergeKey(const Json& a, const Json& b, std::span<const MergeKeyField> key);

// Strategic merge of `patch` into `original` with `schema` (null: plain maps and
// replaced lists). Returns null when the patch deletes the whole value.
Json strategicMerge(const Json& original, const Json& patch, const FieldSchema* schema, ListOrder order = ListOrder::AppendNew);

}  // namespace gs::kube
