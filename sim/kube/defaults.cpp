#include "sim/kube/defaults.hpp"

#include <cctype>
#include <utility>
#include <vector>

#include "sim/core/base64.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::kube {
namespace {

class Defaulter {
 public:
  explicit Defaulter(DefaultedValues* inserted) : inserted_(inserted) {}

  // Hands the inserted values' addresses over once the tree no longer changes: a member's
  // address moves while its parent gains keys, but the parent's object block does not.
  ~Defaulter() {
    if (inserted_ == nullptr) return;
    for (const auto& [members, key] : insertedSlots_) {
      const auto it = members->find(key);
      if (it != members->end()) inserted_->insert(&it->second);
    }
  }
  Defaulter(const Defaulter&) = delete;
  Defaulter& operator=(const Defaulter&) = delete;

  // Sets parent[key] = value when the key is absent (an explicit null counts as absent,
  // as the API server's decoding drops it). Returns the value now at parent[key], or a
  // null placeholder when `parent` is not a map (malformed input is left alone).
  Json& set(Json& parent, const char* key, Json value) {
    if (!parent.is_object()) return placeholder_ = nullptr;
    // One search: a present key is found, an absent one inserted (as null) in place.
    auto [it, inserted] = parent.get_ref<Json::object_t&>().emplace(std::string_view(key));
    Json& slot = it->second;
    if (!inserted && !slot.is_null()) return slot;
    slot = std::move(value);
    if (inserted_ != nullptr) insertedSlots_.emplace_back(parent.get_ptr<Json::object_t*>(), key);
    return slot;
  }

  static Json* child(Json& parent, const char* key) {
    if (!parent.is_object()) return nullptr;
    auto it = parent.find(key);
    return it != parent.end() && it->is_object() ? &*it : nullptr;
  }
  static Json* list(Json& parent, const char* key) {
    if (!parent.is_object()) return nullptr;
    auto it = parent.find(key);
    return it != parent.end() && it->is_array() ? &*it : nullptr;
  }

  // SetDefaults_HTTPGetAction, for probes and lifecycle handlers alike.
  void handler(Json& h) {
    if (auto* http = child(h, "httpGet")) {
      set(*http, "path", "/");
      set(*http, "scheme", "HTTP");
    }
  }

  void probe(Json& p) {
    set(p, "timeoutSeconds", 1);
    set(p, "periodSeconds", 10);
    set(p, "successThreshold", 1);
    set(p, "failureThreshold", 3);
    handler(p);
    if (auto* grpc = child(p, "grpc")) set(*grpc, "service", "");  // +default=""
  }

  // SetDefaults_Pod (a Pod, not a template): requests default to limits; with the host
  // network, a port's hostPort defaults to its containerPort.
  void podContainerResources(Json& c, bool hostNetwork) {
    if (!c.is_object()) return;
    if (auto* resources = child(c, "resources")) {
      if (auto* limits = child(*resources, "limits")) {
        const Json copy = *limits;  // a copy: adding requests moves the resources' members
        auto& requests = set(*resources, "requests", Json::object());
        if (requests.is_object()) {
          for (auto it = copy.begin(); it != copy.end(); ++it) set(requests, it.key().c_str(), *it);
        }
      }
    }
    if (hostNetwork) {
      if (auto* ports = list(c, "ports")) {
        for (auto& port : *ports) {
          if (!port.is_object()) continue;
          auto containerPort = port.find("containerPort");
          if (containerPort != port.end()) set(port, "hostPort", Json(*containerPort));
        }
      }
    }
  }

