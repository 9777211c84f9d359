#include "sim/render/kustomize.hpp"
#include "sim/core/json_lookup.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "sim/core/manifest.hpp"
#include "sim/kube/openapi_schemas.hpp"
#include "sim/render/strict_reader.hpp"
#include "sim/render/builtin_plugins.hpp"
#include "sim/render/generators.hpp"
#include "sim/render/name_reference.hpp"
#include "sim/render/patches.hpp"
#include "sim/render/replacements.hpp"
#include "sim/render/transformer_config.hpp"
#include "sim/render/vars.hpp"

namespace gs::render {

namespace {

bool remoteReference(const std::string& ref) {
  return ref.find("://") != std::string::npos || ref.rfind("github.com/", 0) == 0 || ref.rfind("gitlab.com/", 0) == 0 ||
         ref.rfind("git@", 0) == 0 || ref.find("?ref=") != std::string::npos || ref.find(".git//") != std::string::npos;
}

// What a kustomization level has accumulated: its objects, the transformer
// configuration merged from its own files and everything below it, and its vars.
struct Accumulation {
  Resources resources;
  TransformerConfig config;
  std::vector<Var> vars;
};

class Builder {
 public:
  Builder(const FileSource& source, ManifestCache* manifests) : source_(source), manifests_(manifests) {}

  std::string findKustomizationFile(const std::string& dir) const {
    std::string found;
    for (const char* name : kKustomizationFileNames) {
      const std::string path = dir.empty() ? name : dir + "/" + name;
      if (!source_.read(path)) continue;
      if (!found.empty()) {
        throw Error::invalid("found multiple kustomization files under " + source_.display(dir) + ": " + baseName(found) + " and " + name);
      }
      found = path;
    }
    return found;
  }

  Kustomization load(const std::string& dir) const {
    const std::string file = findKustomizationFile(dir);
    if (file.empty()) {
      throw Error::invalid("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '" +
                           source_.display(dir) + "'");
    }
    const auto content = source_.read(file);
    return manifests_ != nullptr ? manifests_->kustomization(source_, file, dir, *content) : parseKustomization(*content, source_.display(file), dir);
  }

  // The top-level kustomization's sortOptions (those of bases are not read).
  const std::optional<SortOptions>& rootSortOptions() const { return rootSortOptions_; }
  // The top-level kustomization's buildMetadata (kustomize gives it to every level).
  bool buildMetadata(std::string_view option) const {
    return std::find(rootBuildMetadata_.begin(), rootBuildMetadata_.end(), option) != rootBuildMetadata_.end();
  }
  const std::string& rootDir() const { return rootDir_; }

  // Builds `dir` into `into` (components build into their parent's accumulation).
  void accumulate(const std::string& dir, Accumulation& into, bool asComponent) {
    if (std::find(stack_.begin(), stack_.end(), dir) != stack_.end()) {
      std::string chain;
      for (const auto& d : stack_) chain += source_.display(d) + " -> ";
      throw Error::invalid("cycle detected: " + chain + source_.display(dir));
    }
    // A folder that holds one being built (a resource `../..`) would build it again.
    for (const auto& visited : stack_) {
      if (dir.empty() || visited.starts_with(dir + "/")) {
        throw Error::invalid("cycle detected: candidate root " + source_.display(dir) + " contains visited root " + source_.display(visited));
      }
    }
    stack_.push_back(dir);
    Kustomization k = load(dir);
    chooseSchema(k);
    if (stack_.size() == 1) {
      rootSortOptions_ = k.sortOptions;
      rootBuildMetadata_ = k.buildMetadata;
      rootDir_ = dir;
    }
    if (asComponent && !k.component) {
      throw k.error("/kind", "expected kind 'Component' for the component at " + source_.display(dir) + ", got 'Kustomization'");
    }
    if (!asComponent && k.component && stack_.size() > 1) {  // built on its own, a Component is a kustomization (kubectl builds it)
      throw k.error("/kind", "expected kind != 'Component' for path '" + source_.display(dir) + "' (a Component is listed under components)");
    }
    for (std::size_t i = 0; i < k.resources.size(); ++i) addResource(k, i, into);
    runGenerators(k, into.resources);
    for (const auto& config : loadPluginConfigs(k, k.generators, "generators")) {
      bool secret = false;
      const GeneratorArgs args = builtinGeneratorArgs(config, k, secret);
      absorbGenerated(k, args, secret, into.resources, &config);
    }
    for (std::size_t i = 0; i < k.components.size(); ++i) {
      const std::string pointer = "/components/" + std::to_string(i);
      const std::string& ref = k.components[i];
      if (remoteReference(ref)) throw k.error(pointer, "remote components (" + ref + ") are not supported by gitops-sim");
      const std::string path = joinPath(k.dir, ref, k.file);
      if (!source_.isDirectory(path)) throw k.error(pointer, "component \"" + ref + "\" is not a directory with a kustomization");
      accumulate(path, into, true);
    }
    into.config.merge(loadConfigurations(k));
    runTransformers(k, into);
    // The `transformers` entries run after the kustomization's own fields, in order.
    if (!k.transformers.empty()) {
      ids_.erase(&into.resources);
      for (const auto& config : loadPluginConfigs(k, k.transformers, "transformers")) runBuiltinTransformer(into.resources, config, k, source_, &schemas_);
    }
    mergeVars(into.resources, into.vars, k);
    stack_.pop_back();
  }

