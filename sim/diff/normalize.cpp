#include "sim/diff/normalize.hpp"

#include <algorithm>

#include "sim/core/base64.hpp"
#include "sim/core/error.hpp"
#include "sim/core/json_lookup.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::diff {

void dropStatus(Json& object) {
  if (object.is_object()) object.erase("status");
}

void dropServerMetadata(Json& object) {
  if (!object.is_object()) return;
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return;
  for (const char* field : {"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
                            "deletionTimestamp", "deletionGracePeriodSeconds"}) {
    meta->erase(field);
  }
}

void dropBookkeepingAnnotations(Json& object) {
  if (!object.is_object()) return;
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return;
  auto annotations = meta->find("annotations");
  if (annotations == meta->end() || !annotations->is_object()) return;
  annotations->erase(kLastAppliedAnnotation);
  annotations->erase(kDeploymentRevisionAnnotation);
  annotations->erase(kArgoTrackingAnnotation);
  if (annotations->empty()) meta->erase("annotations");
}


void normalizeNamespace(Json& object, const std::string& defaultNamespace) {
  if (!object.is_object()) return;
  auto key = kube::objectKeyOf(object);
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return;
  if (!kube::isNamespacedKind(key.group, key.kind)) {
    meta->erase("namespace");
  } else if (key.ns.empty() && !defaultNamespace.empty()) {
    (*meta)["namespace"] = defaultNamespace;
  }
}

void dropAggregatedRules(Json& object) {
  if (!object.is_object() || object.value("kind", "") != "ClusterRole" || !object.contains("aggregationRule")) return;
  object.erase("rules");
}

namespace {

// gitops-engine's normalizeEndpoint: an Endpoints object's subsets in a canonical order
// (endpoints.SortSubsets: addresses by IP and target uid, ports and subsets each in one
// fixed order) on every side, so an order Git or the controller chose is no difference.
void sortEndpointSubsets(Json& object) {
  if (stringOf(findMember(object, "kind"_key)) != "Endpoints" || stringOf(findMember(object, "apiVersion"_key)) != "v1") return;
  auto subsets = object.find("subsets");
  if (subsets == object.end() || !subsets->is_array()) return;
  const auto byDump = [](const Json& a, const Json& b) { return a.dump() < b.dump(); };
  const auto byAddress = [](const Json& a, const Json& b) {
    const auto key = [](const Json& x) { return std::pair{x.value("ip", ""), x.is_object() && x.contains("targetRef") && x["targetRef"].is_object() ? x["targetRef"].value("uid", "") : ""}; };
    return key(a) < key(b);
  };
  for (auto& subset : *subsets) {
    if (!subset.is_object()) continue;
    for (const char* field : {"addresses", "notReadyAddresses"}) {
      auto list = subset.find(field);
      if (list != subset.end() && list->is_array() && std::all_of(list->begin(), list->end(), [](const Json& a) { return a.is_object(); })) {
        std::stable_sort(list->begin(), list->end(), byAddress);
      }
    }
    auto ports = subset.find("ports");
    if (ports != subset.end() && ports->is_array()) std::stable_sort(ports->begin(), ports->end(), byDump);
  }
  std::stable_sort(subsets->begin(), subsets->end(), byDump);
}

}  // namespace

void normalizeObject(Json& object, const std::string& defaultNamespace) {
  dropStatus(object);
  dropServerMetadata(object);
  dropBookkeepingAnnotations(object);
  foldSecretStringData(object);
  kube::unwrapBase64Data(object);
  normalizeNamespace(object, defaultNamespace);
  sortEndpointSubsets(object);
}

const std::string* lastAppliedText(const Json& live) {
  if (!live.is_object()) return nullptr;
  auto meta = live.find("metadata");
  if (meta == live.end() || !meta->is_object()) return nullptr;
  auto annotations = meta->find("annotations");
  if (annotations == meta->end() || !annotations->is_object()) return nullptr;
  auto it = annotations->find(kLastAppliedAnnotation);
  return it == annotations->end() || !it->is_string() ? nullptr : &it->get_ref<const std::string&>();
}

std::optional<Json> lastAppliedOf(const Json& live) {
  const std::string* text = lastAppliedText(live);
  if (text == nullptr) return std::nullopt;
  Json parsed = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw Error::invalid(std::string("the ") + kLastAppliedAnnotation +
                             " annotation is not a JSON object (corrupt or truncated); fix it, or diff with --two-way",
                         {}, kLastAppliedPointer);
  }
  return parsed;
}

}  // namespace gs::diff
