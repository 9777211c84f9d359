// The simulated world of one scenario run, wired as design.md §1 draws it: a virtual
// clock and event loop, the fake cluster, a Git workspace (kept on disk when asked), the
// registry (the kubelet's image resolver), CI pipelines, the shared live cache and one
// application controller per app. Everything that happens is written to one event log;
// Git pushes are logged here ("git.push"), the other actors log their own events.
// Single-threaded and deterministic: the seed and the scenario decide everything.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "fakecluster/cluster.hpp"
#include "sim/ci/pipeline.hpp"
#include "sim/core/event_log.hpp"
#include "sim/core/event_loop.hpp"
#include "sim/core/rng.hpp"
#include "sim/git/workspace.hpp"
#include "sim/registry/registry.hpp"
#include "sim/render/renderer.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/sync/app_controller.hpp"
#include "sim/sync/live_cache.hpp"

namespace gs::scenario {

class World {
 public:
  // `workspaceDir` empty: a temporary workspace removed afterwards (with Storage::Memory,
  // in memory only: the same SHAs and event log, no file written). `renders`: a render
  // cache to use instead of the world's own (renders are keyed by content, so worlds
  // run one after another can share one: the fuzzer's worlds start from the same files).
  // `epochSeconds`: the instant virtual time 0 stands for (timestamps and commit dates,
  // so commit SHAs too, depend on it; every run uses the default).
  World(const Scenario& scenario, std::uint64_t seed, const std::filesystem::path& workspaceDir = {},
        render::RenderCache* renders = nullptr, git::Storage storage = git::Storage::Disk,
        std::int64_t epochSeconds = VirtualClock::kDefaultEpochSeconds);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Creates the repos, images, namespaces and objects, then starts pipelines and
  // controllers (each app's first refresh happens now).
  void start();

  // Stops every application controller and starts new ones from their records after
  // `downtime` (Argo CD's application controller pod restarting).
  void restartControllers(Duration downtime);

  // Runs the events due now (zero-delay consequences of a step).
  void settle() { loop_.runUntil(clock_.now()); }

  // Writes an event by the scenario runner itself (steps, faults, expectations).
  void record(const std::string& actor, const std::string& type, Json details);

  VirtualClock& clock() { return clock_; }
  EventLoop& loop() { return loop_; }
  EventLog& log() { return log_; }
  fake::FakeCluster& cluster() { return *cluster_; }
  git::Workspace& workspace() { return *workspace_; }
  registry::Registry& registry() { return registry_; }
  render::RenderCache& renders() { return *renders_; }
  const Scenario& scenario() const { return scenario_; }
  std::uint64_t seed() const { return seed_; }

  ci::Pipeline& pipeline(const std::string& name) { return *pipelines_.at(name); }
  const std::map<std::string, std::unique_ptr<ci::Pipeline>>& pipelines() const { return pipelines_; }
  // nullptr while the controllers are down (restart).
  sync::AppController* app(const std::string& name);
  const RepoSpec& repoSpec(const std::string& name) const;

  // A person's identity for commits at the current virtual instant.
  git::Signature person(const std::string& name) const;

 private:
  void startControllers(std::map<std::string, sync::AppRecord> records);

  const Scenario& scenario_;
  std::uint64_t seed_;
  Rng rng_;
  VirtualClock clock_;
  EventLoop loop_{clock_};
  EventLog log_;
  std::unique_ptr<fake::FakeCluster> cluster_;
  std::unique_ptr<git::Workspace> workspace_;
  registry::Registry registry_{clock_};
  render::RenderCache ownRenders_;
  render::RenderCache* renders_;
  std::unique_ptr<sync::LiveCache> live_;
  Rng controllerRng_;
  std::map<std::string, std::unique_ptr<ci::Pipeline>> pipelines_;
  std::map<std::string, std::unique_ptr<sync::AppController>> apps_;
  bool controllersUp_ = false;
  int pushObserver_ = 0;
  fake::ObjectStore::ObserverId storeObserver_ = 0;
};

}  // namespace gs::scenario
