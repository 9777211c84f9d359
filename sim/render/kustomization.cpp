#include "sim/render/kustomization.hpp"

#include <set>

#include "sim/render/strict_reader.hpp"
#include "sim/render/transformer_config.hpp"

namespace gs::render {

namespace {

// Fields of kustomize's Kustomization type that gitops-sim does not implement.
const std::set<std::string> kUnsupported = {"crds", "helmCharts", "helmChartInflationGenerator", "validators"};

}  // namespace

Selector parseSelector(const StrictReader& r, const Json& v, const std::string& pointer) {
  r.onlyKeys(v, pointer, {"group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"});
  Selector s;
  s.group = r.optionalString(v, "group", pointer);
  s.version = r.optionalString(v, "version", pointer);
  s.kind = r.optionalString(v, "kind", pointer);
  s.name = r.optionalString(v, "name", pointer);
  s.namespace_ = r.optionalString(v, "namespace", pointer);
  s.labelSelector = r.optionalString(v, "labelSelector", pointer);
  s.annotationSelector = r.optionalString(v, "annotationSelector", pointer);
  return s;
}

namespace {

std::optional<FieldOptions> fieldOptions(const StrictReader& r, const Json& v, const std::string& pointer) {
  if (v.is_null()) return std::nullopt;
  r.onlyKeys(v, pointer, {"delimiter", "index", "create", "encoding"});
  FieldOptions o;
  o.delimiter = r.optionalString(v, "delimiter", pointer);
  if (v.contains("index")) o.index = r.integer(v["index"], pointer + "/index");
  if (v.contains("create")) o.create = r.boolean(v["create"], pointer + "/create");
  if (!r.optionalString(v, "encoding", pointer).empty()) r.fail(pointer + "/encoding", "the encoding option is not supported by gitops-sim");
  return o;
}

}  // namespace

Replacement parseReplacement(const StrictReader& r, const Json& v, const std::string& pointer) {
  r.onlyKeys(v, pointer, {"source", "targets"});
  Replacement out;
  out.pointer = pointer;
  out.file = r.file();
  out.where = r.locate(pointer);
  if (!v.contains("source") || !v["source"].is_object() || !v.contains("targets") || v["targets"].is_null()) {
    r.fail(pointer, "replacements must specify a source and at least one target");
  }
  const Json& source = v["source"];
  const std::string sp = pointer + "/source";
  r.onlyKeys(source, sp, {"group", "version", "kind", "name", "namespace", "fieldPath", "options"});
  out.source.id.group = r.optionalString(source, "group", sp);
  out.source.id.version = r.optionalString(source, "version", sp);
  out.source.id.kind = r.optionalString(source, "kind", sp);
  out.source.id.name = r.optionalString(source, "name", sp);
  out.source.id.namespace_ = r.optionalString(source, "namespace", sp);
  out.source.fieldPath = r.optionalString(source, "fieldPath", sp);
  if (out.source.fieldPath.empty()) out.source.fieldPath = "metadata.name";
  if (source.contains("options")) out.source.options = fieldOptions(r, source["options"], sp + "/options");
  const Json& targets = v["targets"];
  if (!targets.is_array()) r.fail(pointer + "/targets", "expected a list of targets");
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const std::string tp = pointer + "/targets/" + std::to_string(i);
    const Json& t = targets[i];
    r.onlyKeys(t, tp, {"select", "reject", "fieldPaths", "options"});
    ReplacementTarget target;
    if (!t.contains("select") || t["select"].is_null()) r.fail(tp, "target must specify resources to select");
    target.select = parseSelector(r, t["select"], tp + "/select");
    if (t.contains("reject") && !t["reject"].is_null()) {
      if (!t["reject"].is_array()) r.fail(tp + "/reject", "expected a list of selectors");
      for (std::size_t j = 0; j < t["reject"].size(); ++j) {
        target.reject.push_back(parseSelector(r, t["reject"][j], tp + "/reject/" + std::to_string(j)));
      }
    }
    if (t.contains("fieldPaths")) target.fieldPaths = r.strings(t["fieldPaths"], tp + "/fieldPaths");
    if (target.fieldPaths.empty()) target.fieldPaths.push_back("metadata.name");
    if (t.contains("options")) target.options = fieldOptions(r, t["options"], tp + "/options");
    out.targets.push_back(std::move(target));
  }
  return out;
}

