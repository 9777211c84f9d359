// The HTML run report's data model (sim/report): timelines from event records, the
// failure view, run-wide metrics, campaign reports, and the self-contained page.
#include <catch2/catch.hpp>

#include <set>

#include "sim/core/error.hpp"
#include "sim/report/html.hpp"
#include "sim/report/report_model.hpp"
#include "sim/report/side_by_side.hpp"
#include "sim/report/timeline.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/report.hpp"
#include "sim/scenario/runner.hpp"

using gs::Json;
using namespace gs::report;

namespace {

Json event(std::int64_t atMs, const std::string& actor, const std::string& type, Json details = Json::object()) {
  return Json{{"atMs", atMs}, {"actor", actor}, {"type", type}, {"details", std::move(details)}};
}

Json scenarioOf(Json timeline, std::int64_t virtualMs) {
  return Json{{"name", "t"}, {"status", "passed"}, {"virtualMs", virtualMs}, {"timeline", std::move(timeline)},
              {"world", {{"repos", Json::array({Json{{"name", "src"}, {"role", "source"}}, Json{{"name", "deploy"}, {"role", "deploy"}}})}}}};
}

std::vector<Json> marksOf(const Json& timeline, const std::string& kind) {
  std::vector<Json> out;
  for (const auto& m : timeline["marks"]) {
    if (m["kind"] == kind) out.push_back(m);
  }
  return out;
}

Json runShipped(const std::string& file) {
  gs::scenario::ScenarioResult r = gs::scenario::runScenarioFile(std::string(GS_SCENARIOS_DIR) + "/" + file);
  REQUIRE(r.verdict == gs::scenario::Verdict::Passed);
  return gs::scenario::jsonReport({r});
}

}  // namespace

TEST_CASE("report timeline: a shipped scenario's every event is drawn, bars pair their start and end") {
  const Json run = runShipped("01-happy-path.yaml");
  const Json report = buildRunReport(run);
  const Json& scenario = report["scenarios"][0];
  const Json& tl = scenario["timeline"];
  const Json& events = run["scenarios"][0]["timeline"];
  REQUIRE(tl["lanes"].size() == 7);
  std::set<std::size_t> drawn;
  for (const auto& m : tl["marks"]) {
    for (const auto& i : m["events"]) drawn.insert(i.get<std::size_t>());
    if (m.contains("end")) CHECK(m["end"].get<std::int64_t>() >= m["at"].get<std::int64_t>());
  }
  CHECK(drawn.size() == events.size());
  std::size_t ciRuns = 0, syncs = 0, commits = 0;
  for (const auto& e : events) {
    ciRuns += e["type"] == "ci.run.finished";
    syncs += e["type"] == "sync.finished";
    commits += e["type"] == "git.push" && e["details"]["by"] == "dev";
  }
  const auto ciBars = marksOf(tl, "ci-run");
  REQUIRE(ciBars.size() == ciRuns);
  for (const auto& bar : ciBars) {
    CHECK(bar["result"] == "ok");
    CHECK(bar["end"].get<std::int64_t>() > bar["at"].get<std::int64_t>());  // build and test take virtual time
    CHECK_FALSE(bar.contains("open"));
  }
  CHECK(marksOf(tl, "sync").size() == syncs);
  CHECK(marksOf(tl, "commit").size() == commits + 2);  // plus the two initial commits
  CHECK(marksOf(tl, "writeback").size() == 2);        // the write-back commit and CI's own mark of it
  for (const auto& m : marksOf(tl, "commit")) {
    if (m["label"].get<std::string>().find("feat:") != std::string::npos) CHECK(m["lane"] == "source");
  }
  // one strip for the app, segments back to back up to the end
  REQUIRE(tl["strips"].size() == 1);
  const Json& segments = tl["strips"][0]["segments"];
  for (std::size_t i = 1; i < segments.size(); ++i) CHECK(segments[i - 1]["to"] == segments[i]["from"]);
  CHECK(segments.back()["to"] == tl["endMs"]);
  CHECK(segments.back()["health"] == "Healthy");
  CHECK(scenario["events"].size() == events.size());
  CHECK(scenario["replay"].get<std::string>().find("--seed 1") != std::string::npos);
}

