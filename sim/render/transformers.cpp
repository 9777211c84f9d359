#include "sim/render/transformers.hpp"
#include "sim/core/json_lookup.hpp"

#include <set>

#include "sim/kube/object_key.hpp"
#include "sim/render/field_specs.hpp"

namespace gs::render {

namespace {

// kustomize's built-in field specs of the transformers below (api/konfig/builtinpluginconsts).
const std::vector<FieldSpec>& namespaceSpecs() {
  static const std::vector<FieldSpec> specs{
      FieldSpec{"", "", "", "metadata/namespace", true},
      FieldSpec{"", "", "Namespace", "metadata/name", true},
      FieldSpec{"", "", "RoleBinding", "subjects", false},
      FieldSpec{"", "", "ClusterRoleBinding", "subjects", false},
      FieldSpec{"apiregistration.k8s.io", "", "APIService", "spec/service/namespace", true},
      FieldSpec{"apiextensions.k8s.io", "", "CustomResourceDefinition", "spec/conversion/webhook/clientConfig/service/namespace", false}};
  return specs;
}

const std::vector<FieldSpec>& namePrefixSpecs() {
  static const std::vector<FieldSpec> specs{FieldSpec{"", "", "", "metadata/name", false}};
  return specs;
}

// Containers and init containers of pods and pod templates (which setImages' walk covers
// anyway).
const std::vector<FieldSpec>& imageSpecs() {
  static const std::vector<FieldSpec> specs{FieldSpec{"", "", "", "spec/containers[]/image", true},
                                            FieldSpec{"", "", "", "spec/initContainers[]/image", true},
                                            FieldSpec{"", "", "", "spec/template/spec/containers[]/image", true},
                                            FieldSpec{"", "", "", "spec/template/spec/initContainers[]/image", true}};
  return specs;
}

const std::vector<FieldSpec>& replicaSpecs() {
  static const std::vector<FieldSpec> specs{
      FieldSpec{"", "", "Deployment", "spec/replicas", true}, FieldSpec{"", "", "ReplicationController", "spec/replicas", true},
      FieldSpec{"", "", "ReplicaSet", "spec/replicas", true}, FieldSpec{"", "", "StatefulSet", "spec/replicas", true}};
  return specs;
}

void applySpecs(Resources& resources, const std::vector<FieldSpec>& builtin, const std::vector<FieldSpec>& custom, const StringMap& pairs) {
  const std::vector<FieldSpec> specs = custom.empty() ? builtin : mergeFieldSpecs(builtin, custom);
  for (auto& r : resources) {
    const std::string group = r.group(), version = r.version(), kind = r.kind();
    for (const auto& s : specs) {
      if (!specMatches(s, group, version, kind)) continue;
      visitField(r.object, s, [&](Json& value) {
        if (value.is_null()) value = Json::object();
        if (!value.is_object()) {
          throw Error::invalid("considering field '" + s.path + "' of object " + r.describe() + ": wrong node kind: expected MappingNode but got " +
                               (value.is_array() ? "SequenceNode" : "ScalarNode"));
        }
        for (const auto& [k, v] : pairs) value[k] = v;
      });
    }
  }
}

}  // namespace

void checkAgainstBuiltins(const TransformerConfig& config) {
  mergeFieldSpecs(namespaceSpecs(), config.namespace_);
  mergeFieldSpecs(namePrefixSpecs(), config.namePrefix);
  mergeFieldSpecs(commonLabelSpecs(), config.commonLabels);
  mergeFieldSpecs(templateLabelSpecs(), config.templateLabels);
  mergeFieldSpecs(commonAnnotationSpecs(), config.commonAnnotations);
  mergeFieldSpecs(imageSpecs(), config.images);
  mergeFieldSpecs(replicaSpecs(), config.replicas);
  mergeFieldSpecs(varReferenceSpecs(), config.varReference);
}

bool kustomizeClusterScoped(const std::string& apiVersion, const std::string& kind) {
  // kustomize decides by an exact (apiVersion, kind) look-up in its built-in OpenAPI
  // data; anything else (custom resources included) is namespaced.
  static const std::set<std::pair<std::string, std::string>> table = [] {
    std::set<std::pair<std::string, std::string>> t;
    auto add = [&](std::initializer_list<const char*> versions, std::initializer_list<const char*> kinds) {
      for (const char* v : versions) {
        for (const char* k : kinds) t.emplace(v, k);
      }
    };
    add({"admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1beta1"}, {"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"});
    add({"apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"}, {"CustomResourceDefinition"});
    add({"apiregistration.k8s.io/v1", "apiregistration.k8s.io/v1beta1"}, {"APIService"});
    add({"certificates.k8s.io/v1", "certificates.k8s.io/v1beta1"}, {"CertificateSigningRequest"});
    add({"flowcontrol.apiserver.k8s.io/v1beta1"}, {"FlowSchema", "PriorityLevelConfiguration"});
    add({"networking.k8s.io/v1", "networking.k8s.io/v1beta1"}, {"IngressClass"});
    add({"node.k8s.io/v1", "node.k8s.io/v1beta1"}, {"RuntimeClass"});
    add({"policy/v1beta1"}, {"PodSecurityPolicy"});
    add({"rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1"}, {"ClusterRole", "ClusterRoleBinding"});
    add({"scheduling.k8s.io/v1", "scheduling.k8s.io/v1beta1"}, {"PriorityClass"});
    add({"storage.k8s.io/v1", "storage.k8s.io/v1beta1"}, {"CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"});
    add({"v1"}, {"ComponentStatus", "Namespace", "Node", "NodeProxyOptions", "PersistentVolume"});
    return t;
  }();
  return table.count({apiVersion, kind}) != 0;
}

namespace {

// RoleBinding / ClusterRoleBinding subjects named "default" follow the namespace
// (kustomize's default "defaultOnly" mode); ServiceAccounts of the build are moved by
// name references at the end.
void setSubjectNamespaces(Resource& r, const std::string& ns) {
  if (r.kind() != "RoleBinding" && r.kind() != "ClusterRoleBinding") return;
  if (!r.object.contains("subjects") || !r.object["subjects"].is_array()) return;
  for (auto& subject : r.object["subjects"]) {
    if (subject.is_object() && stringMember(subject, "name") == "default") subject["namespace"] = ns;
  }
}

}  // namespace

void setNamespace(Resources& resources, const std::string& ns, const TransformerConfig& config) {
  if (ns.empty()) return;
  // kustomize's namespace field specs beyond metadata.namespace, Namespace names and
  // binding subjects (the first four, handled below), plus those of the configuration.
  const std::vector<FieldSpec> specs = mergeFieldSpecs(namespaceSpecs(), config.namespace_);
  for (auto& r : resources) {
    // kustomize stores every object's id before moving it (StorePreviousId), so its
    // current name becomes a previous one too: a reference by that name then finds it
    // among renamed namesakes from sibling kustomizations.
    r.previousNames.push_back(r.name());
    setSubjectNamespaces(r, ns);
    if (r.apiVersion() == "v1" && r.kind() == "Namespace") r.setName(ns);  // the app's Namespace becomes the target
    const std::string group = r.group(), version = r.version(), kind = r.kind();
    for (std::size_t i = 4; i < specs.size(); ++i) {
      if (specMatches(specs[i], group, version, kind)) visitField(r.object, specs[i], [&](Json& v) { v = ns; });
    }
    if (kustomizeClusterScoped(r.apiVersion(), r.kind())) continue;
    r.setNamespace(ns);
  }
}

void addNamePrefixSuffix(Resources& resources, const std::string& prefix, const std::string& suffix, const TransformerConfig& config) {
  if (prefix.empty() && suffix.empty()) return;
  // kustomize's prefix transformer, then its suffix transformer: each also changes the
  // fields its configuration names (namePrefix, nameSuffix), and each rename is one more
  // earlier name (a field holding the prefixed name alone still finds its object).
  const std::vector<FieldSpec> prefixFields = extraSpecs(namePrefixSpecs(), config.namePrefix);
  const std::vector<FieldSpec> suffixFields = extraSpecs(namePrefixSpecs(), config.nameSuffix);
  // A configuration's own metadata/name specs (namePrefix: [{path: metadata/name, kind:
  // Foo}]) take the place of the default one: only the kinds they name are renamed, as
  // kubectl kustomize renders it.
  auto renamedKinds = [](const std::vector<FieldSpec>& custom) {
    std::vector<FieldSpec> out;
    for (const auto& spec : custom) {
      if (spec.path == "metadata/name") out.push_back(spec);
    }
    return out;
  };
  const std::vector<FieldSpec> prefixRenames = renamedKinds(config.namePrefix);
  const std::vector<FieldSpec> suffixRenames = renamedKinds(config.nameSuffix);
  auto pass = [&](const std::string& affix, const std::vector<FieldSpec>& fields, bool isPrefix) {
    if (affix.empty()) return;
    const std::vector<FieldSpec>& renames = isPrefix ? prefixRenames : suffixRenames;
    for (auto& r : resources) {
      const std::string group = r.group(), version = r.version(), kind = r.kind();
      for (const auto& spec : fields) {
        if (!specMatches(spec, group, version, kind)) continue;
        visitField(r.object, spec, [&](Json& v) {
          if (v.is_string()) v = isPrefix ? affix + v.get<std::string>() : v.get<std::string>() + affix;
        });
      }
      // kustomize leaves the names of CRDs, APIServices and Namespaces alone.
      if (r.kind() == "CustomResourceDefinition" || r.kind() == "Namespace" ||
          (r.kind() == "APIService" && r.group() == "apiregistration.k8s.io")) {
        continue;
      }
      if (!renames.empty() &&
          std::none_of(renames.begin(), renames.end(), [&](const FieldSpec& spec) { return specMatches(spec, group, version, kind); })) {
        continue;
      }
      r.setName(isPrefix ? affix + r.name() : r.name() + affix);
      (isPrefix ? r.prefixes : r.suffixes).push_back(affix);
    }
  };
  pass(prefix, prefixFields, true);
  pass(suffix, suffixFields, false);
}

void addCommonLabels(Resources& resources, const StringMap& labels, const TransformerConfig& config) {
  if (!labels.empty()) applySpecs(resources, commonLabelSpecs(), config.commonLabels, labels);
}

void addLabels(Resources& resources, const LabelSpec& spec, const TransformerConfig& config) {
  if (spec.pairs.empty()) return;
  // A label set's own `fields` come on top of the kinds of fields it asks for.
  if (spec.includeSelectors) {
    applySpecs(resources, commonLabelSpecs(), mergeFieldSpecs(config.commonLabels, spec.fields), spec.pairs);
  } else if (spec.includeTemplates) {
    applySpecs(resources, templateLabelSpecs(), mergeFieldSpecs(config.templateLabels, spec.fields), spec.pairs);
  } else {
    static const std::vector<FieldSpec> metadataOnly{FieldSpec{"", "", "", "metadata/labels", true}};
    applySpecs(resources, metadataOnly, spec.fields, spec.pairs);
  }
}

void addAnnotations(Resources& resources, const StringMap& annotations, const TransformerConfig& config) {
  if (!annotations.empty()) applySpecs(resources, commonAnnotationSpecs(), config.commonAnnotations, annotations);
}

namespace {

struct ParsedImage {
  std::string name;  // without tag and digest
  std::string tag;
  std::string digest;
};

// Splits as kustomize does: ':' and '@' count only after the first '/', so a registry
// port stays part of the name.
ParsedImage splitImage(const std::string& image) {
  ParsedImage p;
  const std::size_t slash = image.find('/');
  const std::size_t from = slash == std::string::npos ? 0 : slash;
  std::string rest = image;
  if (auto at = rest.find('@', from); at != std::string::npos) {
    p.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
  }
  if (auto colon = rest.find(':', from); colon != std::string::npos) {
    p.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  p.name = rest;
  return p;
}

void updateImage(Json& container, const ImageSpec& spec) {
  if (!container.is_object() || !container.contains("image") || !container["image"].is_string()) return;
  ParsedImage current = splitImage(container["image"].get<std::string>());
  if (spec.name != current.name) return;
  std::string image = spec.newName.value_or(current.name);
  if (spec.newTag && spec.digest) {
    image += ":" + *spec.newTag + "@" + *spec.digest;
  } else if (spec.newTag) {
    image += ":" + *spec.newTag;
  } else if (spec.digest) {
    image += "@" + *spec.digest;
  } else {
    if (!current.tag.empty()) image += ":" + current.tag;
    if (!current.digest.empty()) image += "@" + current.digest;
  }
  container["image"] = image;
}

// Every containers / initContainers list anywhere in the object.
void walkContainers(Json& node, const ImageSpec& image) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if ((it.key() == "containers" || it.key() == "initContainers") && it->is_array()) {
        for (auto& c : *it) updateImage(c, image);
      } else {
        walkContainers(*it, image);
      }
    }
  } else if (node.is_array()) {
    for (auto& e : node) walkContainers(e, image);
  }
}

}  // namespace