GeneratorOptions parseGeneratorOptions(const StrictReader& r, const Json& v, const std::string& pointer) {
  r.onlyKeys(v, pointer, {"labels", "annotations", "disableNameSuffixHash", "immutable"});
  GeneratorOptions o;
  if (v.contains("labels")) o.labels = r.stringMap(v["labels"], pointer + "/labels");
  if (v.contains("annotations")) o.annotations = r.stringMap(v["annotations"], pointer + "/annotations");
  if (v.contains("disableNameSuffixHash")) o.disableNameSuffixHash = r.boolean(v["disableNameSuffixHash"], pointer + "/disableNameSuffixHash");
  if (v.contains("immutable")) o.immutable = r.boolean(v["immutable"], pointer + "/immutable");
  return o;
}

void parseGeneratorSources(const StrictReader& r, const Json& g, const std::string& p, bool secret, GeneratorArgs& a) {
  if (g.contains("behavior")) a.behavior = r.string(g["behavior"], p + "/behavior");
  if (a.behavior.empty()) a.behavior = "create";
  if (a.behavior != "create" && a.behavior != "merge" && a.behavior != "replace") {
    r.fail(p + "/behavior", "unknown behavior \"" + a.behavior + "\" (create, merge or replace)");
  }
  if (g.contains("literals")) a.literals = r.strings(g["literals"], p + "/literals");
  if (g.contains("files")) a.files = r.strings(g["files"], p + "/files");
  if (g.contains("envs")) a.envs = r.strings(g["envs"], p + "/envs");
  if (g.contains("env") && !g["env"].is_null()) a.envs.push_back(r.string(g["env"], p + "/env"));
  if (secret && g.contains("type")) a.type = r.string(g["type"], p + "/type");
  if (g.contains("options") && !g["options"].is_null()) a.options = parseGeneratorOptions(r, g["options"], p + "/options");
}

ImageSpec parseImage(const StrictReader& r, const Json& v, const std::string& q) {
  r.onlyKeys(v, q, {"name", "newName", "newTag", "digest", "tagSuffix"});
  ImageSpec img;
  if (v.contains("name")) img.name = r.string(v["name"], q + "/name");
  if (img.name.empty()) r.fail(q, "an image entry needs a name");
  // kustomize treats an empty (or null) newName, newTag, digest or tagSuffix as not given.
  auto optional = [&](const char* key, std::optional<std::string>& into) {
    if (!v.contains(key)) return;
    std::string text = r.string(v[key], q + "/" + key);
    if (!text.empty()) into = std::move(text);
  };
  optional("newName", img.newName);
  optional("newTag", img.newTag);
  optional("digest", img.digest);
  optional("tagSuffix", img.tagSuffix);
  return img;
}

namespace {

class Parser : public StrictReader {
 public:
  explicit Parser(Kustomization& k) : StrictReader(k.file, k.positions), k_(k) {}

