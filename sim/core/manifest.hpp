// Kubernetes manifests read from YAML/JSON files: each document must be an object with
// apiVersion and kind; `List` kinds are flattened into their items; every object keeps
// the file:line:col it came from.
#pragma once

#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/json.hpp"

namespace gs {

struct Manifest {
  Json object;
  SourceLocation where;
};

// Parses a multi-document YAML (or JSON) text into manifests. Throws gs::Error
// (InvalidInput) naming the file, line and field of the first bad document.
std::vector<Manifest> parseManifests(std::string_view text, const std::string& file);

// Reads a manifest file, or every *.yaml / *.yml / *.json file of a directory in name
// order (recursively when asked).
std::vector<Manifest> loadManifests(const std::string& path, bool recursive = false);

}  // namespace gs
