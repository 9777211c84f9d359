// The StatefulSet controller (pkg/controller/statefulset): pods <name>-<ordinal> with
// stable hostnames and a PersistentVolumeClaim per volumeClaimTemplate
// (<template>-<name>-<ordinal>), created in order and each waiting for the previous
// one to be Running and Ready under OrderedReady (all at once under Parallel), scaled
// down from the highest ordinal; RollingUpdate replaces pods from the highest ordinal
// down to `partition`, one at a time, OnDelete waits for the user. Revisions are
// ControllerRevision objects (<name>-<hash>), reported as currentRevision and
// updateRevision with currentReplicas/updatedReplicas (controller_history.hpp: an undone
// template's revision becomes the newest, revisionHistoryLimit prunes unused ones).
// Not modelled: maxUnavailable for rolling updates, PVC retention on scale-down.
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class StatefulSetController final : public Controller {
 public:
  explicit StatefulSetController(ControllerContext& ctx) : Controller(ctx, "statefulset-controller", 22) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"StatefulSet", "Pod"}; }
  std::string_view podOwnerKind() const override { return "StatefulSet"; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  void createPod(const Json& set, std::int64_t ordinal, const std::string& revision);
};

}  // namespace gs::fake
