#include "sim/render/name_reference.hpp"
#include "sim/core/json_lookup.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "sim/core/error.hpp"
#include "sim/core/json_lookup.hpp"
#include "sim/render/field_specs.hpp"

namespace gs::render {

namespace {

// In objects of kind `referrer` (and `referrerGroup` when set), the field at `path`
// names an object of kind `target` in group `targetGroup` (kustomize v5.5's
// nameReference table). `mapRef`: the field is a map with name (and namespace).
struct Reference {
  std::string target;
  std::string targetGroup;
  std::string referrer;
  std::string referrerGroup;
  std::string path;
  bool mapRef = false;
};

std::vector<Reference> buildTable() {
  std::vector<Reference> t;
  auto add = [&](const char* target, const char* targetGroup, const char* referrer, const char* referrerGroup, std::string path,
                 bool mapRef = false) { t.push_back({target, targetGroup, referrer, referrerGroup, std::move(path), mapRef}); };
  // Pod specs inside each workload kind.
  const std::pair<const char*, const char*> podHolders[] = {
      {"Pod", "spec"},
      {"PodTemplate", "template/spec"},
      {"Deployment", "spec/template/spec"},
      {"ReplicaSet", "spec/template/spec"},
      {"DaemonSet", "spec/template/spec"},
      {"StatefulSet", "spec/template/spec"},
      {"Job", "spec/template/spec"},
      {"CronJob", "spec/jobTemplate/spec/template/spec"},
  };
  for (const auto& [kind, at] : podHolders) {
    const std::string p = std::string(at) + "/";
    for (const char* f : {"volumes/configMap/name", "containers/env/valueFrom/configMapKeyRef/name",
                          "initContainers/env/valueFrom/configMapKeyRef/name", "containers/envFrom/configMapRef/name",
                          "initContainers/envFrom/configMapRef/name", "volumes/projected/sources/configMap/name"}) {
      add("ConfigMap", "", kind, "", p + f);
    }
    for (const char* f : {"volumes/secret/secretName", "containers/env/valueFrom/secretKeyRef/name", "initContainers/env/valueFrom/secretKeyRef/name",
                          "containers/envFrom/secretRef/name", "initContainers/envFrom/secretRef/name", "imagePullSecrets/name",
                          "volumes/projected/sources/secret/name"}) {
      add("Secret", "", kind, "", p + f);
    }
  }
  // ServiceAccount, PVC and PriorityClass references (no ReplicaSet or PodTemplate).
  const std::pair<const char*, const char*> workloads[] = {
      {"Pod", "spec"},
      {"StatefulSet", "spec/template/spec"},
      {"Deployment", "spec/template/spec"},
      {"ReplicationController", "spec/template/spec"},
      {"Job", "spec/template/spec"},
      {"DaemonSet", "spec/template/spec"},
      {"CronJob", "spec/jobTemplate/spec/template/spec"},
  };
  for (const auto& [kind, at] : workloads) {
    const std::string p = std::string(at) + "/";
    add("ServiceAccount", "", kind, "", p + "serviceAccountName");
    add("PersistentVolumeClaim", "", kind, "", p + "volumes/persistentVolumeClaim/claimName");
    add("PriorityClass", "scheduling.k8s.io", kind, "", p + "priorityClassName");
  }
  for (const char* kind : {"Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"}) {
    add(kind, "*", "HorizontalPodAutoscaler", "", "spec/scaleTargetRef/name");
  }
  add("ConfigMap", "", "Node", "", "spec/configSource/configMap", true);
  add("ConfigMap", "", "Ingress", "", "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap");
  for (const char* role : {"Role", "ClusterRole"}) {
    add("ConfigMap", "", role, "", "rules/resourceNames");
    add("Secret", "", role, "", "rules/resourceNames");
  }
  add("Secret", "", "Ingress", "", "spec/tls/secretName");
  for (const char* a : {"ingress.kubernetes.io\\/auth-secret", "nginx.ingress.kubernetes.io\\/auth-secret", "nginx.ingress.kubernetes.io\\/auth-tls-secret"}) {
    add("Secret", "", "Ingress", "", std::string("metadata/annotations/") + a);
  }
  add("Secret", "", "ServiceAccount", "", "imagePullSecrets/name");
  for (const char* f : {"parameters/secretName", "parameters/adminSecretName", "parameters/userSecretName", "parameters/secretRef"}) {
    add("Secret", "", "StorageClass", "", f);
  }
  add("Secret", "", "PersistentVolume", "", "spec/azureFile/secretName");
  add("Service", "", "StatefulSet", "apps", "spec/serviceName");
  for (const char* f : {"spec/rules/http/paths/backend/serviceName", "spec/backend/serviceName", "spec/rules/http/paths/backend/service/name",
                        "spec/defaultBackend/service/name"}) {
    add("Service", "", "Ingress", "", f);
  }
  add("Service", "", "APIService", "apiregistration.k8s.io", "spec/service/name");
  for (const char* webhook : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    add("Service", "", webhook, "admissionregistration.k8s.io", "webhooks/clientConfig/service", true);
  }
  add("Role", "rbac.authorization.k8s.io", "RoleBinding", "rbac.authorization.k8s.io", "roleRef/name");
  add("ClusterRole", "rbac.authorization.k8s.io", "RoleBinding", "rbac.authorization.k8s.io", "roleRef/name");
  add("ClusterRole", "rbac.authorization.k8s.io", "ClusterRoleBinding", "rbac.authorization.k8s.io", "roleRef/name");
  add("ServiceAccount", "", "RoleBinding", "rbac.authorization.k8s.io", "subjects", true);
  add("ServiceAccount", "", "ClusterRoleBinding", "rbac.authorization.k8s.io", "subjects", true);
  add("PersistentVolume", "", "PersistentVolumeClaim", "", "spec/volumeName");
  add("PersistentVolume", "", "ClusterRole", "", "rules/resourceNames");
  add("StorageClass", "storage.k8s.io", "PersistentVolume", "", "spec/storageClassName");
  add("StorageClass", "storage.k8s.io", "PersistentVolumeClaim", "", "spec/storageClassName");
  add("StorageClass", "storage.k8s.io", "StatefulSet", "", "spec/volumeClaimTemplates/spec/storageClassName");
  add("ValidatingAdmissionPolicy", "admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io",
      "spec/policyName");
  return t;
}

const std::vector<Reference>& table() {
  static const std::vector<Reference> t = buildTable();
  return t;
}

std::string effective(const std::string& ns) { return ns.empty() ? "default" : ns; }

// The namespaces a RoleBinding's ServiceAccount subjects name (kustomize's
// getNamespacesForRoleBinding, which refuses a subject whose namespace is not a string).
std::set<std::string> roleBindingNamespaces(const Resource& referrer) {
  std::set<std::string> out;
  if (referrer.kind() != "RoleBinding") return out;
  const Json* subjects = findMember(referrer.object, "subjects");
  if (subjects == nullptr || !subjects->is_array()) return out;
  for (const auto& subject : *subjects) {
    const Json* ns = findMember(subject, "namespace");
    if (ns == nullptr || stringMember(subject, "kind") != "ServiceAccount") continue;
    if (!ns->is_string()) {
      throw Error::invalid("Invalid Input: namespace is blank for resource " + referrer.describe() + " (" + referrer.origin + ")");
    }
    out.insert(ns->get<std::string>());
  }
  return out;
}

bool clusterScoped(const Resource& r) { return kustomizeClusterScoped(r.apiVersion(), r.kind()); }

class Fixer {
 public:
  Fixer(Resources& resources, const TransformerConfig& config) : resources_(resources) {
    // A configuration's name references: an empty target group means any group, an
    // empty referrer kind any kind.
    for (const auto& ref : config.nameReference) {
      for (const auto& field : ref.fieldSpecs) {
        custom_.push_back(Reference{ref.kind, ref.group.empty() ? "*" : ref.group, field.kind, field.group, field.path, false});
      }
    }
    // Only renamed objects can be referred to by an old name: index them by kind and
    // old name, and the table by referrer kind, so the fix-up is linear in the objects.
    for (const auto& r : resources_) {
      for (const auto& old : r.previousNames) byOldName_[{r.kind(), old}].push_back(&r);
    }
    for (const auto& ref : table()) byReferrer_[ref.referrer].push_back(&ref);
    for (const auto& ref : custom_) byReferrer_[ref.referrer].push_back(&ref);
  }

