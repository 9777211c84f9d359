// The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod
// template (named <deployment>-<pod-template-hash>), RollingUpdate honouring
// maxSurge/maxUnavailable with the real controller's scale-up/scale-down arithmetic,
// Recreate, paused deployments, proportional scaling, revision annotations and
// revisionHistoryLimit cleanup, status counts and the Progressing/Available conditions
// with their real reasons and messages (including ProgressDeadlineExceeded), and
// ScalingReplicaSet events.
// Not modelled: adopting orphaned ReplicaSets by selector, the deprecated rollbackTo.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class DeploymentController final : public Controller {
 public:
  explicit DeploymentController(ControllerContext& ctx) : Controller(ctx, "deployment-controller", 10) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Deployment", "ReplicaSet", "Pod"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  // A Deployment's ReplicaSets: the one matching its pod template and the others.
  struct Sets {
    ObjectPtr newRS;
    std::vector<ObjectPtr> old;
    std::vector<ObjectPtr> all() const;
  };
  Sets replicaSets(const Json& deployment, bool createIfMissing);
  Sets listReplicaSets(const Json& deployment, bool createIfMissing);
  Json newReplicaSetFor(const Json& deployment, std::int64_t replicas, const std::string& revision, const std::string& hash);
  bool scaleReplicaSet(const ObjectPtr& rs, std::int64_t replicas, const Json& deployment, const char* direction = nullptr);
  bool reconcileNewReplicaSet(const Sets& sets, const Json& deployment);
  bool reconcileOldReplicaSets(const Sets& sets, const Json& deployment);
  void rolloutRolling(const Json& deployment);
  void rolloutRecreate(const Json& deployment);
  void scale(const Json& deployment, const Sets& sets);
  void syncOnly(const Json& deployment);
  void cleanup(const Json& deployment, const Sets& sets);
  Json calculateStatus(const Sets& sets, const Json& deployment);  // computeStatus, memoized
  Json computeStatus(const Sets& sets, const Json& deployment);
  void syncRolloutStatus(const Json& deployment);
  void writeStatus(const Json& deployment, Json status);
  void setRevision(const Json& deployment, const std::string& revision);
  bool checkPausedConditions(const Json& deployment);
  ObjectPtr reload(const ObjectPtr& object) const;

  // The last answer of replicaSets() that wrote nothing, for the stored Deployment it was
  // asked about at the store's resourceVersion then. One sync asks up to three times (as
  // the real controller does); while no write comes in between, the answer stands.
  struct SetsMemo {
    std::uint64_t storeVersion = 0;
    ObjectPtr deployment;
    Sets sets;
  };
  std::optional<SetsMemo> memo_;
  // The last answer of calculateStatus(), for the stored Deployment and the sets it was
  // asked about at the store's resourceVersion and the virtual time then. A rollout step
  // computes the status to decide on cleanup, then again to write it: with no write in
  // between, the answer stands.
  struct StatusMemo {
    std::uint64_t storeVersion = 0;
    std::string now;
    ObjectPtr deployment;
    Sets sets;
    Json status;
  };
  std::optional<StatusMemo> statusMemo_;
};

}  // namespace gs::fake
