#include "sim/render/builtin_plugins.hpp"

#include <set>

#include "sim/core/json_lookup.hpp"
#include "sim/render/generators.hpp"
#include "sim/render/patches.hpp"
#include "sim/render/replacements.hpp"
#include "sim/render/strict_reader.hpp"
#include "sim/render/transformer_config.hpp"

namespace gs::render {

namespace {

// Reads a configuration strictly: its plugin's fields, besides apiVersion, kind and
// metadata. (kustomize decodes them leniently and ignores a misspelt field; gitops-sim
// refuses it, naming the file and field.)
class ConfigReader : public StrictReader {
 public:
  explicit ConfigReader(const PluginConfig& c) : StrictReader(c.file, c.positions), c_(c) {}

  void only(std::initializer_list<const char*> fields) const {
    for (auto it = c_.object.begin(); it != c_.object.end(); ++it) {
      const std::string& key = it.key();
      if (key == "apiVersion" || key == "kind" || key == "metadata") continue;
      bool known = false;
      for (const char* f : fields) known = known || key == f;
      if (!known) fail("/" + key, "unknown field \"" + key + "\" for a " + stringMember(c_.object, "kind"));
    }
  }
  const Json* field(const char* key) const {
    const Json* v = findMember(c_.object, key);
    return v != nullptr && !v->is_null() ? v : nullptr;
  }
  // A string field. kustomize decodes plugin configurations through JSON into Go strings,
  // which takes any scalar as its text (`1.50` is "1.5", `true` "true", null "").
  std::string scalarText(const Json& v, const std::string& pointer) const {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer()) return v.dump();
    if (v.is_number_float()) {
      std::string text = v.dump();
      if (text.ends_with(".0")) text.resize(text.size() - 2);
      return text;
    }
    fail(pointer, "expected a string, got " + std::string(v.type_name()));
  }
  std::string text(const char* key) const {
    const Json* v = field(key);
    return v != nullptr ? scalarText(*v, std::string("/") + key) : std::string();
  }
  bool flag(const char* key) const {
    const Json* v = field(key);
    return v != nullptr && boolean(*v, std::string("/") + key);
  }
  StringMap pairs(const char* key) const {
    StringMap out;
    const Json* v = field(key);
    if (v == nullptr) return out;
    const std::string pointer = std::string("/") + key;
    if (!v->is_object()) fail(pointer, "expected a map of strings, got " + std::string(v->type_name()));
    for (auto it = v->begin(); it != v->end(); ++it) out[it.key()] = scalarText(*it, pointer + "/" + it.key());
    return out;
  }
  // fieldSpecs; `required`: kustomize's prefix and suffix transformers refuse none.
  std::vector<FieldSpec> specs(bool required) const {
    const Json* v = field("fieldSpecs");
    if (v == nullptr) {
      if (required) fail("", "fieldSpecs is not expected to be nil");
      return {};
    }
    return parseFieldSpecs(*this, *v, "/fieldSpecs");
  }
  std::string metadata(const char* key) const {
    const Json* meta = field("metadata");
    if (meta == nullptr) return {};
    if (!meta->is_object()) fail("/metadata", "expected a map, got " + std::string(meta->type_name()));
    const Json* v = findMember(*meta, key);
    return v != nullptr && !v->is_null() ? string(*v, std::string("/metadata/") + key) : std::string();
  }