  void container(Json& c) {
    if (!c.is_object()) return;
    auto image = c.find("image");
    if (image != c.end() && image->is_string()) set(c, "imagePullPolicy", defaultImagePullPolicy(image->get_ref<const std::string&>()));
    set(c, "terminationMessagePath", "/dev/termination-log");
    set(c, "terminationMessagePolicy", "File");
    if (auto* ports = list(c, "ports")) {
      for (auto& port : *ports) {
        if (port.is_object()) set(port, "protocol", "TCP");
      }
    }
    for (const char* probeName : {"livenessProbe", "readinessProbe", "startupProbe"}) {
      if (auto* p = child(c, probeName)) probe(*p);
    }
    if (auto* lifecycle = child(c, "lifecycle")) {
      for (const char* hook : {"postStart", "preStop"}) {
        if (auto* h = child(*lifecycle, hook)) handler(*h);
      }
    }
    if (auto* env = list(c, "env")) {
      for (auto& e : *env) {
        if (!e.is_object()) continue;
        if (auto* from = child(e, "valueFrom")) {
          if (auto* field = child(*from, "fieldRef")) set(*field, "apiVersion", "v1");
          if (auto* resource = child(*from, "resourceFieldRef")) set(*resource, "divisor", "0");
        }
      }
    }
  }

  void downwardItems(Json& source) {
    if (auto* items = list(source, "items")) {
      for (auto& item : *items) {
        if (auto* field = child(item, "fieldRef")) set(*field, "apiVersion", "v1");
        if (auto* resource = child(item, "resourceFieldRef")) set(*resource, "divisor", "0");
      }
    }
  }

  void volume(Json& v) {
    if (!v.is_object()) return;
    for (const char* source : {"configMap", "secret", "downwardAPI", "projected"}) {
      if (auto* s = child(v, source)) set(*s, "defaultMode", 420);
    }
    if (auto* d = child(v, "downwardAPI")) downwardItems(*d);
    if (auto* projected = child(v, "projected")) {
      if (auto* sources = list(*projected, "sources")) {
        for (auto& source : *sources) {
          if (auto* token = child(source, "serviceAccountToken")) set(*token, "expirationSeconds", 3600);
          if (auto* d = child(source, "downwardAPI")) downwardItems(*d);
        }
      }
    }
    if (auto* hostPath = child(v, "hostPath")) set(*hostPath, "type", "");
    if (auto* iscsi = child(v, "iscsi")) set(*iscsi, "iscsiInterface", "default");
    if (auto* rbd = child(v, "rbd")) {
      set(*rbd, "pool", "rbd");
      set(*rbd, "user", "admin");
      set(*rbd, "keyring", "/etc/ceph/keyring");
    }
    if (auto* azureDisk = child(v, "azureDisk")) {
      set(*azureDisk, "cachingMode", "ReadWrite");
      set(*azureDisk, "fsType", "ext4");
      set(*azureDisk, "readOnly", false);
      set(*azureDisk, "kind", "Shared");
    }
    if (auto* scaleIO = child(v, "scaleIO")) {
      set(*scaleIO, "storageMode", "ThinProvisioned");
      set(*scaleIO, "fsType", "xfs");
    }
    if (auto* ephemeral = child(v, "ephemeral")) {
      if (auto* claim = child(*ephemeral, "volumeClaimTemplate")) {
        if (auto* s = child(*claim, "spec")) pvcSpec(*s);
      }
    }
  }

