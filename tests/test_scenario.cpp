#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "git_cli.hpp"
#include "sim/scenario/event_catalog.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/report.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/templates.hpp"

using namespace gs;
using namespace gs::scenario;

namespace {

// A small valid scenario; `steps` and `extra` (under world) are spliced in.
std::string scenarioText(const std::string& steps, const std::string& extraWorld = {}) {
  return "name: t\n"
         "world:\n"
         "  repos:\n"
         "    deploy:\n"
         "      files:\n"
         "        web/cm.yaml: |\n"
         "          apiVersion: v1\n"
         "          kind: ConfigMap\n"
         "          metadata: {name: web}\n"
         "          data: {color: blue}\n"
         "  applications:\n"
         "    web:\n"
         "      source: {repo: deploy, path: web}\n"
         "      syncPolicy: {automated: {selfHeal: true}}\n" +
         extraWorld + "steps:\n" + steps;
}

// The InvalidInput message parsing `text` gives.
std::string parseError(const std::string& text) {
  try {
    parseScenario(text, "s.yaml");
  } catch (const Error& e) {
    CHECK(e.errorClass() == ErrorClass::InvalidInput);
    return e.what();
  }
  FAIL("no error for:\n" << text);
  return {};
}

}  // namespace

TEST_CASE("scenario parser: a valid file gives the world and typed steps", "[scenario]") {
  const Scenario s = parseScenario(scenarioText("  - wait: {until: converged, limit: 2m}\n"
                                                "  - id: edit\n"
                                                "    drift: {kind: ConfigMap, name: web, set: {/data/color: red}}\n"
                                                "  - expect: {app: {name: web, sync: Synced}, within: 30s, since: edit}\n"),
                                   "s.yaml");
  REQUIRE(s.steps.size() == 3);
  CHECK(s.world.applications.front().automated->selfHeal);
  CHECK(s.world.applications.front().targetRevision == "main");
  const auto& wait = std::get<WaitStep>(s.steps[0].action);
  CHECK(wait.limit == std::chrono::minutes(2));
  CHECK(wait.until->converged);
  CHECK(std::get<DriftStep>(s.steps[1].action).set.front().first == "/data/color");
  const auto& expect = std::get<ExpectStep>(s.steps[2].action).expectation;
  CHECK(expect.within == std::chrono::seconds(30));
  CHECK(expect.since == "edit");
  CHECK(s.steps[2].origin.where.line == 19);
}

