#include "fakecluster/controllers/hpa_controller.hpp"

#include <algorithm>

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

bool scalable(const Json& o) {
  const std::string kind = o.value("kind", "");
  return o.value("apiVersion", "") == "apps/v1" && (kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet");
}

std::string groupOf(const std::string& apiVersion) {
  const auto slash = apiVersion.find('/');
  return slash == std::string::npos ? "" : apiVersion.substr(0, slash);
}

}  // namespace

void HpaController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "autoscaling/v2", "HorizontalPodAutoscaler")) {
    const std::string& ns = stringAt(object, {"metadata"_key, "namespace"_key});
    if (event.type == WatchEvent::Type::Deleted) {
      if (auto it = perNamespace_.find(ns); it != perNamespace_.end() && --it->second == 0) perNamespace_.erase(it);
    } else if (event.type == WatchEvent::Type::Added) {
      ++perNamespace_[ns];
    }
    enqueueIfKind(event, "autoscaling/v2", "HorizontalPodAutoscaler");
    return;
  }
  // A scale target changed: the autoscalers of its namespace that name it look again
  // (most namespaces have none, and then this is one lookup).
  if (perNamespace_.empty() || !scalable(object)) return;
  const std::string& ns = stringAt(object, {"metadata"_key, "namespace"_key});
  if (perNamespace_.find(ns) == perNamespace_.end()) return;
  const std::string& name = stringAt(object, {"metadata"_key, "name"_key});
  const std::string& kind = stringAt(object, {"kind"_key});
  ctx_.store.forEach("autoscaling", "HorizontalPodAutoscaler", ns, [&](const ObjectPtr& hpa) {
    const Json& ref = at(*hpa, {"spec"_key, "scaleTargetRef"_key});
    if (isString(at(ref, {"kind"_key}), kind) && isString(at(ref, {"name"_key}), name)) queue().add(kube::objectKeyOf(*hpa));
  });
}

void HpaController::reconcile(const kube::ObjectKey& key) {
  auto found = ctx_.store.find(key);
  if (!found || terminating(*found)) return;
  const Json& hpa = *found;
  const Json& ref = at(hpa, {"spec"_key, "scaleTargetRef"_key});
  const std::int64_t minReplicas = intField(hpa, {"spec"_key, "minReplicas"_key}, 1);
  const std::int64_t maxReplicas = intField(hpa, {"spec"_key, "maxReplicas"_key}, minReplicas);
  Json status = hpa.contains("status") && hpa["status"].is_object() ? hpa["status"] : Json::object();
  const Json before = status;
  const std::string now = this->now();

  ObjectPtr target;
  if (ref.is_object()) target = ctx_.store.find(kube::ObjectKey{groupOf(ref.value("apiVersion", "")), ref.value("kind", ""), key.ns, ref.value("name", "")});
  if (!target) {
    const std::string message = "the HPA controller was unable to get the target's current scale: " + ref.value("kind", std::string("?")) + " " +
                                ref.value("name", std::string("?")) + " not found";
    setCondition(status, "AbleToScale", "False", "FailedGetScale", message, now, false);
  } else {
    const std::int64_t current = intField(*target, {"spec"_key, "replicas"_key}, 1);
    const std::int64_t desired = std::clamp(current, minReplicas, maxReplicas);
    if (desired != current) {
      Json next = *target;
      next["spec"]["replicas"] = desired;
      next["metadata"].erase("resourceVersion");
      try {
        // The HPA controller's scale shows in managedFields as kube-controller-manager's,
        // which Argo CD's ignoreDifferences.managedFieldsManagers can name.
        WriteOptions scale;
        scale.ownership = WriteOptions::Ownership::Track;
        scale.fieldManager = "kube-controller-manager";
        ctx_.store.updateShared(std::move(next), scale);
        ctx_.events.normal(hpa, name(), "SuccessfulRescale", "New size: " + std::to_string(desired) + "; reason: " +
                                                                 (desired > current ? "Current number of replicas below Spec.MinReplicas"
                                                                                    : "Current number of replicas above Spec.MaxReplicas"));
        setCondition(status, "AbleToScale", "True", "SucceededRescale", "the HPA controller was able to update the target scale to " + std::to_string(desired),
                     now, false);
      } catch (const ApiError& e) {
        setCondition(status, "AbleToScale", "False", "FailedUpdateScale", std::string("the HPA controller was unable to update the target scale: ") + e.what(),
                     now, false);
      }
    } else {
      setCondition(status, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size", now, false);
    }
    setCondition(status, "ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a replica count", now, false);
    if (current < minReplicas) {
      setCondition(status, "ScalingLimited", "True", "TooFewReplicas", "the desired replica count is less than the minimum replica count", now, false);
    } else if (current > maxReplicas) {
      setCondition(status, "ScalingLimited", "True", "TooManyReplicas", "the desired replica count is more than the maximum replica count", now, false);
    } else {
      setCondition(status, "ScalingLimited", "False", "DesiredWithinRange", "the desired count is within the acceptable range", now, false);
    }
    status["currentReplicas"] = intField(*target, {"status"_key, "replicas"_key}, 0);
    status["desiredReplicas"] = desired;
  }
  if (status == before) return;
  Json next = hpa;
  next["status"] = std::move(status);
  next["metadata"].erase("resourceVersion");
  ctx_.store.updateStatus(std::move(next));
}

}  // namespace gs::fake