 private:
  void addObjects(Resources& into, std::vector<Resource> objects, const Kustomization& k, const std::string& pointer) {
    // One id index per kustomization level (built lazily), so adding N objects is
    // N log N rather than N^2.
    std::set<std::string>& ids = ids_[&into];
    if (ids.size() != into.size()) {
      ids.clear();
      for (const auto& r : into) ids.insert(idOf(r));
    }
    for (auto& r : objects) {
      if (!ids.insert(idOf(r)).second) {
        auto existing = std::find_if(into.begin(), into.end(), [&](const Resource& e) { return idOf(e) == idOf(r); });
        throw k.error(pointer, "may not add resource with an already registered id: " + r.describe() + " (from " + r.origin + ", and " +
                                   (existing != into.end() ? existing->origin : std::string("another resource")) + ")");
      }
      into.push_back(std::move(r));
    }
  }

  // kustomize's ResId: the version counts (a v1beta1 and a v1 object of one kind and name
  // are two resources).
  static std::string idOf(const Resource& r) {
    const std::string ns = r.namespace_();
    return r.group() + "|" + r.version() + "|" + r.kind() + "|" + (ns.empty() ? "default" : ns) + "|" + r.name();
  }

  void addResource(const Kustomization& k, std::size_t i, Accumulation& into) {
    const std::string pointer = "/resources/" + std::to_string(i);
    const std::string& ref = k.resources[i];
    if (remoteReference(ref)) throw k.error(pointer, "remote resources (" + ref + ") are not supported by gitops-sim");
    const std::string path = joinPath(k.dir, ref, k.file);
    if (source_.isDirectory(path)) {
      Accumulation sub;
      accumulate(path, sub, false);
      addObjects(into.resources, std::move(sub.resources), k, pointer);
      into.config.merge(sub.config);
      for (auto& var : sub.vars) {
        if (std::any_of(into.vars.begin(), into.vars.end(), [&](const Var& v) { return v.name == var.name; })) {
          throw k.error(pointer, "var '" + var.name + "' already encountered (declared in " + source_.display(path) + " and elsewhere)");
        }
        into.vars.push_back(std::move(var));
      }
      return;
    }
    auto content = source_.read(path);
    if (!content) {
      throw k.error(pointer, "accumulating resources: '" + source_.display(path) + "' must resolve to a file or a directory with a kustomization");
    }
    if (!isReallyWithin(source_, path, k.dir)) {
      throw k.error(pointer, "security; file '" + source_.display(path) + "' is not in or below '" + source_.display(k.dir) + "'");
    }
    std::vector<Resource> objects;
    // kustomize reads resources with go-yaml v3: `yes` and `on` stay strings.
    for (auto& o : parseManifestFile(manifests_, source_, path, *content, YamlBooleans::Yaml12)) {
      requireName(k, pointer, path, o);
      objects.push_back(makeResource(std::move(o), source_.display(path)));
      objects.back().sourcePath = path;
    }
    addObjects(into.resources, std::move(objects), k, pointer);
  }

