#include "fakecluster/controllers/apiservice_availability.hpp"

#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

std::string serviceOf(const Json& apiService) {
  const Json& service = at(apiService, {"spec"_key, "service"_key});
  if (!service.is_object()) return {};
  return service.value("namespace", "") + "/" + service.value("name", "");
}

}  // namespace

void ApiServiceAvailability::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "apiregistration.k8s.io/v1", "APIService")) {
    const auto key = kube::objectKeyOf(object);
    for (auto& [service, keys] : byService_) keys.erase(key);
    if (event.type != WatchEvent::Type::Deleted) {
      const std::string service = serviceOf(object);
      if (!service.empty()) byService_[service].insert(key);
      queue().add(key);
    }
    return;
  }
  // A Service or its Endpoints: the APIServices they back.
  if (byService_.empty()) return;
  auto backed = byService_.find(stringAt(object, {"metadata"_key, "namespace"_key}) + "/" + stringAt(object, {"metadata"_key, "name"_key}));
  if (backed == byService_.end()) return;
  for (const auto& key : backed->second) queue().add(key);
}

void ApiServiceAvailability::reconcile(const kube::ObjectKey& key) {
  const ObjectPtr current = ctx_.store.find(key);
  if (!current || terminating(*current)) return;
  const Json& apiService = *current;
  std::string status = "True", reason = "Local", message = "Local APIServices are always available";
  const Json& ref = at(apiService, {"spec"_key, "service"_key});
  if (ref.is_object()) {
    const std::string ns = ref.value("namespace", ""), name = ref.value("name", "");
    const std::string where = "service/" + name + " in \"" + ns + "\"";
    const std::int64_t port = ref.value("port", std::int64_t{443});
    status = "False";
    const ObjectPtr service = ctx_.store.find(kube::ObjectKey{"", "Service", ns, name});
    const Json* servicePort = nullptr;
    if (service) {
      for (const auto& p : at(*service, {"spec"_key, "ports"_key})) {
        if (p.value("port", std::int64_t{0}) == port) servicePort = &p;
      }
    }
    if (!service) {
      reason = "ServiceNotFound";
      message = where + " is not present";
    } else if (servicePort == nullptr) {
      reason = "ServicePortError";
      message = where + " is not listening on port " + std::to_string(port);
    } else if (stringAt(*service, {"spec"_key, "type"_key}) == "ExternalName") {
      status = "True";
      reason = "Passed";
      message = "all checks passed";
    } else {
      const ObjectPtr endpoints = ctx_.store.find(kube::ObjectKey{"", "Endpoints", ns, name});
      const std::string portName = servicePort->value("name", "");
      bool ready = false;
      if (endpoints) {
        for (const auto& subset : at(*endpoints, {"subsets"_key})) {
          if (at(subset, {"addresses"_key}).empty()) continue;
          for (const auto& p : at(subset, {"ports"_key})) ready |= p.value("name", "") == portName;
        }
      }
      if (!endpoints) {
        reason = "EndpointsNotFound";
        message = "cannot find endpoints for " + where;
      } else if (!ready) {
        reason = "MissingEndpoints";
        message = "endpoints for " + where + " have no addresses with port name \"" + portName + "\"";
      } else {
        status = "True";
        reason = "Passed";
        message = "all checks passed";
      }
    }
  }
  Json next = apiService.value("status", Json::object());
  setCondition(next, "Available", status, reason, message, now(), false);
  if (next == apiService.value("status", Json::object())) return;
  ctx_.store.writeStatus(key, std::move(next));
}

}  // namespace gs::fake
