#include "sim/sync/health.hpp"

#include <vector>

#include "fakecluster/object_util.hpp"

namespace gs::sync {

namespace {

// Field reads through the fake cluster's zero-copy accessors.
std::int64_t num(const Json& obj, std::initializer_list<PathKey> path) { return fake::intField(obj, path, 0); }
std::string str(const Json& obj, std::initializer_list<PathKey> path) { return fake::stringField(obj, path); }
bool has(const Json& obj, std::initializer_list<PathKey> path) { return !fake::at(obj, path).is_null(); }

const Json* condition(const Json& obj, const std::string& type) { return fake::conditionOf(obj, type); }

Health make(HealthStatus s, std::string message = {}) { return Health{s, std::move(message)}; }

// The replica count a workload asks for (a missing spec.replicas is 1 after defaulting).
std::optional<std::int64_t> specReplicas(const Json& o) {
  if (!has(o, {"spec"_key, "replicas"_key})) return std::nullopt;
  return num(o, {"spec"_key, "replicas"_key});
}

Health deployment(const Json& d) {
  if (d.contains("spec") && d["spec"].value("paused", false)) return make(HealthStatus::Suspended, "Deployment is paused");
  const std::int64_t generation = num(d, {"metadata"_key, "generation"_key}), observed = num(d, {"status"_key, "observedGeneration"_key});
  if (generation > observed) {
    return make(HealthStatus::Progressing, "Waiting for rollout to finish: observed deployment generation less than desired generation");
  }
  const Json* progressing = condition(d, "Progressing");
  if (progressing != nullptr && progressing->value("reason", "") == "ProgressDeadlineExceeded") {
    return make(HealthStatus::Degraded, "Deployment \"" + str(d, {"metadata"_key, "name"_key}) + "\" exceeded its progress deadline");
  }
  const std::int64_t updated = num(d, {"status"_key, "updatedReplicas"_key}), replicas = num(d, {"status"_key, "replicas"_key}),
                     available = num(d, {"status"_key, "availableReplicas"_key});
  auto wanted = specReplicas(d);
  if (wanted && updated < *wanted) {
    return make(HealthStatus::Progressing, "Waiting for rollout to finish: " + std::to_string(updated) + " out of " + std::to_string(*wanted) +
                                               " new replicas have been updated...");
  }
  if (replicas > updated) {
    return make(HealthStatus::Progressing,
                "Waiting for rollout to finish: " + std::to_string(replicas - updated) + " old replicas are pending termination...");
  }
  if (available < updated) {
    return make(HealthStatus::Progressing, "Waiting for rollout to finish: " + std::to_string(available) + " of " + std::to_string(updated) +
                                               " updated replicas are available...");
  }
  return make(HealthStatus::Healthy);
}

Health replicaSet(const Json& rs) {
  if (num(rs, {"metadata"_key, "generation"_key}) > num(rs, {"status"_key, "observedGeneration"_key})) {
    return make(HealthStatus::Progressing, "Waiting for rollout to finish: observed replica set generation less than desired generation");
  }
  const Json* failure = condition(rs, "ReplicaFailure");
  if (failure != nullptr && failure->value("status", "") == "True") return make(HealthStatus::Degraded, failure->value("message", ""));
  auto wanted = specReplicas(rs);
  const std::int64_t available = num(rs, {"status"_key, "availableReplicas"_key});
  if (wanted && available < *wanted) {
    return make(HealthStatus::Progressing, "Waiting for rollout to finish: " + std::to_string(available) + " out of " +
                                               std::to_string(*wanted) + " new replicas are available...");
  }
  return make(HealthStatus::Healthy);
}

Health statefulSet(const Json& s) {
  const std::int64_t observed = num(s, {"status"_key, "observedGeneration"_key});
  if (observed == 0 || num(s, {"metadata"_key, "generation"_key}) > observed) {
    return make(HealthStatus::Progressing, "Waiting for statefulset spec update to be observed...");
  }
  auto wanted = specReplicas(s);
  const std::int64_t ready = num(s, {"status"_key, "readyReplicas"_key}), updated = num(s, {"status"_key, "updatedReplicas"_key});
  if (wanted && ready < *wanted) return make(HealthStatus::Progressing, "Waiting for " + std::to_string(*wanted - ready) + " pods to be ready...");
  const std::string strategy = str(s, {"spec"_key, "updateStrategy"_key, "type"_key});
  if (strategy == "RollingUpdate" && has(s, {"spec"_key, "updateStrategy"_key, "rollingUpdate"_key})) {
    if (wanted && has(s, {"spec"_key, "updateStrategy"_key, "rollingUpdate"_key, "partition"_key})) {
      const std::int64_t target = *wanted - num(s, {"spec"_key, "updateStrategy"_key, "rollingUpdate"_key, "partition"_key});
      if (updated < target) {
        return make(HealthStatus::Progressing, "Waiting for partitioned roll out to finish: " + std::to_string(updated) + " out of " +
                                                   std::to_string(target) + " new pods have been updated...");
      }
    }
    return make(HealthStatus::Healthy, "partitioned roll out complete: " + std::to_string(updated) + " new pods have been updated...");
  }
  if (strategy == "OnDelete") return make(HealthStatus::Healthy, "statefulset has " + std::to_string(ready) + " ready pods");
  const std::string updateRevision = str(s, {"status"_key, "updateRevision"_key}), currentRevision = str(s, {"status"_key, "currentRevision"_key});
  if (updateRevision != currentRevision) {
    return make(HealthStatus::Progressing, "waiting for statefulset rolling update to complete " + std::to_string(updated) +
                                               " pods at revision " + updateRevision + "...");
  }
  return make(HealthStatus::Healthy, "statefulset rolling update complete " + std::to_string(num(s, {"status"_key, "currentReplicas"_key})) +
                                         " pods at revision " + currentRevision + "...");
}

Health daemonSet(const Json& d) {
  if (num(d, {"metadata"_key, "generation"_key}) > num(d, {"status"_key, "observedGeneration"_key})) {
    return make(HealthStatus::Progressing, "Waiting for rollout to finish: observed daemon set generation less than desired generation");
  }
  const std::int64_t desired = num(d, {"status"_key, "desiredNumberScheduled"_key}), updated = num(d, {"status"_key, "updatedNumberScheduled"_key}),
                     available = num(d, {"status"_key, "numberAvailable"_key});
  const std::string name = str(d, {"metadata"_key, "name"_key});
  if (str(d, {"spec"_key, "updateStrategy"_key, "type"_key}) == "OnDelete") {
    return make(HealthStatus::Healthy, "daemon set " + std::to_string(updated) + " out of " + std::to_string(desired) + " new pods have been updated");
  }
  if (updated < desired) {
    return make(HealthStatus::Progressing, "Waiting for daemon set \"" + name + "\" rollout to finish: " + std::to_string(updated) + " out of " +
                                               std::to_string(desired) + " new pods have been updated...");
  }
  if (available < desired) {
    return make(HealthStatus::Progressing, "Waiting for daemon set \"" + name + "\" rollout to finish: " + std::to_string(available) + " of " +
                                               std::to_string(desired) + " updated pods are available...");
  }
  return make(HealthStatus::Healthy);
}

bool podReady(const Json& pod) {
  const Json* ready = condition(pod, "Ready");
  return ready != nullptr && ready->value("status", "") == "True";
}

Health pod(const Json& p) {
  const std::string restartPolicy = str(p, {"spec"_key, "restartPolicy"_key}).empty() ? "Always" : str(p, {"spec"_key, "restartPolicy"_key});
  const std::string message = str(p, {"status"_key, "message"_key});
  const Json status = p.contains("status") && p["status"].is_object() ? p["status"] : Json::object();
  const Json containers = status.value("containerStatuses", Json::array());
  if (restartPolicy == "Always") {
    std::vector<std::string> messages;
    for (const auto& c : containers) {
      const std::string reason = str(c, {"state"_key, "waiting"_key, "reason"_key});
      if (reason.empty()) continue;
      if (reason.rfind("Err", 0) == 0 || (reason.size() >= 5 && reason.compare(reason.size() - 5, 5, "Error") == 0) ||
          (reason.size() >= 7 && reason.compare(reason.size() - 7, 7, "BackOff") == 0)) {
        messages.push_back(str(c, {"state"_key, "waiting"_key, "message"_key}));
      }
    }
    if (!messages.empty()) {
      std::string joined;
      for (const auto& m : messages) joined += (joined.empty() ? "" : ", ") + m;
      return make(HealthStatus::Degraded, joined);
    }
  }
  const std::string phase = str(p, {"status"_key, "phase"_key});
  if (phase == "Pending") return make(HealthStatus::Progressing, message);
  if (phase == "Succeeded") return make(HealthStatus::Healthy, message);
  if (phase == "Failed") {
    if (!message.empty()) return make(HealthStatus::Degraded, message);
    Json all = status.value("initContainerStatuses", Json::array());
    for (const auto& c : containers) all.push_back(c);
    for (const auto& c : all) {
      if (!has(c, {"state"_key, "terminated"_key})) continue;
      const std::string m = str(c, {"state"_key, "terminated"_key, "message"_key});
      if (!m.empty()) return make(HealthStatus::Degraded, m);
      if (str(c, {"state"_key, "terminated"_key, "reason"_key}) == "OOMKilled") return make(HealthStatus::Degraded, "OOMKilled");
      const std::int64_t code = num(c, {"state"_key, "terminated"_key, "exitCode"_key});
      if (code != 0) return make(HealthStatus::Degraded, "container \"" + str(c, {"name"_key}) + "\" failed with exit code " + std::to_string(code));
    }
    return make(HealthStatus::Degraded);
  }
  if (phase == "Running") {
    if (restartPolicy != "Always") return make(HealthStatus::Progressing, message);  // a finite pod (a hook) is done when it ends
    if (podReady(p)) return make(HealthStatus::Healthy, message);
    for (const auto& c : containers) {
      if (has(c, {"lastState"_key, "terminated"_key})) return make(HealthStatus::Degraded, message);
    }
    return make(HealthStatus::Progressing, message);
  }
  return make(HealthStatus::Unknown, message);
}

// gitops-engine's getBatchv1JobHealth: Failed or Complete finish a Job; a Suspended
// condition counts as finished too (True: Suspended, with the failure message, which is
// empty; False, once resumed: Healthy with "Job resumed", even while pods still run).
Health job(const Json& j) {
  bool failed = false, complete = false, suspended = false;
  std::string failMessage, message;
  auto status = j.find("status");
  if (status != j.end() && status->is_object() && status->contains("conditions") && (*status)["conditions"].is_array()) {
    for (const auto& c : (*status)["conditions"]) {
      const std::string type = c.value("type", "");
      if (type == "Failed") {
        failed = complete = true;
        failMessage = c.value("message", "");
      } else if (type == "Complete") {
        complete = true;
        message = c.value("message", "");
      } else if (type == "Suspended") {
        complete = true;
        message = c.value("message", "");
        suspended = suspended || c.value("status", "") == "True";
      }
    }
  }
  if (!complete) return make(HealthStatus::Progressing, message);
  if (failed) return make(HealthStatus::Degraded, failMessage);
  if (suspended) return make(HealthStatus::Suspended, failMessage);
  return make(HealthStatus::Healthy, message);
}

// Argo CD's built-in Lua rule (resource_customizations/batch/CronJob/health.lua, as of
// Argo CD 3.2, where a suspended CronJob is Healthy: argo-cd#24428). Timestamps compare
// as Lua compares the strings.
Health cronJob(const Json& c) {
  if (fake::at(c, {"spec"_key, "suspend"_key}) == true) return make(HealthStatus::Healthy, "CronJob is Suspended");
  const Json& status = fake::at(c, {"status"_key});
  if (status.is_null()) return make(HealthStatus::Progressing, "Waiting for CronJob");
  const Json& scheduled = fake::at(status, {"lastScheduleTime"_key});
  if (scheduled.is_null()) return make(HealthStatus::Healthy, "CronJob has not been scheduled yet");
  const Json& succeeded = fake::at(status, {"lastSuccessfulTime"_key});
  if (succeeded.is_null()) return make(HealthStatus::Healthy, "The CronJob never completed successfully. It may not be healthy");
  const Json& active = fake::at(status, {"active"_key});
  if (active.is_array() && !active.empty()) {
    return make(HealthStatus::Healthy, "The job is running. Its last execution may not have been successful");
  }
  if (succeeded.is_string() && scheduled.is_string() && succeeded.get_ref<const std::string&>() < scheduled.get_ref<const std::string&>()) {
    return make(HealthStatus::Degraded, "CronJob has not completed its last execution successfully");
  }
  return make(HealthStatus::Healthy, "CronJob has completed its last execution successfully");
}

// Argo CD's built-in Lua rule (resource_customizations/policy/PodDisruptionBudget): the
// last condition decides, and a False one other than InsufficientPods is Degraded at once.
Health podDisruptionBudget(const Json& pdb) {
  const Json& conditions = fake::at(pdb, {"status"_key, "conditions"_key});
  Health health = make(HealthStatus::Progressing, "Waiting for status");
  if (!conditions.is_array()) return health;
  for (const Json& c : conditions) {
    const std::string reason = c.is_object() ? c.value("reason", "") : std::string();
    if (c.is_object() && c.value("status", "") == "False" && reason != "InsufficientPods") {
      return make(HealthStatus::Degraded, "PodDisruptionBudget has " + reason);
    }
    health = make(HealthStatus::Healthy, "PodDisruptionBudget has " + reason);
  }
  return health;
}

bool hasLoadBalancerIngress(const Json& o) {
  return has(o, {"status"_key, "loadBalancer"_key, "ingress"_key}) && o["status"]["loadBalancer"]["ingress"].is_array() &&
         !o["status"]["loadBalancer"]["ingress"].empty();
}

Health service(const Json& s) {
  if (str(s, {"spec"_key, "type"_key}) == "LoadBalancer" && !hasLoadBalancerIngress(s)) return make(HealthStatus::Progressing);
  return make(HealthStatus::Healthy);
}

Health ingress(const Json& i) { return make(hasLoadBalancerIngress(i) ? HealthStatus::Healthy : HealthStatus::Progressing); }

Health pvc(const Json& p) {
  const std::string phase = str(p, {"status"_key, "phase"_key});
  if (phase == "Lost") return make(HealthStatus::Degraded);
  if (phase == "Pending") return make(HealthStatus::Progressing);
  if (phase == "Bound") return make(HealthStatus::Healthy);
  return make(HealthStatus::Unknown);
}

Health hpa(const Json& h) {
  static const std::pair<const char*, const char*> degraded[] = {
      {"AbleToScale", "FailedGetScale"}, {"AbleToScale", "FailedUpdateScale"}, {"ScalingActive", "FailedGetResourceMetric"}, {"ScalingActive", "InvalidSelector"}};
  static const std::pair<const char*, const char*> healthy[] = {
      {"AbleToScale", "SucceededRescale"}, {"ScalingLimited", "DesiredWithinRange"}, {"ScalingLimited", "TooFewReplicas"}, {"ScalingLimited", "TooManyReplicas"}};
  Json conditions = h.contains("status") && h["status"].is_object() ? h["status"].value("conditions", Json::array()) : Json::array();
  if (h.value("apiVersion", "") == "autoscaling/v1") {
    // v1 keeps its conditions in an annotation.
    const std::string annotation = str(h, {"metadata"_key, "annotations"_key, "autoscaling.alpha.kubernetes.io/conditions"_key});
    conditions = annotation.empty() ? Json::array() : Json::parse(annotation, nullptr, false);
    if (conditions.is_discarded() || !conditions.is_array()) return make(HealthStatus::Unknown, "failed to convert conditions annotation to typed");
  }
  for (const auto& c : conditions) {
    const std::string type = c.value("type", ""), reason = c.value("reason", "");
    for (const auto& [t, r] : degraded) {
      if (type == t && reason == r) return make(HealthStatus::Degraded, c.value("message", ""));
    }
    for (const auto& [t, r] : healthy) {
      if (type == t && reason == r) return make(HealthStatus::Healthy, c.value("message", ""));
    }
  }
  return make(HealthStatus::Progressing, "Waiting to Autoscale");
}

Health apiService(const Json& a) {
  const Json* available = condition(a, "Available");
  if (available == nullptr) return make(HealthStatus::Progressing, "Waiting to be processed");
  if (available->value("status", "") == "True") return make(HealthStatus::Healthy, available->value("message", ""));
  return make(HealthStatus::Progressing, available->value("message", ""));
}

}  // namespace

const char* toString(HealthStatus status) {
  switch (status) {
    case HealthStatus::Healthy: return "Healthy";
    case HealthStatus::Suspended: return "Suspended";
    case HealthStatus::Progressing: return "Progressing";
    case HealthStatus::Missing: return "Missing";
    case HealthStatus::Degraded: return "Degraded";
    case HealthStatus::Unknown: return "Unknown";
  }
  return "Unknown";
}

std::optional<HealthStatus> parseHealthStatus(std::string_view text) {
  for (auto s : {HealthStatus::Healthy, HealthStatus::Suspended, HealthStatus::Progressing, HealthStatus::Missing, HealthStatus::Degraded,
                 HealthStatus::Unknown}) {
    if (text == toString(s)) return s;
  }
  return std::nullopt;
}

bool isWorse(HealthStatus current, HealthStatus candidate) { return static_cast<int>(candidate) > static_cast<int>(current); }

std::optional<Health> trackedHealth(const Json& live) {
  const Json* annotations = findMember(fake::objectAt(live, {"metadata"_key}), "annotations");
  const Json* ignore = annotations != nullptr ? findMember(*annotations, "argocd.argoproj.io/ignore-healthcheck") : nullptr;
  if (ignore != nullptr && ignore->is_string() && ignore->get_ref<const std::string&>() == "true") return std::nullopt;
  return resourceHealth(live);
}

std::optional<Health> resourceHealth(const Json& live) {
  if (has(live, {"metadata"_key, "deletionTimestamp"_key})) return make(HealthStatus::Progressing, "Pending deletion");
  const std::string api = live.value("apiVersion", "");
  const std::string group = api.find('/') == std::string::npos ? "" : api.substr(0, api.find('/'));
  const std::string kind = live.value("kind", "");
  if (group == "apps" || group == "extensions") {
    if (kind == "Deployment") return deployment(live);
    if (kind == "ReplicaSet") return replicaSet(live);
    if (kind == "DaemonSet") return daemonSet(live);
    if (kind == "StatefulSet" && group == "apps") return statefulSet(live);
    if (kind == "Ingress" && group == "extensions") return ingress(live);
  }
  if (group == "networking.k8s.io" && kind == "Ingress") return ingress(live);
  if (group.empty()) {
    if (kind == "Service") return service(live);
    if (kind == "PersistentVolumeClaim") return pvc(live);
    if (kind == "Pod") return pod(live);
  }
  if (group == "batch" && kind == "Job") return job(live);
  if (group == "batch" && kind == "CronJob") return cronJob(live);
  if (group == "policy" && kind == "PodDisruptionBudget") return podDisruptionBudget(live);
  if (group == "autoscaling" && kind == "HorizontalPodAutoscaler") return hpa(live);
  if (group == "apiregistration.k8s.io" && kind == "APIService") return apiService(live);
  return std::nullopt;
}

}  // namespace gs::sync
