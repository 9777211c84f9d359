#include "fakecluster/controllers/endpoints_controller.hpp"

#include <algorithm>

#include "fakecluster/label_selector.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/core/json_dump.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::fake {

void EndpointsController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "v1", "Service")) {
    queue().add(kube::objectKeyOf(object));
  } else if (is(object, "v1", "Pod")) {
    const std::string ns = object["metadata"].value("namespace", "");
    const Json& labels = objectAt(object["metadata"], {"labels"_key});
    ctx_.store.forEach("", "Service", ns, [&](const ObjectPtr& service) {
      const Json& selector = at((*service), {"spec", "selector"});
      if (!selector.is_object() || selector.empty()) return;
      for (auto it = selector.begin(); it != selector.end(); ++it) {
        if (!labels.contains(it.key()) || labels[it.key()] != it.value()) return;
      }
      queue().add(kube::objectKeyOf(*service));
    });
  }
}

namespace {

// A Service port's targetPort on one pod: a number, or a named container port.
std::optional<std::int64_t> targetPort(const Json& servicePort, const Json& pod) {
  const Json& target = servicePort.value("targetPort", servicePort.value("port", Json()));
  if (target.is_number_integer()) return target.get<std::int64_t>();
  if (!target.is_string()) return std::nullopt;
  const std::string name = target.get<std::string>();
  for (const auto& c : at(pod, {"spec"_key, "containers"_key})) {
    for (const auto& p : c.value("ports", Json::array())) {
      if (p.value("name", "") == name && p.value("protocol", "TCP") == servicePort.value("protocol", "TCP")) {
        return p.value("containerPort", 0);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

void EndpointsController::reconcile(const kube::ObjectKey& key) {
  auto service = ctx_.store.find(key);
  kube::ObjectKey endpointsKey{"", "Endpoints", key.ns, key.name};
  auto existing = ctx_.store.find(endpointsKey);
  if (!service) {
    if (existing) {
      try {
        ctx_.store.removeShared("", "Endpoints", key.ns, key.name);
      } catch (const ApiError&) {
      }
    }
    return;
  }
  const Json& svc = *service;
  const Json& selector = at(svc, {"spec"_key, "selector"_key});
  if (!selector.is_object() || selector.empty() || terminating(svc)) return;
  const bool publishNotReady = boolField(svc, {"spec"_key, "publishNotReadyAddresses"_key}, false);
  const Json& ports = at(svc, {"spec"_key, "ports"_key});
  // Pods grouped by their resolved port list, as the real controller builds subsets.
  std::map<std::string, std::pair<Json, Json>> subsets;  // ports (dumped) -> (ready, notReady)
  std::map<std::string, Json> portLists;
  ctx_.store.forEach("", "Pod", key.ns, [&](const ObjectPtr& podPtr) {
    const Json& pod = *podPtr;
    const Json& labels = objectAt(pod["metadata"], {"labels"_key});
    for (auto it = selector.begin(); it != selector.end(); ++it) {
      if (!labels.contains(it.key()) || labels[it.key()] != it.value()) return;
    }
    const std::string ip = stringField(pod, {"status"_key, "podIP"_key});
    if (ip.empty() || !podActive(pod)) return;
    Json portList = Json::array();
    for (const auto& p : ports) {
      auto number = targetPort(p, pod);
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
  });
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
  Json endpoints{{"apiVersion", "v1"}, {"kind", "Endpoints"},
                 {"metadata", {{"name", key.name}, {"namespace", key.ns}, {"labels", svc["metadata"].value("labels", Json::object())}}}};
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
  next["metadata"].erase("resourceVersion");
  ctx_.store.updateShared(std::move(next));
}

}  // namespace gs::fake