  GeneratorOptions options(const Json& v, const std::string& pointer) const { return parseGeneratorOptions(*this, v, pointer); }

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
      parseGeneratorSources(*this, g, p, secret, a);
      out.push_back(std::move(a));
    }
    return out;
  }

  Selector selector(const Json& v, const std::string& pointer) const { return parseSelector(*this, v, pointer); }

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

  ResIdSelector resId(const Json& v, const std::string& pointer) const {
    ResIdSelector id;
    id.group = optionalString(v, "group", pointer);
    id.version = optionalString(v, "version", pointer);
    id.kind = optionalString(v, "kind", pointer);
    id.name = optionalString(v, "name", pointer);
    id.namespace_ = optionalString(v, "namespace", pointer);
    return id;
  }

  void vars(const Json& v, const std::string& pointer) const {
    if (v.is_null()) return;
    if (!v.is_array()) fail(pointer, "expected a list of vars");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string p = pointer + "/" + std::to_string(i);
      const Json& e = v[i];
      onlyKeys(e, p, {"name", "objref", "fieldref"});
      Var var;
      var.pointer = p;
      var.name = optionalString(e, "name", p);
      if (var.name.empty()) fail(p, "a var needs a name");
      if (!e.contains("objref")) fail(p, "var \"" + var.name + "\" needs an objref");
      const Json& ref = e["objref"];
      onlyKeys(ref, p + "/objref", {"apiVersion", "group", "version", "kind", "name", "namespace"});
      var.target = resId(ref, p + "/objref");
      if (const std::string api = optionalString(ref, "apiVersion", p + "/objref"); !api.empty()) {
        const auto slash = api.find('/');
        var.target.group = slash == std::string::npos ? "" : api.substr(0, slash);
        var.target.version = slash == std::string::npos ? api : api.substr(slash + 1);
      }
      if (e.contains("fieldref") && !e["fieldref"].is_null()) {
        onlyKeys(e["fieldref"], p + "/fieldref", {"fieldpath", "fieldPath"});
        var.fieldPath = optionalString(e["fieldref"], "fieldpath", p + "/fieldref");
        if (var.fieldPath.empty()) var.fieldPath = optionalString(e["fieldref"], "fieldPath", p + "/fieldref");
      }
      if (var.fieldPath.empty()) var.fieldPath = "metadata.name";
      var.where = k_.locate(p);
      k_.vars.push_back(std::move(var));
    }
  }

  void replacementEntries(const Json& v, const std::string& pointer) const {
    if (v.is_null()) return;
    if (!v.is_array()) fail(pointer, "expected a list of replacements");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string p = pointer + "/" + std::to_string(i);
      const Json& e = v[i];
      if (!e.is_object()) fail(p, "expected a replacement (source and targets) or a path");
      ReplacementEntry entry;
      entry.pointer = p;
      if (e.contains("path")) {
        onlyKeys(e, p, {"path"});
        entry.path = string(e["path"], p + "/path");
      } else {
        entry.inlined = parseReplacement(*this, e, p);
      }
      k_.replacements.push_back(std::move(entry));
    }
  }

  void sortOptions(const Json& v, const std::string& pointer) const {
    if (v.is_null()) return;
    onlyKeys(v, pointer, {"order", "legacySortOptions"});
    const std::string order = optionalString(v, "order", pointer);
    if (order != "fifo" && order != "legacy") fail(pointer + "/order", "the field 'sortOptions.order' must be one of [fifo, legacy]");
    SortOptions options;
    options.fifo = order == "fifo";
    if (v.contains("legacySortOptions") && !v["legacySortOptions"].is_null()) {
      const std::string q = pointer + "/legacySortOptions";
      if (options.fifo) fail(q, "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'");
      const Json& legacy = v["legacySortOptions"];
      onlyKeys(legacy, q, {"orderFirst", "orderLast"});
      options.orderFirst = legacy.contains("orderFirst") ? strings(legacy["orderFirst"], q + "/orderFirst") : std::vector<std::string>();
      options.orderLast = legacy.contains("orderLast") ? strings(legacy["orderLast"], q + "/orderLast") : std::vector<std::string>();
    }
    k_.sortOptions = std::move(options);
  }

  // The field a key names: Go's JSON decoding (sigs.k8s.io/yaml, which kustomize reads
  // its file with) takes a key that matches a field's name only case-insensitively
  // (`patchesJSON6902`, `nameprefix`) when no field matches it exactly.
  static std::string canonicalField(const std::string& key) {
    static const char* const kFields[] = {"apiVersion", "kind", "metadata", "resources", "bases", "components", "namespace",
                                          "namePrefix", "nameSuffix", "commonLabels", "commonAnnotations", "labels", "images",
                                          "imageTags", "replicas", "patches", "patchesStrategicMerge", "patchesJson6902",
                                          "configMapGenerator", "secretGenerator", "generatorOptions", "configurations", "vars",
                                          "replacements", "sortOptions", "buildMetadata", "generators", "transformers", "openapi", "helmGlobals"};
    auto lower = [](std::string_view s) {
      std::string out(s);
      for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return out;
    };
    const std::string folded = lower(key);
    for (const char* field : kFields) {
      if (key == field) return key;
    }
    for (const char* field : kFields) {
      if (lower(field) == folded) return field;
    }
    for (const auto& field : kUnsupported) {
      if (lower(field) == folded) return std::string(field);
    }
    return key;
  }

  void parse(const Json& root) {
    // kustomize's CheckEmpty: a kustomization whose fields (apiVersion and kind aside) all
    // hold Go's zero values (absent, null, "") is an error. An empty list still counts.
    if (root.is_null()) fail("", "kustomization.yaml is empty");
    if (!root.is_object()) fail("", "a kustomization must be a map");
    bool set = false;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string key = canonicalField(it.key());
      const std::string p = "/" + it.key();
      const Json& v = *it;
      if (key != "apiVersion" && key != "kind" && (key == "metadata" || !(v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty())))) {
        set = true;
      }
      if (kUnsupported.count(key) != 0) fail(p, "\"" + key + "\" is not supported by gitops-sim (docs/rendering.md lists what is)");
      if (key == "apiVersion") {
        std::string api = string(v, p);
        if (api != "kustomize.config.k8s.io/v1beta1" && api != "kustomize.config.k8s.io/v1alpha1") {
          fail(p, "unknown apiVersion \"" + api + "\" (kustomize.config.k8s.io/v1beta1, or v1alpha1 for a Component)");
        }
        apiVersion = api;
        apiVersionPointer = p;
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
          LabelSpec l;
          if (v[i].contains("pairs")) l.pairs = stringMap(v[i]["pairs"], q + "/pairs");
          if (v[i].contains("includeSelectors")) l.includeSelectors = boolean(v[i]["includeSelectors"], q + "/includeSelectors");
          if (v[i].contains("includeTemplates")) l.includeTemplates = boolean(v[i]["includeTemplates"], q + "/includeTemplates");
          if (v[i].contains("fields")) l.fields = parseFieldSpecs(*this, v[i]["fields"], q + "/fields");
          k_.labels.push_back(std::move(l));
        }
      } else if (key == "images" || key == "imageTags") {  // imageTags: the deprecated name
        if (!v.is_array()) fail(p, "expected a list of images");
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string q = p + "/" + std::to_string(i);
          ImageSpec img = parseImage(*this, v[i], q);
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
      } else if (key == "helmGlobals") {
        // Where helmCharts find their charts: nothing to do without helmCharts (refused above).
        onlyKeys(v, p, {"chartHome", "configHome"});
        (void)optionalString(v, "chartHome", p);
        (void)optionalString(v, "configHome", p);
      } else if (key == "openapi") {
        k_.openapi = stringMap(v, p);
        for (const auto& [field, value] : k_.openapi) {
          if (field != "path" && field != "version") fail(p + "/" + field, "unknown openapi field \"" + field + "\" (path or version)");
        }
        if (k_.openapi.count("path") != 0 && k_.openapi.count("version") != 0) fail(p, "builtin version and custom schema provided, cannot use both");
        if (auto version = k_.openapi.find("version"); version != k_.openapi.end() && version->second != "v1.21.2") {
          fail(p + "/version", "the specified OpenAPI version is not built in (kustomize has v1.21.2)");
        }
      } else if (key == "generators") {
        k_.generators = strings(v, p);
      } else if (key == "transformers") {
        k_.transformers = strings(v, p);
      } else if (key == "configurations") {
        k_.configurations = strings(v, p);
      } else if (key == "vars") {
        vars(v, p);
      } else if (key == "replacements") {
        replacementEntries(v, p);
      } else if (key == "sortOptions") {
        sortOptions(v, p);
      } else if (key == "buildMetadata") {
        k_.buildMetadata = strings(v, p);
        for (std::size_t i = 0; i < k_.buildMetadata.size(); ++i) {
          const std::string& option = k_.buildMetadata[i];
          if (option == "transformerAnnotations") fail(p + "/" + std::to_string(i), "buildMetadata transformerAnnotations is not supported by gitops-sim");
          if (option != "originAnnotations" && option != "managedByLabel") {
            fail(p + "/" + std::to_string(i), "unknown buildMetadata option \"" + option + "\" (originAnnotations, transformerAnnotations, managedByLabel)");
          }
        }
      } else {
        fail(p, "unknown field \"" + key + "\"");
      }
    }
    if (!set) fail("", "kustomization.yaml is empty");
    // kustomize pairs them: a Kustomization (the default kind) is v1beta1, a Component v1alpha1.
    if (!apiVersion.empty()) {
      const std::string wanted = k_.component ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1";
      if (apiVersion != wanted) fail(apiVersionPointer, std::string("apiVersion for ") + (k_.component ? "Component" : "Kustomization") + " should be " + wanted);
    }
  }

  std::string apiVersion;         // as written, when the file has one
  std::string apiVersionPointer;

 private:
  Kustomization& k_;
};

}  // namespace

