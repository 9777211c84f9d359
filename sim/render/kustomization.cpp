#include "sim/render/kustomization.hpp"

#include <set>

namespace gs::render {

namespace {

// Fields of kustomize's Kustomization type that gitops-sim does not implement.
const std::set<std::string> kUnsupported = {
    "openapi",       "openAPI",    "replacements",     "vars",          "crds",
    "helmGlobals",   "helmCharts", "helmChartInflationGenerator",        "configurations",
    "generators",    "transformers", "validators",     "buildMetadata", "sortOptions"};

class Parser {
 public:
  Parser(Kustomization& k) : k_(k) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const { throw k_.error(pointer, message); }

  std::string string(const Json& v, const std::string& pointer) const {
    if (!v.is_string()) fail(pointer, "expected a string, got " + std::string(v.type_name()));
    return v.get<std::string>();
  }

  bool boolean(const Json& v, const std::string& pointer) const {
    if (!v.is_boolean()) fail(pointer, "expected true or false, got " + std::string(v.type_name()));
    return v.get<bool>();
  }

  std::vector<std::string> strings(const Json& v, const std::string& pointer) const {
    std::vector<std::string> out;
    if (v.is_null()) return out;
    if (!v.is_array()) fail(pointer, "expected a list of strings, got " + std::string(v.type_name()));
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(string(v[i], pointer + "/" + std::to_string(i)));
    return out;
  }

  StringMap stringMap(const Json& v, const std::string& pointer) const {
    StringMap out;
    if (v.is_null()) return out;
    if (!v.is_object()) fail(pointer, "expected a map of strings, got " + std::string(v.type_name()));
    for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = string(*it, pointer + "/" + it.key());
    return out;
  }

  void onlyKeys(const Json& v, const std::string& pointer, std::initializer_list<const char*> keys) const {
    if (!v.is_object()) fail(pointer, "expected a map, got " + std::string(v.type_name()));
    for (auto it = v.begin(); it != v.end(); ++it) {
      bool known = false;
      for (const char* k : keys) known = known || it.key() == k;
      if (!known) fail(pointer + "/" + it.key(), "unknown field \"" + it.key() + "\"");
    }
  }

  GeneratorOptions options(const Json& v, const std::string& pointer) const {
    onlyKeys(v, pointer, {"labels", "annotations", "disableNameSuffixHash", "immutable"});
    GeneratorOptions o;
    if (v.contains("labels")) o.labels = stringMap(v["labels"], pointer + "/labels");
    if (v.contains("annotations")) o.annotations = stringMap(v["annotations"], pointer + "/annotations");
    if (v.contains("disableNameSuffixHash")) o.disableNameSuffixHash = boolean(v["disableNameSuffixHash"], pointer + "/disableNameSuffixHash");
    if (v.contains("immutable")) o.immutable = boolean(v["immutable"], pointer + "/immutable");
    return o;
  }

  std::vector<GeneratorArgs> generators(const Json& v, const std::string& pointer, bool secret) const {
    std::vector<GeneratorArgs> out;
    if (v.is_null()) return out;
    if (!v.is_array()) fail(pointer, "expected a list of generators");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string p = pointer + "/" + std::to_string(i);
      const Json& g = v[i];
      if (secret) {
        onlyKeys(g, p, {"name", "namespace", "behavior", "literals", "files", "envs", "env", "type", "options"});
      } else {
        onlyKeys(g, p, {"name", "namespace", "behavior", "literals", "files", "envs", "env", "options"});
      }
      GeneratorArgs a;
      a.pointer = p;
      if (g.contains("name")) a.name = string(g["name"], p + "/name");
      if (a.name.empty()) fail(p, "a generator needs a name");
      if (g.contains("namespace")) a.namespace_ = string(g["namespace"], p + "/namespace");
      if (g.contains("behavior")) a.behavior = string(g["behavior"], p + "/behavior");
      if (a.behavior.empty()) a.behavior = "create";
      if (a.behavior != "create" && a.behavior != "merge" && a.behavior != "replace") {
        fail(p + "/behavior", "unknown behavior \"" + a.behavior + "\" (create, merge or replace)");
      }
      if (g.contains("literals")) a.literals = strings(g["literals"], p + "/literals");
      if (g.contains("files")) a.files = strings(g["files"], p + "/files");
      if (g.contains("envs")) a.envs = strings(g["envs"], p + "/envs");
      if (g.contains("env")) a.envs.push_back(string(g["env"], p + "/env"));
      if (g.contains("type")) a.type = string(g["type"], p + "/type");
      if (g.contains("options")) a.options = options(g["options"], p + "/options");
      out.push_back(std::move(a));
    }
    return out;
  }

