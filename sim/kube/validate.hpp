// Structural checks the API server would make before accepting a manifest, limited to
// what decides whether a diff means anything: string maps hold strings (labels,
// annotations, ConfigMap/Secret data), and fields the built-in schemas know as maps or
// lists have that shape. kubectl rejects such manifests; so do we, naming the field.
#pragma once

#include <optional>
#include <string>

#include "sim/core/json.hpp"

namespace gs::kube {

struct ValidationIssue {
  std::string pointer;  // JSON pointer of the offending value, relative to the object
  std::string message;
};

// The first problem found, or nullopt. With `scalarTypes` false only shapes are checked
// (maps and lists where the schemas have them, maps of strings being maps): a value of
// the wrong scalar type is left for the API server's decoding to refuse, as Argo CD's
// comparison leaves it.
std::optional<ValidationIssue> validateObject(const Json& object, bool scalarTypes = true);

}  // namespace gs::kube
