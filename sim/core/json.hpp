// The value model of gitops-sim: every Kubernetes object, manifest and scenario value is an
// nlohmann::basic_json tree whose objects are SortedVectorMaps (keys iterate sorted, as with
// nlohmann::json's std::map, but each object is one contiguous block; read the reference rule
// in sorted_vector_map.hpp before holding a reference to a member across an insertion).
#pragma once

#include <nlohmann/json.hpp>

#include "sim/core/sorted_vector_map.hpp"

namespace gs {

using Json = nlohmann::basic_json<SortedVectorMap>;

}  // namespace gs

// How a Json value frees its tree. nlohmann's own destroy() moves every node of a tree
// through a heap-allocated stack (twice) before freeing it, so that a deeply nested value
// cannot overflow the call stack; with it, freeing values was a sixth of a fuzz case. This
// one empties the containers bottom-up instead, recursing to a bounded depth and going on
// with an explicit stack below it (sim/core/json.cpp). It replaces a private member of
// the library's json_value, for the version it was written against; with another
// version the library's own destroy() stands.
#if NLOHMANN_JSON_VERSION_MAJOR == 3 && NLOHMANN_JSON_VERSION_MINOR == 11 && NLOHMANN_JSON_VERSION_PATCH == 2
#define GS_JSON_BOTTOM_UP_DESTROY 1
template <>
void nlohmann::basic_json<gs::SortedVectorMap>::json_value::destroy(nlohmann::detail::value_t t);
#endif

namespace gs {

// Gives back the spare capacity of every object, array and string in the tree (they grow
// geometrically while built key by key). For values kept long, like the fake cluster's
// stored objects.
void shrinkToFit(Json& value);

// RFC 6901 escaping of one reference token ("a/b" -> "a~1b", "~" -> "~0").
std::string escapePointerToken(std::string_view token);

}  // namespace gs
