#include "fakecluster/http/version_conversion.hpp"

#include <array>
#include <span>
#include <string>

#include "fakecluster/api_error.hpp"
#include "sim/core/error.hpp"
#include "sim/kube/hpa_versions.hpp"

namespace gs::fake::http {

namespace {

constexpr std::array<ServedVersion, 1> kServed{{{"autoscaling", "v1", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler"}}};

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
  return kube::hpaToV1(stored);
}

Json toStoredVersion(const ServedVersion& served, const Json& object) {
  if (object.is_object() && object.contains("apiVersion") && object["apiVersion"] != std::string(served.group) + "/" + std::string(served.version)) {
    return object;  // written in the stored version already (the handler checks the rest)
  }
  try {
    return kube::hpaToV2(object);
  } catch (const Error& e) {
    throw ApiError::badRequest(e.message());
  }
}

}  // namespace gs::fake::http