  Selector selector(const Json& v, const std::string& pointer) const {
    onlyKeys(v, pointer, {"group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"});
    Selector s;
    auto field = [&](const char* key, std::string& out) {
      if (v.contains(key)) out = string(v[key], pointer + "/" + key);
    };
    field("group", s.group);
    field("version", s.version);
    field("kind", s.kind);
    field("name", s.name);
    field("namespace", s.namespace_);
    field("labelSelector", s.labelSelector);
    field("annotationSelector", s.annotationSelector);
    return s;
  }

  void patches(const Json& v, const std::string& pointer, bool legacyJson) const {
    if (v.is_null()) return;
    if (!v.is_array()) fail(pointer, "expected a list of patches");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string p = pointer + "/" + std::to_string(i);
      const Json& e = v[i];
      onlyKeys(e, p, {"path", "patch", "target", "options"});
      PatchSpec spec;
      spec.pointer = p;
      spec.json6902 = legacyJson;
      if (e.contains("path")) spec.path = string(e["path"], p + "/path");
      if (e.contains("patch")) spec.patch = string(e["patch"], p + "/patch");
      if (spec.path.empty() == spec.patch.empty()) fail(p, "a patch needs exactly one of path and patch");
      if (e.contains("target") && !e["target"].is_null()) spec.target = selector(e["target"], p + "/target");
      if (legacyJson && !spec.target) fail(p, "a patchesJson6902 entry needs a target");
      if (e.contains("options")) fail(p + "/options", "patch options (allowNameChange, allowKindChange) are not supported by gitops-sim");
      k_.patches.push_back(std::move(spec));
    }
  }