  // kustomize's openapi field sets the schema of every strategic merge patch from then on:
  // the first kustomization to give one (the top level, then its bases depth first)
  // decides for the rest of the build (PatchSchemas says how it meets the built-in one).
  void chooseSchema(const Kustomization& k) {
    if (schemaChosen_ || k.openapi.empty()) return;
    schemaChosen_ = true;
    auto path = k.openapi.find("path");
    if (path == k.openapi.end()) return;  // version v1.21.2: the built-in schema
    const std::string text = readLocalFile(k, path->second, "/openapi/path", "OpenAPI schema");
    const std::string file = source_.display(joinPath(k.dir, path->second, k.file));
    try {
      schemas_.setCustom(std::make_shared<const kube::OpenApiSchemas>(loadYamlDocument(text, file).value));
    } catch (const std::invalid_argument& e) {
      throw k.error("/openapi/path", "invalid schema file " + file + ": " + e.what());
    }
  }

  // kyaml's GetValidatedMetadata: every object but a List needs a name (kustomize cannot
  // build an object that has only generateName).
  void requireName(const Kustomization& k, const std::string& pointer, const std::string& path, const Json& o) const {
    const std::string kind = stringMember(o, "kind");
    const Json* meta = findMember(o, "metadata");
    auto metaString = [&](std::string_view key) { return std::string(stringOf(meta != nullptr ? findMember(*meta, key) : nullptr)); };
    if (metaString("name").empty() && !kind.ends_with("List")) {
      throw k.error(pointer, "accumulating resources from '" + source_.display(path) + "': missing metadata.name in object {{" +
                                 stringMember(o, "apiVersion") + " " + kind + "} {{ " + metaString("namespace") +
                                 "} map[] map[]}} (kustomize builds no object with only generateName)");
    }
  }

  // The YAML objects an entry of `generators` or `transformers` holds when it is the
  // configuration itself rather than a path (kustomize tries to read every entry as
  // YAML first).
  std::optional<std::vector<YamlDocument>> inlineConfigs(const Kustomization& k, const std::string& entry) const {
    if (entry.find('\n') == std::string::npos && entry.find(": ") == std::string::npos) return std::nullopt;
    try {
      YamlLoadOptions options;
      options.booleans = YamlBooleans::Yaml12;
      auto docs = loadYamlDocuments(entry, k.file, options);
      if (docs.empty() || std::any_of(docs.begin(), docs.end(), [](const YamlDocument& d) { return !d.value.is_object(); })) return std::nullopt;
      return docs;
    } catch (const Error&) {
      return std::nullopt;
    }
  }