TEST_CASE("report timeline: fault, drift and controller-down windows open and close on the right events") {
  const Json timeline = Json::array({
      event(0, "scenario", "fault.injected", {{"type", "registry-outage"}, {"id", "outage"}}),
      event(0, "scenario", "fault.injected", {{"type", "crash-loop"}, {"id", "#3"}}),
      event(1000, "kubectl", "drift.edited", {{"kind", "Deployment"}, {"name", "web"}, {"namespace", "default"}, {"app", "web"}}),
      event(2000, "app/api", "app.status", {{"sync", "Synced"}, {"health", "Healthy"}, {"revision", "aaaaaaa1"}}),
      event(3000, "app/web", "app.status", {{"sync", "OutOfSync"}, {"health", "Healthy"}, {"revision", "bbbbbbb2"}, {"diff", "-a\n+b\n"}}),
      event(4000, "scenario", "fault.cleared", {{"id", "outage"}}),
      event(5000, "argocd", "controller.stopped"),
      event(6000, "app/web", "app.status", {{"sync", "Synced"}, {"health", "Degraded"}, {"revision", "bbbbbbb2"}}),
      event(7000, "argocd", "controller.started"),
      event(7000, "ci/web", "ci.run.queued", {{"run", 1}, {"commit", "ccccccc3"}}),
      event(7500, "ci/web", "ci.run.started", {{"run", 1}, {"commit", "ccccccc3"}}),
      event(7600, "registry", "image.seeded", {{"image", "a:1"}}),
      event(7600, "registry", "image.seeded", {{"image", "a:2"}}),
      event(7700, "chaos-monkey", "something.new"),
  });
  const Json tl = buildTimeline(scenarioOf(timeline, 9000));
  std::map<std::string, Json> windows;
  for (const auto& w : tl["windows"]) windows[w["kind"].get<std::string>() + ":" + w["lane"].get<std::string>()] = w;
  REQUIRE(windows.size() == 4);
  CHECK(windows["fault:registry"]["to"] == 4000);  // cleared by id
  CHECK(windows["fault:registry"]["open"] == false);
  CHECK(windows["fault:cluster"]["to"] == 9000);  // never cleared: open to the end
  CHECK(windows["fault:cluster"]["open"] == true);
  CHECK(windows["drift:cluster"]["from"] == 1000);
  CHECK(windows["drift:cluster"]["to"] == 6000);  // web back in sync; api's status did not close it
  CHECK(windows["down:sync"]["from"] == 5000);
  CHECK(windows["down:sync"]["to"] == 7000);
  const auto ci = marksOf(tl, "ci-run");
  REQUIRE(ci.size() == 1);
  CHECK(ci[0]["result"] == "running");
  CHECK(ci[0]["open"] == true);
  CHECK(ci[0]["end"] == 9000);
  CHECK(ci[0]["events"].size() == 2);
  const auto images = marksOf(tl, "image");
  REQUIRE(images.size() == 1);
  CHECK(images[0]["label"] == "2 images seeded");
  const auto notes = marksOf(tl, "note");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["lane"] == "cluster");
  // health marks only where health changed: api Healthy, web Healthy, web Degraded
  CHECK(marksOf(tl, "health").size() == 3);
  CHECK(tl["strips"].size() == 2);
}

TEST_CASE("report timeline: malformed timelines are refused with the field named") {
  CHECK_THROWS_WITH(buildRunReport(Json{{"scenarios", Json::array({Json{{"name", "x"}, {"status", "passed"}, {"timeline", 3}}})}}),
                    Catch::Contains("scenarios[0].timeline"));
  CHECK_THROWS_WITH(buildRunReport(Json{{"scenarios", Json::array({Json{{"name", "x"}, {"status", "passed"}, {"timeline", Json::array({1})}}})}}),
                    Catch::Contains("timeline[0]"));
  CHECK_THROWS_WITH(buildRunReport(Json::object()), Catch::Contains("scenarios: missing"));
  CHECK_THROWS_WITH(buildReport(Json::array()), Catch::Contains("neither a run report"));
  try {
    buildReport(Json{{"cases", "many"}, {"coverage", Json::object()}, {"failures", Json::array()}});
    FAIL("accepted a campaign with cases as text");
  } catch (const gs::Error& e) {
    CHECK(e.errorClass() == gs::ErrorClass::InvalidInput);
    CHECK_THAT(e.message(), Catch::Contains("cases: expected number"));
  }
}

