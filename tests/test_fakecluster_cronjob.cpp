#include <catch2/catch.hpp>

#include "cluster_fixture.hpp"
#include "fakecluster/cron_schedule.hpp"
#include "fakecluster/object_util.hpp"

using namespace gs;
using namespace gs::fake;
using namespace gs::test;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kThursday = 1767225600;  // 2026-01-01T00:00:00Z, the virtual clock's start

std::optional<std::int64_t> nextAfter(const char* spec, std::int64_t from = kThursday) {
  std::string error;
  const CronSchedule s = CronSchedule::parse(spec, &error);
  INFO(spec << ": " << error);
  REQUIRE(s.valid());
  return s.next(from);
}

std::string parseError(const char* spec) {
  std::string error;
  CronSchedule::parse(spec, &error);
  return error;
}

Json cronJob(const std::string& name, const std::string& schedule) {
  return Json::parse(R"({"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":")" + name + R"(","namespace":"default"},
      "spec":{"schedule":")" + schedule + R"(","jobTemplate":{"metadata":{"labels":{"task":")" + name + R"("}},
      "spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"run","image":"busybox"}]}}}}}})");
}

std::vector<std::string> jobNames(ClusterWorld& w) {
  std::vector<std::string> names;
  for (const auto& j : w.list("batch", "Job")) names.push_back(j["metadata"]["name"].get<std::string>());
  return names;
}

}  // namespace

TEST_CASE("cron schedules: robfig/cron's standard syntax and its next activation", "[fakecluster][cronjob]") {
  CHECK(nextAfter("*/15 * * * *") == kThursday + 15 * 60);
  CHECK(nextAfter("0 9 * * 1-5") == kThursday + 9 * 3600);               // Thursday is a weekday
  CHECK(nextAfter("0 0 13 * 5") == kThursday + 24 * 3600);               // day 13 OR Friday: Friday the 2nd
  CHECK(nextAfter("0 0 13 * *") == kThursday + 12 * 24 * 3600);          // day 13 only
  CHECK(nextAfter("@weekly") == kThursday + 3 * 24 * 3600);              // Sunday the 4th
  CHECK(nextAfter("@hourly", kThursday + 59) == kThursday + 3600);
  CHECK(nextAfter("@every 90m") == kThursday + 5400);
  CHECK(nextAfter("30 2 * feb-MAR SUN") == 1769913000);                  // 2026-02-01T02:30:00Z, the first Sunday of February
  CHECK(nextAfter("0 0 1 1 *", kThursday) == 1798761600);                // a year later: strictly after
  CHECK(nextAfter("5/20 * * * *") == kThursday + 5 * 60);                // N/step means N-max/step
  CHECK_FALSE(nextAfter("0 0 31 2 *").has_value());                      // never fires
  CHECK(parseError("bad") == "expected exactly 5 fields, found 1: [bad]");
  CHECK(parseError("") == "empty spec string");
  CHECK(parseError("61 * * * *") == "end of range (61) above maximum (59): 61");
  CHECK(parseError("* * 0 * *") == "beginning of range (0) below minimum (1): 0");
  CHECK(parseError("*/0 * * * *") == "step of range should be a positive number: */0");
  CHECK(parseError("5-1 * * * *") == "beginning of range (5) beyond end of range (1): 5-1");
  CHECK(parseError("x * * * *") == "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax");
  CHECK(parseError("1-2-3 * * * *") == "too many hyphens: 1-2-3");
  CHECK(parseError("@fortnightly") == "unrecognized descriptor: @fortnightly");
}

TEST_CASE("a CronJob's schedule is validated as the API server validates it", "[fakecluster][cronjob]") {
  ClusterWorld w;
  try {
    w.cluster.create(cronJob("bad", "every minute"));
    FAIL("an unparseable schedule was accepted");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()) == "CronJob.batch \"bad\" is invalid: spec.schedule: Invalid value: \"every minute\": expected exactly 5 fields, found 2: [every minute]");
  }
  try {
    w.cluster.create(cronJob("tz", "CRON_TZ=UTC 0 * * * *"));
    FAIL("TZ in the schedule was accepted");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()).find("cannot use TZ or CRON_TZ in schedule, use timeZone field instead") != std::string::npos);
  }
  // timeZone: an IANA name the time zone database knows.
  auto withZone = [&](const std::string& name, const std::string& zone) {
    Json c = cronJob(name, "0 * * * *");
    c["spec"]["timeZone"] = zone;
    try {
      w.cluster.create(c);
    } catch (const ApiError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(withZone("mars", "Mars/Olympus") == "CronJob.batch \"mars\" is invalid: spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus");
  CHECK(withZone("dots", "../etc/passwd") == "CronJob.batch \"dots\" is invalid: spec.timeZone: Invalid value: \"../etc/passwd\": unknown time zone ../etc/passwd");
  CHECK(withZone("local", "Local") ==
        "CronJob.batch \"local\" is invalid: spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in "
        "https://www.iana.org/time-zones");
  CHECK(withZone("utc", "Etc/UTC").empty());
  CHECK(withZone("paris", "Europe/Paris").empty());
}

TEST_CASE("a CronJob makes a Job at each scheduled minute and keeps its history limits", "[fakecluster][cronjob]") {
  ClusterWorld w;
  w.cluster.create(cronJob("report", "*/1 * * * *"));
  w.runFor(30s);
  CHECK(jobNames(w).empty());  // the first time is the next minute
  w.runFor(35s);
  REQUIRE(jobNames(w) == std::vector<std::string>{"report-" + std::to_string((kThursday + 60) / 60)});
  Json job = w.list("batch", "Job")[0];
  CHECK(job["metadata"]["labels"]["task"] == "report");
  CHECK(job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] == "2026-01-01T00:01:00Z");
  CHECK(job["metadata"]["ownerReferences"][0]["kind"] == "CronJob");
  Json cj = w.get("batch", "CronJob", "report");
  CHECK(cj["status"]["lastScheduleTime"] == "2026-01-01T00:01:00Z");
  REQUIRE(cj["status"]["active"].size() == 1);
  CHECK(cj["status"]["active"][0]["name"] == job["metadata"]["name"]);
  // Each Job runs to completion; after five minutes three successful ones are kept.
  w.runUntilSeconds(5 * 60 + 30);
  const auto names = jobNames(w);
  REQUIRE(names.size() == 3);
  CHECK(names.front() == "report-" + std::to_string((kThursday + 3 * 60) / 60));
  cj = w.get("batch", "CronJob", "report");
  CHECK_FALSE(cj["status"].contains("active"));
  CHECK(cj["status"]["lastScheduleTime"] == "2026-01-01T00:05:00Z");
  CHECK(cj["status"].contains("lastSuccessfulTime"));
  const auto events = w.eventsFor("report");
  CHECK(std::count(events.begin(), events.end(), "SuccessfulCreate: Created job report-" + std::to_string((kThursday + 60) / 60)) == 1);
  CHECK(std::find(events.begin(), events.end(), "SawCompletedJob: Saw completed job: report-" + std::to_string((kThursday + 60) / 60) +
                                                    ", condition: Complete") != events.end());
  CHECK(std::find(events.begin(), events.end(), "SuccessfulDelete: Deleted job report-" + std::to_string((kThursday + 60) / 60)) != events.end());
}

