// One object in a kustomize build, with the bookkeeping kustomize keeps beside it: the
// names it has had (name references are fixed from the original name to the final one),
// where it came from, and, for generated ConfigMaps and Secrets, how overlays may merge
// into it and whether it still needs its content-hash suffix.
#pragma once

#include <string>
#include <vector>

#include "sim/core/json.hpp"

namespace gs::render {

struct Resource {
  Json object;
  std::string origin;        // the file (or generator) it came from, for messages
  std::string originalName;  // the name it was declared or generated with
  std::string originalNamespace;
  std::vector<std::string> previousNames;       // every name before the current one, oldest first
  std::vector<std::string> previousNamespaces;  // likewise for namespaces
  std::vector<std::string> prefixes;            // namePrefix / nameSuffix applied to it, innermost first
  std::vector<std::string> suffixes;
  bool generated = false;    // by a configMapGenerator / secretGenerator
  bool needsHash = false;    // generated, and the hash suffix is still to be added
  std::vector<std::string> refVarNames;  // the vars whose objref names this object
  // Where it was declared, as a source path: the file, or for a generated object the
  // kustomization that generated it (buildMetadata's originAnnotations).
  std::string sourcePath;
  std::string generatorKind;  // ConfigMapGenerator or SecretGenerator
  std::string generatorName;  // a built-in generator plugin's metadata.name

  std::string apiVersion() const;
  std::string kind() const;
  std::string group() const;
  std::string version() const;
  std::string name() const;
  std::string namespace_() const;
  // Renames (or moves), remembering the old name (or namespace) as kustomize does.
  void setName(const std::string& name);
  void setNamespace(const std::string& ns);
  // The current or any previous name / namespace equals `value`.
  bool hadName(const std::string& value) const;
  bool hadNamespace(const std::string& value) const;
  // Whether one of the ids it has had is picked by `selector` (kustomize's
  // ResId.IsSelectedBy over the current and previous ids: exact name, effective namespace,
  // and the selector's non-empty group, version and kind).
  bool idSelectedBy(const std::string& group, const std::string& version, const std::string& kind, const std::string& name,
                    const std::string& ns) const;
  // "Deployment default/web" style, for messages.
  std::string describe() const;
};

// Makes a resource from a parsed object.
Resource makeResource(Json object, std::string origin);

}  // namespace gs::render
