// The EndpointSlice controller (discovery.k8s.io/v1), as pkg/controller/endpointslice
// keeps them: for every Service with a selector (not ExternalName, not being deleted),
// slices named <service>-<random>, owned by the Service (controller, blockOwnerDeletion)
// and labelled with the Service's labels plus kubernetes.io/service-name and
// endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
// (service.kubernetes.io/headless for a headless Service). One set of slices per address
// family in spec.ipFamilies and per list of resolved ports, at most 100 endpoints each.
// Every selected pod with an address of the family that has not finished is an endpoint:
// addresses, conditions {ready: Ready and not terminating (or publishNotReadyAddresses),
// serving: Ready, terminating}, nodeName, targetRef, hostname (spec.hostname when
// spec.subdomain is the Service's name). A family without endpoints gets one placeholder
// slice (endpoints and ports null). A write carries the last-change trigger time.
// Differences from the real controller, which orders multi-port lists by a hash of each
// port and endpoints by map iteration: ports keep the Service's order, endpoints the pods'
// name order; slices are filled in that order rather than by its churn-minimising
// placement. Not modelled: topology hints, zones (nodes carry no zone label).
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"
#include "fakecluster/controllers/service_pods.hpp"

namespace gs::fake {

class EndpointSliceController final : public Controller {
 public:
  explicit EndpointSliceController(ControllerContext& ctx) : Controller(ctx, "endpointslice-controller", 51) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Service", "Pod", "EndpointSlice"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  TriggerTimeTracker triggerTimes_;
  PodChangeFilter podChanges_;
  bool writing_ = false;  // set while reconcile() writes slices, whose watch events it ignores
};

}  // namespace gs::fake
