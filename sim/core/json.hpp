// The value model of gitops-sim: every Kubernetes object, manifest and scenario value is an
// nlohmann::basic_json tree whose objects are SortedVectorMaps (keys iterate sorted, as with
// nlohmann::json's std::map, but each object is one contiguous block; read the reference rule
// in sorted_vector_map.hpp before holding a reference to a member across an insertion).
#pragma once

#include <nlohmann/json.hpp>

#include "sim/core/sorted_vector_map.hpp"

namespace gs {

using Json = nlohmann::basic_json<SortedVectorMap>;

// Gives back the spare capacity of every object, array and string in the tree (they grow
// geometrically while built key by key). For values kept long, like the fake cluster's
// stored objects.
void shrinkToFit(Json& value);

// RFC 6901 escaping of one reference token ("a/b" -> "a~1b", "~" -> "~0").
std::string escapePointerToken(std::string_view token);

}  // namespace gs
