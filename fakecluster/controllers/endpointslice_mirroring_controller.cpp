#include "fakecluster/controllers/endpointslice_mirroring_controller.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <optional>

#include "fakecluster/controllers/service_pods.hpp"
#include "fakecluster/controllers/slice_writer.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/core/json_lookup.hpp"
#include "sim/core/json_object_builder.hpp"

namespace gs::fake {

namespace {

constexpr const char* kSkipMirror = "endpointslice.kubernetes.io/skip-mirror";
constexpr const char* kLeaderElection = "control-plane.alpha.kubernetes.io/leader";
constexpr const char* kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";
constexpr const char* kControllerName = "endpointslicemirroring-controller.k8s.io";
constexpr std::size_t kMaxEndpointsPerSubset = 1000;

bool shouldMirror(const Json& endpoints) {
  const Json& labels = at(endpoints, {"metadata"_key, "labels"_key});
  const Json& annotations = at(endpoints, {"metadata"_key, "annotations"_key});
  return !(labels.is_object() && labels.value(kSkipMirror, "") == "true") &&
         !(annotations.is_object() && annotations.contains(kLeaderElection));
}

// The address family and canonical text of an IP (as Go's net.IP prints it: an
// IPv4-mapped IPv6 address is IPv4), or nothing for text that is no IP.
std::optional<std::pair<std::string, std::string>> parseIp(const std::string& text) {
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
    return std::pair<std::string, std::string>{"IPv4", inet_ntop(AF_INET, bytes, out, sizeof out)};
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return std::nullopt;
  const bool mapped = std::all_of(bytes, bytes + 10, [](unsigned char b) { return b == 0; }) && bytes[10] == 0xff && bytes[11] == 0xff;
  if (mapped) return std::pair<std::string, std::string>{"IPv4", inet_ntop(AF_INET, bytes + 12, out, sizeof out)};
  return std::pair<std::string, std::string>{"IPv6", inet_ntop(AF_INET6, bytes, out, sizeof out)};
}

struct DesiredSlice {
  std::string addressType;
  Json ports;  // array
  Json endpoints = Json::array();
};

bool sameContent(const Json& stored, const DesiredSlice& want, const Json& labels, const Json& annotations) {
  const Json& meta = objectAt(stored, {"metadata"_key});
  return memberOr(stored, "ports", kNullJson) == want.ports && memberOr(stored, "endpoints", kNullJson) == want.endpoints &&
         memberOr(meta, "labels", kEmptyObjectJson) == labels && memberOr(meta, "annotations", kEmptyObjectJson) == annotations;
}

}  // namespace

bool EndpointSliceMirroringController::hasMirroredSlices(const Json& endpoints) const {
  const std::string& uid = stringField(endpoints, {"metadata"_key, "uid"_key});
  for (const auto& k : ctx_.store.dependentKeys(uid)) {
    if (k.group == "discovery.k8s.io" && k.kind == "EndpointSlice") return true;
  }
  return false;
}

void EndpointSliceMirroringController::observe(const WatchEvent& event) {
  if (writing_) return;  // our own slice writes need no second look
  const Json& object = *event.object;
  const Json& meta = objectAt(object, {"metadata"_key});
  const std::string& ns = stringField(meta, {"namespace"_key});
  if (is(object, "discovery.k8s.io/v1", "EndpointSlice")) {
    // Someone else changed or deleted one of ours: its Endpoints is mirrored again.
    if (!sliceManagedBy(object, kControllerName)) return;
    const std::string service = objectAt(meta, {"labels"_key}).value(kSliceServiceNameLabel, "");
    if (!service.empty()) queue().add(kube::ObjectKey{"", "Endpoints", ns, service});
    return;
  }
  const bool isEndpoints = is(object, "v1", "Endpoints");
  if (!isEndpoints && !is(object, "v1", "Service")) return;
  const std::string& name = stringField(meta, {"name"_key});
  kube::ObjectKey endpointsKey{"", "Endpoints", ns, name};
  if (isEndpoints && event.type == WatchEvent::Type::Deleted) return;  // its slices go with it (garbage collection)
  // The Endpoints of a Service with a selector is the endpoint controller's, never mirrored:
  // only a change that could start or stop mirroring is worth a sync.
  auto service = isEndpoints ? ctx_.store.find(kube::ObjectKey{"", "Service", ns, name}) : event.object;
  const bool selectorless = service && (event.type != WatchEvent::Type::Deleted || !isEndpoints) && podSelectorOf(*service) == nullptr;
  if (selectorless) {
    queue().add(endpointsKey);
    return;
  }
  auto endpoints = isEndpoints ? event.object : ctx_.store.find(endpointsKey);
  if (endpoints && hasMirroredSlices(*endpoints)) queue().add(endpointsKey);
}

void EndpointSliceMirroringController::reconcile(const kube::ObjectKey& key) {
  auto endpointsPtr = ctx_.store.find(key);
  if (!endpointsPtr) return;  // its slices are garbage-collected with it
  const Json& endpoints = *endpointsPtr;
  auto service = ctx_.store.find(kube::ObjectKey{"", "Service", key.ns, key.name});
  const bool mirror = shouldMirror(endpoints) && service && podSelectorOf(*service) == nullptr && !terminating(endpoints);

  std::vector<DesiredSlice> desired;
  if (mirror) {
    int invalid = 0;
    int skipped = 0;
    const Json& subsets = memberOr(endpoints, "subsets", kNullJson);
    for (const Json& subset : subsets.is_array() ? subsets : kEmptyArrayJson) {
      Json ports = Json::array();
      const Json& subsetPorts = memberOr(subset, "ports", kNullJson);
      for (const Json& p : subsetPorts.is_array() ? subsetPorts : kEmptyArrayJson) {
        JsonObjectBuilder port(4);
        port.add("name", p.value("name", "")).add("port", memberOr(p, "port", kNullJson)).add("protocol", p.value("protocol", "TCP"));
        if (p.contains("appProtocol")) port.add("appProtocol", p["appProtocol"]);
        ports.push_back(std::move(port).build());
      }
      std::size_t added = 0;
      std::size_t total = 0;
      auto addAll = [&](const char* member, bool ready) {
        const Json& addresses = memberOr(subset, member, kNullJson);
        for (const Json& address : addresses.is_array() ? addresses : kEmptyArrayJson) {
          ++total;
          if (added >= kMaxEndpointsPerSubset) continue;
          auto ip = parseIp(address.value("ip", ""));
          if (!ip) {
            ++invalid;
            continue;
          }
          ++added;
          auto slice = std::find_if(desired.begin(), desired.end(),
                                    [&](const DesiredSlice& d) { return d.addressType == ip->first && d.ports == ports; });
          if (slice == desired.end()) slice = desired.insert(desired.end(), DesiredSlice{ip->first, ports});
          JsonObjectBuilder endpoint(5);
          endpoint.add("addresses", Json::array({ip->second})).add("conditions", JsonObjectBuilder(1).add("ready", ready).build());
          if (address.contains("targetRef")) endpoint.add("targetRef", address["targetRef"]);
          if (address.contains("nodeName")) endpoint.add("nodeName", address["nodeName"]);
          if (!address.value("hostname", "").empty()) endpoint.add("hostname", address["hostname"]);
          Json built = std::move(endpoint).build();
          // The same address twice is one endpoint (the controller keeps a set).
          if (std::find(slice->endpoints.begin(), slice->endpoints.end(), built) == slice->endpoints.end()) {
            slice->endpoints.push_back(std::move(built));
          }
        }
      };
      addAll("addresses", true);
      addAll("notReadyAddresses", false);
      skipped += static_cast<int>(total - added);
    }
    if (invalid > 0) {
      ctx_.events.warning(endpoints, "endpoint-slice-mirroring-controller", "InvalidIPAddress",
                          "Skipped " + std::to_string(invalid) + " invalid IP addresses when mirroring to EndpointSlices");
    }
    if (skipped > invalid) {
      ctx_.events.warning(endpoints, "endpoint-slice-mirroring-controller", "TooManyAddressesToMirror",
                          "A max of " + std::to_string(kMaxEndpointsPerSubset) +
                              " addresses can be mirrored to EndpointSlices per Endpoints subset. " + std::to_string(skipped) +
                              " addresses were skipped");
    }
  }

  // The slices mirrored for this Endpoints, oldest name first.
  const std::vector<ObjectPtr> existing = ownedSlices(ctx_.store, endpoints, kControllerName);
  // The Endpoints' labels and annotations, less the trigger time and kubectl's record.
  const Json& meta = objectAt(endpoints, {"metadata"_key});
  Json labels = objectAt(meta, {"labels"_key});
  Json annotations = objectAt(meta, {"annotations"_key});
  annotations.erase(kLastChangeTriggerTime);
  annotations.erase(kLastApplied);
  labels[kSliceServiceNameLabel] = key.name;
  labels[kSliceManagedByLabel] = kControllerName;

  // Each desired slice takes the stored one of its address type and ports, else one that
  // would be deleted (the controller recycles those rather than create and delete).
  std::vector<const ObjectPtr*> assigned(desired.size(), nullptr);
  std::vector<bool> used(existing.size(), false);
  for (std::size_t i = 0; i < desired.size(); ++i) {
    for (std::size_t j = 0; j < existing.size(); ++j) {
      if (!used[j] && (*existing[j]).value("addressType", "") == desired[i].addressType &&
          memberOr(*existing[j], "ports", kNullJson) == desired[i].ports) {
        assigned[i] = &existing[j];
        used[j] = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < desired.size(); ++i) {
    for (std::size_t j = 0; assigned[i] == nullptr && j < existing.size(); ++j) {
      if (!used[j]) {
        assigned[i] = &existing[j];
        used[j] = true;
      }
    }
  }

  WritingGuard writing(writing_);
  for (std::size_t i = 0; i < desired.size(); ++i) {
    DesiredSlice& want = desired[i];
    if (assigned[i] != nullptr && (**assigned[i]).value("addressType", "") == want.addressType &&
        sameContent(**assigned[i], want, labels, annotations)) {
      continue;
    }
    auto annotate = [&](Json& out) { out = annotations; };
    if (!writeSlice(ctx_.store, assigned[i], SliceContent{want.addressType, std::move(want.ports), std::move(want.endpoints), labels, annotate},
                    key.name + "-", key.ns, endpoints)) {
      queue().addAfter(key, std::chrono::seconds(1));  // e.g. the namespace is terminating: try again
    }
  }
  deleteUnusedSlices(ctx_.store, existing, used);
}

}  // namespace gs::fake
