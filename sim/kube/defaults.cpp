#include "sim/kube/defaults.hpp"

#include <cctype>
#include <utility>
#include <vector>

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

  void probe(Json& p) {
    set(p, "timeoutSeconds", 1);
    set(p, "periodSeconds", 10);
    set(p, "successThreshold", 1);
    set(p, "failureThreshold", 3);
    if (auto* http = child(p, "httpGet")) set(*http, "scheme", "HTTP");
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
    Json types = Json::array({"Ingress"});
    if (spec.contains("egress")) types.push_back("Egress");
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
      for (auto& v : *vs) volume(v);
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

  void jobSpec(Json& spec) {
    if (!spec.contains("completions") && !spec.contains("parallelism")) {
      set(spec, "completions", 1);
    }
    set(spec, "parallelism", 1);
    set(spec, "backoffLimit", 6);
    set(spec, "completionMode", "NonIndexed");
    set(spec, "suspend", false);
    if (!spec.contains("podFailurePolicy")) set(spec, "podReplacementPolicy", "TerminatingOrFailed");
    podTemplate(spec, false);
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
    if (g == "rbac.authorization.k8s.io" && (k == "RoleBinding" || k == "ClusterRoleBinding")) {
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
        auto& type = set(strategy, "type", "RollingUpdate");
        if (type == "RollingUpdate") {
          auto& ru = set(strategy, "rollingUpdate", Json::object());
          if (ru.is_object()) set(ru, "partition", 0);
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
      podTemplate(*spec);
    } else if (g == "batch" && k == "Job") {
      jobSpec(*spec);
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
    } else if (g == "" && k == "Service") {
      const Json type = set(*spec, "type", "ClusterIP");  // a copy: the sets below move spec's members
      if (type != "ExternalName") {
        set(*spec, "sessionAffinity", "None");
        set(*spec, "internalTrafficPolicy", "Cluster");
      }
      if (type == "NodePort" || type == "LoadBalancer") set(*spec, "externalTrafficPolicy", "Cluster");
      if (type == "LoadBalancer") set(*spec, "allocateLoadBalancerNodePorts", true);
      if (auto* ports = list(*spec, "ports")) {
        for (auto& port : *ports) {
          if (!port.is_object()) continue;
          set(port, "protocol", "TCP");
          auto p = port.find("port");
          if (p != port.end() && type != "ExternalName") set(port, "targetPort", *p);
        }
      }
    } else if (g == "" && k == "PersistentVolumeClaim") {
      pvcSpec(*spec);
    } else if (g == "networking.k8s.io" && k == "NetworkPolicy") {
      networkPolicy(*spec);
    } else if (g == "autoscaling" && k == "HorizontalPodAutoscaler") {
      set(*spec, "minReplicas", 1);
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
      set(*spec, "conversion", Json{{"strategy", "None"}});
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

void applyDefaults(Json& object, DefaultedValues* inserted) {
  if (!object.is_object()) return;
  Defaulter(inserted).object(object);
}

}  // namespace gs::kube
