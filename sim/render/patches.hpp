// kustomize patches: strategic merge (with the built-in kinds' merge keys) and JSON 6902,
// inline or from a file, applied to the resources a target selector picks (group,
// version, kind, anchored-regex name and namespace, label and annotation selectors), or
// for a strategic merge patch without a target, to the object the patch itself names.
#pragma once

#include "sim/render/kustomization.hpp"
#include "sim/render/source.hpp"
#include "sim/render/transformers.hpp"

namespace gs::render {

// Applies one patch entry of `k` to `resources`. Throws InvalidInput naming the
// kustomization and entry for a missing file, a malformed patch, or a target that
// matches nothing.
void applyPatch(Resources& resources, const Kustomization& k, const PatchSpec& patch, const FileSource& source);

// True when `r` is picked by the selector.
bool selects(const Selector& selector, const Resource& r);

}  // namespace gs::render
