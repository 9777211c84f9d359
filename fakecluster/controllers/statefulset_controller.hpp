// The StatefulSet controller (pkg/controller/statefulset): pods <name>-<ordinal> with
// stable hostnames and a PersistentVolumeClaim per volumeClaimTemplate
// (<template>-<name>-<ordinal>, with the template's labels and annotations and the
// selector's labels), created in order and each waiting for the previous one to be
// Running and available (Ready for minReadySeconds) under OrderedReady (all at once under
// Parallel), scaled down from the highest ordinal; RollingUpdate replaces pods from the
// highest ordinal down to `partition`, one at a time, each waiting for the one before to
// be available; OnDelete waits for the user and recreates a deleted pod at the update
// revision. Revisions are ControllerRevision objects (<name>-<hash>), reported as
// currentRevision and updateRevision with currentReplicas/updatedReplicas
// (controller_history.hpp: an undone template's revision becomes the newest,
// revisionHistoryLimit prunes unused ones). persistentVolumeClaimRetentionPolicy:
// whenDeleted Delete makes the set own the claims, whenScaled Delete makes a scaled-down
// pod own its claims, so the garbage collector deletes them after it.
// Not modelled: maxUnavailable for rolling updates (alpha in 1.32).
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
  // Adds `pod` to the owners of its claims (whenScaled: Delete, before it is scaled away).
  void ownClaimsBy(const Json& set, const Json& pod);
};

}  // namespace gs::fake
