#include "sim/scenario/expectations.hpp"

#include <algorithm>

#include "sim/core/glob.hpp"
#include "sim/core/yaml.hpp"
#include "sim/diff/line_diff.hpp"
#include "sim/diff/render.hpp"
#include "sim/sync/compare.hpp"

namespace gs::scenario {

namespace {

std::string show(const Json& v) { return v.is_string() ? "\"" + v.get<std::string>() + "\"" : v.dump(); }

std::string appSummary(const sync::AppController& app) {
  const auto& s = app.status();
  std::string out = "sync " + std::string(sync::toString(s.sync)) + ", health " + sync::toString(s.health.status);
  if (!s.health.message.empty()) out += " (" + s.health.message + ")";
  if (!s.revision.empty()) out += ", target " + s.revision.substr(0, 7);
  if (!s.lastSyncedRevision.empty()) out += ", synced " + s.lastSyncedRevision.substr(0, 7);
  if (s.operation) out += ", last operation " + std::string(sync::toString(s.operation->phase)) + (s.operation->message.empty() ? "" : ": " + s.operation->message);
  if (!s.error.empty()) out += ", error: " + s.error;
  return out;
}

std::optional<CheckFailure> checkApp(const AppExpect& e, RunContext& run) {
  sync::AppController* app = run.world.app(e.app);
  if (app == nullptr) return CheckFailure{"app " + e.app + ": the application controller is down (restarting)", {}};
  const auto& s = app->status();
  auto mismatch = [&](const std::string& what, const std::string& expected, const std::string& got) {
    // An OutOfSync app's live-vs-desired diff says why, whatever was expected of it.
    std::string why = s.sync == sync::SyncStatus::OutOfSync ? sync::outOfSyncDiff(app->comparison()) : std::string();
    return CheckFailure{"app " + e.app + ": " + what + " is " + got + ", expected " + expected + " [" + appSummary(*app) + "]", std::move(why)};
  };
  if (e.sync && *e.sync != sync::toString(s.sync)) return mismatch("sync status", *e.sync, sync::toString(s.sync));
  if (e.health && *e.health != sync::toString(s.health.status)) return mismatch("health", *e.health, sync::toString(s.health.status));
  if (e.healthMessage && s.health.message.find(*e.healthMessage) == std::string::npos) {
    return mismatch("health message", "one containing \"" + *e.healthMessage + "\"", "\"" + s.health.message + "\"");
  }
  if (e.operation) {
    const std::string phase = s.operation ? sync::toString(s.operation->phase) : "None";
    if (phase != *e.operation) return mismatch("operation phase", *e.operation, phase);
  }
  if (e.operationMessage) {
    const std::string message = s.operation ? s.operation->message : std::string();
    if (message.find(*e.operationMessage) == std::string::npos) {
      return mismatch("operation message", "one containing \"" + *e.operationMessage + "\"", "\"" + message + "\"");
    }
  }
  if (e.revision) {
    const std::string want = run.expand(*e.revision);
    if (s.revision != want) return mismatch("target revision", want, s.revision.empty() ? "(none)" : s.revision);
  }
  if (e.syncedRevision) {
    const std::string want = run.expand(*e.syncedRevision);
    if (s.lastSyncedRevision != want) return mismatch("synced revision", want, s.lastSyncedRevision.empty() ? "(none)" : s.lastSyncedRevision);
  }
  if (e.automated && *e.automated != app->app().automated.has_value()) {
    return mismatch("automated sync", *e.automated ? "on" : "off", app->app().automated ? "on" : "off");
  }
  if (e.historyLength && static_cast<std::size_t>(*e.historyLength) != s.history.size()) {
    return mismatch("history length", std::to_string(*e.historyLength), std::to_string(s.history.size()));
  }
  return std::nullopt;
}

std::optional<CheckFailure> checkLive(const LiveExpect& e, RunContext& run) {
  const std::string what = RunContext::describe(e.object);
  auto live = run.find(e.object);
  if (!e.exists) {
    if (live) return CheckFailure{what + " exists, expected it to be absent", {}};
    return std::nullopt;
  }
  if (!live) return CheckFailure{what + " does not exist, expected it to exist", {}};
  for (const auto& [pointer, expected] : e.fields) {
    const Json want = run.expand(expected);
    const Json::json_pointer ptr(pointer);
    if (!live->contains(ptr)) return CheckFailure{what + ": " + pointer + " is not set, expected " + show(want), {}};
    const Json& got = (*live)[ptr];
    if (got != want) return CheckFailure{what + ": " + pointer + " is " + show(got) + ", expected " + show(want), {}};
  }
  for (const auto& pointer : e.absentFields) {
    const Json::json_pointer ptr(pointer);
    if (live->contains(ptr)) return CheckFailure{what + ": " + pointer + " is " + show((*live)[ptr]) + ", expected it to be absent", {}};
  }
  return std::nullopt;
}

std::optional<CheckFailure> checkImage(const ImageExpect& e, RunContext& run) {
  const std::string ref = run.expand(e.reference);
  const auto found = run.world.registry().resolve(ref);
  if (found.ok == e.exists) return std::nullopt;
  if (e.exists) return CheckFailure{"image " + ref + " is not in the registry: " + found.error, {}};
  return CheckFailure{"image " + ref + " is in the registry (" + found.digest + "), expected it to be absent", {}};
}

std::optional<CheckFailure> checkGit(const GitExpect& e, RunContext& run) {
  git::Repository& repo = run.world.workspace().server(e.repo);
  const std::string where = "git " + e.repo + "@" + e.branch;
  if (!repo.branchHead(e.branch)) return CheckFailure{where + ": no such branch", {}};
  const git::CommitInfo head = repo.commitInfo(e.branch);
  auto firstLine = [](const std::string& s) { return s.substr(0, s.find('\n')); };
  if (e.headMessage) {
    const std::string want = run.expand(*e.headMessage);
    if (head.summary != want && head.message != want && firstLine(head.message) != want) {
      return CheckFailure{where + ": head message is \"" + head.summary + "\", expected \"" + want + "\"", {}};
    }
  }
  if (e.headMessageContains) {
    const std::string want = run.expand(*e.headMessageContains);
    if (head.message.find(want) == std::string::npos) return CheckFailure{where + ": head message \"" + head.summary + "\" does not contain \"" + want + "\"", {}};
  }
  if (e.headAuthor && head.authorName != *e.headAuthor) {
    return CheckFailure{where + ": head author is " + head.authorName + ", expected " + *e.headAuthor, {}};
  }
  if (e.commits) {
    const auto n = repo.log(e.branch).size();
    if (n != static_cast<std::size_t>(*e.commits)) {
      return CheckFailure{where + ": has " + std::to_string(n) + " commits, expected " + std::to_string(*e.commits), {}};
    }
  }
  if (e.filePath) {
    const auto content = repo.readFile(e.branch, *e.filePath);
    if (e.fileExists && *e.fileExists != content.has_value()) {
      return CheckFailure{where + ": " + *e.filePath + (content ? " exists, expected it to be absent" : " does not exist, expected it to exist"), {}};
    }
    if (e.fileContent || e.fileContains) {
      if (!content) return CheckFailure{where + ": " + *e.filePath + " does not exist", {}};
      if (e.fileContent && *content != run.expand(*e.fileContent)) {
        return CheckFailure{where + ": " + *e.filePath + " differs from the expected content", diff::unifiedDiff(run.expand(*e.fileContent), *content)};
      }
      if (e.fileContains && content->find(run.expand(*e.fileContains)) == std::string::npos) {
        return CheckFailure{where + ": " + *e.filePath + " does not contain \"" + run.expand(*e.fileContains) + "\"", {}};
      }
    }
  }
  if (e.historyKept) {
    // Every commit any push ever put on this branch is still reachable from its head.
    for (const auto& event : run.world.log().events()) {
      if (event.type != "git.push" || event.actor != "git/" + e.repo || event.details.value("branch", "") != e.branch) continue;
      const std::string sha = event.details.value("after", "");
      if (!sha.empty() && !repo.isAncestor(sha, head.sha)) {
        return CheckFailure{where + ": commit " + sha.substr(0, 7) + " (pushed at " + formatDuration(event.at.sinceStart) + ") is no longer reachable: history was rewritten", {}};
      }
    }
  }
  return std::nullopt;
}

std::optional<CheckFailure> checkEvents(const EventsExpect& e, RunContext& run) {
  const auto& events = run.world.log().events();
  std::size_t from = 0;
  if (!e.since.empty()) {
    auto it = run.stepEventIndex.find(e.since);
    if (it == run.stepEventIndex.end()) return CheckFailure{"events since step '" + e.since + "': that step has not run yet", {}};
    from = it->second;
  }
  // An app's events come from its controller ("app/<name>") and its syncs ("sync/<name>").
  const std::string actor = !e.actor.empty() ? e.actor : e.app.empty() ? "" : "app/" + e.app;
  Json where = Json::object();
  for (const auto& [key, value] : e.where.items()) where[key] = run.expand(value);
  int n = 0;
  for (std::size_t i = from; i < events.size(); ++i) {
    bool matches = true;
    for (const auto& [key, value] : where.items()) {
      const auto found = events[i].details.find(key);
      matches = matches && found != events[i].details.end() && *found == value;
    }
    if (!matches) continue;
    if (!e.actor.empty() && !globMatch(e.actor, events[i].actor)) continue;
    if (!e.app.empty() && events[i].actor != "app/" + e.app && events[i].actor != "sync/" + e.app) continue;
    if (globMatch(e.type, events[i].type)) ++n;
  }
  const std::string what = "events " + e.type + (actor.empty() ? "" : " by " + actor) + (where.empty() ? "" : " with " + where.dump()) +
                           (e.since.empty() ? "" : " since step '" + e.since + "'");
  if (e.count && n != *e.count) return CheckFailure{what + ": seen " + std::to_string(n) + ", expected exactly " + std::to_string(*e.count), {}};
  if (e.min && n < *e.min) return CheckFailure{what + ": seen " + std::to_string(n) + ", expected at least " + std::to_string(*e.min), {}};
  if (e.max && n > *e.max) return CheckFailure{what + ": seen " + std::to_string(n) + ", expected at most " + std::to_string(*e.max), {}};
  return std::nullopt;
}

std::optional<CheckFailure> checkPipeline(const PipelineExpect& e, RunContext& run) {
  const ci::Pipeline& p = run.world.pipeline(e.pipeline);
  const auto& runs = p.runs();
  auto count = [&](ci::RunStatus s) { return static_cast<int>(std::count_if(runs.begin(), runs.end(), [&](const ci::RunRecord& r) { return r.status == s; })); };
  const std::string what = "pipeline " + e.pipeline;
  if (e.lastStatus) {
    const ci::RunRecord* last = p.last();
    const std::string got = last ? ci::toString(last->status) : "(no run)";
    if (got != *e.lastStatus) {
      return CheckFailure{what + ": last run is " + got + ", expected " + *e.lastStatus + (last && !last->error.empty() ? " (" + last->failedStep + ": " + last->error + ")" : ""), {}};
    }
  }
  if (e.runs && static_cast<int>(runs.size()) != *e.runs) return CheckFailure{what + ": " + std::to_string(runs.size()) + " runs, expected " + std::to_string(*e.runs), {}};
  if (e.succeeded && count(ci::RunStatus::Succeeded) != *e.succeeded) {
    return CheckFailure{what + ": " + std::to_string(count(ci::RunStatus::Succeeded)) + " runs succeeded, expected " + std::to_string(*e.succeeded), {}};
  }
  if (e.failed && count(ci::RunStatus::Failed) != *e.failed) {
    return CheckFailure{what + ": " + std::to_string(count(ci::RunStatus::Failed)) + " runs failed, expected " + std::to_string(*e.failed), {}};
  }
  return std::nullopt;
}


}  // namespace

std::optional<CheckFailure> checkConverged(RunContext& run) {
  // A CI run still queued or running has a change on its way (a new image, a write-back).
  for (const auto& [name, pipeline] : run.world.pipelines()) {
    for (const auto& r : pipeline->runs()) {
      if (r.status == ci::RunStatus::Queued || r.status == ci::RunStatus::Running) {
        return CheckFailure{"not converged: pipeline " + name + " has run " + std::to_string(r.id) + " " + ci::toString(r.status) + " (commit " +
                                r.commit.substr(0, 7) + ")",
                            {}};
      }
    }
  }
  // The apps' live objects, listed once per tracking method for all apps.
  std::map<sync::TrackingMethod, std::map<std::string, std::vector<Json>>> tracked;
  const std::vector<Json> none;
  for (const auto& spec : run.world.scenario().world.applications) {
    sync::AppController* app = run.world.app(spec.name);
    if (app == nullptr) return CheckFailure{"not converged: the application controller is down (restarting)", {}};
    const auto& s = app->status();
    if (s.operation && s.operation->phase == sync::OperationPhase::Running) {
      return CheckFailure{"not converged: app " + spec.name + " is still syncing [" + appSummary(*app) + "]", {}};
    }
    if (s.sync != sync::SyncStatus::Synced || s.health.status != sync::HealthStatus::Healthy) {
      return CheckFailure{"not converged: app " + spec.name + " is " + sync::toString(s.sync) + " and " + sync::toString(s.health.status) + " [" +
                              appSummary(*app) + "]",
                          sync::outOfSyncDiff(app->comparison())};
    }
    // Independently of the controller: render what Git says now, compare with live.
    std::string sha;
    try {
      sha = run.world.workspace().server(spec.repo).resolve(spec.targetRevision);
    } catch (const Error& e) {
      return CheckFailure{"not converged: app " + spec.name + " cannot resolve " + spec.targetRevision + ": " + e.message(), {}};
    }
    const sync::TrackingMethod method = app->app().syncOptions.tracking;
    if (!tracked.count(method)) tracked[method] = sync::trackedObjectsByApp(run.world.cluster(), method);
    auto own = tracked[method].find(spec.name);
    if (auto f = checkLiveMatchesRevision(run, spec.name, sha, true, own == tracked[method].end() ? &none : &own->second)) {
      f->message = "not converged: " + f->message;
      return f;
    }
  }
  return std::nullopt;
}

std::optional<CheckFailure> checkLiveMatchesRevision(RunContext& run, const std::string& appName, const std::string& sha, bool countExtra,
                                                     const std::vector<Json>* live) {
  sync::AppController* app = run.world.app(appName);
  if (app == nullptr) return CheckFailure{"the application controller is down (restarting)", {}};
  const auto& current = app->app();
  std::shared_ptr<const std::vector<Json>> desired;  // the cached render itself, not a copy
  try {
    desired = sync::withoutRepeatedObjects(run.world.renders().render(run.world.workspace().server(current.repo), sha, current.path, current.render),
                                           current.destinationNamespace);
  } catch (const Error& e) {
    return CheckFailure{"app " + appName + " cannot be rendered at " + sha.substr(0, 7) + ": " + e.message(), {}};
  }
  sync::CompareOptions options;
  options.destinationNamespace = current.destinationNamespace;
  options.diff.ignore = current.ignoreDifferences;
  const sync::Comparison comparison =
      live != nullptr ? sync::compareApp(*desired, *live, options)
                      : sync::compareApp(*desired, sync::trackedObjects(run.world.cluster(), appName, current.syncOptions.tracking), options);
  int outOfSync = 0;
  for (const auto& r : comparison.resources) outOfSync += r.status == sync::SyncStatus::OutOfSync && (countExtra || !r.requiresPruning) ? 1 : 0;
  if (outOfSync > 0) {
    return CheckFailure{"live objects of app " + appName + " differ from Git at " + sha.substr(0, 7) + " (" + std::to_string(outOfSync) + " out of sync)",
                        sync::outOfSyncDiff(comparison)};
  }
  return std::nullopt;
}

std::optional<CheckFailure> check(const Expectation& e, RunContext& run) {
  try {
    if (e.app) {
      if (auto f = checkApp(*e.app, run)) return f;
    }
    if (e.live) {
      if (auto f = checkLive(*e.live, run)) return f;
    }
    if (e.image) {
      if (auto f = checkImage(*e.image, run)) return f;
    }
    if (e.git) {
      if (auto f = checkGit(*e.git, run)) return f;
    }
    if (e.events) {
      if (auto f = checkEvents(*e.events, run)) return f;
    }
    if (e.pipeline) {
      if (auto f = checkPipeline(*e.pipeline, run)) return f;
    }
    if (e.converged) {
      if (auto f = checkConverged(run)) return f;
    }
  } catch (const Error& err) {
    if (err.errorClass() != ErrorClass::ExpectationFailed) throw;
    return CheckFailure{err.message(), {}};
  }
  return std::nullopt;
}

}  // namespace gs::scenario
