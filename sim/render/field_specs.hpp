// kustomize's field specs: which paths of which kinds a transformer touches (labels,
// annotations, namespace, name references). A path is '/'-separated; lists on the way
// are walked element by element ("spec/volumeClaimTemplates[]/metadata/labels" or
// implicitly); `create` says whether missing maps on the way are created.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/json.hpp"

namespace gs::render {

struct FieldSpec {
  std::string group;    // empty: any group
  std::string version;  // empty: any version
  std::string kind;     // empty: any kind
  std::string path;
  bool create = false;
};

// True when `spec` applies to an object of this group, version and kind.
bool specMatches(const FieldSpec& spec, std::string_view group, std::string_view version, std::string_view kind);

// Calls `visit` with every value at `spec.path` in `object` (creating missing maps on
// the way when spec.create; the final value is created as null for `visit` to fill).
void visitField(Json& object, const FieldSpec& spec, const std::function<void(Json& value)>& visit);

// The built-in tables (kustomize's api/konfig/builtinpluginconsts).
const std::vector<FieldSpec>& commonLabelSpecs();      // labels incl. selectors and templates
const std::vector<FieldSpec>& templateLabelSpecs();    // labels of pod (and job) templates only
const std::vector<FieldSpec>& commonAnnotationSpecs();

}  // namespace gs::render
