// The EndpointSlice mirroring controller, as pkg/controller/endpointslicemirroring keeps
// slices for Endpoints someone else writes: for an Endpoints object whose Service exists
// and has no selector (the endpoint controllers leave such a Service alone), unless the
// Endpoints carries endpointslice.kubernetes.io/skip-mirror: "true" or a leader-election
// annotation. One slice per address family and port list of its subsets, named
// <name>-<random>, owned by the Endpoints (controller, blockOwnerDeletion), with the
// Endpoints' labels plus kubernetes.io/service-name and endpointslice.kubernetes.io/
// managed-by: endpointslicemirroring-controller.k8s.io, its annotations but the trigger
// time and kubectl's last-applied configuration. Ready addresses are endpoints with
// conditions {ready: true}, not-ready ones {ready: false}, at most 1000 per subset (a
// TooManyAddressesToMirror warning says how many were skipped); an address that is not
// an IP is skipped (InvalidIPAddress). Slices of a port list no longer wanted are reused
// for new ones before any is deleted. Differences: endpoints keep the Endpoints' order
// (the real controller pops them from a hash set).
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class EndpointSliceMirroringController final : public Controller {
 public:
  explicit EndpointSliceMirroringController(ControllerContext& ctx) : Controller(ctx, "endpointslicemirroring-controller", 52) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Endpoints", "Service", "EndpointSlice"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  bool hasMirroredSlices(const Json& endpoints) const;
  bool writing_ = false;  // set while reconcile() writes slices, whose watch events it ignores
};

}  // namespace gs::fake