  // The plugin configurations of a `generators` or `transformers` field: inline ones
  // first, then those of files and folders (kustomize accumulates them in that order).
  std::vector<PluginConfig> loadPluginConfigs(const Kustomization& k, const std::vector<std::string>& entries, const char* field) {
    std::vector<PluginConfig> inlined, fromPaths;
    std::set<std::string> ids;
    auto add = [&](std::vector<PluginConfig>& to, PluginConfig config) {
      const Resource r = makeResource(config.object, config.file);
      if (!ids.insert(idOf(r)).second) {
        throw k.error(config.entry, "may not add resource with an already registered id: " + r.describe() + " (from " + config.file + ")");
      }
      if (!isBuiltinPlugin(config.object)) {
        throw k.error(config.entry, "plugin " + r.describe() + " (" + config.file + ") is not one of kustomize's built-in plugins (apiVersion: builtin): "
                                    "external plugins are not supported by gitops-sim, as kubectl kustomize runs none without --enable-alpha-plugins");
      }
      to.push_back(std::move(config));
    };
    const std::string kustomizationPath = joinPath(k.dir, baseName(k.file), k.file);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string pointer = std::string("/") + field + "/" + std::to_string(i);
      const std::string& entry = entries[i];
      if (auto docs = inlineConfigs(k, entry)) {
        for (auto& doc : *docs) {
          requireName(k, pointer, kustomizationPath, doc.value);
          add(inlined, PluginConfig{std::move(doc.value), k.file, kustomizationPath, nullptr, pointer});
        }
        continue;
      }
      if (remoteReference(entry)) throw k.error(pointer, "remote " + std::string(field) + " (" + entry + ") are not supported by gitops-sim");
      const std::string path = joinPath(k.dir, entry, k.file);
      if (source_.isDirectory(path)) {
        Accumulation sub;
        accumulate(path, sub, false);
        for (auto& r : sub.resources) add(fromPaths, PluginConfig{std::move(r.object), r.origin, r.sourcePath, nullptr, pointer});
        continue;
      }
      auto content = source_.read(path);
      if (!content) {
        throw k.error(pointer, "accumulating " + std::string(field) + ": '" + source_.display(path) + "' must resolve to a file or a directory with a kustomization");
      }
      if (!isReallyWithin(source_, path, k.dir)) {
        throw k.error(pointer, "security; file '" + source_.display(path) + "' is not in or below '" + source_.display(k.dir) + "'");
      }
      YamlLoadOptions options;
      options.recordPositions = true;
      options.booleans = YamlBooleans::Yaml12;
      for (auto& doc : loadYamlDocuments(*content, source_.display(path), options)) {
        if (!doc.value.is_object()) throw Error::invalid("expected a plugin configuration (a map), got " + std::string(doc.value.type_name()), doc.where);
        requireName(k, pointer, path, doc.value);
        add(fromPaths, PluginConfig{std::move(doc.value), source_.display(path), path, std::make_shared<const PositionIndex>(std::move(doc.positions)), pointer});
      }
    }
    for (auto& config : fromPaths) inlined.push_back(std::move(config));
    return inlined;
  }

  // The kustomization's own `configurations` files, merged.
  TransformerConfig loadConfigurations(const Kustomization& k) const {
    TransformerConfig config;
    for (std::size_t i = 0; i < k.configurations.size(); ++i) {
      const std::string pointer = "/configurations/" + std::to_string(i);
      const std::string text = readLocalFile(k, k.configurations[i], pointer, "configuration");
      TransformerConfig one = parseTransformerConfig(text, source_.display(joinPath(k.dir, k.configurations[i], k.file)));
      try {
        checkAgainstBuiltins(one);
        config.merge(one);
      } catch (const Error& e) {
        throw k.error(pointer, e.message());
      }
    }
    return config;
  }

  // A file a kustomization names (configurations, replacements): inside its folder, as
  // kustomize's root-only load restriction requires.
  std::string readLocalFile(const Kustomization& k, const std::string& ref, const std::string& pointer, const char* what) const {
    const std::string path = joinPath(k.dir, ref, k.file);
    if (!isReallyWithin(source_, path, k.dir)) {
      throw k.error(pointer, "security; file '" + source_.display(path) + "' is not in or below '" + source_.display(k.dir) + "'");
    }
    if (source_.isDirectory(path)) throw k.error(pointer, "'" + source_.display(path) + "' must resolve to a file (" + what + " file)");
    auto content = source_.read(path);
    if (!content) throw k.error(pointer, std::string(what) + " file '" + source_.display(path) + "' not found");
    return *content;
  }

  std::vector<Replacement> loadReplacements(const Kustomization& k) const {
    std::vector<Replacement> out;
    for (const auto& entry : k.replacements) {
      if (entry.inlined) {
        out.push_back(*entry.inlined);
        continue;
      }
      const std::string text = readLocalFile(k, entry.path, entry.pointer + "/path", "replacement");
      for (auto& r : parseReplacementFile(text, source_.display(joinPath(k.dir, entry.path, k.file)))) out.push_back(std::move(r));
    }
    return out;
  }

