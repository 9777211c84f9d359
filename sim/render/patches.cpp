#include "sim/render/patches.hpp"
#include "sim/core/json_lookup.hpp"

#include <optional>
#include <regex>

#include "sim/core/manifest.hpp"
#include "sim/kube/label_selector.hpp"
#include "sim/kube/schema.hpp"
#include "sim/kube/json_patch.hpp"
#include "sim/kube/strategic_merge.hpp"

namespace gs::render {

namespace {

// One selector field: kustomize matches it as an anchored regular expression. Most
// are plain names, compared as strings; the others are compiled once per patch.
class FieldPattern {
 public:
  explicit FieldPattern(const std::string& pattern) : pattern_(pattern) {
    if (pattern.empty() || pattern.find_first_of(".*+?[](){}|^$\\") == std::string::npos) return;
    try {
      regex_ = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      // Not a valid expression here: compared as a plain string.
    }
  }
  bool matches(const std::string& value) const {
    if (pattern_.empty()) return true;
    return regex_ ? std::regex_match(value, *regex_) : pattern_ == value;
  }

 private:
  std::string pattern_;
  std::optional<std::regex> regex_;
};

// JSON Patch (RFC 6902) as kustomize applies it (evanphx/json-patch), with its wording.
Json applyJsonPatch(const Json& object, const Json& ops, const Kustomization& k, const std::string& pointer, const Resource& r) {
  for (const Json& op : ops) {
    if (!op.is_object() || !op.contains("op") || !op.contains("path") || !op["path"].is_string()) {
      throw k.error(pointer, "a JSON 6902 operation needs op and path: " + op.dump());
    }
  }
  try {
    return kube::applyJsonPatch(object, ops);
  } catch (const kube::JsonPatchError& e) {
    throw k.error(pointer, "JSON 6902 patch does not apply to " + r.describe() + ": " + e.what());
  }
}

Json smp(const Json& object, const Json& patch, const Resource& r, PatchSchemas* schemas) {
  // A whole-document `$patch: replace` leaves the object as it is in kubectl kustomize.
  if (stringMember(patch, "$patch") == "replace") return object;
  const kube::FieldSchema* schema =
      schemas != nullptr ? schemas->find(r.group(), r.version(), r.kind()) : kube::kustomizeSchemaFor(r.group(), r.version(), r.kind());
  return kube::strategicMerge(object, patch, schema, kube::ListOrder::PatchFirst);
}

std::string effectiveNamespace(const Resource& r, const std::string& ns) {
  if (kustomizeClusterScoped(r.apiVersion(), r.kind())) return "_non_namespaceable_";
  return ns.empty() ? "default" : ns;
}

struct LoadedPatch {
  std::vector<Json> documents;  // one JSON patch (an array) or strategic merge patches
  bool isJson6902 = false;
};

LoadedPatch load(const PatchSpec& spec, const Kustomization& k, const FileSource& source) {
  std::string text = spec.patch;
  std::string file = k.file;
  if (!spec.path.empty()) {
    const std::string path = joinPath(k.dir, spec.path, k.file);
    if (!isReallyWithin(source, path, k.dir)) {
      throw k.error(spec.pointer, "security; file \"" + source.display(path) + "\" is not in or below \"" + source.display(k.dir) + "\"");
    }
    auto content = source.read(path);
    if (!content) throw k.error(spec.pointer + "/path", "patch file \"" + source.display(path) + "\" not found");
    text = *content;
    file = source.display(path);
  }
  LoadedPatch out;
  // A JSON patch goes through YAML-to-JSON (go-yaml v2): YAML 1.1 scalars (`yes` is true)
  // and a date kept as the text written. A strategic merge patch is read as kustomize
  // reads resources, its annotations ending as the text they were written with (kustomize
  // writes every annotation as a string; a null still deletes).
  YamlLoadOptions yaml, asJsonPatch;
  yaml.booleans = YamlBooleans::Yaml12;
  yaml.kustomizeTimestamps = true;
  yaml.kustomizeAnnotations = true;
  yaml.kustomizeAnnotationNullsStay = true;
  for (auto& doc : loadYamlDocuments(text, file, spec.json6902 ? asJsonPatch : yaml)) {
    if (doc.value.is_null()) continue;
    // A `List` of patches (handy for YAML anchors across them) is its items.
    if (doc.value.is_object() && stringMember(doc.value, "kind") == "List" && doc.value.contains("items") && doc.value["items"].is_array()) {
      for (auto& item : doc.value["items"]) out.documents.push_back(std::move(item));
      continue;
    }
    out.documents.push_back(std::move(doc.value));
  }
  if (spec.pointer.rfind("/patchesStrategicMerge", 0) == 0) {
    // kustomize reads patchesStrategicMerge patches as resources, whose labels and
    // annotations are string maps: a null value there becomes the string "null"
    // instead of deleting the key (only `patches` entries delete it).
    for (auto& d : out.documents) {
      if (!d.is_object() || !d.contains("metadata") || !d["metadata"].is_object()) continue;
      for (const char* field : {"labels", "annotations"}) {
        if (!d["metadata"].contains(field) || !d["metadata"][field].is_object()) continue;
        for (auto& v : d["metadata"][field]) {
          if (v.is_null()) v = "null";
        }
      }
    }
  }
  if (out.documents.empty()) throw k.error(spec.pointer, "the patch is empty");
  out.isJson6902 = out.documents.size() == 1 && out.documents[0].is_array();
  // A `patches` entry is a JSON patch only once read: read it again the JSON patch's way.
  if (out.isJson6902 && !spec.json6902) out.documents[0] = loadYamlDocument(text, file, asJsonPatch).value;
  // An empty list reads as a JSON patch and as an empty list of strategic merge patches:
  // kustomize refuses it for both kinds of entry.
  if (out.isJson6902 && out.documents[0].empty()) {
    throw k.error(spec.pointer, spec.json6902 ? "patch appears to be empty (JsonOp=[])" : "illegally qualifies as both an SM and JSON patch: [] (an empty list)");
  }
  if (spec.json6902 && !out.isJson6902) throw k.error(spec.pointer, "a patchesJson6902 patch must be a list of operations");
  for (const auto& d : out.documents) {
    if (!out.isJson6902 && !d.is_object()) throw k.error(spec.pointer, "a strategic merge patch must be a map");
  }
  return out;
}

class SelectorMatcher {
 public:
  explicit SelectorMatcher(const Selector& s)
      : group_(s.group), version_(s.version), kind_(s.kind), name_(s.name), namespace_(s.namespace_), hasNamespace_(!s.namespace_.empty()) {
    if (!s.labelSelector.empty()) labels_ = kube::LabelSelector::parse(s.labelSelector);
    if (!s.annotationSelector.empty()) annotations_ = kube::LabelSelector::parse(s.annotationSelector);
  }

