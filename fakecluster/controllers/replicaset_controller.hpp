// The ReplicaSet controller (pkg/controller/replicaset): keeps spec.replicas active
// pods owned by each ReplicaSet, creating from the template and deleting by rank, and
// reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas
// (minReadySeconds) and observedGeneration, with SuccessfulCreate/SuccessfulDelete
// events and a ReplicaFailure condition when pods cannot be created; a set whose pods
// cannot be created is retried with the work queue's backoff (5 ms doubling to 1000 s).
#pragma once

#include <map>
#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class ReplicaSetController final : public Controller {
 public:
  explicit ReplicaSetController(ControllerContext& ctx) : Controller(ctx, "replicaset-controller", 20) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"ReplicaSet", "Pod"}; }
  std::string_view podOwnerKind() const override { return "ReplicaSet"; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  std::map<kube::ObjectKey, int> createFailures_;  // consecutive failed syncs, for the retry backoff
};

}  // namespace gs::fake
