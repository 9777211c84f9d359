// Kubernetes manifests read from YAML/JSON files: each document must be an object with
// apiVersion and kind; `List` kinds are flattened into their items; every object keeps
// the file:line:col it came from.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/json.hpp"
#include "sim/core/yaml.hpp"

namespace gs {

struct Manifest {
  Json object;
  SourceLocation where;  // where the object starts
  // Positions of the document's values, and the object's pointer within it ("" or
  // "/items/3" for a flattened List item); shared by the objects of one document.
  std::shared_ptr<const PositionIndex> positions;
  std::string pointer;

  // The file:line:col of a field of this object (`fieldPointer` relative to the object),
  // or of its nearest recorded ancestor.
  SourceLocation locate(std::string_view fieldPointer) const;
};

// Parses a multi-document YAML (or JSON) text into manifests. A file whose name ends in
// ".json" must be strict JSON (no trailing commas, comments or YAML-only syntax). Throws gs::Error
// (InvalidInput) naming the file, line and field of the first bad document.
// `booleans`: YAML 1.1 words (kubectl) by default; YAML 1.2 for kustomize's resources,
// which also reads plain timestamps as kustomize prints them (YamlLoadOptions::kustomizeTimestamps).
std::vector<Manifest> parseManifests(std::string_view text, const std::string& file, YamlBooleans booleans = YamlBooleans::Yaml11);

// Reads a manifest file, or every *.yaml / *.yml / *.json file of a directory in name
// order (recursively when asked).
std::vector<Manifest> loadManifests(const std::string& path, bool recursive = false);

}  // namespace gs
