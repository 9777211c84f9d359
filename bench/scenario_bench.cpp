// The scenario engine's speed: raw event-loop throughput (events per second), and a
// whole scenario of 10 apps and 50 commits (every commit synced and rolled out), with
// simulated events per wall second and virtual seconds per wall second as counters.
// Then the simulated day of issue 10: 100 apps, 5,000 commits, each built by CI.
// Flags: --apps=N --commits=N (defaults 10 and 50), --day-apps=N --day-commits=N
// (defaults 100 and 5,000).
#include <benchmark/benchmark.h>

#include "bench/bench_main.hpp"
#include "sim/core/event_loop.hpp"
#include "sim/core/rng.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/runner.hpp"

namespace {

int gApps = 10;
int gCommits = 50;
int gDayApps = 100;
int gDayCommits = 5000;

void BM_EventLoop(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    gs::VirtualClock clock;
    gs::EventLoop loop(clock);
    gs::Rng rng(7);
    std::size_t ran = 0;
    for (std::size_t i = 0; i < n; ++i) {
      loop.after(gs::Duration(static_cast<std::int64_t>(rng.below(60'000))), static_cast<int>(i % 3), "e", [&ran] { ++ran; });
    }
    loop.runAll(n + 1);
    if (ran != n) state.SkipWithError("not every event ran");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

std::string deployment(int app, int version) {
  return "          apiVersion: apps/v1\n          kind: Deployment\n          metadata: {name: app" + std::to_string(app) +
         "}\n          spec:\n            replicas: 2\n            selector: {matchLabels: {app: a" + std::to_string(app) +
         "}}\n            template:\n              metadata: {labels: {app: a" + std::to_string(app) +
         "}}\n              spec:\n                containers:\n                  - {name: c, image: \"nginx:1." + std::to_string(version) + "\"}\n";
}

// A world of `apps` apps in one repo and `commits` commits, each bumping one app's image.
std::string worldScenario(int apps, int commits) {
  std::string s = "name: bench\nworld:\n  registry:\n    images: [";
  for (int v = 0; v <= commits; ++v) s += std::string(v ? ", " : "") + "\"nginx:1." + std::to_string(v) + "\"";
  s += "]\n  repos:\n    deploy:\n      files:\n";
  for (int a = 0; a < apps; ++a) s += "        app" + std::to_string(a) + "/deploy.yaml: |\n" + deployment(a, 0);
  s += "  applications:\n";
  for (int a = 0; a < apps; ++a) {
    s += "    app" + std::to_string(a) + ":\n      source: {repo: deploy, path: app" + std::to_string(a) +
         "}\n      syncPolicy: {automated: {prune: true, selfHeal: true}}\n";
  }
  s += "steps:\n  - wait: {until: converged, limit: 10m}\n";
  for (int c = 1; c <= commits; ++c) {
    const int a = c % apps;
    s += "  - commit:\n      repo: deploy\n      message: bump app" + std::to_string(a) + "\n      files:\n        app" + std::to_string(a) +
         "/deploy.yaml: |\n" + deployment(a, c) + "  - wait: 30s\n";
  }
  s += "  - wait: {until: converged, limit: 30m}\n";
  return s;
}

// The simulated day of issue 10: `apps` apps, each with its own source repo and CI
// pipeline (build 2 min, test 1 min, push, write the new tag back into the app's
// kustomization in the shared deployment repo), and `commits` source commits spread
// evenly over 24 virtual hours, round-robin over the apps. Every commit is built,
// pushed, written back, synced and rolled out (2 replicas); the run ends converged.
std::string dayScenario(int apps, int commits) {
  const std::string image = "registry.example.com/team/app";
  std::string s = "name: day\ntimeout: 26h\nworld:\n  registry:\n    images: [";
  for (int a = 0; a < apps; ++a) s += std::string(a ? ", " : "") + "\"" + image + std::to_string(a) + ":v0\"";
  s += "]\n  repos:\n";
  for (int a = 0; a < apps; ++a) s += "    app" + std::to_string(a) + "-src:\n      files:\n        main.go: \"package main // v0\\n\"\n";
  s += "    deploy:\n      files:\n";
  for (int a = 0; a < apps; ++a) {
    const std::string n = std::to_string(a);
    s += "        app" + n + "/kustomization.yaml: |\n          resources: [deploy.yaml]\n          images:\n            - {name: " + image + n +
         ", newTag: v0}\n";
    s += "        app" + n + "/deploy.yaml: |\n          apiVersion: apps/v1\n          kind: Deployment\n          metadata: {name: app" + n +
         "}\n          spec:\n            replicas: 2\n            selector: {matchLabels: {app: a" + n + "}}\n            template:\n" +
         "              metadata: {labels: {app: a" + n + "}}\n              spec:\n                containers:\n                  - {name: c, image: " +
         image + n + "}\n";
  }
  s += "  pipelines:\n";
  for (int a = 0; a < apps; ++a) {
    const std::string n = std::to_string(a);
    s += "    app" + n + ":\n      repo: app" + n + "-src\n      image: " + image + n +
         "\n      tag: \"{sha7}\"\n      durations: {build: 2m, test: 1m}\n      writeBack: {repo: deploy, file: app" + n +
         "/kustomization.yaml, kustomizeImage: " + image + n + "}\n";
  }
  s += "  applications:\n";
  for (int a = 0; a < apps; ++a) {
    s += "    app" + std::to_string(a) + ":\n      source: {repo: deploy, path: app" + std::to_string(a) +
         "}\n      syncPolicy: {automated: {prune: true, selfHeal: true}}\n";
  }
  const long gapMs = 24L * 3600 * 1000 / commits;
  s += "steps:\n  - wait: {until: converged, limit: 10m}\n";
  for (int c = 1; c <= commits; ++c) {
    const std::string n = std::to_string(c % apps);
    s += "  - commit: {repo: app" + n + "-src, message: change " + std::to_string(c) + ", files: {main.go: \"package main // v" + std::to_string(c) +
         "\\n\"}}\n  - wait: " + std::to_string(gapMs) + "ms\n";
  }
  s += "  - wait: {until: converged, limit: 30m}\n";
  return s;
}

void runWorld(benchmark::State& state, const gs::scenario::Scenario& scenario) {
  std::size_t events = 0;
  double virtualSeconds = 0;
  for (auto _ : state) {
    const auto result = gs::scenario::runScenario(scenario);
    if (result.verdict != gs::scenario::Verdict::Passed) {
      state.SkipWithError(result.message.c_str());
      return;
    }
    events += result.timeline.size();
    virtualSeconds += static_cast<double>(result.virtualTime.count()) / 1000.0;
  }
  state.counters["log_events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["virtual_s_per_wall_s"] = benchmark::Counter(virtualSeconds, benchmark::Counter::kIsRate);
}

void BM_Scenario(benchmark::State& state) {
  runWorld(state, gs::scenario::parseScenario(worldScenario(gApps, gCommits), "bench.yaml"));
  state.SetLabel(std::to_string(gApps) + " apps, " + std::to_string(gCommits) + " commits");
}

void BM_Day(benchmark::State& state) {
  runWorld(state, gs::scenario::parseScenario(dayScenario(gDayApps, gDayCommits), "day.yaml"));
  state.SetLabel(std::to_string(gDayApps) + " apps, " + std::to_string(gDayCommits) + " commits through CI");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::ConsoleReporter reporter;
  return gs::bench::runSuite(
      argc, argv, {{"--apps=", &gApps, 1}, {"--commits=", &gCommits, 1}, {"--day-apps=", &gDayApps, 1}, {"--day-commits=", &gDayCommits, 1}},
      [] {
        benchmark::RegisterBenchmark("EventLoop", BM_EventLoop)->Arg(100'000)->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark("Scenario/10apps_50commits", BM_Scenario)->Unit(benchmark::kMillisecond);
        // One run is the measurement (minutes at full size): no repetitions.
        benchmark::RegisterBenchmark("World/day", BM_Day)->Unit(benchmark::kSecond)->Iterations(1);
      },
      reporter);
}