TEST_CASE("report: side-by-side diff pairs removed and added lines with their line numbers") {
  const std::string diff =
      "diff -u -N live/apps.v1.Deployment.default.web merged/apps.v1.Deployment.default.web\n"
      "--- live/apps.v1.Deployment.default.web\n"
      "+++ merged/apps.v1.Deployment.default.web\n"
      "@@ -5,4 +5,5 @@\n"
      "   namespace: default\n"
      "-  replicas: 10\n"
      "+  replicas: 3\n"
      "+  paused: false\n"
      " spec:\n"
      "# 1 object: 0 in sync, 1 modified, 0 to create, 0 extra\n";
  const Json rows = sideBySide(diff);
  REQUIRE(rows.size() == 7);
  CHECK(rows[0]["type"] == "file");
  CHECK(rows[1]["type"] == "hunk");
  CHECK(rows[2] == Json{{"type", "same"}, {"left", "  namespace: default"}, {"right", "  namespace: default"}, {"leftNo", 5}, {"rightNo", 5}});
  CHECK(rows[3] == Json{{"type", "change"}, {"left", "  replicas: 10"}, {"leftNo", 6}, {"right", "  replicas: 3"}, {"rightNo", 6}});
  CHECK(rows[4] == Json{{"type", "change"}, {"right", "  paused: false"}, {"rightNo", 7}});
  CHECK(rows[5]["leftNo"] == 7);
  CHECK(rows[5]["rightNo"] == 8);
  CHECK(rows[6]["type"] == "note");
  // a bare unified diff (a file expectation) gets its file row from "---"
  const Json bare = sideBySide("--- expected\n+++ actual\n@@ -1 +1 @@\n-a\n+b\n");
  REQUIRE(bare.size() == 3);
  CHECK(bare[0] == Json{{"type", "file"}, {"left", "expected"}});
  CHECK(bare[2]["left"] == "a");
  CHECK(bare[2]["right"] == "b");
}

TEST_CASE("report: a failing expectation is split into expected and actual, with its diff") {
  const Json parts = splitExpectation(
      "/tmp/s.yaml:36:7: steps[3].expect: app web: sync status is OutOfSync, expected Synced [sync OutOfSync, health Healthy, target 3505130]");
  CHECK(parts["where"] == "/tmp/s.yaml:36:7");
  CHECK(parts["path"] == "steps[3].expect");
  CHECK(parts["what"] == "app web: sync status");
  CHECK(parts["actual"] == "OutOfSync");
  CHECK(parts["expected"] == "Synced");
  CHECK(parts["context"] == "sync OutOfSync, health Healthy, target 3505130");
  CHECK(splitExpectation("the scenario's timeout would pass here").is_null());

  // A real failure: an app expectation that does not hold carries the app's diff.
  gs::scenario::RunOptions options;
  gs::scenario::Scenario s = gs::scenario::loadScenarioFile(std::string(GS_SCENARIOS_DIR) + "/06-drift-self-heal-off.yaml");
  s.steps.resize(4);  // drift, wait, then the expectation: OutOfSync expected...
  std::get<gs::scenario::ExpectStep>(s.steps[3].action).expectation.app->sync = "Synced";  // ...and Synced asked for instead
  const gs::scenario::ScenarioResult r = gs::scenario::runScenario(s, options);
  REQUIRE(r.verdict == gs::scenario::Verdict::Failed);
  const Json report = buildRunReport(gs::scenario::jsonReport({r}));
  const Json& failure = report["scenarios"][0]["failure"];
  CHECK(failure["expectation"]["expected"] == "Synced");
  CHECK(failure["expectation"]["actual"] == "OutOfSync");
  bool replicasChanged = false;
  for (const auto& row : failure["diffRows"]) {
    replicasChanged |= row["type"] == "change" && row.value("left", "") == "  replicas: 10" && row.value("right", "") == "  replicas: 3";
  }
  CHECK(replicasChanged);
  const auto failureMarks = marksOf(report["scenarios"][0]["timeline"], "failure");
  REQUIRE(failureMarks.size() == 1);
  CHECK(failureMarks[0]["at"] == report["scenarios"][0]["timeline"]["endMs"]);
  CHECK(report["summary"]["failed"] == 1);
}

