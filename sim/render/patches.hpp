// kustomize patches: strategic merge (with the built-in kinds' merge keys) and JSON 6902,
// inline or from a file, applied to the resources a target selector picks (group,
// version, kind, anchored-regex name and namespace, label and annotation selectors), or
// for a strategic merge patch without a target, to the object the patch itself names.
#pragma once

#include <memory>

#include "sim/kube/openapi_schemas.hpp"

#include "sim/render/kustomization.hpp"
#include "sim/render/source.hpp"
#include "sim/render/transformers.hpp"

namespace gs::render {

// The schemas strategic merge patches use, one per build as kyaml's is one per process:
// kustomize's built-in Kubernetes v1.21 schema, or the custom one an `openapi` field
// names. A custom schema set before any merge has read the built-in one replaces it
// (kinds it does not define have no schema); set later (by a base, after a sibling's
// patches), it only overrides the kinds it defines.
struct PatchSchemas {
  std::shared_ptr<const kube::OpenApiSchemas> custom;
  bool customOnly = false;
  bool builtinRead = false;  // a merge has read the built-in schema

  void setCustom(std::shared_ptr<const kube::OpenApiSchemas> schemas) {
    custom = std::move(schemas);
    customOnly = !builtinRead;
  }
  const kube::FieldSchema* find(const std::string& group, const std::string& version, const std::string& kind);
};

// Applies one patch entry of `k` to `resources`; strategic merges take their schema from
// `schemas` (nullptr: the built-in one). Throws InvalidInput naming the kustomization and
// entry for a missing file, a malformed patch, or a target that matches nothing.
void applyPatch(Resources& resources, const Kustomization& k, const PatchSpec& patch, const FileSource& source, PatchSchemas* schemas = nullptr);

// True when `r` is picked by the selector.
bool selects(const Selector& selector, const Resource& r);

}  // namespace gs::render