void setImages(Resources& resources, const std::vector<ImageSpec>& images, const TransformerConfig& config) {
  // kustomize's built-in image fields: containers and init containers of pods and pod
  // templates (which the walk below covers anyway); a configuration may add more.
  const std::vector<FieldSpec> extra = extraSpecs(imageSpecs(), config.images);
  // Each entry is its own pass, in order, over every containers/initContainers list at
  // any depth of every object but CRDs, then over the configured fields.
  for (const auto& image : images) {
    for (auto& r : resources) {
      if (r.kind() != "CustomResourceDefinition") walkContainers(r.object, image);
      const std::string group = r.group(), version = r.version(), kind = r.kind();
      for (const auto& spec : extra) {
        if (!specMatches(spec, group, version, kind)) continue;
        visitField(r.object, FieldSpec{spec.group, spec.version, spec.kind, spec.path, false}, [&](Json& v) {
          Json holder = Json::object({{"image", v}});
          updateImage(holder, image);
          v = holder["image"];
        });
      }
    }
  }
}

void setReplicas(Resources& resources, const std::vector<ReplicaSpec>& replicas, const Kustomization& k, const TransformerConfig& config) {
  const std::vector<FieldSpec> specs = mergeFieldSpecs(replicaSpecs(), config.replicas);
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    const auto& spec = replicas[i];
    bool found = false;
    for (auto& r : resources) {
      if (!r.hadName(spec.name)) continue;
      const std::string group = r.group(), version = r.version(), kind = r.kind();
      for (const auto& field : specs) {
        if (!specMatches(field, group, version, kind)) continue;
        visitField(r.object, field, [&](Json& v) { v = spec.count; });
        found = true;
      }
    }
    if (!found) throw k.error("/replicas/" + std::to_string(i) + "/name", "no Deployment, ReplicaSet, StatefulSet or ReplicationController named \"" + spec.name + "\"");
  }
}

}  // namespace gs::render
