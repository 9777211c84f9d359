#include "sim/kube/schema.hpp"
#include "sim/kube/schema_builder.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <initializer_list>
#include <map>

#include "sim/core/json_key.hpp"
#include "sim/core/json_key_table.hpp"

namespace gs::kube {

const FieldSchema* FieldSchema::field(std::string_view name) const {
  auto it = std::lower_bound(fields_.begin(), fields_.end(), name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it != fields_.end() && it->first == name) return it->second;
  return anyField_;
}

const FieldSchema* FieldSchema::field(const std::string& name) const {
  const std::uintptr_t address = detail::sharedKeyAddress(name);
  if (address == 0) return field(std::string_view(name));
  // A shared text equals a field's name only if that name is the same table entry.
  auto it = std::lower_bound(sharedFields_.begin(), sharedFields_.end(), address,
                             [](const auto& entry, std::uintptr_t a) { return entry.first < a; });
  return it != sharedFields_.end() && it->first == address ? it->second : anyField_;
}

namespace {

// Where the schemas of custom resources Argo CD reads through known types are kept.
constexpr const char* kKnownTypesGroup = "argoproj.io (Argo CD known types)";

// The kinds' schemas, registered under `prefix` + group. `current`: today's Kubernetes;
// otherwise the v1.21 OpenAPI data kustomize v5 merges patches with (kyaml's
// kubernetesapi/v1_21_2), which lacks the keyed lists added since (resizePolicy,
// resources.claims, schedulingGates, resourceClaims): kustomize replaces those lists.
void registerKinds(SchemaBuilder& b, const std::string& prefix, bool current) {
  const auto* quantity = b.scalar(ScalarKind::Quantity);
  const auto* intOrString = b.scalar(ScalarKind::IntOrString);
  const auto* quantities = b.mapOf(b.scalar(ScalarKind::ResourceQuantity));
  const auto* byName = b.keyedList({{"name", ""}});
  const auto* byNameSince126 = current ? byName : nullptr;

  // finalizers merge as a set of strings ("." = the element itself is the key).
  const auto* metadata = b.object({{"ownerReferences", b.keyedList({{"uid", ""}})}, {"finalizers", b.keyedList({{".", ""}})}});
  const auto* resources = b.object({{"limits", quantities}, {"requests", quantities}, {"claims", byNameSince126}});
  const auto* handler = b.object({{"httpGet", b.object({{"port", intOrString}})},
                                  {"tcpSocket", b.object({{"port", intOrString}})}});
  // resourceFieldRef.divisor is a Quantity (env values and downward API files).
  const auto* resourceFieldRef = b.object({{"resourceFieldRef", b.object({{"divisor", quantity}})}});
  const auto* downwardItems = b.list(resourceFieldRef);
  const auto* container = b.object({
      {"env", b.keyedList({{"name", ""}}, b.object({{"valueFrom", resourceFieldRef}}))},
      {"ports", b.keyedList({{"containerPort", ""}, {"protocol", "TCP"}})},
      {"volumeMounts", b.keyedList({{"mountPath", ""}})},
      {"volumeDevices", b.keyedList({{"devicePath", ""}})},
      {"resizePolicy", current ? b.keyedList({{"resourceName", ""}}) : nullptr},
      {"resources", resources},
      {"livenessProbe", handler},
      {"readinessProbe", handler},
      {"startupProbe", handler},
      {"lifecycle", b.object({{"postStart", handler}, {"preStop", handler}})},
  });
  const auto* containers = b.keyedList({{"name", ""}}, container);
  const auto* pvcSpec = b.object({{"resources", resources}});
  const auto* volume = b.object({
      {"emptyDir", b.object({{"sizeLimit", quantity}})},
      {"downwardAPI", b.object({{"items", downwardItems}})},
      {"projected", b.object({{"sources", b.list(b.object({{"downwardAPI", b.object({{"items", downwardItems}})}}))}})},
      {"ephemeral", b.object({{"volumeClaimTemplate", b.object({{"spec", pvcSpec}})}})},
  });
  const auto* podSpec = b.object({
      {"containers", containers},
      {"initContainers", containers},
      {"ephemeralContainers", containers},
      {"volumes", b.keyedList({{"name", ""}}, volume)},
      {"imagePullSecrets", byName},
      {"hostAliases", b.keyedList({{"ip", ""}})},
      {"topologySpreadConstraints", b.keyedList({{"topologyKey", ""}, {"whenUnsatisfiable", ""}})},
      {"schedulingGates", byNameSince126},
      {"resourceClaims", byNameSince126},
      {"overhead", quantities},
      {"resources", resources},
  });
  const auto* podTemplate = b.object({{"metadata", metadata}, {"spec", podSpec}});
  const auto* rollingUpdate = b.object({{"maxSurge", intOrString}, {"maxUnavailable", intOrString}});

  auto addKind = [&](const std::string& group, const char* name, const FieldSchema* schema) { b.addKind(prefix + group, name, schema); };
  auto kind = [&](const char* group, const char* name, const FieldSchema* spec) {
    addKind(group, name, b.object({{"metadata", metadata}, {"spec", spec}}));
  };
  kind("apps", "Deployment", b.object({{"template", podTemplate}, {"strategy", b.object({{"rollingUpdate", rollingUpdate}})}}));
  kind("apps", "ReplicaSet", b.object({{"template", podTemplate}}));
  kind("apps", "DaemonSet", b.object({{"template", podTemplate}, {"updateStrategy", b.object({{"rollingUpdate", rollingUpdate}})}}));
  kind("apps", "StatefulSet",
       b.object({{"template", podTemplate},
                 {"updateStrategy", b.object({{"rollingUpdate", rollingUpdate}})},
                 {"volumeClaimTemplates", b.list(b.object({{"metadata", metadata}, {"spec", pvcSpec}}))}}));
  const auto* jobSpec = b.object({{"template", podTemplate}});
  kind("batch", "Job", jobSpec);
  kind("batch", "CronJob", b.object({{"jobTemplate", b.object({{"spec", jobSpec}})}}));
  kind("", "Pod", podSpec);
  addKind("", "PodTemplate", b.object({{"metadata", metadata}, {"template", podTemplate}}));
  kind("", "ReplicationController", b.object({{"template", podTemplate}}));
  kind("", "Service", b.object({{"ports", b.keyedList({{"port", ""}, {"protocol", "TCP"}},
                                                        b.object({{"targetPort", intOrString}}))}}));
  kind("", "PersistentVolumeClaim", pvcSpec);
  kind("", "PersistentVolume", b.object({{"capacity", quantities}}));
  kind("", "ResourceQuota", b.object({{"hard", quantities}}));
  kind("", "LimitRange",
       b.object({{"limits", b.list(b.object({{"max", quantities}, {"min", quantities}, {"default", quantities},
                                             {"defaultRequest", quantities}, {"maxLimitRequestRatio", quantities}}))}}));
  kind("policy", "PodDisruptionBudget", b.object({{"minAvailable", intOrString}, {"maxUnavailable", intOrString}}));
  // HPA metric targets are quantities; the metrics list itself is atomic.
  const auto* metricTarget = b.object({{"target", b.object({{"averageValue", quantity}, {"value", quantity}})}});
  const auto* metric = b.object({{"resource", metricTarget}, {"pods", metricTarget}, {"object", metricTarget},
                                 {"external", metricTarget}, {"containerResource", metricTarget}});
  kind("autoscaling", "HorizontalPodAutoscaler", b.object({{"metrics", b.list(metric)}}));
  // Argo CD's known-types normalizer reads an Argo Rollout's spec.template.spec as a core
  // PodSpec (quantities canonical, containers and volumes by name): for the diff only
  // (kustomize merges a custom resource's lists as JSON).
  if (current) kind(kKnownTypesGroup, "Rollout", b.object({{"template", b.object({{"spec", podSpec}})}}));
  // A ServiceAccount's secrets merge by name (imagePullSecrets are atomic).
  addKind("", "ServiceAccount", b.object({{"metadata", metadata}, {"secrets", byName}}));
  addKind("node.k8s.io", "RuntimeClass", b.object({{"metadata", metadata}, {"overhead", b.object({{"podFixed", quantities}})}}));
  // Admission webhooks merge by name.
  const auto* webhooks = b.keyedList({{"name", ""}});
  addKind("admissionregistration.k8s.io", "MutatingWebhookConfiguration", b.object({{"metadata", metadata}, {"webhooks", webhooks}}));
  addKind("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", b.object({{"metadata", metadata}, {"webhooks", webhooks}}));
  for (const char* group : {"", "apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io", "autoscaling",
                            "policy", "storage.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io",
                            "admissionregistration.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io"}) {
    // Every other built-in kind still has keyed ownerReferences in its metadata.
    addKind(group, "*", b.object({{"metadata", metadata}}));
  }
}

// Where the v1.21 schemas kustomize merges with are kept.
constexpr const char* kKustomizePrefix = "kustomize (Kubernetes v1.21) ";

SchemaBuilder buildSchemas() {
  SchemaBuilder b;
  registerKinds(b, "", true);
  registerKinds(b, kKustomizePrefix, false);
  return b;
}

const SchemaBuilder& schemas() {
  static const SchemaBuilder built = buildSchemas();
  return built;
}

}  // namespace

const FieldSchema* diffSchemaFor(std::string_view group, std::string_view kind) {
  if (group == "argoproj.io") {
    if (const auto* s = schemas().find(kKnownTypesGroup, kind)) return s;
  }
  return schemaFor(group, kind);
}

const FieldSchema* schemaFor(std::string_view group, std::string_view kind) {
  const auto& all = schemas();
  if (const auto* s = all.find(group, kind)) return s;
  return all.find(group, "*");
}

const FieldSchema* kustomizeSchemaFor(std::string_view group, std::string_view version, std::string_view kind) {
  // The versions of the kinds with keyed lists that Kubernetes v1.21 still served
  // (apps/v1beta1 and v1beta2, extensions/v1beta1 workloads and batch/v2alpha1 were gone).
  struct Served {
    std::string_view group, kind;
    std::array<std::string_view, 3> versions;  // unused entries empty
  };
  static const Served kServed[] = {
      {"apps", "Deployment", {"v1"}},         {"apps", "ReplicaSet", {"v1"}},
      {"apps", "DaemonSet", {"v1"}},          {"apps", "StatefulSet", {"v1"}},
      {"batch", "Job", {"v1"}},               {"batch", "CronJob", {"v1", "v1beta1"}},
      {"policy", "PodDisruptionBudget", {"v1", "v1beta1"}},
      {"autoscaling", "HorizontalPodAutoscaler", {"v1", "v2beta1", "v2beta2"}},
      {"node.k8s.io", "RuntimeClass", {"v1", "v1beta1", "v1alpha1"}},
      {"admissionregistration.k8s.io", "MutatingWebhookConfiguration", {"v1", "v1beta1"}},
      {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration", {"v1", "v1beta1"}},
  };
  if (group.empty() && version != "v1") return nullptr;
  for (const auto& served : kServed) {
    if (served.group != group || served.kind != kind) continue;
    if (version.empty() || std::find(served.versions.begin(), served.versions.end(), version) == served.versions.end()) return nullptr;
    break;
  }
  const std::string prefixed = std::string(kKustomizePrefix) + std::string(group);
  const auto& all = schemas();
  if (const auto* s = all.find(prefixed, kind)) return s;
  return all.find(prefixed, "*");
}

}  // namespace gs::kube
