#include "sim/scenario/metrics.hpp"

#include <algorithm>
#include <memory>

#include "sim/git/ancestry.hpp"

namespace gs::scenario {

namespace {

DurationStats stats(std::vector<Duration> values) {
  DurationStats s;
  s.count = static_cast<int>(values.size());
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  Duration total{0};
  for (auto v : values) total += v;
  s.mean = total / static_cast<long>(values.size());
  s.median = values[values.size() / 2];
  s.max = values.back();
  return s;
}

bool isAutomationActor(const std::string& by) { return by.rfind("ci/", 0) == 0 || by.rfind("sync/", 0) == 0 || by.rfind("gitops-sim", 0) == 0; }

struct StatusPoint {
  VirtualTime at;
  std::string revision, sync, health, reason;
};

}  // namespace

Json DurationStats::toJson() const {
  Json j{{"count", count}};
  if (mean) {
    j["mean"] = formatDuration(*mean);
    j["median"] = formatDuration(*median);
    j["max"] = formatDuration(*max);
    j["meanSeconds"] = static_cast<double>(mean->count()) / 1000.0;
  }
  return j;
}

Json Metrics::toJson() const {
  return Json{{"leadTime", leadTime.toJson()},
              {"deployments", deployments},
              {"deploymentsPerDay", deploymentsPerDay},
              {"failedDeployments", failedDeployments},
              {"changeFailureRate", changeFailureRate},
              {"timeToRestore", timeToRestore.toJson()},
              {"timeToDetectDrift", timeToDetectDrift.toJson()},
              {"syncs", syncs},
              {"virtualTime", formatDuration(virtualTime)}};
}

Metrics computeMetrics(World& world) {
  Metrics m;
  m.virtualTime = world.clock().now().sinceStart;
  const auto& events = world.log().events();
  const auto& apps = world.scenario().world.applications;

  // Each app's status over time.
  std::map<std::string, std::vector<StatusPoint>> timeline;
  for (const auto& e : events) {
    if (e.type == "app.status" && e.actor.rfind("app/", 0) == 0) {
      timeline[e.actor.substr(4)].push_back(
          StatusPoint{e.at, e.details.value("revision", ""), e.details.value("sync", ""), e.details.value("health", ""), e.details.value("reason", "")});
    }
    if (e.type == "sync.started") ++m.syncs;
  }
  auto repoOf = [&](const std::string& app) -> std::string {
    for (const auto& a : apps) {
      if (a.name == app) return a.repo;
    }
    return {};
  };
  // Ancestry questions, per repo, answered from one walk of its history.
  std::map<std::string, std::unique_ptr<git::AncestryIndex>> ancestry;
  auto ancestryOf = [&](const std::string& repo) -> git::AncestryIndex& {
    auto& index = ancestry[repo];
    if (!index) index = std::make_unique<git::AncestryIndex>(world.workspace().server(repo));
    return *index;
  };
  // When `commit` of `repo` first runs Healthy and Synced, at or after `from`.
  auto deployedAt = [&](const std::string& repo, const std::string& commit, VirtualTime from) -> std::optional<VirtualTime> {
    std::optional<VirtualTime> best;
    git::AncestryIndex& r = ancestryOf(repo);
    for (const auto& [app, points] : timeline) {
      if (repoOf(app) != repo) continue;
      for (const auto& p : points) {
        if (p.at < from || p.sync != "Synced" || p.health != "Healthy") continue;
        if (p.revision == commit || r.isAncestor(commit, p.revision)) {
          if (!best || p.at < *best) best = p.at;
          break;
        }
      }
    }
    return best;
  };

  // Lead time: every commit a person pushed, to a CI source repo (through the pipeline's
  // write-back) or straight to a deployment repo.
  std::vector<Duration> leads;
  for (const auto& e : events) {
    if (e.type != "git.push" || isAutomationActor(e.details.value("by", ""))) continue;
    const std::string repo = e.actor.substr(4);
    const std::string commit = e.details.value("after", "");
    if (commit.empty()) continue;
    std::optional<VirtualTime> done;
    bool tracked = false;
    for (const auto& [name, pipeline] : world.pipelines()) {
      if (pipeline->spec().repo != repo || pipeline->spec().branch != e.details.value("branch", "")) continue;
      tracked = true;
      git::AncestryIndex& source = ancestryOf(repo);
      for (const auto& run : pipeline->runs()) {
        if (run.status != ci::RunStatus::Succeeded || run.writeBackCommit.empty() || run.finishedAt < e.at) continue;
        if (run.commit != commit && !source.isAncestor(commit, run.commit)) continue;
        done = deployedAt(pipeline->spec().writeBack->repo, run.writeBackCommit, e.at);
        break;
      }
    }
    if (!tracked) {
      const bool deployRepo = std::any_of(apps.begin(), apps.end(), [&](const sync::Application& a) { return a.repo == repo; });
      if (!deployRepo) continue;
      done = deployedAt(repo, commit, e.at);
    }
    if (done) leads.push_back(*done - e.at);
  }
  m.leadTime = stats(std::move(leads));

  // Deployments: per app, each revision it tried to move to. A revision counts once, as
  // failed when a sync to it failed (retries included) or when the app went Degraded on
  // it or rolled it back before the next deployment.
  std::map<std::string, std::string> running;
  std::map<std::pair<std::string, std::string>, std::pair<bool, bool>> outcome;  // (app, revision) -> (deployed, failed)
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.type != "sync.finished") continue;
    const std::string app = e.actor.substr(e.actor.find('/') + 1);
    const std::string revision = e.details.value("revision", "");
    if (running[app] == revision) continue;
    auto& [deployed, failed] = outcome[{app, revision}];
    if (e.details.value("phase", "") != "Succeeded") {
      failed = true;
      continue;
    }
    deployed = true;
    running[app] = revision;
    for (std::size_t j = i + 1; j < events.size() && !failed; ++j) {
      const auto& n = events[j];
      if (n.type == "sync.finished" && n.actor == e.actor && n.details.value("revision", "") != revision) break;
      const bool degraded = n.type == "app.status" && n.actor == "app/" + app && n.details.value("health", "") == "Degraded" &&
                            n.details.value("revision", "") == revision;
      failed = degraded || (n.type == "rollback" && n.actor == "app/" + app);
    }
  }
  for (const auto& [key, result] : outcome) {
    m.deployments += result.first ? 1 : 0;
    m.failedDeployments += result.second ? 1 : 0;
  }
  m.changeFailureRate = outcome.empty() ? 0.0 : static_cast<double>(m.failedDeployments) / static_cast<double>(outcome.size());
  const double days = static_cast<double>(m.virtualTime.count()) / 86'400'000.0;
  m.deploymentsPerDay = days > 0 ? m.deployments / days : 0.0;

  // Time to restore: Degraded -> Healthy and Synced, per app.
  std::vector<Duration> restores;
  for (const auto& [app, points] : timeline) {
    std::optional<VirtualTime> since;
    for (const auto& p : points) {
      if (!since && p.health == "Degraded") since = p.at;
      if (since && p.health == "Healthy" && p.sync == "Synced") {
        restores.push_back(p.at - *since);
        since.reset();
      }
    }
  }
  // Drift: detection (the app reports OutOfSync) and restoration (Synced and Healthy).
  std::vector<Duration> detections;
  for (const auto& e : events) {
    if (e.type.rfind("drift.", 0) != 0) continue;
    for (const auto& [app, points] : timeline) {
      // A webhook refresh goes OutOfSync because Git moved, not because of the drift.
      auto out = std::find_if(points.begin(), points.end(),
                              [&](const StatusPoint& p) { return p.at >= e.at && p.sync == "OutOfSync" && p.reason != "webhook"; });
      if (out == points.end()) continue;
      detections.push_back(out->at - e.at);
      auto back = std::find_if(out, points.end(), [](const StatusPoint& p) { return p.sync == "Synced" && p.health == "Healthy"; });
      if (back != points.end()) restores.push_back(back->at - e.at);
      break;
    }
  }
  m.timeToRestore = stats(std::move(restores));
  m.timeToDetectDrift = stats(std::move(detections));
  return m;
}

}  // namespace gs::scenario
