// The CronJob controller (pkg/controller/cronjob, the v2 controller of Kubernetes 1.32):
// at each time the schedule names (fakecluster/cron_schedule.hpp, robfig/cron's
// standard syntax), a Job `<cronjob>-<scheduled Unix minutes>` from spec.jobTemplate,
// owned by the CronJob and annotated batch.kubernetes.io/cronjob-scheduled-timestamp;
// status.active, lastScheduleTime and lastSuccessfulTime; concurrencyPolicy Allow,
// Forbid (JobAlreadyActive) and Replace (the running Jobs deleted first);
// startingDeadlineSeconds (MissSchedule); suspend; the history limits (the oldest
// finished Jobs deleted beyond successfulJobsHistoryLimit and failedJobsHistoryLimit);
// the SuccessfulCreate, SawCompletedJob, SuccessfulDelete, MissingJob, UnexpectedJob and
// TooManyMissedTimes events. Schedules are computed in UTC: a spec.timeZone other than
// UTC is not applied (the scheduled-timestamp annotation is written in UTC too).
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/controller.hpp"

namespace gs::fake {

class CronJobController final : public Controller {
 public:
  explicit CronJobController(ControllerContext& ctx) : Controller(ctx, "cronjob-controller", 26) {}
  void observe(const WatchEvent& event) override;
  std::vector<std::string_view> watchedKinds() const override { return {"CronJob", "Job"}; }

 protected:
  void reconcile(const kube::ObjectKey& key) override;
};

}  // namespace gs::fake
