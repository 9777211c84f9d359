#include "sim/render/kustomize.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "sim/core/manifest.hpp"
#include "sim/render/generators.hpp"
#include "sim/render/name_reference.hpp"
#include "sim/render/patches.hpp"

namespace gs::render {

namespace {

bool remoteReference(const std::string& ref) {
  return ref.find("://") != std::string::npos || ref.rfind("github.com/", 0) == 0 || ref.rfind("gitlab.com/", 0) == 0 ||
         ref.rfind("git@", 0) == 0 || ref.find("?ref=") != std::string::npos || ref.find(".git//") != std::string::npos;
}

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

  // Builds `dir` into `into` (components build into their parent's accumulation).
  void accumulate(const std::string& dir, Resources& into, bool asComponent) {
    if (std::find(stack_.begin(), stack_.end(), dir) != stack_.end()) {
      std::string chain;
      for (const auto& d : stack_) chain += source_.display(d) + " -> ";
      throw Error::invalid("cycle detected: " + chain + source_.display(dir));
    }
    stack_.push_back(dir);
    Kustomization k = load(dir);
    if (asComponent && !k.component) {
      throw k.error("/kind", "expected kind 'Component' for the component at " + source_.display(dir) + ", got 'Kustomization'");
    }
    if (!asComponent && k.component) {
      throw k.error("/kind", "expected kind != 'Component' for path '" + source_.display(dir) + "' (a Component is listed under components)");
    }
    for (std::size_t i = 0; i < k.resources.size(); ++i) addResource(k, i, into);
    runGenerators(k, into);
    for (std::size_t i = 0; i < k.components.size(); ++i) {
      const std::string pointer = "/components/" + std::to_string(i);
      const std::string& ref = k.components[i];
      if (remoteReference(ref)) throw k.error(pointer, "remote components (" + ref + ") are not supported by gitops-sim");
      const std::string path = joinPath(k.dir, ref, k.file);
      if (!source_.isDirectory(path)) throw k.error(pointer, "component \"" + ref + "\" is not a directory with a kustomization");
      accumulate(path, into, true);
    }
    runTransformers(k, into);
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

  static std::string idOf(const Resource& r) {
    const std::string ns = r.namespace_();
    return r.group() + "|" + r.kind() + "|" + (ns.empty() ? "default" : ns) + "|" + r.name();
  }

  void addResource(const Kustomization& k, std::size_t i, Resources& into) {
    const std::string pointer = "/resources/" + std::to_string(i);
    const std::string& ref = k.resources[i];
    if (remoteReference(ref)) throw k.error(pointer, "remote resources (" + ref + ") are not supported by gitops-sim");
    const std::string path = joinPath(k.dir, ref, k.file);
    if (source_.isDirectory(path)) {
      Resources sub;
      accumulate(path, sub, false);
      addObjects(into, std::move(sub), k, pointer);
      return;
    }
    auto content = source_.read(path);
    if (!content) {
      throw k.error(pointer, "accumulating resources: '" + source_.display(path) + "' must resolve to a file or a directory with a kustomization");
    }
    if (!isWithin(path, k.dir)) {
      throw k.error(pointer, "security; file '" + source_.display(path) + "' is not in or below '" + source_.display(k.dir) + "'");
    }
    std::vector<Resource> objects;
    // kustomize reads resources with go-yaml v3: `yes` and `on` stay strings.
    for (auto& o : parseManifestFile(manifests_, source_, path, *content, YamlBooleans::Yaml12)) {
      objects.push_back(makeResource(std::move(o), source_.display(path)));
    }
    addObjects(into, std::move(objects), k, pointer);
  }

  void runGenerators(const Kustomization& k, Resources& into) {
    auto run = [&](const std::vector<GeneratorArgs>& generators, bool secret) {
      for (const auto& args : generators) {
        Resource made = generate(source_, k, args, secret);
        const std::string kind = secret ? "Secret" : "ConfigMap";
        auto existing = std::find_if(into.begin(), into.end(), [&](const Resource& r) {
          return r.kind() == kind && r.group().empty() && r.hadName(args.name) && r.hadNamespace(args.namespace_);
        });
        if (args.behavior == "create") {
          if (existing != into.end()) {
            throw k.error(args.pointer, "cannot create " + kind + " \"" + args.name + "\": one with that name already exists (from " +
                                            existing->origin + "); use behavior merge or replace");
          }
          into.push_back(std::move(made));
        } else {
          if (existing == into.end()) {
            throw k.error(args.pointer, "cannot " + args.behavior + " " + kind + " \"" + args.name + "\": no such " + kind + " to " + args.behavior);
          }
          mergeGenerated(*existing, made, args.behavior);
        }
      }
    };
    run(k.configMapGenerator, false);
    run(k.secretGenerator, true);
  }

  void runTransformers(const Kustomization& k, Resources& into) {
    // Strategic merge patches (patchesStrategicMerge), then patches, as kustomize orders
    // its built-in transformers; JSON 6902 patches (patchesJson6902) run after labels.
    for (const auto& p : k.patches) {
      if (!p.json6902 && p.pointer.rfind("/patchesStrategicMerge", 0) == 0) applyPatch(into, k, p, source_);
    }
    for (const auto& p : k.patches) {
      if (p.pointer.rfind("/patches/", 0) == 0) applyPatch(into, k, p, source_);
    }
    setNamespace(into, k.namespace_);
    addNamePrefixSuffix(into, k.namePrefix, k.nameSuffix);
    for (const auto& l : k.labels) addLabels(into, l);
    addCommonLabels(into, k.commonLabels);
    addAnnotations(into, k.commonAnnotations);
    for (const auto& p : k.patches) {
      if (p.json6902) applyPatch(into, k, p, source_);
    }
    setReplicas(into, k.replicas, k);
    setImages(into, k.images);
  }

  const FileSource& source_;
  ManifestCache* manifests_;
  std::vector<std::string> stack_;
  std::map<const Resources*, std::set<std::string>> ids_;
};

// kustomize's legacy order (api/resid/gvk.go).
int kindOrder(const std::string& kind) {
  static const char* const first[] = {"Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
                                      "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap",
                                      "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
                                      "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget"};
  static const char* const last[] = {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"};
  constexpr int n = static_cast<int>(std::size(first));
  for (int i = 0; i < n; ++i) {
    if (kind == first[i]) return i - n;
  }
  for (int i = 0; i < static_cast<int>(std::size(last)); ++i) {
    if (kind == last[i]) return i + 1;
  }
  return 0;
}

std::string gvkString(const Json& o) {
  const std::string api = o.value("apiVersion", "");
  auto slash = api.find('/');
  std::string group = slash == std::string::npos ? "" : api.substr(0, slash);
  std::string version = slash == std::string::npos ? api : api.substr(slash + 1);
  const std::string kind = o.value("kind", "");
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

}  // namespace

bool hasKustomization(const FileSource& source, const std::string& dir) {
  for (const char* name : kKustomizationFileNames) {
    if (source.read(dir.empty() ? name : dir + "/" + name)) return true;
  }
  return false;
}

void sortLegacy(std::vector<Json>& objects) {
  auto idString = [](const Json& o) {
    const Json& m = o.contains("metadata") && o["metadata"].is_object() ? o["metadata"] : Json::object();
    const std::string ns = m.value("namespace", ""), name = m.value("name", "");
    return gvkString(o) + "|" + (ns.empty() ? "~X" : ns) + "|" + (name.empty() ? "~N" : name);
  };
  std::stable_sort(objects.begin(), objects.end(), [&](const Json& a, const Json& b) {
    const std::string ga = gvkString(a), gb = gvkString(b);
    if (ga != gb) {
      const int ka = kindOrder(a.value("kind", "")), kb = kindOrder(b.value("kind", ""));
      if (ka != kb) return ka < kb;
      return ga < gb;
    }
    return idString(a) < idString(b);
  });
}

std::vector<Json> kustomizeBuild(const FileSource& source, const std::string& dir, ManifestCache* manifests) {
  Builder builder(source, manifests);
  Resources resources;
  builder.accumulate(dir, resources, false);
  // Last, as kustomize's makeCustomizedResMap: hash suffixes, then name references.
  for (auto& r : resources) {
    if (!r.needsHash) continue;
    r.setName(r.name() + "-" + generatedNameHash(r.object));
    r.needsHash = false;
  }
  fixNameReferences(resources);
  std::vector<Json> out;
  out.reserve(resources.size());
  for (auto& r : resources) {
    Json& m = r.object["metadata"];
    if (m.is_object() && m.contains("annotations")) {
      Json& annotations = m["annotations"];
      // Objects marked local-config are inputs to the build, not output (kustomize drops them).
      if (annotations.is_object() && annotations.value("config.kubernetes.io/local-config", "") == "true") continue;
      dropBuildAnnotations(m);
    }
    out.push_back(std::move(r.object));
  }
  sortLegacy(out);
  return out;
}

}  // namespace gs::render