 private:
  const PluginConfig& c_;
};

std::string kindOf(const PluginConfig& c) { return stringMember(c.object, "kind"); }

// "PrefixSuffixTransformer add-prefix (subject_transformer.yaml)", for messages.
std::string describe(const PluginConfig& c) {
  const Json* meta = findMember(c.object, "metadata");
  const std::string name(stringOf(meta != nullptr && meta->is_object() ? findMember(*meta, "name") : nullptr));
  return kindOf(c) + (name.empty() ? "" : " " + name) + " (" + c.file + ")";
}

bool isGenerator(const std::string& kind) { return kind == "ConfigMapGenerator" || kind == "SecretGenerator"; }

// kustomize's built-in transformers (those gitops-sim runs and those it does not).
bool isTransformer(const std::string& kind) {
  static const std::set<std::string> kinds = {
      "AnnotationsTransformer", "HashTransformer",        "ImageTagTransformer",  "LabelTransformer",
      "NamespaceTransformer",   "PatchJson6902Transformer", "PatchStrategicMergeTransformer", "PatchTransformer",
      "PrefixSuffixTransformer", "PrefixTransformer",     "SuffixTransformer",    "ReplacementTransformer",
      "ReplicaCountTransformer", "ValueAddTransformer",   "SortOrderTransformer", "LegacyOrderTransformer"};
  return kinds.count(kind) != 0;
}

// kustomize's other built-in plugins, which gitops-sim does not run.
bool isUnsupportedBuiltin(const std::string& kind) {
  return kind == "HelmChartInflationGenerator" || kind == "IAMPolicyGenerator" || kind == "ValueAddTransformer" ||
         kind == "SortOrderTransformer" || kind == "LegacyOrderTransformer";
}

[[noreturn]] void refuseKind(const PluginConfig& c, const Kustomization& k, bool wantGenerator) {
  const std::string kind = kindOf(c);
  if (wantGenerator ? isTransformer(kind) : isGenerator(kind) || kind.ends_with("Generator")) {
    throw k.error(c.entry, "plugin " + describe(c) + " is not a " + (wantGenerator ? "generator" : "transformer"));
  }
  if (isUnsupportedBuiltin(kind)) throw k.error(c.entry, "the built-in " + kind + " is not supported by gitops-sim (" + c.file + ")");
  throw k.error(c.entry, "unable to load builtin " + kind + " (" + c.file + "): kustomize has no such built-in plugin");
}

PatchSpec patchSpec(const ConfigReader& r, const PluginConfig& c, bool json6902) {
  PatchSpec spec;
  spec.pointer = c.entry;
  spec.json6902 = json6902;
  spec.path = r.text("path");
  spec.patch = r.text(json6902 ? "jsonOp" : "patch");
  if (const Json* target = r.field("target")) spec.target = parseSelector(r, *target, "/target");
  return spec;
}

void runPatches(Resources& resources, const ConfigReader& r, const PluginConfig& c, const Kustomization& k, const FileSource& source,
                PatchSchemas* schemas) {
  const std::string kind = kindOf(c);
  if (kind == "PatchTransformer") {
    r.only({"path", "patch", "target", "options"});
    if (r.field("options") != nullptr) r.fail("/options", "patch options (allowNameChange, allowKindChange) are not supported by gitops-sim");
    PatchSpec spec = patchSpec(r, c, false);
    if (spec.path.empty() == spec.patch.empty()) r.fail("", "a patch needs exactly one of path and patch");
    applyPatch(resources, k, spec, source, schemas);
  } else if (kind == "PatchJson6902Transformer") {
    r.only({"path", "jsonOp", "target"});
    PatchSpec spec = patchSpec(r, c, true);
    if (!spec.target) r.fail("", "a PatchJson6902Transformer needs a target");
    if (spec.path.empty() == spec.patch.empty()) r.fail("", "a PatchJson6902Transformer needs exactly one of path and jsonOp");
    applyPatch(resources, k, spec, source, schemas);
  } else {  // PatchStrategicMergeTransformer: its files, then its inline patches
    r.only({"paths", "patches"});
    const Json* paths = r.field("paths");
    const std::vector<std::string> files = paths != nullptr ? r.strings(*paths, "/paths") : std::vector<std::string>();
    const std::string inlined = r.text("patches");
    if (files.empty() && inlined.empty()) r.fail("", "empty file path and empty patch content");
    for (const auto& file : files) {
      PatchSpec spec;
      spec.pointer = c.entry;
      spec.path = file;
      applyPatch(resources, k, spec, source, schemas);
    }
    if (!inlined.empty()) {
      PatchSpec spec;
      spec.pointer = c.entry;
      spec.patch = inlined;
      applyPatch(resources, k, spec, source, schemas);
    }
  }
}

std::vector<Replacement> replacementsOf(const ConfigReader& r, const Kustomization& k, const FileSource& source) {
  r.only({"replacements"});
  std::vector<Replacement> out;
  const Json* list = r.field("replacements");
  if (list == nullptr) return out;
  if (!list->is_array()) r.fail("/replacements", "expected a list of replacements");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = "/replacements/" + std::to_string(i);
    const Json& e = (*list)[i];
    if (!e.is_object() || !e.contains("path")) {
      out.push_back(parseReplacement(r, e, p));
      continue;
    }
    r.onlyKeys(e, p, {"path"});
    const std::string ref = r.string(e["path"], p + "/path");
    const std::string path = joinPath(k.dir, ref, k.file);
    if (!isReallyWithin(source, path, k.dir)) r.fail(p + "/path", "security; file '" + source.display(path) + "' is not in or below '" + source.display(k.dir) + "'");
    auto text = source.read(path);
    if (!text) r.fail(p + "/path", "replacement file '" + source.display(path) + "' not found");
    for (auto& one : parseReplacementFile(*text, source.display(path))) out.push_back(std::move(one));
  }
  return out;
}