  // SetDefaults_Volume: a volume with no source is an emptyDir.
  static bool hasSource(const Json& v) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it.key() != "name") return true;
    }
    return false;
  }

  void webhook(Json& hook, bool mutating) {
    if (!hook.is_object()) return;
    set(hook, "failurePolicy", "Fail");
    set(hook, "matchPolicy", "Equivalent");
    set(hook, "namespaceSelector", Json::object());
    set(hook, "objectSelector", Json::object());
    set(hook, "timeoutSeconds", 10);
    if (mutating) set(hook, "reinvocationPolicy", "Never");
    if (auto* client = child(hook, "clientConfig")) {
      if (auto* service = child(*client, "service")) set(*service, "port", 443);
    }
    if (auto* rules = list(hook, "rules")) {
      for (auto& rule : *rules) {
        if (rule.is_object()) set(rule, "scope", "*");
      }
    }
  }

  void networkPolicy(Json& spec) {
    for (const char* direction : {"ingress", "egress"}) {
      if (auto* rules = list(spec, direction)) {
        for (auto& rule : *rules) {
          if (auto* ports = list(rule, "ports")) {
            for (auto& port : *ports) {
              if (port.is_object()) set(port, "protocol", "TCP");
            }
          }
        }
      }
    }
    // SetDefaults_NetworkPolicy: Egress only when there are egress rules (an empty list
    // counts as none).
    Json types = Json::array({"Ingress"});
    if (auto* egress = list(spec, "egress"); egress != nullptr && !egress->empty()) types.push_back("Egress");
    set(spec, "policyTypes", std::move(types));
  }

  void podSpec(Json& spec, bool defaultRestartPolicy) {
    if (defaultRestartPolicy) set(spec, "restartPolicy", "Always");
    set(spec, "terminationGracePeriodSeconds", 30);
    set(spec, "dnsPolicy", "ClusterFirst");
    set(spec, "securityContext", Json::object());
    set(spec, "schedulerName", "default-scheduler");
    for (const char* list_ : {"containers", "initContainers", "ephemeralContainers"}) {
      if (auto* cs = list(spec, list_)) {
        for (auto& c : *cs) container(c);
      }
    }
    if (auto* vs = list(spec, "volumes")) {
      for (auto& v : *vs) {
        if (v.is_object() && !hasSource(v)) set(v, "emptyDir", Json::object());
        volume(v);
      }
    }
  }

  void podTemplate(Json& spec, bool defaultRestartPolicy = true) {
    if (auto* tmpl = child(spec, "template")) {
      if (auto* ps = child(*tmpl, "spec")) podSpec(*ps, defaultRestartPolicy);
    }
  }

  void rollingUpdate(Json& strategy, const char* maxSurge, Json maxUnavailable) {
    auto& type = set(strategy, "type", "RollingUpdate");
    if (type == "RollingUpdate") {
      auto& ru = set(strategy, "rollingUpdate", Json::object());
      if (ru.is_object()) {
        set(ru, "maxUnavailable", std::move(maxUnavailable));
        set(ru, "maxSurge", maxSurge[0] == '0' ? Json(0) : Json(maxSurge));
      }
    }
  }

  void pvcSpec(Json& spec) { set(spec, "volumeMode", "Filesystem"); }

  // SetDefaults_Job (batch/v1, 1.32).
  void jobSpec(Json& spec) {
    if (!spec.contains("completions") && !spec.contains("parallelism")) {
      set(spec, "completions", 1);
    }
    set(spec, "parallelism", 1);
    const bool perIndex = spec.contains("backoffLimitPerIndex") && !spec["backoffLimitPerIndex"].is_null();
    set(spec, "backoffLimit", perIndex ? 2147483647 : 6);
    set(spec, "completionMode", "NonIndexed");
    set(spec, "suspend", false);
    Json* failurePolicy = child(spec, "podFailurePolicy");
    if (failurePolicy != nullptr) {
      if (auto* rules = list(*failurePolicy, "rules")) {
        for (auto& rule : *rules) {
          if (auto* conditions = list(rule, "onPodConditions")) {
            for (auto& condition : *conditions) {
              if (condition.is_object()) set(condition, "status", "True");
            }
          }
        }
      }
    }
    set(spec, "podReplacementPolicy", failurePolicy != nullptr ? "Failed" : "TerminatingOrFailed");
    set(spec, "manualSelector", false);
    podTemplate(spec, false);
  }

  // SetDefaults_ReplicationController and SetDefaults_Job: empty labels (and a
  // controller's empty selector) take the pod template's labels. Called last: it adds
  // metadata members (moving them) and reads the template.
  void templateLabelsAsDefault(Json& obj, Json& spec, bool selectorToo) {
    Json* tmpl = child(spec, "template");
    Json* meta = tmpl != nullptr ? child(*tmpl, "metadata") : nullptr;
    Json* labels = meta != nullptr ? child(*meta, "labels") : nullptr;
    if (labels == nullptr) return;
    const Json copy = *labels;
    if (selectorToo) fillEmpty(spec, "selector", copy);
    if (Json* objMeta = child(obj, "metadata")) fillEmpty(*objMeta, "labels", copy);
  }

  // Sets parent[key] = value when the key is absent, null or an empty map.
  void fillEmpty(Json& parent, const char* key, const Json& value) {
    auto it = parent.find(key);
    if (it != parent.end() && !it->is_null() && !(it->is_object() && it->empty())) return;
    parent[key] = value;
    if (inserted_ != nullptr) insertedSlots_.emplace_back(parent.get_ptr<Json::object_t*>(), key);
  }

  // GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: the fields a behavior leaves out.
  void scalingRules(Json& behavior, const char* direction) {
    auto& rules = set(behavior, direction, Json::object());
    if (!rules.is_object()) return;
    const bool up = std::string_view(direction) == "scaleUp";
    if (up) set(rules, "stabilizationWindowSeconds", 0);
    set(rules, "selectPolicy", "Max");
    if (up) {
      set(rules, "policies", Json::array({Json{{"type", "Pods"}, {"value", 4}, {"periodSeconds", 15}},
                                          Json{{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}}));
    } else {
      set(rules, "policies", Json::array({Json{{"type", "Percent"}, {"value", 100}, {"periodSeconds", 15}}}));
    }
  }

  // SetDefaults_LimitRangeItem: a Container item's default limit comes from max, its
  // default request from the default limit, then from min.
  void limitRangeItem(Json& item) {
    if (!item.is_object() || item.value("type", "") != "Container") return;
    auto fill = [&](const char* into, const char* from) {
      const Json source = item.value(from, Json::object());  // a copy: filling moves item's members
      if (!source.is_object() || source.empty()) return;
      auto& target = set(item, into, Json::object());
      if (!target.is_object()) return;
      for (auto it = source.begin(); it != source.end(); ++it) set(target, it.key().c_str(), *it);
    };
    fill("default", "max");
    fill("defaultRequest", "default");
    fill("defaultRequest", "min");
  }

  void service(Json& spec) {
    // With no affinity, the API server drops an affinity configuration.
    if (spec.value("sessionAffinity", Json()).is_null() || spec.value("sessionAffinity", Json()) == "None") spec.erase("sessionAffinityConfig");
    const Json type = set(spec, "type", "ClusterIP");  // a copy: the sets below move spec's members
    set(spec, "sessionAffinity", "None");
    if (type != "ExternalName") set(spec, "internalTrafficPolicy", "Cluster");
    // ExternallyAccessible: NodePort and LoadBalancer, or a ClusterIP Service with external IPs.
    const bool external = type == "NodePort" || type == "LoadBalancer" ||
                          (type == "ClusterIP" && spec.contains("externalIPs") && spec["externalIPs"].is_array() && !spec["externalIPs"].empty());
    if (external) set(spec, "externalTrafficPolicy", "Cluster");
    if (type == "LoadBalancer") set(spec, "allocateLoadBalancerNodePorts", true);
    const Json affinity = spec.value("sessionAffinity", Json());
    if (affinity == "ClientIP") {
      auto& config = set(spec, "sessionAffinityConfig", Json::object());
      if (config.is_object()) {
        auto& clientIP = set(config, "clientIP", Json::object());
        if (clientIP.is_object()) set(clientIP, "timeoutSeconds", 10800);
      }
    }
    if (auto* ports = list(spec, "ports")) {
      for (auto& port : *ports) {
        if (!port.is_object()) continue;
        set(port, "protocol", "TCP");
        auto p = port.find("port");
        if (p != port.end()) set(port, "targetPort", Json(*p));
      }
    }
  }

  void object(Json& obj) {
    // Only the group and kind decide the defaults (read in place, no key built).
    const std::string_view apiVersion = stringOf(findMember(obj, "apiVersion"_key));
    const auto slash = apiVersion.find('/');
    const std::string_view g = slash == std::string_view::npos ? std::string_view() : apiVersion.substr(0, slash);
    const std::string_view k = stringOf(findMember(obj, "kind"_key));
    if (g == "" && k == "Secret") {
      set(obj, "type", "Opaque");
      return;
    }
    if (g == "" && k == "Namespace") {
      // SetDefaults_Namespace: a named Namespace carries its name as a label.
      if (auto* meta = child(obj, "metadata")) {
        // Copied first: inserting "labels" into metadata moves its members.
        const std::string name(stringOf(findMember(*meta, "name"_key)));
        if (!name.empty()) {
          auto& labels = set(*meta, "labels", Json::object());
          if (labels.is_object()) labels["kubernetes.io/metadata.name"] = name;
        }
      }
      return;
    }
    if (g == "rbac.authorization.k8s.io" && (k == "RoleBinding" || k == "ClusterRoleBinding")) {
      if (auto* roleRef = child(obj, "roleRef")) set(*roleRef, "apiGroup", "rbac.authorization.k8s.io");
      if (auto* subjects = list(obj, "subjects")) {
        for (auto& subject : *subjects) {
          if (!subject.is_object()) continue;
          // SetDefaults_Subject: a User or Group is rbac.authorization.k8s.io's; a
          // ServiceAccount's apiGroup is "", which the API server omits (omitempty).
          auto kindOf = subject.value("kind", "");
          if (kindOf == "User" || kindOf == "Group") set(subject, "apiGroup", "rbac.authorization.k8s.io");
        }
      }
      return;
    }
    if (g == "admissionregistration.k8s.io" && (k == "MutatingWebhookConfiguration" || k == "ValidatingWebhookConfiguration")) {
      if (auto* hooks = list(obj, "webhooks")) {
        for (auto& hook : *hooks) webhook(hook, k == "MutatingWebhookConfiguration");
      }
      return;
    }
    if (g == "admissionregistration.k8s.io" && (k == "ValidatingAdmissionPolicy" || k == "ValidatingAdmissionPolicyBinding")) {
      Json* spec = child(obj, "spec");
      if (spec == nullptr) return;
      // SetDefaults_ValidatingAdmissionPolicySpec, SetDefaults_MatchResources, SetDefaults_Rule.
      if (k == "ValidatingAdmissionPolicy") set(*spec, "failurePolicy", "Fail");
      if (auto* match = child(*spec, k == "ValidatingAdmissionPolicy" ? "matchConstraints" : "matchResources")) {
        set(*match, "matchPolicy", "Equivalent");
        set(*match, "namespaceSelector", Json::object());
        set(*match, "objectSelector", Json::object());
        for (const char* rules : {"resourceRules", "excludeResourceRules"}) {
          if (auto* list = this->list(*match, rules)) {
            for (auto& rule : *list) {
              if (rule.is_object()) set(rule, "scope", "*");
            }
          }
        }
      }
      return;
    }
    if (g == "" && k == "Endpoints") {
      if (auto* subsets = list(obj, "subsets")) {
        for (auto& subset : *subsets) {
          if (auto* ports = list(subset, "ports")) {
            for (auto& port : *ports) {
              if (port.is_object()) set(port, "protocol", "TCP");
            }
          }
        }
      }
      return;
    }
    if (g == "scheduling.k8s.io" && k == "PriorityClass") {
      set(obj, "preemptionPolicy", "PreemptLowerPriority");
      return;
    }
    if (g == "storage.k8s.io" && k == "StorageClass") {
      set(obj, "reclaimPolicy", "Delete");
      set(obj, "volumeBindingMode", "Immediate");
      return;
    }
    if (g == "" && k == "PodTemplate") {
      if (auto* tmpl = child(obj, "template")) {
        if (auto* ps = child(*tmpl, "spec")) podSpec(*ps, true);
      }
      return;
    }
    if (g == "discovery.k8s.io" && k == "EndpointSlice") {
      if (auto* ports = list(obj, "ports")) {
        for (auto& port : *ports) {
          if (!port.is_object()) continue;
          set(port, "name", "");
          set(port, "protocol", "TCP");
        }
      }
      return;
    }
    Json* spec = child(obj, "spec");
    if (obj.contains("spec") && spec == nullptr) return;  // malformed spec: validation reports it
    if (spec == nullptr) {
      if ((g == "apps" && (k == "Deployment" || k == "StatefulSet" || k == "DaemonSet" || k == "ReplicaSet")) ||
          (g == "" && k == "Service")) {
        spec = &set(obj, "spec", Json::object());
      } else {
        return;
      }
    }
    if (g == "apps" && k == "Deployment") {
      set(*spec, "replicas", 1);
      set(*spec, "revisionHistoryLimit", 10);
      set(*spec, "progressDeadlineSeconds", 600);
      auto& strategy = set(*spec, "strategy", Json::object());
      if (strategy.is_object()) rollingUpdate(strategy, "25%", "25%");
      podTemplate(*spec);
    } else if (g == "apps" && k == "StatefulSet") {
      set(*spec, "replicas", 1);
      set(*spec, "revisionHistoryLimit", 10);
      set(*spec, "podManagementPolicy", "OrderedReady");
      auto& strategy = set(*spec, "updateStrategy", Json::object());
      if (strategy.is_object()) {
        // SetDefaults_StatefulSet makes rollingUpdate only when it defaults the type; a
        // given rollingUpdate gets its partition.
        const bool typeGiven = strategy.contains("type") && !strategy["type"].is_null();
        auto& type = set(strategy, "type", "RollingUpdate");
        if (type == "RollingUpdate") {
          Json* ru = typeGiven ? child(strategy, "rollingUpdate") : &set(strategy, "rollingUpdate", Json::object());
          if (ru != nullptr && ru->is_object()) set(*ru, "partition", 0);
        }
      }
      set(*spec, "persistentVolumeClaimRetentionPolicy", Json{{"whenDeleted", "Retain"}, {"whenScaled", "Retain"}});
      if (auto* vcts = list(*spec, "volumeClaimTemplates")) {
        for (auto& vct : *vcts) {
          if (!vct.is_object()) continue;
          // The API server stores claim templates as full PVC objects.
          set(vct, "apiVersion", "v1");
          set(vct, "kind", "PersistentVolumeClaim");
          set(vct, "status", Json{{"phase", "Pending"}});
          if (auto* s = child(vct, "spec")) pvcSpec(*s);
        }
      }
      podTemplate(*spec);
    } else if (g == "apps" && k == "DaemonSet") {
      set(*spec, "revisionHistoryLimit", 10);
      auto& strategy = set(*spec, "updateStrategy", Json::object());
      if (strategy.is_object()) rollingUpdate(strategy, "0", 1);
      podTemplate(*spec);
    } else if (g == "apps" && k == "ReplicaSet") {
      set(*spec, "replicas", 1);
      podTemplate(*spec);
    } else if (g == "" && k == "ReplicationController") {
      set(*spec, "replicas", 1);
      templateLabelsAsDefault(obj, *spec, true);
      podTemplate(*spec);
    } else if (g == "batch" && k == "Job") {
      jobSpec(*spec);
      templateLabelsAsDefault(obj, *spec, false);
    } else if (g == "batch" && k == "CronJob") {
      set(*spec, "concurrencyPolicy", "Allow");
      set(*spec, "suspend", false);
      set(*spec, "successfulJobsHistoryLimit", 3);
      set(*spec, "failedJobsHistoryLimit", 1);
      // SetObjectDefaults_CronJob defaults the job template's pod spec only: SetDefaults_Job
      // takes a Job, so completions, parallelism, backoffLimit... stay unset in the template.
      if (auto* jt = child(*spec, "jobTemplate")) {
        if (auto* js = child(*jt, "spec")) podTemplate(*js, false);
      }
    } else if (g == "" && k == "Pod") {
      podSpec(*spec, true);
      set(*spec, "enableServiceLinks", true);
      const bool hostNetwork = spec->value("hostNetwork", false) == true;
      for (const char* containers : {"containers", "initContainers"}) {
        if (auto* cs = list(*spec, containers)) {
          for (auto& c : *cs) podContainerResources(c, hostNetwork);
        }
      }
    } else if (g == "" && k == "Service") {
      service(*spec);
    } else if (g == "" && k == "PersistentVolumeClaim") {
      pvcSpec(*spec);
    } else if (g == "networking.k8s.io" && k == "NetworkPolicy") {
      networkPolicy(*spec);
    } else if (g == "autoscaling" && k == "HorizontalPodAutoscaler") {
      set(*spec, "minReplicas", 1);
      if (apiVersion.substr(slash + 1) == "v2") {
        auto* metrics = list(*spec, "metrics");
        if (metrics == nullptr || metrics->empty()) {
          (*spec).erase("metrics");
          set(*spec, "metrics",
              Json::array({Json{{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 80}}}}}}}));
        }
        if (auto* behavior = child(*spec, "behavior")) {
          scalingRules(*behavior, "scaleUp");
          scalingRules(*behavior, "scaleDown");
        }
      }
    } else if (g == "networking.k8s.io" && k == "IngressClass") {
      if (auto* parameters = child(*spec, "parameters")) set(*parameters, "scope", "Cluster");
    } else if (g == "" && k == "PersistentVolume") {
      set(*spec, "persistentVolumeReclaimPolicy", "Retain");
      set(*spec, "volumeMode", "Filesystem");
    } else if (g == "storage.k8s.io" && k == "CSIDriver") {
      set(*spec, "attachRequired", true);
      set(*spec, "podInfoOnMount", false);
      set(*spec, "storageCapacity", false);
      set(*spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
      set(*spec, "requiresRepublish", false);
      set(*spec, "seLinuxMount", false);
      set(*spec, "volumeLifecycleModes", Json::array({"Persistent"}));
    } else if (g == "" && k == "LimitRange") {
      if (auto* limits = list(*spec, "limits")) {
        for (auto& item : *limits) limitRangeItem(item);
      }
    } else if (g == "apiextensions.k8s.io" && k == "CustomResourceDefinition") {
      if (auto* names = child(*spec, "names")) {
        const auto kindName = names->find("kind");
        if (kindName != names->end() && kindName->is_string()) {
          const std::string kind = kindName->get<std::string>();
          std::string lower = kind;
          for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          set(*names, "singular", lower);
          set(*names, "listKind", kind + "List");
        }
      }
      auto& conversion = set(*spec, "conversion", Json{{"strategy", "None"}});
      if (auto* webhook = child(conversion, "webhook")) {
        if (auto* client = child(*webhook, "clientConfig")) {
          if (auto* service = child(*client, "service")) set(*service, "port", 443);
        }
      }
    }
  }

 private:
  DefaultedValues* inserted_;
  std::vector<std::pair<const Json::object_t*, const char*>> insertedSlots_;  // parent's members, key
  Json placeholder_;
};

}  // namespace

