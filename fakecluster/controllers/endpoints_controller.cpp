#include "fakecluster/controllers/endpoints_controller.hpp"

#include <algorithm>

#include "fakecluster/controllers/service_pods.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/core/json_dump.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::fake {

void EndpointsController::observe(const WatchEvent& event) { podChanges_.queueServices(event, queue()); }

void EndpointsController::reconcile(const kube::ObjectKey& key) {
  auto service = ctx_.store.find(key);
  kube::ObjectKey endpointsKey{"", "Endpoints", key.ns, key.name};
  auto existing = ctx_.store.find(endpointsKey);
  if (!service) {
    triggerTimes_.forget(key);
    if (existing) {
      try {
        ctx_.store.removeShared("", "Endpoints", key.ns, key.name);
      } catch (const ApiError&) {
      }
    }
    return;
  }
  const Json& svc = *service;
  const auto in = endpointsInput(ctx_.store, key, svc, triggerTimes_);
  if (!in) return;
  const auto& [ports, publishNotReady, pods, triggerTime] = *in;
  // Pods grouped by their resolved port list, as the real controller builds subsets.
  std::map<std::string, std::pair<Json, Json>> subsets;  // ports (dumped) -> (ready, notReady)
  std::map<std::string, Json> portLists;
  for (const auto& podPtr : pods) {
    const Json& pod = *podPtr;
    const std::string ip = stringField(pod, {"status"_key, "podIP"_key});
    if (ip.empty() || !podActive(pod)) continue;
    Json portList = Json::array();
    for (const auto& p : ports) {
      auto number = resolveTargetPort(p, pod);
      if (!number) continue;
      Json port{{"port", *number}, {"protocol", p.value("protocol", "TCP")}};
      if (p.contains("name")) port["name"] = p["name"];
      if (p.contains("appProtocol")) port["appProtocol"] = p["appProtocol"];
      portList.push_back(std::move(port));
    }
    Json address{{"ip", ip},
                 {"targetRef", {{"kind", "Pod"}, {"namespace", key.ns}, {"name", pod["metadata"].value("name", "")}, {"uid", pod["metadata"].value("uid", "")}}}};
    const std::string node = stringField(pod, {"spec"_key, "nodeName"_key});
    if (!node.empty()) address["nodeName"] = node;
    const std::string id = dumpCompact(portList);
    portLists[id] = portList;
    auto& [ready, notReady] = subsets[id];
    if (ready.is_null()) ready = Json::array();
    if (notReady.is_null()) notReady = Json::array();
    (podReady(pod) || publishNotReady ? ready : notReady).push_back(std::move(address));
  }
  Json subsetList = Json::array();
  auto byIp = [](const Json& a, const Json& b) { return a["ip"].get<std::string>() < b["ip"].get<std::string>(); };
  for (auto& [id, lists] : subsets) {
    Json subset = Json::object();
    std::sort(lists.first.begin(), lists.first.end(), byIp);
    std::sort(lists.second.begin(), lists.second.end(), byIp);
    if (!lists.first.empty()) subset["addresses"] = lists.first;
    if (!lists.second.empty()) subset["notReadyAddresses"] = lists.second;
    if (!portLists[id].empty()) subset["ports"] = portLists[id];
    subsetList.push_back(std::move(subset));
  }
  Json labels = svc["metadata"].value("labels", Json::object());
  if (!serviceIpSet(svc)) labels["service.kubernetes.io/headless"] = "";
  Json endpoints{{"apiVersion", "v1"}, {"kind", "Endpoints"}, {"metadata", {{"name", key.name}, {"namespace", key.ns}, {"labels", std::move(labels)}}}};
  if (!triggerTime.empty()) endpoints["metadata"]["annotations"][kLastChangeTriggerTime] = triggerTime;
  if (!subsetList.empty()) endpoints["subsets"] = subsetList;
  if (endpoints["metadata"]["labels"].empty()) endpoints["metadata"].erase("labels");
  if (!existing) {
    ctx_.store.createShared(std::move(endpoints));
    return;
  }
  // Nothing to write when the stored subsets and labels are these already (the store would
  // find the update a no-op too, after copying, validating and defaulting it).
  const Json* storedMeta = findMember(*existing, "metadata"_key);
  const Json* storedLabels = storedMeta != nullptr ? findMember(*storedMeta, "labels"_key) : nullptr;
  const Json* storedSubsets = findMember(*existing, "subsets"_key);
  const Json* newLabels = findMember(endpoints["metadata"], "labels"_key);
  const Json* newSubsets = findMember(endpoints, "subsets"_key);
  auto same = [](const Json* a, const Json* b) { return a == nullptr ? b == nullptr : b != nullptr && *a == *b; };
  if (same(storedSubsets, newSubsets) && (newLabels == nullptr || same(storedLabels, newLabels))) return;
  Json next = *existing;
  next.erase("subsets");
  if (endpoints.contains("subsets")) next["subsets"] = endpoints["subsets"];
  if (endpoints["metadata"].contains("labels")) next["metadata"]["labels"] = endpoints["metadata"]["labels"];
  Json& annotations = next["metadata"]["annotations"];
  if (!annotations.is_object()) annotations = Json::object();
  if (triggerTime.empty()) annotations.erase(kLastChangeTriggerTime);
  else annotations[kLastChangeTriggerTime] = triggerTime;
  if (annotations.empty()) next["metadata"].erase("annotations");
  next["metadata"].erase("resourceVersion");
  ctx_.store.updateShared(std::move(next));
}

}  // namespace gs::fake
