// kustomize's transformer configurations (the `configurations` field): files that teach
// the built-in transformers more field specs (labels, annotations, namespace, name
// prefix/suffix, images, replicas, var references) and more name references (a custom
// resource's field naming a Service, say). A kustomization's configuration holds its own
// files merged with those of everything it accumulated (bases, components), as
// kustomize's accumulator merges them upwards; the built-in tables are merged in where a
// transformer uses them (effectiveSpecs), with kustomize's rule that a spec whose path is
// already covered by a spec selecting at least the same kinds is not added twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/render/field_specs.hpp"

namespace gs::render {

// Objects of kind `kind` (in `group`, `version`; empty: any) may be named by the fields
// in `fieldSpecs` of other objects.
struct NameReferenceConfig {
  std::string group;
  std::string version;
  std::string kind;
  std::vector<FieldSpec> fieldSpecs;
};

struct TransformerConfig {
  std::vector<FieldSpec> namePrefix;
  std::vector<FieldSpec> nameSuffix;
  std::vector<FieldSpec> namespace_;
  std::vector<FieldSpec> commonLabels;
  std::vector<FieldSpec> templateLabels;
  std::vector<FieldSpec> commonAnnotations;
  std::vector<FieldSpec> varReference;
  std::vector<FieldSpec> images;
  std::vector<FieldSpec> replicas;
  std::vector<NameReferenceConfig> nameReference;

  // Adds `other`'s specs (kustomize's TransformerConfig.Merge); throws InvalidInput on
  // two specs for the same field that disagree on `create`.
  void merge(const TransformerConfig& other);
};

class StrictReader;
// Parses a list of field specs ({group, version, kind, path, create}) at `pointer`.
std::vector<FieldSpec> parseFieldSpecs(const StrictReader& reader, const Json& v, const std::string& pointer);

// Parses a configuration file (strict: unknown fields are errors naming file and line).
TransformerConfig parseTransformerConfig(std::string_view text, const std::string& file);

// kustomize's FsSlice.MergeAll: `incoming` specs not already covered by `base` are appended.
std::vector<FieldSpec> mergeFieldSpecs(std::vector<FieldSpec> base, const std::vector<FieldSpec>& incoming);

// The specs of `custom` that the built-in table `builtin` does not already cover.
std::vector<FieldSpec> extraSpecs(const std::vector<FieldSpec>& builtin, const std::vector<FieldSpec>& custom);

// kustomize's built-in var reference fields (container args, command, env values, ...).
const std::vector<FieldSpec>& varReferenceSpecs();

}  // namespace gs::render
