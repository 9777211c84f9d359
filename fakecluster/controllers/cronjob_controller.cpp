#include "fakecluster/controllers/cronjob_controller.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "fakecluster/cron_schedule.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::fake {

namespace {

constexpr std::int64_t kMaxMissed = 100;  // more missed start times than this: TooManyMissedTimes
constexpr const char* kScheduledTimestamp = "batch.kubernetes.io/cronjob-scheduled-timestamp";

// Go's time.RFC1123Z, in UTC: "Sun, 29 Nov 2026 09:45:00 +0000".
std::string rfc1123z(std::int64_t unixSeconds) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds t{seconds{unixSeconds}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char text[40];
  std::snprintf(text, sizeof text, "%s, %02u %s %04d %02d:%02d:%02d +0000", kDays[weekday{day}.c_encoding()], unsigned(ymd.day()),
                kMonths[unsigned(ymd.month()) - 1], int(ymd.year()), int(hms.hours().count()), int(hms.minutes().count()),
                int(hms.seconds().count()));
  return text;
}

}  // namespace

void CronJobController::observe(const WatchEvent& event) {
  if (enqueueIfKind(event, "batch/v1", "CronJob")) return;
  if (is(*event.object, "batch/v1", "Job")) enqueueOwner(*event.object, "batch", "CronJob");
}

