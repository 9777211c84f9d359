// The world fuzzer's speed: whole fuzz cases per second on one core (3 apps, a CI
// pipeline, random policies and faults; commands, healing phase and every invariant),
// at two command budgets. A case per iteration, each from its own seed, so the work is
// the same in every run. Flags: --cases=N (distinct cases cycled through; default 50).
// As in a campaign, the cases share one render cache; it starts empty at each pass over
// the cases, so no case finds its own earlier renders.
#include <benchmark/benchmark.h>

#include "bench/bench_main.hpp"
#include "sim/fuzz/campaign.hpp"

namespace {

int gCases = 50;

void BM_FuzzCase(benchmark::State& state) {
  const int size = static_cast<int>(state.range(0));
  std::vector<gs::fuzz::FuzzCase> cases;
  std::vector<std::uint64_t> seeds;
  for (int i = 0; i < gCases; ++i) {
    seeds.push_back(gs::fuzz::caseSeed(1, static_cast<std::uint64_t>(i)));
    cases.push_back(gs::fuzz::generateCase(seeds.back(), size).value());
  }
  std::size_t next = 0;
  std::int64_t steps = 0;
  gs::render::RenderCache renders;
  for (auto _ : state) {
    if (next == 0) renders.clear();
    const gs::fuzz::CaseOutcome outcome = gs::fuzz::runCase(cases[next], seeds[next], {}, &renders);
    if (outcome.failed) state.SkipWithError(("case seed " + std::to_string(outcome.seed) + " failed: " + outcome.message).c_str());
    steps += outcome.steps;
    next = (next + 1) % cases.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["steps_per_case"] = benchmark::Counter(static_cast<double>(steps) / static_cast<double>(std::max<std::int64_t>(1, state.iterations())));
  state.SetLabel("cases/s = items_per_second");
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::ConsoleReporter reporter;
  return gs::bench::runSuite(
      argc, argv, {{"--cases=", &gCases, 1}},
      [] { benchmark::RegisterBenchmark("FuzzCase/size", BM_FuzzCase)->Arg(30)->Arg(60)->Unit(benchmark::kMillisecond); },
      reporter);
}