  // The final name for value `v` of a field of `referrer`, or nullptr to leave it.
  // `bindingNamespaces`: roleBindingNamespaces(referrer).
  const Resource* referral(const Resource& referrer, const std::set<std::string>& bindingNamespaces, const Reference& ref, const std::string& v,
                           const std::string* mapNamespace, const std::string& roleKind) const {
    const bool referrerCluster = clusterScoped(referrer);
    const std::string ns = effective(referrer.namespace_());
    std::vector<const Resource*> candidates;
    auto indexed = byOldName_.find({ref.target, v});
    if (indexed == byOldName_.end()) return nullptr;
    for (const Resource* rp : indexed->second) {
      const Resource& r = *rp;
      if (ref.targetGroup != "*" && r.group() != ref.targetGroup) continue;
      if (std::find(candidates.begin(), candidates.end(), rp) != candidates.end()) continue;
      if (!roleKind.empty() && r.kind() != roleKind) continue;
      if (mapNamespace != nullptr && !mapNamespace->empty() && effective(r.originalNamespace) != effective(*mapNamespace) &&
          effective(r.namespace_()) != effective(*mapNamespace)) {
        continue;
      }
      // kustomize's SubsetThatCouldBeReferencedByResource: a namespaced referrer sees
      // cluster-scoped objects, its own namespace's, and a RoleBinding also those in the
      // namespaces its ServiceAccount subjects name.
      if (!referrerCluster && !clusterScoped(r) && effective(r.namespace_()) != ns && !bindingNamespaces.contains(r.namespace_())) continue;
      candidates.push_back(rp);
    }
    if (candidates.empty()) return nullptr;
    if (candidates.size() > 1) {
      // Several: the one that got the same prefixes and suffixes as the referrer (from
      // the same kustomization subtree); none of them: leave the value alone.
      std::vector<const Resource*> same;
      for (const auto* c : candidates) {
        if (c->prefixes == referrer.prefixes && c->suffixes == referrer.suffixes) same.push_back(c);
      }
      if (same.size() == 1) return same.front();
      if (same.empty()) return nullptr;
      candidates = same;
    }
    for (const auto* c : candidates) {
      if (c->name() != candidates.front()->name() || (ref.mapRef && c->namespace_() != candidates.front()->namespace_())) {
        std::string ids;
        for (const auto* x : candidates) ids += (ids.empty() ? "" : ", ") + x->describe();
        throw Error::invalid(referrer.describe() + ": found multiple possible referrals for \"" + v + "\": " + ids);
      }
    }
    return candidates.front();
  }