TEST_CASE("scenario parser: mistakes are errors with file:line:col, key path and a hint", "[scenario]") {
  CHECK_THAT(parseError(scenarioText("  - wiat: 5m\n")), Catch::Contains("s.yaml:16:11: steps[0].wiat: unknown step 'wiat' (did you mean 'wait'?)"));
  CHECK_THAT(parseError(scenarioText("  - wait: 5\n")), Catch::Contains("s.yaml:16:11: steps[0].wait: a duration needs a unit"));
  // An unknown key is located at the key itself, not at its value.
  CHECK_THAT(parseError("name: t\nworld:\n  repos: {r: {files: {a.yaml: x}}}\n  applications:\n    web:\n      source: {repo: r, path: web}\n"
                        "      syncPolicy:\n        automated: {prune: true, selfheal: true}\nsteps: [{wait: 1m}]\n"),
             Catch::Contains("s.yaml:8:34: world.applications.web.syncPolicy.automated.selfheal: unknown key 'selfheal' (did you mean 'selfHeal'?)"));
  CHECK_THAT(parseError(scenarioText("  - wait: 5 minutes\n")), Catch::Contains("steps[0].wait"));
  CHECK_THAT(parseError(scenarioText("  - expect: {app: {name: web, sync: synced}}\n")),
             Catch::Contains("steps[0].expect.app.sync: 'synced' is not one of Synced, OutOfSync, Unknown (did you mean 'Synced'?)"));
  CHECK_THAT(parseError(scenarioText("  - expect: {app: {name: wbe, health: Healthy}}\n")),
             Catch::Contains("no application named 'wbe' in world.applications (did you mean 'web'?)"));
  CHECK_THAT(parseError(scenarioText("  - wait: 1m\n", "  registyr: {}\n")), Catch::Contains("world.registyr: unknown key 'registyr' (did you mean 'registry'?)"));
  CHECK_THAT(parseError(scenarioText("  - sync: web\n    wait: 1m\n")), Catch::Contains("a step does one thing"));
  CHECK_THAT(parseError(scenarioText("  - expect: {image: \"x:{pipeline.last.tag}\"}\n")), Catch::Contains("names a pipeline, but the world has none"));
  CHECK_THAT(parseError(scenarioText("  - expect: {git: {headMessage: \"{repo.head.sha9}\"}}\n")), Catch::Contains("use {repo.<name>.head.sha"));
  CHECK_THAT(parseError(scenarioText("  - expect: {app: {name: web}, within: 1m, since: nowhere}\n")), Catch::Contains("no step with id 'nowhere'"));
  CHECK_THAT(parseError(scenarioText("  - fault: {type: crash-loop, host: example.com}\n")),
             Catch::Contains("'host' does not apply to a crash-loop fault"));
  CHECK_THAT(parseError(scenarioText("  - clear: nope\n")), Catch::Contains("no fault with id 'nope'"));
  CHECK_THAT(parseError(scenarioText("  - commit: {message: x}\n")), Catch::Contains("a commit changes something"));
  CHECK_THAT(parseError(scenarioText("  - drift: {kind: ConfigMap, name: web, scale: 2, delete: true}\n")), Catch::Contains("one drift step does one of"));
  CHECK_THAT(parseError(scenarioText("  - drift: {kind: Deployment, name: web, drain: true}\n")),
             Catch::Contains("'drain' empties a Node (kubectl drain); this drift names a Deployment"));
  CHECK_THAT(parseError(scenarioText("  - drift: {kind: Node, name: node-1, drain: true, scale: 2}\n")), Catch::Contains("one drift step does one of"));
  CHECK_THAT(parseError(scenarioText("  - wait: 1m\n", "  controller: {refreshInterval: 0s}\n")), Catch::Contains("must be more than 0"));
  CHECK_THAT(parseError(scenarioText("  - id: a\n    wait: 1m\n  - id: a\n    wait: 1m\n")), Catch::Contains("step id 'a' is used twice"));
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {/etc/passwd: x}}}}\nsteps: [{wait: 1m}]\n"), Catch::Contains("not a relative path"));
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {../up.yaml: x}}}}\nsteps: [{wait: 1m}]\n"), Catch::Contains("not a relative path"));
  // Commit steps: written and deleted files alike.
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {a.yaml: x}}}}\nsteps: [{commit: {repo: r, message: m, files: {../../x: y}}}]\n"),
             Catch::Contains("steps[0].commit.files[\"../../x\"]: '../../x' is not a relative path inside the repo"));
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {a.yaml: x}}}}\nsteps: [{commit: {repo: r, message: m, delete: [a.yaml, ../../etc/passwd]}}]\n"),
             Catch::Contains("steps[0].commit.delete[1]: '../../etc/passwd' is not a relative path inside the repo"));
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {a.yaml: x}}}}\nsteps: [{commit: {repo: r, message: m, delete: /etc/passwd}}]\n"),
             Catch::Contains("not a relative path"));
  CHECK_THAT(parseError("name: t\nsteps: [{wait: 1m}]\n"), Catch::Contains("missing required key 'world'"));
  // An events check names types and actors the simulator has: a typo would match nothing.
  CHECK_THAT(parseError(scenarioText("  - expect: {events: {type: self-heal.schedueld, count: 0}}\n")),
             Catch::Contains("steps[0].expect.events.type: unknown event type 'self-heal.schedueld' (did you mean 'self-heal.scheduled'?)"));
  CHECK_THAT(parseError(scenarioText("  - expect: {events: {type: \"sink.*\"}}\n")), Catch::Contains("'sink.*' matches no event type"));
  CHECK_THAT(parseError(scenarioText("  - expect: {events: {type: sync.finished, actor: app/wbe}}\n")),
             Catch::Contains("steps[0].expect.events.actor: no app actor for 'wbe' (did you mean 'web'?)"));
  CHECK_THAT(parseError(scenarioText("  - expect: {events: {type: drift.edited, actor: kubeclt}}\n")), Catch::Contains("no actor 'kubeclt' (did you mean 'kubectl'?)"));
  CHECK_THAT(parseError(scenarioText("  - expect: {events: {type: \"sync.*\", actor: \"cd/*\"}}\n")), Catch::Contains("'cd/*' matches no actor of this world"));
  CHECK_NOTHROW(parseScenario(scenarioText("  - expect: {events: {type: \"sync.*\", actor: \"sync/*\", count: 0}}\n"), "s.yaml"));
  // Paths Git cannot store and branch names it refuses are said where they are written.
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {./a.yaml: x}}}}\nsteps: [{wait: 1m}]\n"),
             Catch::Contains("world.repos.r.files[\"./a.yaml\"]: invalid repository path \"./a.yaml\""));
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {a.yaml: x}}}}\nsteps: [{commit: {repo: r, message: m, files: {.git/config: y}}}]\n"),
             Catch::Contains("steps[0].commit.files[\".git/config\"]: invalid repository path \".git/config\": \".git\" is reserved"));
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {branch: \"bad..name\", files: {a.yaml: x}}}}\nsteps: [{wait: 1m}]\n"),
             Catch::Contains("s.yaml:2:29: world.repos.r.branch: 'bad..name' is not a valid branch name"));
  // Checks that nothing could pass are refused.
  CHECK_THAT(parseError(scenarioText("  - expect: {events: {type: sync.finished, min: 5, max: 1}}\n")), Catch::Contains("min 5 is above max 1"));
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {a.yaml: x}}}}\nsteps: [{expect: {git: {repo: r, file: {path: a.yaml, exists: false, content: x}}}}]\n"),
             Catch::Contains("'exists: false' cannot be checked with 'content' or 'contains'"));
  CHECK_THAT(parseError(scenarioText("  - expect: {image: \"NOT A REF\"}\n")), Catch::Contains("'NOT A REF' is not an image reference: invalid reference format"));
  CHECK_THAT(parseError(""), Catch::Contains("the file is empty"));
  CHECK_THAT(parseError("name: [unclosed\n"), Catch::Contains("s.yaml:"));
}