// kustomize's HashTransformer: generated objects that need a content-hash suffix get it
// now, and still get the build's own at the end (kustomize does not mark them done).
void addHashes(Resources& resources) {
  for (auto& r : resources) {
    if (r.needsHash) r.setName(r.name() + "-" + generatedNameHash(r.object));
  }
}

// Runs `run`; an error it throws without a place in a file is said at the configuration's
// entry in the kustomization, naming the configuration and field.
template <class Run>
auto atEntry(const PluginConfig& c, const Kustomization& k, Run&& run) {
  try {
    return run();
  } catch (const Error& e) {
    if (e.where().known() || e.errorClass() != ErrorClass::InvalidInput) throw;
    throw k.error(c.entry, describe(c) + ": " + (e.keyPath().empty() ? "" : e.keyPath() + ": ") + e.message());
  }
}

GeneratorArgs generatorArgs(const PluginConfig& c, const Kustomization& k, bool& secret) {
  const ConfigReader r(c);
  const std::string kind = kindOf(c);
  if (!isGenerator(kind)) refuseKind(c, k, true);
  secret = kind == "SecretGenerator";
  if (secret) {
    r.only({"name", "namespace", "behavior", "literals", "files", "envs", "env", "type", "options"});
  } else {
    r.only({"name", "namespace", "behavior", "literals", "files", "envs", "env", "options"});
  }
  GeneratorArgs args;
  args.pointer = c.entry;
  args.globalOptions = false;
  // The plugin's own name and namespace fields, else its metadata's.
  args.name = r.text("name");
  if (args.name.empty()) args.name = r.metadata("name");
  args.namespace_ = r.text("namespace");
  if (args.namespace_.empty()) args.namespace_ = r.metadata("namespace");
  if (args.name.empty()) r.fail("", "a " + kind + " needs a name");
  parseGeneratorSources(r, c.object, "", secret, args);
  return args;
}

