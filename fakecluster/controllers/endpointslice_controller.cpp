#include "fakecluster/controllers/endpointslice_controller.hpp"

#include <algorithm>
#include <map>

#include "fakecluster/controllers/slice_writer.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/core/json_dump.hpp"
#include "sim/core/json_lookup.hpp"
#include "sim/core/json_object_builder.hpp"

namespace gs::fake {

namespace {

constexpr const char* kHeadless = "service.kubernetes.io/headless";
constexpr const char* kControllerName = "endpointslice-controller.k8s.io";
constexpr std::size_t kMaxEndpointsPerSlice = 100;

// The addresses of one family among the pod's IPs (status.podIPs, else status.podIP).
Json addressesOf(const Json& pod, std::string_view family) {
  Json out = Json::array();
  auto add = [&](const std::string& ip) {
    if (ip.empty() || (ip.find(':') != std::string::npos) != (family == "IPv6")) return;
    if (std::find(out.begin(), out.end(), Json(ip)) == out.end()) out.push_back(ip);
  };
  const Json& ips = at(pod, {"status"_key, "podIPs"_key});
  if (ips.is_array() && !ips.empty()) {
    for (const auto& entry : ips) add(entry.is_object() ? entry.value("ip", "") : std::string());
  } else {
    add(stringField(pod, {"status"_key, "podIP"_key}));
  }
  return out;
}

// The slice's labels: the Service's own, then the three the controller owns.
Json sliceLabels(const Json& service, const std::string& name) {
  Json labels = Json::object();
  const Json& own = at(service, {"metadata"_key, "labels"_key});
  if (own.is_object()) {
    for (auto it = own.begin(); it != own.end(); ++it) {
      if (it.key() != kSliceManagedByLabel && it.key() != kSliceServiceNameLabel && it.key() != kHeadless) labels[it.key()] = it.value();
    }
  }
  if (!serviceIpSet(service)) labels[kHeadless] = "";
  labels[kSliceServiceNameLabel] = name;
  labels[kSliceManagedByLabel] = kControllerName;
  return labels;
}

struct DesiredSlice {
  std::string addressType;
  Json ports;      // array, or null for a placeholder
  Json endpoints;  // array, or null for a placeholder
};

// The content a reconcile compares: what the controller would write apart from the
// trigger-time annotation (it compares endpoints, ports and labels before updating).
bool sameContent(const Json& stored, const DesiredSlice& want, const Json& labels) {
  return stored.value("addressType", "") == want.addressType && memberOr(stored, "ports", kNullJson) == want.ports &&
         memberOr(stored, "endpoints", kNullJson) == want.endpoints && at(stored, {"metadata"_key, "labels"_key}) == labels;
}

}  // namespace

void EndpointSliceController::observe(const WatchEvent& event) {
  if (writing_) return;  // our own slice writes need no second look
  if (podChanges_.queueServices(event, queue())) return;
  const Json& object = *event.object;
  if (is(object, "discovery.k8s.io/v1", "EndpointSlice") && sliceManagedBy(object, kControllerName)) {
    // Someone else changed or deleted one of ours: its Service is synced again.
    const Json& meta = objectAt(object, {"metadata"_key});
    const std::string service = objectAt(meta, {"labels"_key}).value(kSliceServiceNameLabel, "");
    if (!service.empty()) queue().add(kube::ObjectKey{"", "Service", stringField(meta, {"namespace"_key}), service});
  }
}

void EndpointSliceController::reconcile(const kube::ObjectKey& key) {
  auto service = ctx_.store.find(key);
  if (!service) {
    triggerTimes_.forget(key);  // its slices go with it (the garbage collector follows their owner reference)
    return;
  }
  const Json& svc = *service;
  const auto in = endpointsInput(ctx_.store, key, svc, triggerTimes_);
  if (!in) return;
  const auto& [ports, publishNotReady, pods, triggerTime] = *in;

  std::vector<std::string> families;
  const Json& ipFamilies = at(svc, {"spec"_key, "ipFamilies"_key});
  if (ipFamilies.is_array()) {
    for (const auto& f : ipFamilies) {
      if (f.is_string()) families.push_back(f.get<std::string>());
    }
  }
  if (families.empty()) families.push_back("IPv4");

  std::vector<DesiredSlice> desired;
  for (const auto& family : families) {
    // Endpoints grouped by their resolved port list, as the real controller groups them.
    std::vector<std::pair<Json, Json>> groups;  // (ports, endpoints)
    for (const auto& podPtr : pods) {
      const Json& pod = *podPtr;
      const std::string phase = phaseOf(pod);
      if (phase == "Succeeded" || phase == "Failed") continue;
      Json addresses = addressesOf(pod, family);
      if (addresses.empty()) continue;
      Json portList = Json::array();
      if (ports.is_array()) {
        for (const auto& p : ports) {
          auto number = resolveTargetPort(p, pod);
          if (!number) continue;
          JsonObjectBuilder port(4);
          port.add("name", p.value("name", "")).add("port", *number).add("protocol", p.value("protocol", "TCP"));
          if (p.contains("appProtocol")) port.add("appProtocol", p["appProtocol"]);
          portList.push_back(std::move(port).build());
        }
      }
      const bool serving = podReady(pod);
      const bool isTerminating = terminating(pod);
      const Json& meta = objectAt(pod, {"metadata"_key});
      JsonObjectBuilder endpoint(5);
      endpoint.add("addresses", std::move(addresses))
          .add("conditions", JsonObjectBuilder(3)
                                 .add("ready", publishNotReady || (serving && !isTerminating))
                                 .add("serving", serving)
                                 .add("terminating", isTerminating)
                                 .build())
          .add("targetRef", JsonObjectBuilder(4)
                                .add("kind", "Pod")
                                .add("name", stringField(meta, {"name"_key}))
                                .add("namespace", key.ns)
                                .add("uid", stringField(meta, {"uid"_key}))
                                .build());
      const std::string node = stringField(pod, {"spec"_key, "nodeName"_key});
      if (!node.empty()) endpoint.add("nodeName", node);
      const std::string hostname = stringField(pod, {"spec"_key, "hostname"_key});
      if (!hostname.empty() && stringField(pod, {"spec"_key, "subdomain"_key}) == key.name) endpoint.add("hostname", hostname);
      auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == portList; });
      if (group == groups.end()) {
        groups.emplace_back(std::move(portList), Json::array());
        group = std::prev(groups.end());
      }
      group->second.push_back(std::move(endpoint).build());
    }
    if (groups.empty()) {
      desired.push_back(DesiredSlice{family, Json(), Json()});  // the placeholder
      continue;
    }
    for (auto& [portList, endpoints] : groups) {
      for (std::size_t start = 0; start < endpoints.size(); start += kMaxEndpointsPerSlice) {
        Json chunk = Json::array();
        for (std::size_t i = start; i < std::min(endpoints.size(), start + kMaxEndpointsPerSlice); ++i) chunk.push_back(endpoints[i]);
        desired.push_back(DesiredSlice{family, portList, std::move(chunk)});
      }
    }
  }

  // The slices this controller keeps for the Service, oldest name first.
  const std::vector<ObjectPtr> existing = ownedSlices(ctx_.store, svc, kControllerName);
  const Json labels = sliceLabels(svc, key.name);
  // Each desired slice takes a stored one with the same content, then one of its family.
  std::vector<const ObjectPtr*> assigned(desired.size(), nullptr);
  std::vector<bool> used(existing.size(), false);
  for (std::size_t i = 0; i < desired.size(); ++i) {
    for (std::size_t j = 0; j < existing.size(); ++j) {
      if (!used[j] && sameContent(*existing[j], desired[i], labels)) {
        assigned[i] = &existing[j];
        used[j] = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < desired.size(); ++i) {
    if (assigned[i] != nullptr) continue;
    for (std::size_t j = 0; j < existing.size(); ++j) {
      if (!used[j] && (*existing[j]).value("addressType", "") == desired[i].addressType) {
        assigned[i] = &existing[j];
        used[j] = true;
        break;
      }
    }
  }

  WritingGuard writing(writing_);
  for (std::size_t i = 0; i < desired.size(); ++i) {
    DesiredSlice& want = desired[i];
    if (assigned[i] != nullptr && sameContent(**assigned[i], want, labels)) continue;
    auto annotate = [&](Json& annotations) {
      if (triggerTime.empty()) annotations.erase(kLastChangeTriggerTime);
      else annotations[kLastChangeTriggerTime] = triggerTime;
    };
    if (!writeSlice(ctx_.store, assigned[i], SliceContent{want.addressType, std::move(want.ports), std::move(want.endpoints), labels, annotate},
                    key.name + "-", key.ns, svc)) {
      queue().addAfter(key, std::chrono::seconds(1));  // e.g. the namespace is terminating: try again
    }
  }
  deleteUnusedSlices(ctx_.store, existing, used);
}

}  // namespace gs::fake