TEST_CASE("scenario templates: shorthands are spelled out, unknown names refused, values expanded", "[scenario]") {
  TemplateNames names;
  names.repos = {"deploy"};
  names.pipelines = {"web", "api"};
  names.apps = {"shop"};
  Json doc = "x";
  SpecSource source{"f.yaml", nullptr};
  SpecNode node(doc, source, "", "v");
  CHECK(checkTemplate("at {repo.head.sha7}!", names, node) == "at {repo.deploy.head.sha7}!");
  CHECK(checkTemplate("{app.revision}", names, node) == "{app.shop.revision}");
  CHECK(checkTemplate("{pipeline.web.last.tag} {seed}", names, node) == "{pipeline.web.last.tag} {seed}");
  CHECK(checkTemplate("json {\"a\": 1} and { spaced }", names, node) == "json {\"a\": 1} and { spaced }");
  CHECK(checkTemplate("{repo.branch.feature/x.1.sha7}", names, node) == "{repo.deploy.branch.feature/x.1.sha7}");
  CHECK_THROWS_WITH(checkTemplate("{pipeline.last.tag}", names, node), Catch::Contains("does not say which pipeline (there are 2: api, web)"));
  CHECK_THROWS_WITH(checkTemplate("{nope.x}", names, node), Catch::Contains("unknown template"));
  const std::string out = expandTemplate("{a.b} and {c.d}", [](const std::vector<std::string>& parts) { return parts[0] + "-" + parts[1]; });
  CHECK(out == "a-b and c-d");
}

TEST_CASE("scenario templates: another branch's head", "[scenario]") {
  const Scenario s = parseScenario(
      "name: t\nworld:\n  repos:\n    deploy:\n      files:\n        a.yaml: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n\"\n"
      "  applications:\n    web:\n      source: {repo: deploy, targetRevision: feature/x.1}\n      syncPolicy: {automated: {}}\n"
      "steps:\n  - commit: {repo: deploy, branch: feature/x.1, message: m, files: {b.yaml: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: b}\\n\"}}\n"
      "  - expect:\n      app: {name: web, syncedRevision: \"{repo.deploy.branch.feature/x.1.sha}\"}\n      within: 1m\n"
      "  - expect:\n      git: {repo: deploy, headMessage: \"{repo.deploy.branch.feature/x.1.message}\", branch: feature/x.1}\n",
      "branch.yaml");
  const ScenarioResult r = runScenario(s);
  CHECK(r.message == "");
  CHECK(r.verdict == Verdict::Passed);
}