  void run() {
    struct Rewrite {
      Json* slot;
      std::string name;
      Json* namespaceSlot;  // map references: the map, to set its namespace
      std::string ns;
    };
    std::vector<Rewrite> rewrites;
    for (auto& referrer : resources_) {
      const std::string kind = referrer.kind(), group = referrer.group();
      const std::set<std::string> bindingNamespaces = roleBindingNamespaces(referrer);
      std::vector<const Reference*> refs;
      for (const std::string& key : {kind, std::string()}) {
        auto found = byReferrer_.find(key);
        if (found != byReferrer_.end()) refs.insert(refs.end(), found->second.begin(), found->second.end());
      }
      for (const Reference* refp : refs) {
        const Reference& ref = *refp;
        if (!ref.referrerGroup.empty() && ref.referrerGroup != group) continue;
        std::string roleKind;
        if (ref.path == "roleRef/name") {
          roleKind = referrer.object.contains("roleRef") ? stringMember(referrer.object["roleRef"], "kind") : "";
          if (roleKind != ref.target) continue;
        }
        FieldSpec spec{"", "", "", ref.path, false};
        visitField(referrer.object, spec, [&](Json& value) {
          if (ref.mapRef || value.is_object()) {
            if (!value.is_object() || !value.contains("name") || !value["name"].is_string()) return;
            // kustomize matches a subject of any kind (User, Group) by name, and gives it
            // the ServiceAccount's new name and namespace: a quirk kubectl shows.
            const std::string mapNs = stringMember(value, "namespace");
            const Resource* target = referral(referrer, bindingNamespaces, ref, value["name"].get<std::string>(), &mapNs, "");
            if (target != nullptr) rewrites.push_back({&value["name"], target->name(), &value, target->namespace_()});
            return;
          }
          auto consider = [&](Json& item) {
            if (!item.is_string()) return;
            const Resource* target = referral(referrer, bindingNamespaces, ref, item.get<std::string>(), nullptr, roleKind);
            if (target != nullptr) rewrites.push_back({&item, target->name(), nullptr, {}});
          };
          if (value.is_array()) {
            for (auto& item : value) consider(item);
          } else {
            consider(value);
          }
        });
      }
    }
    for (auto& w : rewrites) {
      *w.slot = w.name;
      if (w.namespaceSlot != nullptr && !w.ns.empty()) (*w.namespaceSlot)["namespace"] = w.ns;
    }
  }

 private:
  Resources& resources_;
  std::vector<Reference> custom_;  // filled before the index, which points into it
  std::map<std::pair<std::string, std::string>, std::vector<const Resource*>> byOldName_;
  std::map<std::string, std::vector<const Reference*>> byReferrer_;
};

}  // namespace

void fixNameReferences(Resources& resources, const TransformerConfig& config) { Fixer(resources, config).run(); }

}  // namespace gs::render
