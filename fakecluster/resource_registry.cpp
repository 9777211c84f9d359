#include "fakecluster/resource_registry.hpp"

#include <algorithm>

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

ResourceRegistry::ResourceRegistry() {
  struct Builtin {
    const char* group;
    const char* version;
    const char* kind;
    const char* plural;
    bool namespaced;
    bool status;
  };
  static constexpr Builtin kBuiltins[] = {
      {"", "v1", "Namespace", "namespaces", false, true},
      {"", "v1", "Pod", "pods", true, true},
      {"", "v1", "Service", "services", true, true},
      {"", "v1", "Endpoints", "endpoints", true, false},
      {"", "v1", "ConfigMap", "configmaps", true, false},
      {"", "v1", "Secret", "secrets", true, false},
      {"", "v1", "ServiceAccount", "serviceaccounts", true, false},
      {"", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, true},
      {"", "v1", "PersistentVolume", "persistentvolumes", false, true},
      {"", "v1", "Event", "events", true, false},
      {"", "v1", "Node", "nodes", false, true},
      {"", "v1", "ResourceQuota", "resourcequotas", true, true},
      {"", "v1", "LimitRange", "limitranges", true, false},
      {"", "v1", "PodTemplate", "podtemplates", true, false},
      {"apps", "v1", "Deployment", "deployments", true, true},
      {"apps", "v1", "ReplicaSet", "replicasets", true, true},
      {"apps", "v1", "StatefulSet", "statefulsets", true, true},
      {"apps", "v1", "DaemonSet", "daemonsets", true, true},
      {"apps", "v1", "ControllerRevision", "controllerrevisions", true, false},
      {"batch", "v1", "Job", "jobs", true, true},
      {"batch", "v1", "CronJob", "cronjobs", true, true},
      {"discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, false},
      {"networking.k8s.io", "v1", "Ingress", "ingresses", true, true},
      {"networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, false},
      {"networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, false},
      {"scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, false},
      {"coordination.k8s.io", "v1", "Lease", "leases", true, false},
      {"node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false, false},
      {"admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false, false},
      {"admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, false},
      {"admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", false, true},
      {"admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", false, false},
      {"apiregistration.k8s.io", "v1", "APIService", "apiservices", false, true},
      {"storage.k8s.io", "v1", "CSIDriver", "csidrivers", false, false},
      {"rbac.authorization.k8s.io", "v1", "Role", "roles", true, false},
      {"rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, false},
      {"rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, false},
      {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, false},
      {"autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true},
      {"policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true},
      {"storage.k8s.io", "v1", "StorageClass", "storageclasses", false, false},
      {"apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true},
  };
  for (const auto& b : kBuiltins) add(ResourceType{b.group, b.version, b.kind, b.plural, b.namespaced, b.status, false, nullptr, {}, nullptr, {}});
}

void ResourceRegistry::add(ResourceType type) {
  if (!type.custom) type.shape = kube::apiStructFor(type.group, type.version, type.kind);
  if (type.servedVersions.empty()) type.servedVersions.push_back(type.version);
  if (!type.custom && type.group == "autoscaling" && type.kind == "HorizontalPodAutoscaler") type.servedVersions.push_back("v1");
  auto key = std::make_pair(type.group, type.kind);
  byKind_[key] = std::move(type);
}

const ResourceType* ResourceRegistry::byKind(std::string_view group, std::string_view kind) const {
  auto it = byKind_.find(std::make_pair(std::string(group), std::string(kind)));
  return it == byKind_.end() ? nullptr : &it->second;
}

const ResourceType* ResourceRegistry::served(std::string_view group, std::string_view version, std::string_view kind,
                                             bool* groupVersionServed) const {
  const auto serves = [&](const ResourceType& type) {
    return std::find(type.servedVersions.begin(), type.servedVersions.end(), version) != type.servedVersions.end();
  };
  const ResourceType* type = byKind(group, kind);
  if (type != nullptr && serves(*type)) {
    if (groupVersionServed != nullptr) *groupVersionServed = true;
    return type;
  }
  if (groupVersionServed != nullptr) {
    *groupVersionServed = false;
    for (const auto& [key, other] : byKind_) {
      if (other.group == group && serves(other)) {
        *groupVersionServed = true;
        break;
      }
    }
  }
  return nullptr;
}

const ResourceType* ResourceRegistry::byPlural(std::string_view group, std::string_view plural) const {
  for (const auto& [key, type] : byKind_) {
    if (type.group == group && type.plural == plural) return &type;
  }
  return nullptr;
}

std::vector<ResourceType> ResourceRegistry::all() const {
  std::vector<ResourceType> out;
  for (const auto& [key, type] : byKind_) out.push_back(type);
  return out;
}

Json acceptedCrdStatus(const Json& crd, const std::string& now) {
  const Json& spec = objectAt(crd, {"spec"_key});
  Json names = objectAt(spec, {"names"_key});
  const std::string kind = stringField(names, {"kind"});
  if (!names.contains("listKind") && !kind.empty()) names["listKind"] = kind + "List";
  if (!names.contains("singular") && !kind.empty()) {
    std::string singular = kind;
    for (char& c : singular) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    names["singular"] = singular;
  }
  Json stored = Json::array();
  const Json& versions = memberOr(spec, "versions", kEmptyArrayJson);
  for (const auto& v : versions) {
    if (boolField(v, {"storage"})) stored.push_back(stringField(v, {"name"}));
  }
  auto condition = [&](const char* type, const char* reason, const char* message) {
    return Json{{"type", type}, {"status", "True"}, {"lastTransitionTime", now}, {"reason", reason}, {"message", message}};
  };
  return Json{{"acceptedNames", std::move(names)},
              {"conditions", Json::array({condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                                          condition("Established", "InitialNamesAccepted", "the initial names have been accepted")})},
              {"storedVersions", std::move(stored)}};
}

void ResourceRegistry::registerCustomResource(const Json& crd) {
  const std::string name = crd.value("/metadata/name"_json_pointer, "");
  const Json& spec = crd.value("spec", Json::object());
  std::vector<StatusCause> causes;
  auto group = spec.value("group", "");
  auto names = spec.value("names", Json::object());
  auto kind = names.value("kind", "");
  auto plural = names.value("plural", "");
  if (group.empty()) causes.push_back({"FieldValueRequired", "spec.group", "Required value"});
  if (kind.empty()) causes.push_back({"FieldValueRequired", "spec.names.kind", "Required value"});
  if (plural.empty()) causes.push_back({"FieldValueRequired", "spec.names.plural", "Required value"});
  if (!plural.empty() && !group.empty() && name != plural + "." + group) {
    causes.push_back({"FieldValueInvalid", "metadata.name", "must be spec.names.plural+\".\"+spec.group"});
  }
  std::string version;
  std::vector<std::string> servedVersions;
  bool status = false;
  std::vector<std::string> selectable;
  std::shared_ptr<const Json> schema;
  for (const auto& v : spec.value("versions", Json::array())) {
    if (v.value("served", false)) servedVersions.push_back(v.value("name", ""));
    if (v.value("storage", false) || (version.empty() && v.value("served", false))) {
      version = v.value("name", "");
      const Json* openApi = v.contains("schema") && v["schema"].is_object() && v["schema"].contains("openAPIV3Schema") ? &v["schema"]["openAPIV3Schema"] : nullptr;
      schema = openApi != nullptr && openApi->is_object() ? std::make_shared<const Json>(*openApi) : nullptr;
      status = v.contains("subresources") && v["subresources"].contains("status");
      selectable.clear();
      for (const auto& f : v.value("selectableFields", Json::array())) {
        std::string path = f.is_object() ? f.value("jsonPath", "") : "";
        if (path.starts_with(".")) path.erase(0, 1);  // ".spec.color" selects as spec.color
        if (!path.empty()) selectable.push_back(std::move(path));
      }
    }
  }
  if (version.empty()) causes.push_back({"FieldValueRequired", "spec.versions", "must have exactly one storage version"});
  if (!causes.empty()) throw ApiError::invalid("CustomResourceDefinition", name, std::move(causes));
  add(ResourceType{group, version, kind, plural, spec.value("scope", "Namespaced") == "Namespaced", status, true, nullptr, std::move(selectable),
                   std::move(schema), std::move(servedVersions)});
}

void ResourceRegistry::remove(std::string_view group, std::string_view kind) {
  byKind_.erase(std::make_pair(std::string(group), std::string(kind)));
}

}  // namespace gs::fake
