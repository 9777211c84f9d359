// The endpoints controller: for every Service with a selector, an Endpoints object of
// the same name listing the matching pods that have an IP, ready ones under
// `addresses` and the rest under `notReadyAddresses` (all of them as ready when
// publishNotReadyAddresses), with targetPorts resolved against container port names.
// Terminating and finished pods are left out. Services without a selector are left
// alone (their Endpoints are the user's).
// Labels are the Service's (plus service.kubernetes.io/headless for a headless one), and a
// write carries endpoints.kubernetes.io/last-change-trigger-time.
// Not modelled: the over-capacity truncation above 1000 addresses, topology hints.
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"
#include "fakecluster/controllers/service_pods.hpp"

namespace gs::fake {

class EndpointsController final : public Controller {
 public:
  explicit EndpointsController(ControllerContext& ctx) : Controller(ctx, "endpoint-controller", 50) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Service", "Pod"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  TriggerTimeTracker triggerTimes_;
  PodChangeFilter podChanges_;
};

}  // namespace gs::fake
