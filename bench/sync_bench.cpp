// The sync engine (issue 6): one refresh of an application when nothing changed (render
// cache hit, live unchanged): resolve the revision, render, list the tracked live
// objects, compare. Apps of 100, 1,000 and 10,000 resources (ConfigMaps, Services and
// Secrets, half and half with the kinds a controller would not touch), already synced.
// Then one refresh cycle over 1,000 apps of 20 resources each.
//
//   sync_bench [--max-resources=N] [google benchmark flags]
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "bench_main.hpp"
#include "fakecluster/cluster.hpp"
#include "sim/core/yaml.hpp"
#include "sim/sync/app_controller.hpp"

using namespace gs;
using namespace gs::sync;

namespace {

int gMaxResources = 10000;

Json resource(int app, int i) {
  const std::string name = "app" + std::to_string(app) + "-r" + std::to_string(i);
  switch (i % 3) {
    case 0: return Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"labels", {{"app", name}}}}}, {"data", {{"key", "value-" + name}, {"mode", "production"}}}};
    case 1:
      return Json{{"apiVersion", "v1"},
                  {"kind", "Service"},
                  {"metadata", {{"name", name}}},
                  {"spec", {{"selector", {{"app", name}}}, {"ports", Json::array({Json{{"port", 80}, {"targetPort", 8080}}})}}}};
    default: return Json{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", name}}}, {"stringData", {{"token", "t-" + name}}}};
  }
}

// A world with `apps` applications of `size` resources each, all synced.
struct World {
  VirtualClock clock;
  EventLoop loop{clock};
  fake::FakeCluster cluster;
  git::Workspace workspace{clock};
  render::RenderCache renders;
  Rng rng{1};
  std::unique_ptr<LiveCache> live;
  std::vector<std::unique_ptr<AppController>> controllers;

  static fake::ClusterOptions clusterOptions() {
    fake::ClusterOptions o;
    o.recordEvents = false;
    return o;
  }

  World(int apps, int size) : cluster(loop, clusterOptions()) {
    live = std::make_unique<LiveCache>(cluster, TrackingMethod::Annotation);
    std::map<std::string, std::string> files;
    for (int a = 0; a < apps; ++a) {
      std::string text;
      for (int i = 0; i < size; ++i) text += toYaml(resource(a, i)) + "---\n";
      files["apps/app" + std::to_string(a) + "/resources.yaml"] = text;
    }
    workspace.createRepo("deploy", files);
    ControllerOptions options;
    options.refreshInterval = std::chrono::hours(24);
    for (int a = 0; a < apps; ++a) {
      Application app;
      app.name = "app" + std::to_string(a);
      app.repo = "deploy";
      app.path = "apps/app" + std::to_string(a);
      app.targetRevision = "main";
      controllers.push_back(std::make_unique<AppController>(AppController::Context{loop, cluster, workspace, renders, rng, nullptr, live.get()}, app, options));
      controllers.back()->start();
      controllers.back()->sync();
    }
    loop.runUntil(clock.now() + std::chrono::minutes(5));
    for (auto& c : controllers) {
      c->refresh();
      if (c->status().sync != SyncStatus::Synced) throw std::runtime_error(c->app().name + " is not synced");
    }
  }
};

void BM_RefreshUnchanged(benchmark::State& state) {
  World w(1, static_cast<int>(state.range(0)));
  AppController& c = *w.controllers.front();
  for (auto _ : state) {
    c.refresh("bench");
    if (c.status().sync != SyncStatus::Synced) state.SkipWithError("drifted");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The same, after one live object changed in a way the comparison ignores (an annotation
// nobody declared): the changed object is prepared and compared again, the rest are not.
void BM_RefreshOneLiveChange(benchmark::State& state) {
  World w(1, static_cast<int>(state.range(0)));
  AppController& c = *w.controllers.front();
  int i = 0;
  for (auto _ : state) {
    w.cluster.patch("", "ConfigMap", "default", "app0-r0", Json{{"metadata", {{"annotations", {{"bench", std::to_string(++i)}}}}}}, fake::PatchType::Merge);
    c.refresh("bench");
    if (c.status().sync != SyncStatus::Synced) state.SkipWithError("drifted");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_RefreshAllApps(benchmark::State& state) {
  World w(static_cast<int>(state.range(0)), 20);
  for (auto _ : state) {
    for (auto& c : w.controllers) c->refresh("bench");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void registerAll() {
  for (int n : {100, 1000, 10000}) {
    if (n <= gMaxResources) benchmark::RegisterBenchmark("Refresh/Unchanged", BM_RefreshUnchanged)->Arg(n)->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  for (int n : {1000, 10000}) {
    if (n <= gMaxResources) benchmark::RegisterBenchmark("Refresh/OneLiveChange", BM_RefreshOneLiveChange)->Arg(n)->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  const int apps = gMaxResources >= 10000 ? 1000 : 50;
  benchmark::RegisterBenchmark("Refresh/AllApps/x20", BM_RefreshAllApps)->Arg(apps)->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::ConsoleReporter reporter;
  return gs::bench::runSuite(argc, argv, {{"--max-resources=", &gMaxResources, 1}}, registerAll, reporter);
}
