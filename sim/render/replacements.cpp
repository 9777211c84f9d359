#include "sim/render/replacements.hpp"

#include <optional>

#include "sim/core/yaml_scalar.hpp"
#include "sim/kube/label_selector.hpp"
#include "sim/render/field_path.hpp"

namespace gs::render {

namespace {

std::string describe(const ResIdSelector& id) {
  std::string out;
  auto add = [&](const char* what, const std::string& value) {
    if (!value.empty()) out += (out.empty() ? "" : ", ") + std::string(what) + " " + value;
  };
  add("group", id.group);
  add("version", id.version);
  add("kind", id.kind);
  add("name", id.name);
  add("namespace", id.namespace_);
  return out.empty() ? "an empty selector" : out;
}

bool idSelected(const Resource& r, const Selector& s) { return r.idSelectedBy(s.group, s.version, s.kind, s.name, s.namespace_); }

bool hasId(const Selector& s) { return !(s.group.empty() && s.version.empty() && s.kind.empty() && s.name.empty() && s.namespace_.empty()); }

bool labelsMatch(const Resource& r, const Selector& s) {
  const Json& meta = r.object.contains("metadata") ? r.object["metadata"] : Json();
  auto field = [&](const char* key) { return meta.is_object() ? meta.value(key, Json()) : Json(); };
  if (!s.labelSelector.empty() && !kube::LabelSelector::parse(s.labelSelector).matches(field("labels"))) return false;
  if (!s.annotationSelector.empty() && !kube::LabelSelector::parse(s.annotationSelector).matches(field("annotations"))) return false;
  return true;
}

bool targeted(const Resource& r, const ReplacementTarget& t) {
  if (!labelsMatch(r, t.select)) return false;
  for (const auto& reject : t.reject) {
    if ((!reject.labelSelector.empty() || !reject.annotationSelector.empty()) && labelsMatch(r, reject)) return false;
  }
  if (!idSelected(r, t.select)) return false;
  for (const auto& reject : t.reject) {
    if (hasId(reject) && idSelected(r, reject)) return false;
  }
  return true;
}

std::vector<std::string> split(const std::string& s, const std::string& delimiter) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t at; (at = s.find(delimiter, from)) != std::string::npos; from = at + delimiter.size()) out.push_back(s.substr(from, at - from));
  out.push_back(s.substr(from));
  return out;
}

std::string join(const std::vector<std::string>& parts, const std::string& delimiter) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : delimiter) + parts[i];
  return out;
}

// kustomize keeps a scalar target's type and copies only the source's text into it: a
// string target stays a string; a number or boolean target reads the text as YAML would,
// and text of another type is an error (kustomize's "cannot decode").
std::optional<Json> retyped(const Json& target, const std::string& text) {
  if (target.is_string()) return Json(text);
  Json value = resolvePlainScalar(text, YamlBooleans::Yaml12);
  const bool fits = target.is_number_integer() ? value.is_number_integer()
                    : target.is_number()       ? value.is_number()
                    : target.is_boolean()      ? value.is_boolean()
                                               : true;
  if (!fits) return std::nullopt;
  return value;
}

const char* yamlTag(const Json& v) {
  return v.is_number_integer() ? "!!int" : v.is_number() ? "!!float" : v.is_boolean() ? "!!bool" : "!!null";
}

class Replacer {
 public:
  Replacer(Resources& resources, const ReplacementError& error) : resources_(resources), error_(error) {}

  void run(const Replacement& r) {
    Json value = sourceValue(r);
    for (const auto& target : r.targets) {
      for (auto& resource : resources_) {
        if (targeted(resource, target)) applyTo(resource, r, target, value);
      }
    }
  }

