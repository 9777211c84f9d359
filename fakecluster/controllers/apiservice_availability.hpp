// kube-aggregator's availability controller: every APIService gets an Available
// condition, as `kubectl get apiservices` and Argo CD's APIService health read it. A
// local one (no spec.service) is always available; one backed by a Service is available
// once the Service exists, listens on the port, and has ready endpoint addresses for that
// port (the simulated backend then answers discovery); otherwise it is not, with the real
// reasons and messages (ServiceNotFound, ServicePortError, EndpointsNotFound,
// MissingEndpoints). Not modelled: the built-in groups' local APIServices, backends that
// fail discovery.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class ApiServiceAvailability final : public Controller {
 public:
  explicit ApiServiceAvailability(ControllerContext& ctx) : Controller(ctx, "apiservice-availability", 58) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"APIService", "Service", "Endpoints"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  std::map<std::string, std::set<kube::ObjectKey>> byService_;  // "<ns>/<name>" -> the APIServices it backs
};

}  // namespace gs::fake
