// The Job controller (pkg/controller/job): runs pods until `completions` succeed
// (or, without completions, until one succeeds and none is active), at most
// `parallelism` at a time; failed pods are replaced after a 10 s doubling backoff
// (capped at 10 min) until more than backoffLimit have failed (or, under restartPolicy
// OnFailure, until the active pods' restarts reach it); activeDeadlineSeconds
// ends the Job. Pods carry the batch.kubernetes.io/job-tracking finalizer, removed
// once counted, so counts survive pod deletion (and dropped from a pod whose Job is gone,
// as syncOrphanPod does, so that pod can finish terminating). Status: startTime, active, ready,
// succeeded, failed, terminating, completionTime, and the conditions a 1.32 cluster
// sets (SuccessCriteriaMet then Complete; FailureTarget then Failed with
// BackoffLimitExceeded or DeadlineExceeded), with the matching events.
// ttlSecondsAfterFinished: a finished Job is deleted (foreground) that long after its
// Complete or Failed condition, as the TTL-after-finished controller does; an Argo CD app
// that manages such a Job (not as a hook) then sees it missing and syncs it again.
// Not modelled: indexed completion mode, pod failure and success policies, suspend.
// CronJobs: cronjob_controller.hpp.
#pragma once

#include <string_view>
#include <vector>

#include <map>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class JobController final : public Controller {
 public:
  explicit JobController(ControllerContext& ctx) : Controller(ctx, "job-controller", 25) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"Job", "Pod"}; }
  std::string_view podOwnerKind() const override { return "Job"; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;

 private:
  ObjectPtr jobOf(const Json& pod) const;
  std::map<std::string, VirtualTime> lastFailure_;  // job uid -> when a pod last failed
};

}  // namespace gs::fake