 private:
  Json sourceValue(const Replacement& r) {
    const Resource* source = nullptr;
    const ResIdSelector& id = r.source.id;
    for (const auto& resource : resources_) {
      if (!resource.idSelectedBy(id.group, id.version, id.kind, id.name, id.namespace_)) continue;
      if (source != nullptr) throw error_(r, "multiple matches for the replacement source (" + describe(id) + ")");
      source = &resource;
    }
    if (source == nullptr) throw error_(r, "nothing selected by the replacement source (" + describe(id) + ")");
    const Json* found = lookupField(source->object, splitFieldPath(r.source.fieldPath));
    if (found == nullptr || found->is_null() || (found->is_structured() && found->empty())) {
      throw error_(r, "fieldPath `" + r.source.fieldPath + "` is missing for replacement source " + source->describe());
    }
    if (!r.source.options || r.source.options->delimiter.empty()) return *found;
    if (found->is_structured()) throw error_(r, "delimiter option can only be used with scalar nodes");
    const std::string text = scalarText(*found);
    const auto parts = split(text, r.source.options->delimiter);
    const std::int64_t index = r.source.options->index;
    if (index < 0 || index >= static_cast<std::int64_t>(parts.size())) {
      throw error_(r, "options.index " + std::to_string(index) + " is out of bounds for value " + text);
    }
    return Json(parts[static_cast<std::size_t>(index)]);
  }

  void applyTo(Resource& resource, const Replacement& r, const ReplacementTarget& target, const Json& value) {
    const bool create = target.options && target.options->create;
    for (const auto& fieldPath : target.fieldPaths) {
      const auto parts = splitFieldPath(fieldPath);
      std::vector<Json*> slots;
      try {
        slots = create ? lookupCreateFields(resource.object, parts, value.is_structured() ? Json(value.type()) : Json())
                       : matchFields(resource.object, parts);
      } catch (const Error& e) {
        throw error_(r, "unable to find or create field \"" + fieldPath + "\" in replacement target " + resource.describe() + ": " + e.message());
      }
      // A selected object must have the field (kustomize refuses a target it cannot find).
      if (slots.empty()) throw error_(r, "unable to find field \"" + fieldPath + "\" in replacement target " + resource.describe());
      // Labels and annotations are string maps: what is made there stays a string.
      const bool stringMap = parts.size() >= 2 && parts[0] == "metadata" && (parts[1] == "labels" || parts[1] == "annotations");
      for (Json* slot : slots) set(*slot, value, target, r, stringMap);
    }
  }

  void set(Json& slot, const Json& value, const ReplacementTarget& target, const Replacement& r, bool stringMap) {
    Json next = value;
    if (target.options && !target.options->delimiter.empty()) {
      if (slot.is_structured()) throw error_(r, "delimiter option can only be used with scalar nodes");
      auto parts = split(scalarText(slot), target.options->delimiter);
      const std::string v = scalarText(value);
      const std::int64_t index = target.options->index;
      if (index < 0) {
        parts.insert(parts.begin(), v);
      } else if (index >= static_cast<std::int64_t>(parts.size())) {
        parts.push_back(v);
      } else {
        parts[static_cast<std::size_t>(index)] = v;
      }
      next = join(parts, target.options->delimiter);
    }
    if (slot.is_structured()) {
      slot = next;  // a map or list is replaced whole
      return;
    }
    if (slot.is_null()) {
      // A field made (or null) has no type of its own: the text reads as YAML reads it.
      slot = next.is_structured() || stringMap || !next.is_string() ? next : resolvePlainScalar(next.get<std::string>(), YamlBooleans::Yaml12);
      return;
    }
    // A scalar keeps its type and takes the source's text (a map or list has none: "").
    const std::string text = next.is_structured() ? std::string() : scalarText(next);
    std::optional<Json> typed = retyped(slot, text);
    if (!typed) throw error_(r, "cannot decode !!str `" + text + "` as a " + yamlTag(slot) + " (the target field's type)");
    slot = std::move(*typed);
  }

  Resources& resources_;
  const ReplacementError& error_;
};

}  // namespace

void applyReplacements(Resources& resources, const std::vector<Replacement>& replacements, const ReplacementError& error) {
  Replacer replacer(resources, error);
  for (const auto& r : replacements) replacer.run(r);
}

}  // namespace gs::render
