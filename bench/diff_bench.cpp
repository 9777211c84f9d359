// Benchmarks of the diff core on the deterministic corpus (bench/corpus.hpp), with
// nlohmann::json::diff on the same pairs as the C++ baseline, in the same process.
// Parsing is excluded everywhere: every benchmark starts from nlohmann::json values.
//
//   Compare/*   the per-refresh hot path: both sides already prepared (normalized,
//               defaulted, built into DiffTrees, as the sync engine keeps them per
//               object version); verdict only for in-sync pairs, full change list else
//   Prepare/*   the once-per-version cost: normalize + defaults + tree, desired and live
//   OneShot/*   prepare both sides and compare: JSON in, verdict/changes out
//   Nlohmann/*  nlohmann::json::diff(live, desired): an RFC 6902 patch, no semantics
//   App10k/*    a 10,000-object app in sync, prepared, one refresh's compare
//
//   diff_bench --export-corpus=FILE   writes the pairs for the JavaScript peers instead
//
// After the runs it prints ratio lines (ours vs. nlohmann on the same pair).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "corpus.hpp"
#include "sim/diff/diff.hpp"

using namespace gs;
using namespace gs::bench;

namespace {

std::vector<ObjectPair> corpus() {
  std::vector<ObjectPair> pairs;
  for (auto v : {Variant::InSync, Variant::OneChange, Variant::ManyChanges}) {
    pairs.push_back(makeDeployment(7, v));
    pairs.push_back(makeService(11, v));
    pairs.push_back(makeCustomResource(13, v));
    for (std::size_t kb : {1, 50, 200}) pairs.push_back(makeConfigMap(17 + kb, kb * 1000, v));
  }
  return pairs;
}

void registerPair(const ObjectPair& pair) {
  std::size_t liveBytes = pair.live.dump().size();
  benchmark::RegisterBenchmark(("Compare/" + pair.label).c_str(), [pair, liveBytes](benchmark::State& state) {
    auto d = diff::prepareDesired(pair.desired);
    auto l = diff::prepareLive(pair.live);
    bool inSyncPair = diff::inSync(d, l);
    std::size_t changes = 0;
    for (auto _ : state) {
      if (inSyncPair) {
        benchmark::DoNotOptimize(diff::inSync(d, l));
      } else {
        auto c = diff::compareTrees(d.tree(), l.tree(), l.lastAppliedTree());
        changes = c.size();
        benchmark::DoNotOptimize(c);
      }
    }
    state.counters["live_bytes"] = static_cast<double>(liveBytes);
    state.counters["changes"] = static_cast<double>(changes);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * liveBytes));
  });
  benchmark::RegisterBenchmark(("Prepare/" + pair.label).c_str(), [pair](benchmark::State& state) {
    for (auto _ : state) {
      auto d = diff::prepareDesired(pair.desired);
      auto l = diff::prepareLive(pair.live);
      benchmark::DoNotOptimize(d);
      benchmark::DoNotOptimize(l);
    }
  });
  benchmark::RegisterBenchmark(("OneShot/" + pair.label).c_str(), [pair](benchmark::State& state) {
    for (auto _ : state) {
      auto r = diff::diffObjects(pair.desired, pair.live);
      benchmark::DoNotOptimize(r);
    }
  });
  benchmark::RegisterBenchmark(("Nlohmann/" + pair.label).c_str(), [pair](benchmark::State& state) {
    for (auto _ : state) {
      auto patch = Json::diff(pair.live, pair.desired);
      benchmark::DoNotOptimize(patch);
    }
  });
}

void BM_JsonPatchFromChanges(benchmark::State& state) {
  auto pair = makeDeployment(7, Variant::ManyChanges);
  auto r = diff::diffObjects(pair.desired, pair.live);
  for (auto _ : state) benchmark::DoNotOptimize(diff::toJsonPatch(r.changes));
  state.counters["ops"] = static_cast<double>(r.changes.size());
}
BENCHMARK(BM_JsonPatchFromChanges);

