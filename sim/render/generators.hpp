// kustomize's configMapGenerator and secretGenerator: data from literals, files and env
// files; generator options (labels, annotations, immutable, no hash); behavior merge
// and replace against a generator of a base; and the content-hash name suffix, computed
// exactly as kustomize computes it (sha256 of a Go-encoded JSON of kind, type and data,
// first 10 hex digits with vowel-free substitutions).
#pragma once

#include <string>

#include "sim/render/kustomization.hpp"
#include "sim/render/resource.hpp"
#include "sim/render/source.hpp"

namespace gs::render {

// The ConfigMap (or Secret) of one generator entry, without its hash suffix.
Resource generate(const FileSource& source, const Kustomization& k, const GeneratorArgs& args, bool secret);

// Applies `overlay` (behavior merge or replace) to `base`, a generated resource of a base.
void mergeGenerated(Resource& base, const Resource& overlay, const std::string& behavior);

// The 10-character suffix kustomize appends to a generated ConfigMap or Secret name.
std::string generatedNameHash(const Json& object);

// A JSON string as Go's encoding/json writes it (HTML-safe escapes), for hashing.
std::string goJsonQuote(const std::string& text);

}  // namespace gs::render