TEST_CASE("scenario templates: a new branch starts from a step's commit", "[scenario]") {
  const Scenario s = parseScenario(
      "name: t\nworld:\n  repos:\n    deploy:\n      files: {a.yaml: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n\"}\n"
      "steps:\n  - id: first\n    commit: {repo: deploy, message: one, files: {b.txt: \"1\\n\"}}\n"
      "  - commit: {repo: deploy, message: two, files: {b.txt: \"2\\n\"}}\n"
      "  - commit: {repo: deploy, branch: hotfix, from: \"{step.first.sha}\", message: fix, files: {c.txt: \"x\\n\"}}\n"
      "  - expect:\n      git: {repo: deploy, branch: hotfix, file: {path: b.txt, content: \"1\\n\"}}\n",
      "from.yaml");
  const ScenarioResult r = runScenario(s);
  INFO(r.message);
  CHECK(r.verdict == Verdict::Passed);
  CHECK_THAT(parseError("name: t\nworld: {repos: {r: {files: {a.yaml: x}}}}\nsteps: [{commit: {repo: r, branch: b, from: \"{step.nope.sha}\", message: m, files: {x: y}}}]\n"),
             Catch::Contains("nope"));
}

TEST_CASE("scenario faults: a fault cleared before its time does not end again when its time comes", "[scenario]") {
  const Scenario s = parseScenario(scenarioText("  - fault: {type: git-unavailable, id: gd, for: 10s}\n"
                                                "  - clear: gd\n"
                                                "  - wait: 5s\n"
                                                "  - fault: {type: git-unavailable, id: gd2, for: 1h}\n"
                                                "  - wait: 1m\n"
                                                "  - expect: {events: {type: fault.ended, count: 0}}\n"
                                                "  - expect: {events: {type: fault.cleared, count: 1}}\n"
                                                "  - expect: {events: {type: app.warning, count: 0}}\n"),
                                   "faults.yaml");
  const ScenarioResult r = runScenario(s);
  INFO(r.message);
  CHECK(r.verdict == Verdict::Passed);
}

TEST_CASE("scenario run: a wrong expectation fails with expected vs actual, the diff, the timeline and a replay command", "[scenario]") {
  const Scenario s = parseScenario(scenarioText("  - wait: {until: converged, limit: 1m}\n"
                                                "  - drift: {kind: ConfigMap, name: web, set: {/data/color: red}}\n"
                                                "  - wait: 10s\n"
                                                "  - expect: {live: {kind: ConfigMap, name: web, fields: {/data/color: green}}}\n"),
                                   "wrong.yaml");
  const ScenarioResult r = runScenario(s);
  REQUIRE(r.verdict == Verdict::Failed);
  CHECK(r.failedStep == 4);
  CHECK_THAT(r.message, Catch::Contains("wrong.yaml:19:") && Catch::Contains("ConfigMap default/web: /data/color is \"blue\", expected \"green\""));
  const std::string details = failureDetails(r);
  CHECK_THAT(details, Catch::Contains("drift.edited") && Catch::Contains("replay: gitops-sim run wrong.yaml --seed 1 -v"));
  // The self-heal put blue back: the drift itself is in the timeline.
  CHECK_THAT(junitXml({r}), Catch::Contains("<failure message=") && Catch::Contains("tests=\"1\" failures=\"1\""));
}

TEST_CASE("scenario run: convergence failures carry the live-vs-desired diff", "[scenario]") {
  const Scenario s = parseScenario(
      "name: t\nworld:\n  repos:\n    deploy:\n      files:\n        web/cm.yaml: |\n          apiVersion: v1\n          kind: ConfigMap\n"
      "          metadata: {name: web}\n          data: {color: blue}\n  applications:\n    web:\n      source: {repo: deploy, path: web}\n"
      "      syncPolicy: {automated: {}}\nsteps:\n  - wait: {until: converged, limit: 1m}\n"
      "  - drift: {kind: ConfigMap, name: web, set: {/data/color: red}}\n  - wait: {until: converged, limit: 1m}\n",
      "drift.yaml");
  const ScenarioResult r = runScenario(s);
  REQUIRE(r.verdict == Verdict::Failed);
  CHECK_THAT(r.message, Catch::Contains("waited 1m for converged") && Catch::Contains("OutOfSync"));
  CHECK_THAT(r.diff, Catch::Contains("-  color: red") && Catch::Contains("+  color: blue"));
}

