#include "sim/render/transformers.hpp"
#include "sim/core/json_lookup.hpp"

#include <map>
#include <set>
#include <tuple>

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
  setFieldPairs(resources, custom.empty() ? builtin : mergeFieldSpecs(builtin, custom), pairs);
}

}  // namespace

void setFieldPairs(Resources& resources, const std::vector<FieldSpec>& specs, const StringMap& pairs) {
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

void setNamespace(Resources& resources, const std::string& ns, const TransformerConfig& config) {
  changeNamespace(resources, NamespaceChange{ns, mergeFieldSpecs(namespaceSpecs(), config.namespace_), false, ""});
}

void changeNamespace(Resources& resources, const NamespaceChange& change) {
  const std::string& ns = change.ns;
  if (ns.empty()) return;
  if (!change.subjects.empty() && change.subjects != "defaultOnly" && change.subjects != "allServiceAccounts" && change.subjects != "none") {
    throw Error::invalid("invalid value \"" + change.subjects + "\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\"");
  }
  auto isEmpty = [](const Json& v) { return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()); };
  auto settable = [&](const Json& v) { return !change.unsetOnly || isEmpty(v); };
  for (auto& r : resources) {
    // kustomize stores every object's id before moving it (StorePreviousId), so its
    // current name becomes a previous one too: a reference by that name then finds it
    // among renamed namesakes from sibling kustomizations.
    r.previousNames.push_back(r.name());
    const std::string group = r.group(), version = r.version(), kind = r.kind(), apiVersion = r.apiVersion();
    const bool binding = kind == "RoleBinding" || kind == "ClusterRoleBinding";
    // Binding subjects: those named default (the default mode), or every ServiceAccount;
    // ServiceAccounts of the build are moved by name references at the end.
    if (binding && change.subjects != "none" && r.object.contains("subjects") && r.object["subjects"].is_array()) {
      const bool allServiceAccounts = change.subjects == "allServiceAccounts";
      for (auto& subject : r.object["subjects"]) {
        if (!subject.is_object()) continue;
        if (stringMember(subject, allServiceAccounts ? "kind" : "name") != (allServiceAccounts ? "ServiceAccount" : "default")) continue;
        if (settable(subject.value("namespace", Json()))) subject["namespace"] = ns;
      }
    }
    if (!kustomizeClusterScoped(apiVersion, kind) && settable(Json(r.namespace_()))) r.setNamespace(ns);
    for (const auto& spec : change.specs) {
      if (spec.path == "metadata/namespace" || (spec.path == "metadata/name" && apiVersion != "v1")) continue;
      if (binding && (spec.kind == "RoleBinding" || spec.kind == "ClusterRoleBinding") && (spec.path == "subjects" || spec.path == "subjects/namespace")) continue;
      if (!specMatches(spec, group, version, kind)) continue;
      if (spec.path == "metadata/name") {  // the app's Namespace becomes the target
        if (settable(Json(r.name()))) r.setName(ns);
        continue;
      }
      visitField(r.object, spec, [&](Json& v) {
        if (v.is_object() || v.is_array()) {
          throw Error::invalid("namespace field specs must target scalar nodes: field '" + spec.path + "' of " + r.describe() + " is a " +
                               (v.is_array() ? "list" : "map"));
        }
        if (settable(v)) v = ns;
      });
    }
  }
}

void refuseNamespaceIdConflicts(const Resources& resources, const std::function<Error(const std::string& message)>& error) {
  std::map<std::tuple<std::string, std::string, std::string, std::string>, const Resource*> seen;
  for (const auto& r : resources) {
    auto [it, added] = seen.emplace(std::make_tuple(r.group(), r.kind(), r.namespace_(), r.name()), &r);
    if (!added) {
      throw error("namespace transformation produces ID conflict: " + r.describe() + " (from " + it->second->origin + " and " + r.origin + ")");
    }
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
      if (r.name().empty()) continue;  // a nameless FooList object: kustomize gives it no name
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

void addAffix(Resources& resources, const std::string& affix, bool isPrefix, const std::vector<FieldSpec>& specs) {
  for (auto& r : resources) {
    const std::string group = r.group(), version = r.version(), kind = r.kind();
    // kustomize's skip list: CRDs, APIServices and Namespaces keep every field.
    if (kind == "CustomResourceDefinition" || kind == "Namespace" || (kind == "APIService" && group == "apiregistration.k8s.io")) continue;
    for (const auto& spec : specs) {
      if (!specMatches(spec, group, version, kind)) continue;
      if (spec.path == "metadata/name") {
        if (affix.empty() || r.name().empty()) continue;
        r.setName(isPrefix ? affix + r.name() : r.name() + affix);
        (isPrefix ? r.prefixes : r.suffixes).push_back(affix);
        continue;
      }
      visitField(r.object, spec, [&](Json& v) {
        if (v.is_object() || v.is_array()) {
          throw Error::invalid("considering field '" + spec.path + "' of object " + r.describe() + ": wrong node kind: expected ScalarNode but got " +
                               (v.is_array() ? "SequenceNode" : "MappingNode"));
        }
        const std::string text = v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
        v = isPrefix ? affix + text : text + affix;
      });
    }
  }
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
  } else if (spec.tagSuffix && !spec.tagSuffix->empty()) {
    image += ":" + current.tag + *spec.tagSuffix;
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
  // kustomize runs one image transformer per entry, in order, with its built-in image
  // fields and those of the configuration.
  const std::vector<FieldSpec> specs = mergeFieldSpecs(imageSpecs(), config.images);
  for (const auto& image : images) setImage(resources, image, specs);
}

void setImage(Resources& resources, const ImageSpec& image, const std::vector<FieldSpec>& specs) {
  // The legacy pass over every containers/initContainers list at any depth of every
  // object but CRDs, then the field specs (never created). An image both reach is
  // updated twice, as in kustomize: a tagSuffix is then appended twice.
  for (auto& r : resources) {
    if (r.kind() == "CustomResourceDefinition") continue;
    walkContainers(r.object, image);
  }
  for (auto& r : resources) {
    if (r.kind() == "CustomResourceDefinition") continue;
    const std::string group = r.group(), version = r.version(), kind = r.kind();
    for (const auto& spec : specs) {
      if (!specMatches(spec, group, version, kind)) continue;
      visitField(r.object, FieldSpec{spec.group, spec.version, spec.kind, spec.path, false}, [&](Json& v) {
        Json holder = Json::object({{"image", v}});
        updateImage(holder, image);
        v = holder["image"];
      });
    }
  }
}

void setReplicas(Resources& resources, const std::vector<ReplicaSpec>& replicas, const Kustomization& k, const TransformerConfig& config) {
  const std::vector<FieldSpec> specs = mergeFieldSpecs(replicaSpecs(), config.replicas);
  for (std::size_t i = 0; i < replicas.size(); ++i) {
    if (!setReplica(resources, replicas[i], specs)) {
      throw k.error("/replicas/" + std::to_string(i) + "/name", "no Deployment, ReplicaSet, StatefulSet or ReplicationController named \"" + replicas[i].name + "\"");
    }
  }
}

bool setReplica(Resources& resources, const ReplicaSpec& replica, const std::vector<FieldSpec>& specs) {
  bool found = false;
  for (auto& r : resources) {
    if (!r.hadName(replica.name)) continue;
    const std::string group = r.group(), version = r.version(), kind = r.kind();
    for (const auto& field : specs) {
      if (!specMatches(field, group, version, kind)) continue;
      visitField(r.object, field, [&](Json& v) { v = replica.count; });
      found = true;
    }
  }
  return found;
}

}  // namespace gs::render