  bool matches(const Resource& r) const {
    if (!group_.matches(r.group()) || !version_.matches(r.version()) || !kind_.matches(r.kind())) return false;
    if (!name_.matches(r.name()) && !name_.matches(r.originalName)) return false;
    if (hasNamespace_ && !namespace_.matches(effectiveNamespace(r, r.namespace_())) &&
        !namespace_.matches(effectiveNamespace(r, r.originalNamespace))) {
      return false;
    }
    const Json& meta = r.object.contains("metadata") ? r.object["metadata"] : Json();
    if (labels_ && !labels_->matches(meta.is_object() ? meta.value("labels", Json()) : Json())) return false;
    if (annotations_ && !annotations_->matches(meta.is_object() ? meta.value("annotations", Json()) : Json())) return false;
    return true;
  }

 private:
  FieldPattern group_, version_, kind_, name_, namespace_;
  bool hasNamespace_;
  std::optional<kube::LabelSelector> labels_, annotations_;
};

}  // namespace

bool selects(const Selector& s, const Resource& r) { return SelectorMatcher(s).matches(r); }

const kube::FieldSchema* PatchSchemas::find(const std::string& group, const std::string& version, const std::string& kind) {
  if (custom) {
    if (const auto* s = custom->find(group, version, kind)) return s;
    if (customOnly) return nullptr;
  }
  builtinRead = true;
  return kube::kustomizeSchemaFor(group, version, kind);
}

void applyPatch(Resources& resources, const Kustomization& k, const PatchSpec& spec, const FileSource& source, PatchSchemas* schemas) {
  LoadedPatch patch = load(spec, k, source);
  if (spec.target) {
    if (!patch.isJson6902 && patch.documents.size() > 1) {
      throw k.error(spec.pointer, "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field");
    }
    const SelectorMatcher matcher(*spec.target);
    for (auto& r : resources) {
      if (!matcher.matches(r)) continue;
      if (patch.isJson6902) {
        r.object = applyJsonPatch(r.object, patch.documents[0], k, spec.pointer, r);
      } else {
        for (Json doc : patch.documents) {
          // The target picks the objects; the patch's own identity is not applied.
          doc.erase("apiVersion");
          doc.erase("kind");
          if (doc.contains("metadata") && doc["metadata"].is_object()) {
            doc["metadata"].erase("name");
            doc["metadata"].erase("namespace");
          }
          r.object = smp(r.object, doc, r, schemas);
        }
      }
    }
    // A target that matches nothing is a no-op, as in kustomize.
    return;
  }
  if (patch.isJson6902) throw k.error(spec.pointer, "a JSON 6902 patch needs a target");
  for (const Json& doc : patch.documents) {
    const std::string kind = stringMember(doc, "kind");
    const Json& meta = doc.contains("metadata") && doc["metadata"].is_object() ? doc["metadata"] : Json::object();
    const std::string name = stringMember(meta, "name");
    const std::string ns = stringMember(meta, "namespace");
    const std::string apiVersion = stringMember(doc, "apiVersion");
    if (kind.empty() || name.empty()) {
      throw k.error(spec.pointer, "a strategic merge patch without a target must name its object (kind and metadata.name)");
    }
    Resource* match = nullptr;
    int count = 0;
    for (auto& r : resources) {
      if (r.kind() != kind || r.apiVersion() != apiVersion) continue;
      if (!r.hadName(name) || !r.hadNamespace(ns)) continue;
      match = &r;
      ++count;
    }
    if (count == 0) {
      // Say so when only the apiVersion differs: that is the usual mistake.
      std::string hint;
      for (const auto& r : resources) {
        if (r.kind() == kind && r.hadName(name) && r.hadNamespace(ns)) {
          hint = " (there is a " + kind + " " + name + " of apiVersion " + r.apiVersion() + ": a patch must name the apiVersion of its object)";
          break;
        }
      }
      throw k.error(spec.pointer, "no resource matches strategic merge patch for " + apiVersion + " " + kind + " " + (ns.empty() ? "" : ns + "/") +
                                      name + ": failed to find unique target for patch" + hint);
    }
    if (count > 1) throw k.error(spec.pointer, "the patch for " + kind + " " + name + " matches " + std::to_string(count) + " resources");
    Json body = doc;
    body["metadata"]["name"] = match->name();
    if (match->object["metadata"].contains("namespace")) body["metadata"]["namespace"] = match->object["metadata"]["namespace"];
    Json merged = smp(match->object, body, *match, schemas);
    if (merged.is_null()) {
      // `$patch: delete` at the top removes the object.
      resources.erase(resources.begin() + (match - resources.data()));
      continue;
    }
    match->object = std::move(merged);
  }
}

}  // namespace gs::render