void BM_App10kInSync(benchmark::State& state) {
  auto app = makeApp(42, static_cast<std::size_t>(state.range(0)));
  std::vector<std::pair<diff::PreparedObject, diff::PreparedObject>> prepared;
  prepared.reserve(app.size());
  for (const auto& p : app) prepared.emplace_back(diff::prepareDesired(p.desired), diff::prepareLive(p.live));
  std::vector<std::pair<const diff::PreparedObject*, const diff::PreparedObject*>> refs;
  for (const auto& [d, l] : prepared) refs.emplace_back(&d, &l);
  auto verdicts = std::make_unique<bool[]>(refs.size());
  for (auto _ : state) {
    diff::inSyncBatch(refs, std::span<bool>(verdicts.get(), refs.size()));
    std::size_t synced = 0;
    for (std::size_t i = 0; i < refs.size(); ++i) synced += verdicts[i] ? 1 : 0;
    if (synced != prepared.size()) state.SkipWithError("corpus app is not in sync");
    benchmark::DoNotOptimize(synced);
  }
  state.counters["objects"] = static_cast<double>(prepared.size());
}
BENCHMARK(BM_App10kInSync)->Name("App10k/Compare/in-sync")->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_App10kNlohmann(benchmark::State& state) {
  auto app = makeApp(42, static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::size_t empty = 0;
    for (const auto& p : app) empty += Json::diff(p.live, p.desired).empty() ? 1 : 0;
    benchmark::DoNotOptimize(empty);
  }
}
BENCHMARK(BM_App10kNlohmann)->Name("App10k/Nlohmann/in-sync")->Arg(10000)->Unit(benchmark::kMillisecond);

// The machine's floor for any comparison that reads its input: streaming through 256 MiB
// (far beyond the caches) and summing it. bench/compare.sh divides an object's bytes by
// this rate to estimate the least time any diff reading the whole object could take.
void BM_MemoryRead(benchmark::State& state) {
  const std::size_t words = (std::size_t{256} << 20) / sizeof(std::uint64_t);
  std::vector<std::uint64_t> buffer(words);
  for (std::size_t i = 0; i < words; ++i) buffer[i] = i * 0x9E3779B97F4A7C15ULL;
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < words; ++i) sum += buffer[i];
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * words * sizeof(std::uint64_t)));
}
BENCHMARK(BM_MemoryRead)->Name("Floor/MemoryRead")->Unit(benchmark::kMillisecond);

// Prints the console output as usual, then ratio lines computed from the same run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (!run.error_occurred && run.run_type == Run::RT_Iteration) {
        times_[run.benchmark_name()] = run.GetAdjustedRealTime() * multiplierToNs(run.time_unit);
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nRatios (nlohmann::json::diff time / ours, same pair, same run):\n");
    for (const auto& [name, ns] : times_) {
      if (name.rfind("Nlohmann/", 0) != 0) continue;
      std::string label = name.substr(9);
      auto compare = times_.find("Compare/" + label);
      auto oneShot = times_.find("OneShot/" + label);
      if (compare == times_.end() || oneShot == times_.end()) continue;
      std::printf("  %-34s compare %9.1f ns  %7.1fx   one-shot %9.1f ns  %6.2fx   nlohmann %9.1f ns\n", label.c_str(),
                  compare->second, ns / compare->second, oneShot->second, ns / oneShot->second, ns);
    }
  }

 private:
  static double multiplierToNs(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kNanosecond: return 1;
      case benchmark::kMicrosecond: return 1e3;
      case benchmark::kMillisecond: return 1e6;
      case benchmark::kSecond: return 1e9;
    }
    return 1;
  }
  std::map<std::string, double> times_;
};

}  // namespace

// `--export-corpus=FILE` writes the pairs as JSON ({"pairs": [{label, desired, live}]})
// for the JavaScript peers (bench/peers/diff_peers.mjs) and exits.
int exportCorpus(const std::string& path) {
  Json out{{"pairs", Json::array()}};
  for (const auto& pair : corpus()) out["pairs"].push_back(Json{{"label", pair.label}, {"desired", pair.desired}, {"live", pair.live}});
  std::ofstream file(path, std::ios::binary);
  file << out.dump() << '\n';
  if (!file) {
    std::fprintf(stderr, "diff_bench: cannot write %s\n", path.c_str());
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  const std::string exportFlag = "--export-corpus=";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind(exportFlag, 0) == 0) return exportCorpus(argv[i] + exportFlag.size());
  }
  for (const auto& pair : corpus()) registerPair(pair);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