const char* defaultImagePullPolicy(std::string_view image) {
  // As the API server: the tag decides (":latest" or none -> Always); an image pinned by
  // digest without a tag is IfNotPresent; "name:latest@sha256:..." still has tag latest.
  auto at = image.find('@');
  bool digest = at != std::string_view::npos;
  std::string_view named = image.substr(0, at);
  auto lastSlash = named.rfind('/');
  auto colon = named.rfind(':');
  bool hasTag = colon != std::string_view::npos && (lastSlash == std::string_view::npos || colon > lastSlash);
  if (!hasTag) return digest ? "IfNotPresent" : "Always";
  return named.substr(colon + 1) == "latest" ? "Always" : "IfNotPresent";
}

void foldSecretStringData(Json& object) {
  if (!object.is_object() || object.value("kind", "") != "Secret") return;
  const auto found = object.find("stringData");
  if (found == object.end()) return;
  // Taken out first: inserting "data" below would move the object's other members.
  const Json stringData = std::move(*found);
  object.erase("stringData");
  if (stringData.is_object()) {
    Json& data = object["data"];
    if (!data.is_object()) data = Json::object();
    for (auto it = stringData.begin(); it != stringData.end(); ++it) {
      data[it.key()] = it.value().is_string() ? gs::base64Encode(it.value().get_ref<const std::string&>())
                                              : gs::base64Encode(it.value().dump());
    }
  }
}

void unwrapBase64(std::string& text) {
  if (text.find_first_of("\r\n") == std::string::npos) return;
  std::erase_if(text, [](char c) { return c == '\r' || c == '\n'; });
}

void unwrapBase64Data(Json& object) {
  if (!object.is_object()) return;
  const std::string kind = stringMember(object, "kind");
  const char* field = kind == "Secret" ? "data" : kind == "ConfigMap" ? "binaryData" : nullptr;
  if (field == nullptr || !object.contains(field) || !object[field].is_object()) return;
  for (auto& [key, value] : object[field].get_ref<Json::object_t&>()) {
    if (value.is_string()) unwrapBase64(value.get_ref<std::string&>());
  }
}

void applyDefaults(Json& object, DefaultedValues* inserted) {
  if (!object.is_object()) return;
  Defaulter(inserted).object(object);
}

}  // namespace gs::kube
