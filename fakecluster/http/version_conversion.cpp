#include "fakecluster/http/version_conversion.hpp"

#include <array>
#include <optional>
#include <span>
#include <string>

#include "fakecluster/api_error.hpp"

namespace gs::fake::http {

namespace {

constexpr std::array<ServedVersion, 1> kServed{{{"autoscaling", "v1", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler"}}};

constexpr const char* kMetrics = "autoscaling.alpha.kubernetes.io/metrics";
constexpr const char* kCurrentMetrics = "autoscaling.alpha.kubernetes.io/current-metrics";
constexpr const char* kConditions = "autoscaling.alpha.kubernetes.io/conditions";
constexpr const char* kBehavior = "autoscaling.alpha.kubernetes.io/behavior";

bool isCpuUtilization(const Json& metric, const char* side) {
  return metric.value("type", "") == "Resource" && metric.value("/resource/name"_json_pointer, "") == "cpu" &&
         (std::string_view(side) == "current" || metric.value("/resource/target/type"_json_pointer, "") == "Utilization") &&
         metric.contains("resource") && metric["resource"].value(side, Json::object()).contains("averageUtilization");
}

void annotate(Json& object, const char* key, const Json& value) {
  object["metadata"]["annotations"][key] = value.dump();
}

// Takes an annotation holding JSON out of `object` (nullopt when absent).
std::optional<Json> takeAnnotation(Json& object, const char* key) {
  if (!object.contains("metadata") || !object["metadata"].contains("annotations")) return std::nullopt;
  Json& annotations = object["metadata"]["annotations"];
  if (!annotations.is_object() || !annotations.contains(key)) return std::nullopt;
  const Json text = annotations[key];
  annotations.erase(key);
  if (annotations.empty()) object["metadata"].erase("annotations");
  try {
    return Json::parse(text.get<std::string>());
  } catch (const std::exception&) {
    throw ApiError::badRequest(std::string("annotation ") + key + " does not hold valid JSON");
  }
}

Json hpaToV1(const Json& v2) {
  Json out = v2;
  out["apiVersion"] = "autoscaling/v1";
  const Json spec = v2.value("spec", Json::object());
  Json v1spec = Json::object();
  for (const char* field : {"scaleTargetRef", "minReplicas", "maxReplicas"}) {
    if (spec.contains(field)) v1spec[field] = spec[field];
  }
  Json otherMetrics = Json::array();
  for (const auto& metric : spec.value("metrics", Json::array())) {
    if (!v1spec.contains("targetCPUUtilizationPercentage") && isCpuUtilization(metric, "target")) {
      v1spec["targetCPUUtilizationPercentage"] = metric["resource"]["target"]["averageUtilization"];
    } else {
      otherMetrics.push_back(metric);
    }
  }
  if (!otherMetrics.empty()) annotate(out, kMetrics, otherMetrics);
  if (spec.contains("behavior")) annotate(out, kBehavior, spec["behavior"]);
  out["spec"] = std::move(v1spec);
  if (v2.contains("status")) {
    const Json& status = v2["status"];
    Json v1status = Json::object();
    for (const char* field : {"observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"}) {
      if (status.contains(field)) v1status[field] = status[field];
    }
    Json otherCurrent = Json::array();
    for (const auto& metric : status.value("currentMetrics", Json::array())) {
      if (!v1status.contains("currentCPUUtilizationPercentage") && isCpuUtilization(metric, "current")) {
        v1status["currentCPUUtilizationPercentage"] = metric["resource"]["current"]["averageUtilization"];
      } else {
        otherCurrent.push_back(metric);
      }
    }
    if (!otherCurrent.empty()) annotate(out, kCurrentMetrics, otherCurrent);
    if (status.contains("conditions") && !status["conditions"].empty()) annotate(out, kConditions, status["conditions"]);
    out["status"] = std::move(v1status);
  }
  return out;
}

Json hpaToV2(const Json& v1) {
  if (!v1.is_object()) throw ApiError::badRequest("a HorizontalPodAutoscaler must be a JSON object");
  Json out = v1;
  out["apiVersion"] = "autoscaling/v2";
  const Json spec = v1.value("spec", Json::object());
  Json v2spec = Json::object();
  for (const char* field : {"scaleTargetRef", "minReplicas", "maxReplicas"}) {
    if (spec.contains(field)) v2spec[field] = spec[field];
  }
  Json metrics = Json::array();
  if (spec.contains("targetCPUUtilizationPercentage")) {
    metrics.push_back(Json{{"type", "Resource"},
                           {"resource", {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", spec["targetCPUUtilizationPercentage"]}}}}}});
  }
  if (auto more = takeAnnotation(out, kMetrics); more && more->is_array()) {
    for (auto& metric : *more) metrics.push_back(std::move(metric));
  }
  if (!metrics.empty()) v2spec["metrics"] = std::move(metrics);
  if (auto behavior = takeAnnotation(out, kBehavior)) v2spec["behavior"] = std::move(*behavior);
  out["spec"] = std::move(v2spec);
  auto current = takeAnnotation(out, kCurrentMetrics);
  auto conditions = takeAnnotation(out, kConditions);
  if (v1.contains("status")) {
    const Json& status = v1["status"];
    Json v2status = Json::object();
    for (const char* field : {"observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"}) {
      if (status.is_object() && status.contains(field)) v2status[field] = status[field];
    }
    Json currentMetrics = Json::array();
    if (status.is_object() && status.contains("currentCPUUtilizationPercentage")) {
      currentMetrics.push_back(
          Json{{"type", "Resource"}, {"resource", {{"name", "cpu"}, {"current", {{"averageUtilization", status["currentCPUUtilizationPercentage"]}}}}}});
    }
    if (current && current->is_array()) {
      for (auto& metric : *current) currentMetrics.push_back(std::move(metric));
    }
    if (!currentMetrics.empty()) v2status["currentMetrics"] = std::move(currentMetrics);
    if (conditions) v2status["conditions"] = std::move(*conditions);
    out["status"] = std::move(v2status);
  }
  return out;
}

}  // namespace

const ServedVersion* servedVersion(std::string_view group, std::string_view version, std::string_view plural) {
  for (const auto& served : kServed) {
    if (served.group == group && served.version == version && served.plural == plural) return &served;
  }
  return nullptr;
}

std::span<const ServedVersion> servedVersionsOf(std::string_view group) {
  return group == "autoscaling" ? std::span<const ServedVersion>(kServed) : std::span<const ServedVersion>();
}

Json toServedVersion(const ServedVersion& served, const Json& stored) {
  if (stored.is_object() && stored.contains("items") && stored["items"].is_array()) {
    Json list = stored;
    list["apiVersion"] = std::string(served.group) + "/" + std::string(served.version);
    for (auto& item : list["items"]) item = toServedVersion(served, item);
    return list;
  }
  if (!stored.is_object() || stored.value("kind", "") != served.kind) return stored;  // a Status, say
  return hpaToV1(stored);
}

Json toStoredVersion(const ServedVersion& served, const Json& object) {
  if (object.is_object() && object.contains("apiVersion") && object["apiVersion"] != std::string(served.group) + "/" + std::string(served.version)) {
    return object;  // written in the stored version already (the handler checks the rest)
  }
  return hpaToV2(object);
}

}  // namespace gs::fake::http