void CronJobController::reconcile(const kube::ObjectKey& key) {
  auto current = ctx_.store.find(key);
  if (!current) return;
  const Json& cj = *current;
  const std::string& cjName = stringField(cj, {"metadata"_key, "name"_key});
  const std::string uid = stringField(cj, {"metadata"_key, "uid"_key});
  const Json& spec = objectAt(cj, {"spec"_key});
  Json status = objectAt(cj, {"status"_key});
  Json active = status.contains("active") && status["active"].is_array() ? status["active"] : Json::array();
  const std::int64_t now = nowUnix();
  const VirtualClock& clock = ctx_.loop.clock();
  const std::int64_t nowMs = clock.epochSeconds() * 1000 + clock.now().sinceStart.count();

  auto activeIndex = [&](const std::string& jobUid) {
    for (std::size_t i = 0; i < active.size(); ++i) {
      if (active[i].value("uid", "") == jobUid) return static_cast<std::ptrdiff_t>(i);
    }
    return std::ptrdiff_t{-1};
  };
  auto dropActive = [&](const std::string& jobUid) {
    const auto i = activeIndex(jobUid);
    if (i >= 0) active.erase(active.begin() + i);
  };

  // The Jobs this CronJob controls, and what they say about status.active.
  std::vector<ObjectPtr> jobs;
  for (const auto& k : ctx_.store.dependentsOf(uid)) {
    if (k.group != "batch" || k.kind != "Job") continue;
    auto job = ctx_.store.find(k);
    if (job && controllerUid(*job) == uid) jobs.push_back(job);
  }
  for (const auto& jobPtr : jobs) {
    const Json& job = *jobPtr;
    const std::string jobUid = stringField(job, {"metadata"_key, "uid"_key});
    const std::string jobName = stringField(job, {"metadata"_key, "name"_key});
    const bool found = activeIndex(jobUid) >= 0;
    const std::string finished = jobFinishedAs(job);
    if (!found && finished.empty()) {
      ctx_.events.warning(cj, name(), "UnexpectedJob", "Saw a job that the controller did not create or forgot: " + jobName);
    } else if (found && !finished.empty()) {
      dropActive(jobUid);
      ctx_.events.normal(cj, name(), "SawCompletedJob", "Saw completed job: " + jobName + ", condition: " + finished);
    } else if (finished == "Complete") {
      const std::string completed = stringField(job, {"status"_key, "completionTime"_key});
      const std::string last = stringField(status, {"lastSuccessfulTime"_key});
      if (!completed.empty() && (last.empty() || unixOf(completed) > unixOf(last))) {
        status["lastSuccessfulTime"] = completed;
      }
    }
  }
  for (const auto& ref : Json(active)) {
    const std::string refUid = ref.value("uid", "");
    const bool exists = std::any_of(jobs.begin(), jobs.end(), [&](const ObjectPtr& j) { return stringField(*j, {"metadata"_key, "uid"_key}) == refUid; });
    if (exists) continue;
    ctx_.events.normal(cj, name(), "MissingJob", "Active job went missing: " + ref.value("name", ""));
    dropActive(refUid);
  }

  std::optional<std::int64_t> requeueAt;  // Unix seconds of the next schedule to wake up for
  auto finish = [&] {
    // The oldest finished Jobs beyond the history limits go (by start time, then name).
    std::vector<ObjectPtr> succeeded, failed;
    for (const auto& j : jobs) {
      const std::string f = jobFinishedAs(*j);
      if (f == "Complete") succeeded.push_back(j);
      else if (f == "Failed") failed.push_back(j);
    }
    auto prune = [&](std::vector<ObjectPtr>& list, const char* limitField) {
      const Json* limit = findMember(spec, JsonKey(limitField));
      if (limit == nullptr || !limit->is_number_integer()) return;
      const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(0, limit->get<std::int64_t>()));
      if (list.size() <= keep) return;
      std::sort(list.begin(), list.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
        const std::string sa = stringField(*a, {"status"_key, "startTime"_key}), sb = stringField(*b, {"status"_key, "startTime"_key});
        if (sa.empty() != sb.empty()) return sb.empty();
        if (sa != sb) return unixOf(sa) < unixOf(sb);
        return stringField(*a, {"metadata"_key, "name"_key}) < stringField(*b, {"metadata"_key, "name"_key});
      });
      for (std::size_t i = 0; i + keep < list.size(); ++i) {
        const Json& job = *list[i];
        const std::string jobName = stringField(job, {"metadata"_key, "name"_key});
        try {
          ctx_.store.removeShared("batch", "Job", key.ns, jobName, DeleteOptions{});  // background propagation
          ctx_.events.normal(cj, name(), "SuccessfulDelete", "Deleted job " + jobName);
          dropActive(stringField(job, {"metadata"_key, "uid"_key}));
        } catch (const ApiError&) {
        }
      }
    };
    prune(succeeded, "successfulJobsHistoryLimit");
    prune(failed, "failedJobsHistoryLimit");
    if (active.empty()) status.erase("active");  // omitempty
    else status["active"] = active;
    if (status != objectAt(cj, {"status"_key})) ctx_.store.writeStatus(key, std::move(status));
    if (requeueAt) queue().addAfter(key, std::chrono::milliseconds(std::max<std::int64_t>(0, *requeueAt * 1000 + 100 - nowMs)));
  };

  if (terminating(cj) || boolField(spec, {"suspend"_key}, false)) return finish();
  const std::string schedule = stringField(spec, {"schedule"_key});
  std::string error;
  const CronSchedule sched = CronSchedule::parse(schedule, &error);
  if (!sched.valid()) {
    ctx_.events.warning(cj, name(), "UnparseableSchedule", "unparseable schedule: \"" + schedule + "\" : " + error);
    return finish();
  }
  // The most recent unmet schedule time since the last one (or the creation), no older
  // than startingDeadlineSeconds.
  std::int64_t earliest = unixOf(stringField(cj, {"status"_key, "lastScheduleTime"_key}));
  if (earliest == 0) earliest = unixOf(stringField(cj, {"metadata"_key, "creationTimestamp"_key}));
  const Json* deadline = findMember(spec, "startingDeadlineSeconds"_key);
  const bool hasDeadline = deadline != nullptr && deadline->is_number_integer();
  if (hasDeadline) earliest = std::max(earliest, now - deadline->get<std::int64_t>());
  std::optional<std::int64_t> scheduled = sched.next(earliest);
  if (!scheduled || *scheduled > now) {
    requeueAt = scheduled;
    return finish();
  }
  std::int64_t missed = 1;
  for (auto later = sched.next(*scheduled); later && *later <= now; later = sched.next(*scheduled)) {
    scheduled = later;
    if (++missed > kMaxMissed) {
      // As the controller estimates it: the interval between the first two times, repeated.
      const std::int64_t first = *sched.next(earliest);
      const std::int64_t interval = std::max<std::int64_t>(1, *sched.next(first) - first);
      scheduled = first + ((now - first) / interval) * interval;
      break;
    }
  }
  if (missed > kMaxMissed) {
    ctx_.events.warning(cj, name(), "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
  }
  requeueAt = sched.next(now);
  if (hasDeadline && *scheduled + deadline->get<std::int64_t>() < now) {
    ctx_.events.warning(cj, name(), "MissSchedule", "Missed scheduled time to start a job: " + rfc1123z(*scheduled));
    return finish();
  }
  const std::string jobName = cjName + "-" + std::to_string(*scheduled / 60);
  const bool alreadyActive = std::any_of(active.begin(), active.end(), [&](const Json& r) { return r.value("name", "") == jobName; });
  if (alreadyActive || unixOf(stringField(status, {"lastScheduleTime"_key})) == *scheduled) return finish();
  const std::string policy = stringField(spec, {"concurrencyPolicy"_key}, "Allow");
  if (policy == "Forbid" && !active.empty()) {
    ctx_.events.normal(cj, name(), "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
    return finish();
  }
  if (policy == "Replace") {
    for (const auto& ref : Json(active)) {
      try {
        ctx_.store.removeShared("batch", "Job", key.ns, ref.value("name", ""), DeleteOptions{});  // background propagation
        ctx_.events.normal(cj, name(), "SuccessfulDelete", "Deleted job " + ref.value("name", ""));
      } catch (const ApiError&) {
      }
      dropActive(ref.value("uid", ""));
    }
  }
  // The Job from the template, named after its scheduled minute so it is made only once.
  const Json& jobTemplate = objectAt(spec, {"jobTemplate"_key});
  Json job{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"spec", objectAt(jobTemplate, {"spec"_key})}};
  Json meta{{"name", jobName}, {"namespace", key.ns}, {"ownerReferences", Json::array({controllerReference(cj)})}};
  const Json& templateMeta = objectAt(jobTemplate, {"metadata"_key});
  if (const Json* labels = findMember(templateMeta, "labels"_key); labels != nullptr && labels->is_object() && !labels->empty()) meta["labels"] = *labels;
  Json annotations = objectAt(templateMeta, {"annotations"_key});
  annotations[kScheduledTimestamp] = formatRfc3339(*scheduled);
  meta["annotations"] = std::move(annotations);
  job["metadata"] = std::move(meta);
  ObjectPtr created;
  try {
    created = ctx_.store.createShared(std::move(job));
    ctx_.events.normal(cj, name(), "SuccessfulCreate", "Created job " + jobName);
  } catch (const ApiError& e) {
    if (e.reason() != "AlreadyExists") {
      ctx_.events.warning(cj, name(), "FailedCreate", std::string("Error creating job: ") + e.what());
      requeueAt = now + 10;  // retried, as a failed sync is
      return finish();
    }
    created = ctx_.store.find(kube::ObjectKey{"batch", "Job", key.ns, jobName});
    if (!created || controllerUid(*created) != uid || activeIndex(stringField(*created, {"metadata"_key, "uid"_key})) >= 0) return finish();
  }
  const Json& createdMeta = objectAt(*created, {"metadata"_key});
  active.push_back(Json{{"apiVersion", "batch/v1"},
                        {"kind", "Job"},
                        {"name", jobName},
                        {"namespace", key.ns},
                        {"resourceVersion", stringField(createdMeta, {"resourceVersion"_key})},
                        {"uid", stringField(createdMeta, {"uid"_key})}});
  status["lastScheduleTime"] = formatRfc3339(*scheduled);
  finish();
}

}  // namespace gs::fake
