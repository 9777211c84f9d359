#include "fakecluster/server_defaults.hpp"

#include <charconv>
#include <optional>

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

void defaultJobSelector(Json& job, const std::string& uid) {
  Json& spec = job["spec"];
  if (!spec.is_object()) return;
  if (!spec.value("manualSelector", false)) {
    if (!spec.contains("selector")) spec["selector"] = Json{{"matchLabels", {{"batch.kubernetes.io/controller-uid", uid}}}};
    Json& labels = spec["template"]["metadata"]["labels"];
    if (!labels.is_object()) labels = Json::object();
    const std::string name = job["metadata"].value("name", "");
    labels["batch.kubernetes.io/controller-uid"] = uid;
    labels["batch.kubernetes.io/job-name"] = name;
    labels["controller-uid"] = uid;
    labels["job-name"] = name;
  }
  // SetDefaults_Job gives a Job without labels its template's. The server defaults before
  // it adds the selector's labels to the template, but defaults again on every read, so
  // a Job created without labels reads back with the four above: they are kept here.
  Json& jobLabels = job["metadata"]["labels"];
  const Json& templateLabels = at(spec, {"template"_key, "metadata"_key, "labels"_key});
  if ((!jobLabels.is_object() || jobLabels.empty()) && templateLabels.is_object() && !templateLabels.empty()) jobLabels = templateLabels;
  else if (jobLabels.is_null()) job["metadata"].erase("labels");
}

Json initialPodStatus(const Json& pod, const std::string& now) {
  Json status{{"phase", "Pending"}, {"qosClass", podQosClass(objectAt(pod, {"spec"_key}))}};
  const Json& gates = at(pod, {"spec"_key, "schedulingGates"_key});
  if (gates.is_array() && !gates.empty()) {
    status["conditions"] = Json::array({Json{{"type", "PodScheduled"},
                                             {"status", "False"},
                                             {"reason", "SchedulingGated"},
                                             {"message", "Scheduling is blocked due to non-empty scheduling gates"},
                                             {"lastProbeTime", nullptr},
                                             {"lastTransitionTime", now}}});
  }
  return status;
}

void labelNamespace(Json& meta) {
  const Json name = memberOr(meta, "name", kNullJson);
  if (!name.is_string()) return;
  Json& labels = meta["labels"];
  if (!labels.is_object()) labels = Json::object();
  labels["kubernetes.io/metadata.name"] = name;
}

bool isDefaultStorageClass(const Json& storageClass) {
  const Json& annotations = objectAt(storageClass, {"metadata"_key, "annotations"_key});
  return annotations.value("storageclass.kubernetes.io/is-default-class", "") == "true" ||
         annotations.value("storageclass.beta.kubernetes.io/is-default-class", "") == "true";
}

void defaultStorageClass(Json& claim, const std::string& defaultClass) {
  Json& spec = claim["spec"];
  if (!defaultClass.empty() && spec.is_object() && !spec.contains("storageClassName")) spec["storageClassName"] = defaultClass;
}

std::string ServiceAllocator::nextIp() {
  // 10.96.0.0/12 without the network address, 10.96.0.1 (the kubernetes Service) and
  // broadcast.
  for (;;) {
    std::uint64_t offset = 2 + rng_.below((1u << 20) - 3);
    std::string ip = "10." + std::to_string(96 + (offset >> 16)) + "." + std::to_string((offset >> 8) & 0xff) + "." +
                     std::to_string(offset & 0xff);
    if (ips_.insert(ip).second) return ip;
  }
}

int ServiceAllocator::nextNodePort() {
  for (;;) {
    int port = 30000 + static_cast<int>(rng_.below(2768));
    if (nodePorts_.insert(port).second) return port;
  }
}

namespace {

// The service CIDR, 10.96.0.0/12, as the allocator's error messages name it.
constexpr std::uint32_t kServiceNet = (10u << 24) | (96u << 16);
constexpr std::uint32_t kServiceNetSize = 1u << 20;
constexpr const char* kServiceCidr = "10.96.0.0/12";
constexpr int kFirstNodePort = 30000, kLastNodePort = 32767;

std::optional<std::uint32_t> parseIpv4(const std::string& text) {
  std::uint32_t value = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    unsigned octet = 0;
    const auto [next, error] = std::from_chars(p, end, octet);
    if (error != std::errc() || next == p || next - p > 3 || octet > 255) return std::nullopt;
    value = value << 8 | octet;
    p = next;
  }
  if (p != end) return std::nullopt;
  return value;
}

ApiError invalidService(const Json& service, std::string field, std::string message) {
  return ApiError::invalid("Service", stringAt(service, {"metadata"_key, "name"_key}),
                           {StatusCause{"FieldValueInvalid", std::move(field), "Invalid value: " + std::move(message)}});
}

}  // namespace