  void runGenerators(const Kustomization& k, Resources& into) {
    for (const auto& args : k.configMapGenerator) absorbGenerated(k, args, false, into, nullptr);
    for (const auto& args : k.secretGenerator) absorbGenerated(k, args, true, into, nullptr);
  }

  // Adds what one generator entry (or built-in generator `plugin`) makes, or merges it
  // into the generated object of a base (behavior merge or replace).
  void absorbGenerated(const Kustomization& k, const GeneratorArgs& args, bool secret, Resources& into, const PluginConfig* plugin) {
    Resource made = generate(source_, k, args, secret);
    if (plugin != nullptr) {
      made.sourcePath = plugin->sourcePath;
      const Json* meta = findMember(plugin->object, "metadata");
      made.generatorName = std::string(stringOf(meta != nullptr ? findMember(*meta, "name") : nullptr));
    }
    const std::string kind = secret ? "Secret" : "ConfigMap";
    auto existing = std::find_if(into.begin(), into.end(), [&](const Resource& r) {
      return r.kind() == kind && r.group().empty() && r.hadName(args.name) && r.hadNamespace(args.namespace_);
    });
    if (args.behavior == "create") {
      if (existing != into.end()) {
        throw k.error(args.pointer, "cannot create " + kind + " \"" + args.name + "\": one with that name already exists (from " + existing->origin +
                                        "); use behavior merge or replace");
      }
      into.push_back(std::move(made));
    } else {
      if (existing == into.end()) {
        throw k.error(args.pointer, "cannot " + args.behavior + " " + kind + " \"" + args.name + "\": no such " + kind + " to " + args.behavior);
      }
      mergeGenerated(*existing, made, args.behavior);
    }
  }

  void runTransformers(const Kustomization& k, Accumulation& acc) {
    Resources& into = acc.resources;
    ids_.erase(&into);  // names and namespaces change below: the id index is rebuilt when next needed
    const TransformerConfig& config = acc.config;
    // Strategic merge patches (patchesStrategicMerge), then patches, as kustomize orders
    // its built-in transformers; JSON 6902 patches (patchesJson6902) run after labels.
    for (const auto& p : k.patches) {
      if (!p.json6902 && p.pointer.rfind("/patchesStrategicMerge", 0) == 0) applyPatch(into, k, p, source_, &schemas_);
    }
    for (const auto& p : k.patches) {
      if (p.pointer.rfind("/patches/", 0) == 0) applyPatch(into, k, p, source_, &schemas_);
    }
    setNamespace(into, k.namespace_, config);
    if (!k.namespace_.empty()) refuseNamespaceIdConflicts(into, [&](const std::string& message) { return k.error("/namespace", message); });
    addNamePrefixSuffix(into, k.namePrefix, k.nameSuffix, config);
    // A label field that is not a map: kustomize's error, said at the kustomization.
    for (std::size_t i = 0; i < k.labels.size(); ++i) {
      try {
        addLabels(into, k.labels[i], config);
      } catch (const Error& e) {
        if (e.where().known()) throw;
        throw k.error("/labels/" + std::to_string(i), e.message());
      }
    }
    try {
      addCommonLabels(into, k.commonLabels, config);
    } catch (const Error& e) {
      if (e.where().known()) throw;
      throw k.error("/commonLabels", e.message());
    }
    addAnnotations(into, k.commonAnnotations, config);
    for (const auto& p : k.patches) {
      if (p.json6902) applyPatch(into, k, p, source_, &schemas_);
    }
    setReplicas(into, k.replicas, k, config);
    setImages(into, k.images, config);
    if (!k.replacements.empty()) {
      applyReplacements(into, loadReplacements(k), [&](const Replacement& r, const std::string& message) {
        if (r.file == k.file) return k.error(r.pointer, message);
        std::string key = r.pointer;
        for (auto& c : key) c = c == '/' ? '.' : c;
        return Error::invalid(message, r.where, "replacements" + (key.empty() ? std::string() : key));
      });
    }
  }

