// The scenario engine's speed: raw event-loop throughput (events per second), and a
// whole scenario of 10 apps and 50 commits (every commit synced and rolled out), with
// simulated events per wall second and virtual seconds per wall second as counters.
// Flags: --apps=N --commits=N (defaults 10 and 50).
#include <benchmark/benchmark.h>

#include "bench/bench_main.hpp"
#include "sim/core/event_loop.hpp"
#include "sim/core/rng.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/runner.hpp"

namespace {

int gApps = 10;
int gCommits = 50;

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

void BM_Scenario(benchmark::State& state) {
  const gs::scenario::Scenario scenario = gs::scenario::parseScenario(worldScenario(gApps, gCommits), "bench.yaml");
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
  state.SetLabel(std::to_string(gApps) + " apps, " + std::to_string(gCommits) + " commits");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::ConsoleReporter reporter;
  return gs::bench::runSuite(
      argc, argv, {{"--apps=", &gApps, 1}, {"--commits=", &gCommits, 1}},
      [] {
        benchmark::RegisterBenchmark("EventLoop", BM_EventLoop)->Arg(100'000)->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark("Scenario/10apps_50commits", BM_Scenario)->Unit(benchmark::kMillisecond);
      },
      reporter);
}
