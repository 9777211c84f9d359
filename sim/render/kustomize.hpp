// A kustomize build, as `kubectl kustomize DIR` does it: resources (files and nested
// kustomizations, cycles detected), components, generators, then the transformers in
// kustomize's order (patches, namespace, prefix/suffix, labels, annotations, JSON 6902
// patches, replicas, images); at the top, generator hash suffixes and name references;
// output in kustomize's default (legacy) kind order.
#pragma once

#include <string>
#include <vector>

#include "sim/render/manifest_cache.hpp"
#include "sim/render/source.hpp"
#include "sim/render/transformers.hpp"

namespace gs::render {

// True when `dir` holds a kustomization file.
bool hasKustomization(const FileSource& source, const std::string& dir);

// Builds the kustomization in `dir`. Throws InvalidInput naming the kustomization file,
// line and field for anything wrong or unsupported.
std::vector<Json> kustomizeBuild(const FileSource& source, const std::string& dir, ManifestCache* manifests = nullptr);

// Sorts objects in kustomize's legacy order (kinds that must exist first, then by
// group/version/kind, namespace and name; webhooks last), or with the kinds of a
// kustomization's legacySortOptions first and last.
void sortLegacy(std::vector<Json>& objects, const SortOptions* options = nullptr);

}  // namespace gs::render
