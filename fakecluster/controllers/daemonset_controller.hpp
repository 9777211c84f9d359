// The DaemonSet controller (pkg/controller/daemon): one pod on every Node the pod may
// run on (nodeSelector, required node affinity, taints; the pod is pinned with the
// node affinity the real controller adds and gets its default tolerations); a pod on a
// node that no longer matches its selector or affinity, or has an untolerated NoExecute
// taint, is deleted, while one on a node that only stopped taking new pods (an untolerated
// NoSchedule taint, a cordon, NotReady) stays, counted misscheduled; RollingUpdate
// replaces old pods with at
// most maxUnavailable of them down at a time (OnDelete waits for the user). Status:
// desired/current/updated NumberScheduled, numberReady, numberAvailable,
// numberUnavailable, numberMisscheduled, observedGeneration. Revisions are
// ControllerRevision objects (controller_history.hpp), so `kubectl rollout history` and
// `rollout undo` work on DaemonSets.
// Not modelled: maxSurge for rolling updates.
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class DaemonSetController final : public Controller {
 public:
  explicit DaemonSetController(ControllerContext& ctx) : Controller(ctx, "daemonset-controller", 24) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"DaemonSet", "Pod", "Node"}; }
  std::string_view podOwnerKind() const override { return "DaemonSet"; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;
};

}  // namespace gs::fake