TEST_CASE("scenario run: same seed, same event log and SHAs, another seed may differ only where randomness is used", "[scenario]") {
  const Scenario s = parseScenario(scenarioText("  - commit: {repo: deploy, message: m, files: {web/other.yaml: \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: o}\\n\"}}\n"
                                                "  - wait: {until: converged, limit: 1m}\n"
                                                "  - expect: {git: {repo: deploy, commits: 2, headMessage: m}, events: {type: git.push, count: 1}}\n"),
                                   "d.yaml");
  const ScenarioResult a = runScenario(s);
  const ScenarioResult b = runScenario(s);
  REQUIRE(a.verdict == Verdict::Passed);
  CHECK(a.eventLogHash == b.eventLogHash);
  CHECK(a.timeline.size() == b.timeline.size());
  const Json report = jsonReport({a});
  CHECK(report["scenarios"][0]["status"] == "passed");
  CHECK(report["scenarios"][0]["metrics"]["leadTime"]["count"] == 1);
  CHECK(a.metrics.deployments == 2);  // the initial sync and the commit
  CHECK(a.metrics.failedDeployments == 0);
  CHECK(a.metrics.syncs == 2);
}

TEST_CASE("scenario run: --workspace keeps the repos on disk, readable by git", "[scenario]") {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("gs-scenario-ws-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const Scenario s = parseScenario(scenarioText("  - commit: {repo: deploy, message: second, files: {web/x.txt: x}}\n"), "w.yaml");
  RunOptions options;
  options.workspace = dir;
  const ScenarioResult r = runScenario(s, options);
  REQUIRE(r.verdict == Verdict::Passed);
  const auto log = test::git(dir / "repos" / "deploy.git", "log --format=%s main");
  CHECK(log.status == 0);
  CHECK(log.output == "second\nInitial commit\n");
  CHECK(test::git(dir / "repos" / "deploy.git", "fsck --strict").status == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the event catalogue names every event the shipped scenarios write, under its actor's family", "[scenario]") {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {GS_SCENARIOS_DIR, GS_SCENARIOS_DIR "/regressions"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 30);
  std::set<std::string> unknown;
  std::size_t seen = 0;
  for (const auto& file : files) {
    RunOptions options;
    options.onEvent = [&](const Event& event) {
      ++seen;
      bool listed = false;
      for (const auto& family : eventCatalog()) {
        const bool actorFits = family.actor.back() == '/' ? event.actor.rfind(family.actor, 0) == 0 : event.actor == family.actor;
        const bool typeFits = std::find(family.types.begin(), family.types.end(), event.type) != family.types.end();
        // A drift's own actor ("horizontal-pod-autoscaler") writes kubectl's drift events.
        const bool driftActor = family.actor == "kubectl" && event.type.rfind("drift.", 0) == 0;
        listed = listed || (typeFits && (actorFits || driftActor));
      }
      if (!listed) unknown.insert(event.actor + " " + event.type);
    };
    runScenario(loadScenarioFile(file.string()), options);
  }
  CHECK(seen > 1000);
  CHECK(unknown.empty());
  for (const auto& u : unknown) UNSCOPED_INFO(u);
}

TEST_CASE("wait until converged waits for a CI run in flight: the deploy it leads to is part of converging", "[scenario]") {
  std::ifstream in(std::string(GS_SCENARIOS_DIR) + "/01-happy-path.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  yaml = yaml.substr(0, yaml.find("\nsteps:\n")) +
         "\nsteps:\n"
         "  - wait: {until: converged, limit: 5m}\n"
         "  - commit: {repo: app-src, message: change, files: {main.go: \"package main\\n\"}}\n"
         "  - wait: {until: converged, limit: 15m}\n"
         "  - expect:\n"
         "      pipeline: {name: web, lastStatus: Succeeded, runs: 1}\n"
         "      live: {kind: Deployment, name: web, namespace: web, fields: "
         "{/spec/template/spec/containers/0/image: \"registry.example.com/team/web:{pipeline.web.last.tag}\"}}\n";
  const ScenarioResult r = runScenario(parseScenario(yaml, "converged-ci.yaml"));
  INFO(r.message);
  CHECK(r.verdict == Verdict::Passed);
}