void ServiceAllocator::allocate(Json& service) {
  Json& spec = service["spec"];
  if (!spec.is_object()) return;
  const std::string type = spec.value("type", "ClusterIP");
  // A requested address or node port must be free and in range, as the API server's
  // allocators require (checked before anything is reserved).
  const std::string requested = type == "ExternalName" ? std::string() : spec.value("clusterIP", "");
  if (!requested.empty() && requested != "None") {
    const auto address = parseIpv4(requested);
    if (!address) {
      throw invalidService(service, "spec.clusterIPs[0]", "\"" + requested + "\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    }
    const std::string failed = "[]string{\"" + requested + "\"}: failed to allocate IP " + requested + ": ";
    const std::uint32_t offset = *address - kServiceNet;
    if (*address < kServiceNet || offset == 0 || offset >= kServiceNetSize - 1) {
      throw invalidService(service, "spec.clusterIPs",
                           failed + "the provided IP (" + requested + ") is not in the valid range. The range of valid IPs is " + kServiceCidr);
    }
    if (ips_.contains(requested)) throw invalidService(service, "spec.clusterIPs", failed + "provided IP is already allocated");
  }
  if ((type == "NodePort" || type == "LoadBalancer") && spec.contains("ports") && spec["ports"].is_array()) {
    for (std::size_t i = 0; i < spec["ports"].size(); ++i) {
      const Json& port = spec["ports"][i];
      if (!port.is_object() || !port.contains("nodePort") || !port["nodePort"].is_number_integer()) continue;
      const int nodePort = port["nodePort"].get<int>();
      const std::string field = "spec.ports[" + std::to_string(i) + "].nodePort";
      if (nodePort < kFirstNodePort || nodePort > kLastNodePort) {
        throw invalidService(service, field,
                             std::to_string(nodePort) + ": provided port is not in the valid range. The range of valid ports is " +
                                 std::to_string(kFirstNodePort) + "-" + std::to_string(kLastNodePort));
      }
      if (nodePorts_.contains(nodePort)) {
        throw invalidService(service, field, std::to_string(nodePort) + ": provided port is already allocated");
      }
    }
  }
  if (type != "ExternalName") {
    std::string ip = spec.value("clusterIP", "");
    if (ip.empty()) {
      ip = nextIp();
      spec["clusterIP"] = ip;
    } else if (ip != "None") {
      ips_.insert(ip);
    }
    spec["clusterIPs"] = Json::array({ip});
    if (!spec.contains("ipFamilies")) spec["ipFamilies"] = Json::array({"IPv4"});
    if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
  }
  // A LoadBalancer with allocateLoadBalancerNodePorts: false gets no node ports of its
  // own (shouldAllocateNodePorts); ports it names are still taken.
  const bool allocate = type == "NodePort" || (type == "LoadBalancer" && spec.value("allocateLoadBalancerNodePorts", true) != false);
  if ((type == "NodePort" || type == "LoadBalancer") && spec.contains("ports") && spec["ports"].is_array()) {
    for (auto& port : spec["ports"]) {
      if (!port.is_object()) continue;
      if (port.contains("nodePort") && port["nodePort"].is_number_integer()) {
        nodePorts_.insert(port["nodePort"].get<int>());
      } else if (allocate) {
        port["nodePort"] = nextNodePort();
      }
    }
  }
  // A LoadBalancer that keeps traffic on the node (externalTrafficPolicy: Local) gets a
  // health check node port (allocHealthCheckNodePort).
  if (type == "LoadBalancer" && spec.value("externalTrafficPolicy", "") == "Local") {
    if (spec.contains("healthCheckNodePort") && spec["healthCheckNodePort"].is_number_integer() && spec["healthCheckNodePort"] != 0) {
      nodePorts_.insert(spec["healthCheckNodePort"].get<int>());
    } else {
      spec["healthCheckNodePort"] = nextNodePort();
    }
  }
}

void ServiceAllocator::carryOver(Json& service, const Json& old) {
  Json& spec = service["spec"];
  const Json& before = memberOr(old, "spec", kEmptyObjectJson);
  if (!spec.is_object() || !before.is_object()) return;
  for (const char* field : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
    auto it = spec.find(field);
    bool empty = it == spec.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty()) ||
                 (it->is_array() && it->empty());
    if (empty && before.contains(field)) spec[field] = before[field];
  }
  if (!spec.contains("healthCheckNodePort") && before.contains("healthCheckNodePort") && spec.value("externalTrafficPolicy", "") == "Local") {
    spec["healthCheckNodePort"] = before["healthCheckNodePort"];
  }
  if (!spec.contains("ports") || !spec["ports"].is_array() || !before.contains("ports")) return;
  for (auto& port : spec["ports"]) {
    if (!port.is_object() || port.contains("nodePort")) continue;
    for (const auto& was : before["ports"]) {
      if (was.value("port", -1) == port.value("port", -2) && was.contains("nodePort")) port["nodePort"] = was["nodePort"];
    }
  }
}

void ServiceAllocator::release(const Json& service) {
  const Json& spec = memberOr(service, "spec", kEmptyObjectJson);
  if (!spec.is_object()) return;
  ips_.erase(spec.value("clusterIP", ""));
  for (const auto& port : memberOr(spec, "ports", kEmptyArrayJson)) {
    if (port.is_object() && port.contains("nodePort") && port["nodePort"].is_number_integer()) nodePorts_.erase(port["nodePort"].get<int>());
  }
  if (spec.contains("healthCheckNodePort") && spec["healthCheckNodePort"].is_number_integer()) nodePorts_.erase(spec["healthCheckNodePort"].get<int>());
}

}  // namespace gs::fake