TEST_CASE("CronJob concurrency: Forbid skips while a Job runs, Replace deletes it, suspend stops scheduling", "[fakecluster][cronjob]") {
  ClusterWorld w;
  Json forbid = cronJob("slow", "*/1 * * * *");
  forbid["spec"]["concurrencyPolicy"] = "Forbid";
  forbid["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"]["sim.gitops-sim.io/run-time"] = "150s";
  w.cluster.create(forbid);
  Json replace = cronJob("fresh", "*/1 * * * *");
  replace["spec"]["concurrencyPolicy"] = "Replace";
  replace["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"]["sim.gitops-sim.io/run-time"] = "150s";
  w.cluster.create(replace);
  w.runUntilSeconds(2 * 60 + 30);
  auto events = w.eventsFor("slow");
  CHECK(std::count(events.begin(), events.end(), "JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid") == 1);
  CHECK(w.list("batch", "Job", "default", "task=slow").size() == 1);
  events = w.eventsFor("fresh");
  CHECK(std::find(events.begin(), events.end(), "SuccessfulDelete: Deleted job fresh-" + std::to_string((kThursday + 60) / 60)) != events.end());
  const Json fresh = w.get("batch", "CronJob", "fresh");
  REQUIRE(fresh["status"]["active"].size() == 1);
  CHECK(fresh["status"]["active"][0]["name"] == "fresh-" + std::to_string((kThursday + 120) / 60));
  // Suspended: no new Job.
  Json suspended = w.get("batch", "CronJob", "fresh");
  suspended["spec"]["suspend"] = true;
  w.cluster.update(suspended);
  const auto before = w.list("batch", "Job", "default", "task=fresh").size();
  w.runFor(3min);
  CHECK(w.list("batch", "Job", "default", "task=fresh").size() <= before);
  CHECK(w.get("batch", "CronJob", "fresh")["status"]["lastScheduleTime"] == "2026-01-01T00:02:00Z");
}
