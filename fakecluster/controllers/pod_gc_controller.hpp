// kube-controller-manager's pod garbage collector, for pods bound to a node that does
// not exist (a pod copied from another cluster with its spec.nodeName, or the pods of a
// deleted Node): no kubelet runs them, so they stay Pending (or keep their last status)
// until the collector, on a 20 s period, has seen the node missing for its 40 s
// quarantine; it then marks them Failed with a DisruptionTarget condition
// (DeletionByPodGC) and deletes them at once (grace period 0).
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class PodGcController final : public Controller {
 public:
  static constexpr Duration kCheckPeriod = std::chrono::seconds(20);  // gcCheckPeriod
  static constexpr Duration kQuarantine = std::chrono::seconds(40);   // quarantineTime

  explicit PodGcController(ControllerContext& ctx) : Controller(ctx, "pod-garbage-collector", 57) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Pod", "Node"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  bool nodeExists(const std::string& name) const;
  // Queues a pod found orphaned now for the first period check after its quarantine.
  void orphaned(const kube::ObjectKey& pod);
};

}  // namespace gs::fake
