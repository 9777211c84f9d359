// The horizontal pod autoscaler controller, without metrics: it keeps the scale target
// (a Deployment, StatefulSet or ReplicaSet) within minReplicas..maxReplicas and reports
// status as the real one does (currentReplicas, desiredReplicas, and the AbleToScale,
// ScalingActive and ScalingLimited conditions), so Argo CD's HPA health rule sees a
// working autoscaler. Load-driven scaling is what a scenario does by scaling the target
// (a drift step with actor horizontal-pod-autoscaler).
// Not modelled: metrics, behavior/stabilization windows, autoscaling/v1's annotation.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class HpaController final : public Controller {
 public:
  explicit HpaController(ControllerContext& ctx) : Controller(ctx, "horizontal-pod-autoscaler", 60) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"HorizontalPodAutoscaler", "Deployment", "StatefulSet", "ReplicaSet"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  // How many autoscalers each namespace holds, from their Added and Deleted events.
  std::map<std::string, int, std::less<>> perNamespace_;
};

}  // namespace gs::fake
