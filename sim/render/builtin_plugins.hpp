// kustomize's built-in plugins, configured by the `generators` and `transformers` fields
// of a kustomization: each configuration is an object with `apiVersion: builtin` and the
// plugin's kind (ConfigMapGenerator, SecretGenerator; LabelTransformer,
// AnnotationsTransformer, NamespaceTransformer, PrefixSuffixTransformer, PrefixTransformer,
// SuffixTransformer, ImageTagTransformer, ReplicaCountTransformer, PatchTransformer,
// PatchStrategicMergeTransformer, PatchJson6902Transformer, ReplacementTransformer,
// HashTransformer). Each runs with exactly the field specs its configuration gives, as
// kustomize's plugins do; the Builder (kustomize.cpp) loads the configurations and runs
// generators after the kustomization's own, transformers after its own.
#pragma once

#include <memory>
#include <string>

#include "sim/core/json.hpp"
#include "sim/core/yaml.hpp"
#include "sim/render/kustomization.hpp"
#include "sim/render/patches.hpp"
#include "sim/render/source.hpp"
#include "sim/render/transformers.hpp"

namespace gs::render {

// One plugin configuration and where it was written.
struct PluginConfig {
  Json object;
  std::string file;        // as displayed, for messages
  std::string sourcePath;  // its file as a source path ("" when written inline)
  std::shared_ptr<const PositionIndex> positions;  // of that file, when known
  std::string entry;       // its entry in the kustomization ("/transformers/0")
};

// True for a configuration of one of kustomize's built-in plugins.
bool isBuiltinPlugin(const Json& object);

// The generator entry a ConfigMapGenerator or SecretGenerator configuration stands for
// (`secret` tells which). Throws InvalidInput for any other kind or a malformed field.
GeneratorArgs builtinGeneratorArgs(const PluginConfig& config, const Kustomization& k, bool& secret);

// Runs one built-in transformer configuration over `resources`. Throws InvalidInput for a
// generator or unknown kind, a malformed field, or the transformer's own failures.
// Patches use `schemas` as applyPatch does.
void runBuiltinTransformer(Resources& resources, const PluginConfig& config, const Kustomization& k, const FileSource& source,
                           PatchSchemas* schemas);

}  // namespace gs::render
