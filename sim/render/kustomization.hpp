// A kustomization file (kustomization.yaml / .yml / Kustomization) parsed strictly into
// the fields gitops-sim supports. Unknown fields are errors naming the file, line and
// field, as kustomize's own strict decoding does; known kustomize fields outside the
// supported subset (helmCharts, remote resources, plugins...) are
// "not supported" errors, never silently ignored.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/json.hpp"
#include "sim/core/yaml.hpp"
#include "sim/render/field_specs.hpp"

namespace gs::render {

using StringMap = std::map<std::string, std::string>;

struct GeneratorOptions {
  StringMap labels;
  StringMap annotations;
  std::optional<bool> disableNameSuffixHash;
  std::optional<bool> immutable;
};

// One configMapGenerator / secretGenerator entry.
struct GeneratorArgs {
  std::string name;
  std::string namespace_;
  std::string behavior = "create";  // create, merge, replace
  std::vector<std::string> literals;
  std::vector<std::string> files;
  std::vector<std::string> envs;
  std::string type;  // Secret type (Opaque when empty)
  std::optional<GeneratorOptions> options;
  std::string pointer;  // where the entry is in the kustomization, for messages
  // A configMapGenerator / secretGenerator entry takes the kustomization's
  // generatorOptions too; a built-in generator plugin's config only its own.
  bool globalOptions = true;
};

struct ImageSpec {
  std::string name;
  std::optional<std::string> newName;
  std::optional<std::string> newTag;
  std::optional<std::string> digest;
  std::optional<std::string> tagSuffix;  // appended to the current tag when neither newTag nor digest is given
};

struct ReplicaSpec {
  std::string name;
  std::int64_t count = 0;
};

// A patch target selector (kustomize's types.Selector).
struct Selector {
  std::string group;
  std::string version;
  std::string kind;
  std::string name;
  std::string namespace_;
  std::string labelSelector;
  std::string annotationSelector;
};

struct PatchSpec {
  std::string path;   // a file, relative to the kustomization
  std::string patch;  // inline text (YAML or JSON)
  std::optional<Selector> target;
  bool json6902 = false;  // from patchesJson6902 (must be a JSON patch)
  std::string pointer;    // where the entry is, for messages
};

// A resource id selector with exact matching (replacement sources, var objrefs).
struct ResIdSelector {
  std::string group;
  std::string version;
  std::string kind;
  std::string name;
  std::string namespace_;
};

// kustomize's types.FieldOptions (replacements).
struct FieldOptions {
  std::string delimiter;
  std::int64_t index = 0;
  bool create = false;
};

struct ReplacementSource {
  ResIdSelector id;
  std::string fieldPath;  // "metadata.name" when not given
  std::optional<FieldOptions> options;
};

struct ReplacementTarget {
  Selector select;
  std::vector<Selector> reject;
  std::vector<std::string> fieldPaths;
  std::optional<FieldOptions> options;
};

struct Replacement {
  ReplacementSource source;
  std::vector<ReplacementTarget> targets;
  std::string file;     // where it is written, for messages
  std::string pointer;  // its place in that file
  SourceLocation where;
};

// A `replacements` entry: inline, or a file holding one replacement or a list of them.
struct ReplacementEntry {
  std::string path;
  std::optional<Replacement> inlined;
  std::string pointer;
};

// A (deprecated) var: $(name) in the var-reference fields becomes the value at
// fieldPath of the one object whose original id matches `target`.
struct Var {
  std::string name;
  ResIdSelector target;
  std::string fieldPath = "metadata.name";
  std::string pointer;
  SourceLocation where;  // of the var in its kustomization, for errors after the build
};

struct LabelSpec {
  StringMap pairs;
  bool includeSelectors = false;
  bool includeTemplates = false;
  std::vector<FieldSpec> fields;  // more fields to label
};

// sortOptions (only the top-level kustomization's count): fifo keeps the order objects
// were accumulated in; legacy sorts by kind, orderFirst and orderLast replacing
// kustomize's default lists when legacySortOptions is given.
struct SortOptions {
  bool fifo = false;
  std::optional<std::vector<std::string>> orderFirst;
  std::optional<std::vector<std::string>> orderLast;
};

struct Kustomization {
  std::string file;  // source path of the kustomization file (as displayed; the only field that names the revision)
  std::string dir;   // its folder
  bool component = false;
  std::vector<std::string> resources;
  std::vector<std::string> components;
  std::string namespace_;
  std::string namePrefix;
  std::string nameSuffix;
  StringMap commonLabels;
  std::vector<LabelSpec> labels;
  StringMap commonAnnotations;
  std::vector<ImageSpec> images;
  std::vector<ReplicaSpec> replicas;
  std::vector<PatchSpec> patches;  // patches, then patchesStrategicMerge, then patchesJson6902
  std::vector<GeneratorArgs> configMapGenerator;
  std::vector<GeneratorArgs> secretGenerator;
  GeneratorOptions generatorOptions;
  std::vector<std::string> configurations;  // transformer configuration files
  std::vector<Var> vars;
  std::vector<ReplacementEntry> replacements;
  std::optional<SortOptions> sortOptions;
  std::vector<std::string> buildMetadata;  // originAnnotations, managedByLabel
  // Built-in plugin configurations (apiVersion: builtin): each entry a file, a folder
  // with a kustomization, or the YAML text itself (builtin_plugins.hpp).
  std::vector<std::string> generators;
  std::vector<std::string> transformers;
  // openapi: `path` to an OpenAPI document whose schemas strategic merge patches use
  // instead of the built-in ones, or `version` (v1.21.2, the built-in one).
  StringMap openapi;
  std::shared_ptr<const PositionIndex> positions;

  // file:line:col of a field (JSON pointer into the kustomization).
  SourceLocation locate(std::string_view pointer) const;
  // An InvalidInput error about the field at `pointer`.
  Error error(std::string_view pointer, const std::string& message) const;
};

// The names kustomize looks for, in its order.
inline const char* const kKustomizationFileNames[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};

// Parses a kustomization file's text; `file` and `dir` are the source paths used in
// messages and for resolving relative references.
Kustomization parseKustomization(std::string_view text, const std::string& file, const std::string& dir);

// Parses a file named by a `replacements` entry's path: one replacement or a list.
std::vector<Replacement> parseReplacementFile(std::string_view text, const std::string& file);

// The pieces of a kustomization that built-in plugin configurations share, each read at
// `pointer` with `reader`'s strict rules.
class StrictReader;
Selector parseSelector(const StrictReader& reader, const Json& v, const std::string& pointer);
Replacement parseReplacement(const StrictReader& reader, const Json& v, const std::string& pointer);
GeneratorOptions parseGeneratorOptions(const StrictReader& reader, const Json& v, const std::string& pointer);
// behavior, literals, files, envs, env, type (secrets) and options of a generator entry.
void parseGeneratorSources(const StrictReader& reader, const Json& v, const std::string& pointer, bool secret, GeneratorArgs& into);
ImageSpec parseImage(const StrictReader& reader, const Json& v, const std::string& pointer);

}  // namespace gs::render