SourceLocation Kustomization::locate(std::string_view pointer) const {
  if (!positions) return SourceLocation{file, 0, 0};
  return positions->locate(file, pointer);
}

Error Kustomization::error(std::string_view pointer, const std::string& message) const {
  return fieldError(file, positions.get(), pointer, message);
}

Kustomization parseKustomization(std::string_view text, const std::string& file, const std::string& dir) {
  Kustomization k;
  k.file = file;
  k.dir = dir;
  YamlLoadOptions options;
  options.recordPositions = true;
  options.lastKeyWins = true;  // Go's JSON decoding, which kustomize reads this file with: the last value of a key wins
  YamlDocument doc = loadYamlDocument(text, file, options);
  k.positions = std::make_shared<const PositionIndex>(std::move(doc.positions));
  Parser(k).parse(doc.value);
  return k;
}

}  // namespace gs::render

namespace gs::render {

std::vector<Replacement> parseReplacementFile(std::string_view text, const std::string& file) {
  StrictDocument doc = loadStrictDocument(text, file);
  std::vector<Replacement> out;
  if (doc.value.is_array()) {
    for (std::size_t i = 0; i < doc.value.size(); ++i) out.push_back(parseReplacement(doc.reader, doc.value[i], "/" + std::to_string(i)));
  } else if (doc.value.is_object()) {
    out.push_back(parseReplacement(doc.reader, doc.value, ""));
  } else {
    doc.reader.fail("", "expected a replacement or a list of replacements");
  }
  return out;
}

}  // namespace gs::render
