#include "sim/kube/hpa_versions.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/error.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::kube {

namespace {

constexpr const char* kMetrics = "autoscaling.alpha.kubernetes.io/metrics";
constexpr const char* kCurrentMetrics = "autoscaling.alpha.kubernetes.io/current-metrics";
constexpr const char* kConditions = "autoscaling.alpha.kubernetes.io/conditions";
constexpr const char* kBehavior = "autoscaling.alpha.kubernetes.io/behavior";

bool isCpuUtilization(const Json& metric, const char* side) {
  return metric.value("type", "") == "Resource" && metric.value("/resource/name"_json_pointer, "") == "cpu" &&
         (std::string_view(side) == "current" || metric.value("/resource/target/type"_json_pointer, "") == "Utilization") &&
         metric.contains("resource") && metric["resource"].value(side, Json::object()).contains("averageUtilization");
}

// Moves the first CPU-utilization metric of `metrics` (spec side "target", status side
// "current") into `into[field]`, v1's form of it, and returns the other metrics.
Json takeCpuUtilization(const Json& metrics, const char* side, Json& into, const char* field) {
  Json others = Json::array();
  for (const auto& metric : metrics) {
    if (!into.contains(field) && isCpuUtilization(metric, side)) into[field] = metric["resource"][side]["averageUtilization"];
    else others.push_back(metric);
  }
  return others;
}

// The members both versions share, copied as they are.
void copyFields(const Json& from, Json& to, std::initializer_list<const char*> fields) {
  if (!from.is_object()) return;
  for (const char* field : fields) {
    if (from.contains(field)) to[field] = from[field];
  }
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
    throw Error::invalid(std::string("annotation ") + key + " does not hold valid JSON");
  }
}

}  // namespace

Json hpaToV1(const Json& v2) {
  Json out = v2;
  out["apiVersion"] = "autoscaling/v1";
  const Json spec = v2.value("spec", Json::object());
  Json v1spec = Json::object();
  copyFields(spec, v1spec, {"scaleTargetRef", "minReplicas", "maxReplicas"});
  const Json otherMetrics = takeCpuUtilization(spec.value("metrics", Json::array()), "target", v1spec, "targetCPUUtilizationPercentage");
  if (!otherMetrics.empty()) annotate(out, kMetrics, otherMetrics);
  if (spec.contains("behavior")) annotate(out, kBehavior, spec["behavior"]);
  out["spec"] = std::move(v1spec);
  if (v2.contains("status")) {
    const Json& status = v2["status"];
    Json v1status = Json::object();
    copyFields(status, v1status, {"observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"});
    const Json otherCurrent =
        takeCpuUtilization(status.value("currentMetrics", Json::array()), "current", v1status, "currentCPUUtilizationPercentage");
    if (!otherCurrent.empty()) annotate(out, kCurrentMetrics, otherCurrent);
    if (status.contains("conditions") && !status["conditions"].empty()) annotate(out, kConditions, status["conditions"]);
    out["status"] = std::move(v1status);
  }
  return out;
}

Json hpaToV2(const Json& v1) {
  if (!v1.is_object()) throw Error::invalid("a HorizontalPodAutoscaler must be a JSON object");
  Json out = v1;
  out["apiVersion"] = "autoscaling/v2";
  const Json spec = v1.value("spec", Json::object());
  Json v2spec = Json::object();
  copyFields(spec, v2spec, {"scaleTargetRef", "minReplicas", "maxReplicas"});
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
    copyFields(status, v2status, {"observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"});
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

void hpaToStorageVersion(Json& object) {
  // On every write and every diff side: read in place, nothing copied.
  if (stringOf(findMember(object, "kind"_key)) != "HorizontalPodAutoscaler" || stringOf(findMember(object, "apiVersion"_key)) != "autoscaling/v1") return;
  object = hpaToV2(object);
}

}  // namespace gs::kube