  void parse(const Json& root) {
    if (root.is_null()) return;  // an empty kustomization is valid
    if (!root.is_object()) fail("", "a kustomization must be a map");
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string& key = it.key();
      const std::string p = "/" + key;
      const Json& v = *it;
      if (kUnsupported.count(key) != 0) fail(p, "\"" + key + "\" is not supported by gitops-sim (docs/rendering.md lists what is)");
      if (key == "apiVersion") {
        std::string api = string(v, p);
        if (api != "kustomize.config.k8s.io/v1beta1" && api != "kustomize.config.k8s.io/v1alpha1") {
          fail(p, "unknown apiVersion \"" + api + "\" (kustomize.config.k8s.io/v1beta1, or v1alpha1 for a Component)");
        }
      } else if (key == "kind") {
        std::string kind = string(v, p);
        if (kind != "Kustomization" && kind != "Component") fail(p, "kind must be Kustomization or Component, not \"" + kind + "\"");
        k_.component = kind == "Component";
      } else if (key == "metadata") {
        // name/annotations of the kustomization itself: no effect on the output
      } else if (key == "resources" || key == "bases") {
        for (auto& r : strings(v, p)) k_.resources.push_back(std::move(r));
      } else if (key == "components") {
        k_.components = strings(v, p);
      } else if (key == "namespace") {
        k_.namespace_ = string(v, p);
      } else if (key == "namePrefix") {
        k_.namePrefix = string(v, p);
      } else if (key == "nameSuffix") {
        k_.nameSuffix = string(v, p);
      } else if (key == "commonLabels") {
        k_.commonLabels = stringMap(v, p);
      } else if (key == "commonAnnotations") {
        k_.commonAnnotations = stringMap(v, p);
      } else if (key == "labels") {
        if (!v.is_array()) fail(p, "expected a list of label sets");
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string q = p + "/" + std::to_string(i);
          onlyKeys(v[i], q, {"pairs", "includeSelectors", "includeTemplates", "fields"});
          if (v[i].contains("fields")) fail(q + "/fields", "custom label fields are not supported by gitops-sim");
          LabelSpec l;
          if (v[i].contains("pairs")) l.pairs = stringMap(v[i]["pairs"], q + "/pairs");
          if (v[i].contains("includeSelectors")) l.includeSelectors = boolean(v[i]["includeSelectors"], q + "/includeSelectors");
          if (v[i].contains("includeTemplates")) l.includeTemplates = boolean(v[i]["includeTemplates"], q + "/includeTemplates");
          k_.labels.push_back(std::move(l));
        }
      } else if (key == "images" || key == "imageTags") {  // imageTags: the deprecated name
        if (!v.is_array()) fail(p, "expected a list of images");
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string q = p + "/" + std::to_string(i);
          onlyKeys(v[i], q, {"name", "newName", "newTag", "digest", "tagSuffix"});
          if (v[i].contains("tagSuffix")) fail(q + "/tagSuffix", "tagSuffix is not supported by gitops-sim");
          ImageSpec img;
          if (v[i].contains("name")) img.name = string(v[i]["name"], q + "/name");
          if (img.name.empty()) fail(q, "an image entry needs a name");
          if (v[i].contains("newName")) img.newName = string(v[i]["newName"], q + "/newName");
          if (v[i].contains("newTag")) img.newTag = string(v[i]["newTag"], q + "/newTag");
          if (v[i].contains("digest")) img.digest = string(v[i]["digest"], q + "/digest");
          k_.images.push_back(std::move(img));
        }
      } else if (key == "replicas") {
        if (!v.is_array()) fail(p, "expected a list of replica counts");
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string q = p + "/" + std::to_string(i);
          onlyKeys(v[i], q, {"name", "count"});
          ReplicaSpec r;
          if (v[i].contains("name")) r.name = string(v[i]["name"], q + "/name");
          if (!v[i].contains("count") || !v[i]["count"].is_number_integer()) fail(q + "/count", "expected an integer count");
          r.count = v[i]["count"].get<std::int64_t>();
          k_.replicas.push_back(std::move(r));
        }
      } else if (key == "patches") {
        patches(v, p, false);
      } else if (key == "patchesStrategicMerge") {
        for (std::size_t i = 0; i < (v.is_array() ? v.size() : 0); ++i) {
          const std::string q = p + "/" + std::to_string(i);
          std::string text = string(v[i], q);
          PatchSpec spec;
          spec.pointer = q;
          // A string with a line break (or a map) is an inline patch, else a file path.
          if (text.find('\n') != std::string::npos || text.find(':') != std::string::npos) {
            spec.patch = text;
          } else {
            spec.path = text;
          }
          k_.patches.push_back(std::move(spec));
        }
        if (!v.is_null() && !v.is_array()) fail(p, "expected a list of patches");
      } else if (key == "patchesJson6902") {
        patches(v, p, true);
      } else if (key == "configMapGenerator") {
        k_.configMapGenerator = generators(v, p, false);
      } else if (key == "secretGenerator") {
        k_.secretGenerator = generators(v, p, true);
      } else if (key == "generatorOptions") {
        k_.generatorOptions = options(v, p);
      } else {
        fail(p, "unknown field \"" + key + "\"");
      }
    }
  }

 private:
  Kustomization& k_;
};

}  // namespace

SourceLocation Kustomization::locate(std::string_view pointer) const {
  if (!positions) return SourceLocation{file, 0, 0};
  return positions->locate(file, pointer);
}

Error Kustomization::error(std::string_view pointer, const std::string& message) const {
  const SourceLocation where = locate(pointer);
  std::string key(pointer);
  for (auto& c : key) c = c == '/' ? '.' : c;
  if (!key.empty() && key.front() == '.') key.erase(0, 1);
  return Error::invalid(message, where, key);
}

Kustomization parseKustomization(std::string_view text, const std::string& file, const std::string& dir) {
  Kustomization k;
  k.file = file;
  k.dir = dir;
  YamlLoadOptions options;
  options.recordPositions = true;
  YamlDocument doc = loadYamlDocument(text, file, options);
  k.positions = std::make_shared<const PositionIndex>(std::move(doc.positions));
  Parser(k).parse(doc.value);
  return k;
}

}  // namespace gs::render