  const FileSource& source_;
  ManifestCache* manifests_;
  std::vector<std::string> stack_;
  std::optional<SortOptions> rootSortOptions_;
  std::vector<std::string> rootBuildMetadata_;
  std::string rootDir_;
  std::map<const Resources*, std::set<std::string>> ids_;
  bool schemaChosen_ = false;
  PatchSchemas schemas_;
};

// kustomize's legacy order (api/resid/gvk.go): its default lists of kinds sorted first
// and last, unless a kustomization's legacySortOptions gives its own.
const std::vector<std::string>& defaultOrderFirst() {
  static const std::vector<std::string> kinds = {"Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
                                                 "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap",
                                                 "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
                                                 "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget"};
  return kinds;
}

const std::vector<std::string>& defaultOrderLast() {
  static const std::vector<std::string> kinds = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"};
  return kinds;
}

int kindOrder(const std::string& kind, const std::vector<std::string>& first, const std::vector<std::string>& last) {
  const int n = static_cast<int>(first.size());
  for (int i = 0; i < n; ++i) {
    if (kind == first[static_cast<std::size_t>(i)]) return i - n;
  }
  for (int i = 0; i < static_cast<int>(last.size()); ++i) {
    if (kind == last[static_cast<std::size_t>(i)]) return i + 1;
  }
  return 0;
}

std::string gvkString(const Json& o) {
  const std::string api = stringMember(o, "apiVersion");
  auto slash = api.find('/');
  std::string group = slash == std::string::npos ? "" : api.substr(0, slash);
  std::string version = slash == std::string::npos ? api : api.substr(slash + 1);
  const std::string kind = stringMember(o, "kind");
  return (group.empty() ? "~G" : group) + "_" + (version.empty() ? "~V" : version) + "_" + (kind.empty() ? "~K" : kind);
}

// The annotations kustomize keeps for itself while it builds (file paths and indexes,
// origins, transformations, previous names...), which it removes from what it prints;
// annotations left empty (or written empty, or null) go too.
void dropBuildAnnotations(Json& metadata) {
  static constexpr std::string_view kBuild[] = {
      "internal.config.kubernetes.io/previousKinds",   "internal.config.kubernetes.io/previousNames",
      "internal.config.kubernetes.io/prefixes",        "internal.config.kubernetes.io/suffixes",
      "internal.config.kubernetes.io/previousNamespaces", "internal.config.kubernetes.io/allowNameChange",
      "internal.config.kubernetes.io/allowKindChange", "internal.config.kubernetes.io/refBy",
      "internal.config.kubernetes.io/generatorBehavior", "internal.config.kubernetes.io/needsHashSuffix",
      "internal.config.kubernetes.io/path",            "internal.config.kubernetes.io/index",
      "internal.config.kubernetes.io/id",              "internal.config.kubernetes.io/seqindent",
      "internal.config.kubernetes.io/annotations-migration-resource-id",
      "config.kubernetes.io/path",                     "config.kubernetes.io/index",
      "config.kubernetes.io/origin",                   "config.k8s.io/id",
      "alpha.config.kubernetes.io/transformations"};
  Json& annotations = metadata["annotations"];
  if (annotations.is_object()) {
    for (std::string_view key : kBuild) annotations.erase(std::string(key));
  }
  if (annotations.is_null() || (annotations.is_object() && annotations.empty())) metadata.erase("annotations");
}

// kustomize writes an object's annotations back as strings: what a JSON patch or a
// replacement made a number or a boolean becomes its JSON text ("5", "1.1", "false"), a
// list or map the empty string. (Values read from files are their text already.)
void stringifyAnnotations(Json& metadata) {
  auto it = metadata.find("annotations");
  if (it == metadata.end() || !it->is_object()) return;
  for (auto& value : *it) {
    if (value.is_string()) continue;
    if (value.is_number() || value.is_boolean()) {
      value = value.dump();
    } else {
      value = std::string();
    }
  }
}

// `path` relative to the folder `dir` (both source paths): "../base/res.yaml".
std::string relativeTo(const std::string& path, const std::string& dir) {
  return std::filesystem::path(path).lexically_relative(dir.empty() ? "." : dir).generic_string();
}

// buildMetadata: originAnnotations (where each object was declared or generated, relative
// to the top-level kustomization) and managedByLabel (the label kubectl's kustomize puts,
// "kustomize-(devel)").
void addBuildMetadata(Resource& r, bool origin, bool managedBy, const std::string& rootDir) {
  Json& meta = r.object["metadata"];
  if (origin && !r.sourcePath.empty()) {
    const std::string at = relativeTo(r.sourcePath, rootDir);
    meta["annotations"]["config.kubernetes.io/origin"] =
        r.generatorKind.empty() ? "path: " + at + "\n"
                                : "configuredIn: " + at + "\nconfiguredBy:\n  apiVersion: builtin\n  kind: " + r.generatorKind + "\n" +
                                      (r.generatorName.empty() ? "" : "  name: " + r.generatorName + "\n");
  }
  if (managedBy) meta["labels"]["app.kubernetes.io/managed-by"] = "kustomize-(devel)";
}

}  // namespace