void transform(Resources& resources, const PluginConfig& c, const Kustomization& k, const FileSource& source, PatchSchemas* schemas) {
  const ConfigReader r(c);
  const std::string kind = kindOf(c);
  {
    if (kind == "LabelTransformer" || kind == "AnnotationsTransformer") {
      const char* field = kind == "LabelTransformer" ? "labels" : "annotations";
      r.only({field, "fieldSpecs"});
      const StringMap pairs = r.pairs(field);
      if (!pairs.empty()) setFieldPairs(resources, r.specs(false), pairs);
    } else if (kind == "NamespaceTransformer") {
      r.only({"fieldSpecs", "unsetOnly", "setRoleBindingSubjects"});
      NamespaceChange change{r.metadata("namespace"), r.specs(false), r.flag("unsetOnly"), r.text("setRoleBindingSubjects")};
      changeNamespace(resources, change);
      refuseNamespaceIdConflicts(resources, [&](const std::string& message) { return k.error(c.entry, message); });
    } else if (kind == "PrefixSuffixTransformer" || kind == "PrefixTransformer" || kind == "SuffixTransformer") {
      // PrefixSuffixTransformer (deprecated) is kustomize's prefix pass, then its suffix pass.
      if (kind == "PrefixSuffixTransformer") r.only({"prefix", "suffix", "fieldSpecs"});
      if (kind == "PrefixTransformer") r.only({"prefix", "fieldSpecs"});
      if (kind == "SuffixTransformer") r.only({"suffix", "fieldSpecs"});
      const std::vector<FieldSpec> specs = r.specs(true);
      if (kind != "SuffixTransformer") addAffix(resources, r.text("prefix"), true, specs);
      if (kind != "PrefixTransformer") addAffix(resources, r.text("suffix"), false, specs);
    } else if (kind == "ImageTagTransformer") {
      r.only({"imageTag", "fieldSpecs"});
      const Json* image = r.field("imageTag");
      if (image == nullptr) r.fail("", "an ImageTagTransformer needs an imageTag");
      setImage(resources, parseImage(r, *image, "/imageTag"), r.specs(false));
    } else if (kind == "ReplicaCountTransformer") {
      r.only({"replica", "fieldSpecs"});
      const Json* replica = r.field("replica");
      if (replica == nullptr) r.fail("", "a ReplicaCountTransformer needs a replica");
      r.onlyKeys(*replica, "/replica", {"name", "count"});
      ReplicaSpec spec;
      spec.name = r.optionalString(*replica, "name", "/replica");
      if (replica->contains("count")) spec.count = r.integer((*replica)["count"], "/replica/count");
      const std::vector<FieldSpec> specs = r.specs(false);
      if (!setReplica(resources, spec, specs)) {
        std::string gvks;
        for (const auto& s : specs) gvks += (gvks.empty() ? "" : " ") + (s.group.empty() ? "" : s.group + "/") + s.version + (s.version.empty() ? "" : ", ") + "Kind=" + s.kind;
        throw Error::invalid("resource with name " + spec.name + " does not match a config with the following GVK [" + gvks + "]");
      }
    } else if (kind == "PatchTransformer" || kind == "PatchStrategicMergeTransformer" || kind == "PatchJson6902Transformer") {
      runPatches(resources, r, c, k, source, schemas);
    } else if (kind == "ReplacementTransformer") {
      applyReplacements(resources, replacementsOf(r, k, source), [&](const Replacement& rep, const std::string& message) {
        return fieldError(rep.file, rep.file == c.file ? c.positions.get() : nullptr, rep.pointer, message);
      });
    } else if (kind == "HashTransformer") {
      r.only({});
      addHashes(resources);
    } else {
      refuseKind(c, k, false);
    }
  }
}

}  // namespace

bool isBuiltinPlugin(const Json& object) { return stringMember(object, "apiVersion") == "builtin"; }

GeneratorArgs builtinGeneratorArgs(const PluginConfig& c, const Kustomization& k, bool& secret) {
  return atEntry(c, k, [&] { return generatorArgs(c, k, secret); });
}

void runBuiltinTransformer(Resources& resources, const PluginConfig& c, const Kustomization& k, const FileSource& source,
                           PatchSchemas* schemas) {
  atEntry(c, k, [&] { transform(resources, c, k, source, schemas); });
}

}  // namespace gs::render