TEST_CASE("report: run-wide DORA metrics sum counts and weight means by count") {
  const Json scenarios = Json::array({
      Json{{"virtualMs", 43'200'000}, {"metrics", {{"deployments", 3}, {"failedDeployments", 1}, {"syncs", 4}, {"leadTime", {{"count", 1}, {"meanSeconds", 60.0}}}}}},
      Json{{"virtualMs", 43'200'000}, {"metrics", {{"deployments", 1}, {"failedDeployments", 0}, {"syncs", 1}, {"leadTime", {{"count", 3}, {"meanSeconds", 20.0}}}}}},
  });
  const Json m = runMetrics(scenarios);
  CHECK(m["deployments"] == 4.0);
  CHECK(m["changeFailureRate"] == 0.25);
  CHECK(m["deploymentsPerDay"] == 4.0);  // two half days
  CHECK(m["leadTime"]["count"] == 4.0);
  CHECK(m["leadTime"]["meanSeconds"] == 30.0);
  CHECK(m["leadTime"]["mean"] == "30s");
  CHECK(m["timeToRestore"]["count"] == 0);
}

TEST_CASE("report: a fuzz campaign lists every fault kind and each counterexample's commands") {
  const Json campaign{{"seed", 7},
                      {"cases", 40},
                      {"seconds", 2.0},
                      {"casesPerSecond", 20.0},
                      {"steps", 800},
                      {"size", 12},
                      {"canary", "skip-prune"},
                      {"coverage", {{"commit", 30}, {"drift", 12}, {"fault:crash-loop", 5}}},
                      {"failures", Json::array({Json{{"seed", 99},
                                                     {"invariant", "prune"},
                                                     {"message", "m"},
                                                     {"commands", 9},
                                                     {"shrunkCommands", 2},
                                                     {"file", "out/prune-99.yaml"},
                                                     {"shrunk", "CommitManifest(add)\nRevertHead\n"}}})}};
  const Json r = buildReport(campaign);
  CHECK(r["kind"] == "campaign");
  CHECK(r["stepsPerCase"] == 20.0);
  CHECK(r["coverage"]["commands"].size() == 2);
  REQUIRE(r["coverage"]["faults"].size() == 9);
  int zero = 0;
  for (const auto& f : r["coverage"]["faults"]) zero += f["count"] == 0;
  CHECK(zero == 8);
  const Json& f = r["failures"][0];
  CHECK(f["seed"] == "99");  // as text: the page's JavaScript numbers cannot hold 64 bits
  CHECK(f["steps"] == Json::array({"CommitManifest(add)", "RevertHead"}));
  CHECK(f["replay"] == "gitops-sim run out/prune-99.yaml -v");
  CHECK(f["rerun"] == "gitops-sim fuzz --case 99 --size 12 --canary skip-prune");
}

TEST_CASE("report page: self-contained, and data cannot break out of its script block") {
  Json run = runShipped("05-drift-self-heal-on.yaml");
  run["scenarios"][0]["description"] = "</script><script>alert(1)</script> <!-- & \"quotes\"";
  run["scenarios"][0]["name"] = "x\xff\xfe";  // not UTF-8: replaced, not thrown
  const std::string page = renderHtml(buildRunReport(run));
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto at = page.find(needle); at != std::string::npos; at = page.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("</script>") == 2);  // the data block's and the script's own
  CHECK(count("<script src") == 0);
  CHECK(count("<link") == 0);
  CHECK(count("https://") == 0);
  CHECK(count("http://") == count("http://www.w3.org/2000/svg"));  // the SVG namespace, not a fetch
  CHECK(page.find("default-src 'none'") != std::string::npos);
  CHECK(page.find("@DATA@") == std::string::npos);
  CHECK(page.find("\\u003c/script>\\u003cscript>alert(1)") != std::string::npos);
}
