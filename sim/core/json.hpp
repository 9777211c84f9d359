// The value model of gitops-sim: every Kubernetes object, manifest and scenario value
// is an nlohmann::json tree (objects are std::map, so keys iterate sorted).
#pragma once

#include <nlohmann/json.hpp>

namespace gs {

using Json = nlohmann::json;

// RFC 6901 escaping of one reference token ("a/b" -> "a~1b", "~" -> "~0").
std::string escapePointerToken(std::string_view token);

}  // namespace gs