bool hasKustomization(const FileSource& source, const std::string& dir) {
  for (const char* name : kKustomizationFileNames) {
    if (source.read(dir.empty() ? name : dir + "/" + name)) return true;
  }
  return false;
}

void sortLegacy(std::vector<Json>& objects, const SortOptions* options) {
  const std::vector<std::string>& first = options != nullptr && options->orderFirst ? *options->orderFirst : defaultOrderFirst();
  const std::vector<std::string>& last = options != nullptr && options->orderLast ? *options->orderLast : defaultOrderLast();
  auto idString = [](const Json& o) {
    const Json& m = o.contains("metadata") && o["metadata"].is_object() ? o["metadata"] : Json::object();
    const std::string ns = stringMember(m, "namespace"), name = stringMember(m, "name");
    return gvkString(o) + "|" + (ns.empty() ? "~X" : ns) + "|" + (name.empty() ? "~N" : name);
  };
  std::stable_sort(objects.begin(), objects.end(), [&](const Json& a, const Json& b) {
    const std::string ga = gvkString(a), gb = gvkString(b);
    if (ga != gb) {
      const int ka = kindOrder(stringMember(a, "kind"), first, last), kb = kindOrder(stringMember(b, "kind"), first, last);
      if (ka != kb) return ka < kb;
      return ga < gb;
    }
    return idString(a) < idString(b);
  });
}

std::vector<Json> kustomizeBuild(const FileSource& source, const std::string& dir, ManifestCache* manifests) {
  Builder builder(source, manifests);
  Accumulation accumulated;
  builder.accumulate(dir, accumulated, false);
  Resources& resources = accumulated.resources;
  // Last, as kustomize's makeCustomizedResMap: hash suffixes, then name references.
  for (auto& r : resources) {
    if (!r.needsHash) continue;
    r.setName(r.name() + "-" + generatedNameHash(r.object));
    r.needsHash = false;
  }
  fixNameReferences(resources, accumulated.config);
  resolveVars(resources, accumulated.vars, mergeFieldSpecs(varReferenceSpecs(), accumulated.config.varReference));
  std::vector<Json> out;
  out.reserve(resources.size());
  for (auto& r : resources) {
    Json& m = r.object["metadata"];
    if (m.is_object() && m.contains("annotations")) {
      Json& annotations = m["annotations"];
      // Objects marked local-config are inputs to the build, not output (kustomize drops them).
      if (annotations.is_object() && annotations.value("config.kubernetes.io/local-config", "") == "true") continue;
      dropBuildAnnotations(m);
      stringifyAnnotations(m);
    }
    addBuildMetadata(r, builder.buildMetadata("originAnnotations"), builder.buildMetadata("managedByLabel"), builder.rootDir());
    out.push_back(std::move(r.object));
  }
  // The top-level kustomization's sortOptions decide (those of bases are not read).
  const std::optional<SortOptions>& sort = builder.rootSortOptions();
  if (!sort || !sort->fifo) sortLegacy(out, sort ? &*sort : nullptr);
  return out;
}

}  // namespace gs::render
