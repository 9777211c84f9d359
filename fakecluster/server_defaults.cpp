#include "fakecluster/server_defaults.hpp"

#include "fakecluster/object_util.hpp"

namespace gs::fake {

void defaultJobSelector(Json& job, const std::string& uid) {
  Json& spec = job["spec"];
  if (!spec.is_object() || spec.value("manualSelector", false)) return;
  if (!spec.contains("selector")) spec["selector"] = Json{{"matchLabels", {{"batch.kubernetes.io/controller-uid", uid}}}};
  Json& labels = spec["template"]["metadata"]["labels"];
  if (!labels.is_object()) labels = Json::object();
  const std::string name = job["metadata"].value("name", "");
  labels["batch.kubernetes.io/controller-uid"] = uid;
  labels["batch.kubernetes.io/job-name"] = name;
  labels["controller-uid"] = uid;
  labels["job-name"] = name;
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

void ServiceAllocator::allocate(Json& service) {
  Json& spec = service["spec"];
  if (!spec.is_object()) return;
  const std::string type = spec.value("type", "ClusterIP");
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
  if ((type == "NodePort" || type == "LoadBalancer") && spec.contains("ports") && spec["ports"].is_array()) {
    for (auto& port : spec["ports"]) {
      if (!port.is_object()) continue;
      if (port.contains("nodePort") && port["nodePort"].is_number_integer()) {
        nodePorts_.insert(port["nodePort"].get<int>());
      } else {
        port["nodePort"] = nextNodePort();
      }
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
}

}  // namespace gs::fake
