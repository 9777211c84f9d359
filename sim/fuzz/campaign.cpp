#include "sim/fuzz/campaign.hpp"

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "sim/core/yaml.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/scenario/runner.hpp"

namespace gs::fuzz {

namespace {

// RapidCheck keeps its generation context in process-wide stacks (detail/ImplicitParam),
// so generating and walking shrink trees (which re-run generators lazily) is serialized.
// Running cases, the expensive part, is not.
std::mutex& rapidcheckMutex() {
  static std::mutex m;
  return m;
}

std::string invariantOf(const std::string& message) {
  const std::string marker = "invariant ";
  const auto at = message.find(marker);
  if (at == std::string::npos) return {};
  const auto end = message.find(" violated", at);
  return end == std::string::npos ? std::string() : message.substr(at + marker.size(), end - at - marker.size());
}

// The same failure: the same invariant, or (for failures that are not invariants) a
// failure of the same kind of step.
bool sameFailure(const CaseOutcome& a, const CaseOutcome& b) {
  if (!b.failed || a.invariant != b.invariant) return false;
  if (!a.invariant.empty()) return true;
  // Not an invariant: the same error text after "internal error ...: ".
  auto tail = [](const std::string& m) { return m.substr(std::min(m.size(), m.find("): ") == std::string::npos ? 0 : m.find("): ") + 3)); };
  return tail(a.message) == tail(b.message);
}

}  // namespace

std::uint64_t caseSeed(std::uint64_t campaignSeed, std::uint64_t index) {
  std::uint64_t x = campaignSeed * 0x9E3779B97F4A7C15ULL + index + 1;  // splitmix64
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return (x ^ (x >> 31)) & 0x7FFFFFFFFFFFFFFFULL;
}

rc::Shrinkable<FuzzCase> generateCase(std::uint64_t seed, int size, sync::DeliberateBug bug) {
  std::lock_guard lock(rapidcheckMutex());
  return genCase(bug)(rc::Random(seed), size);
}

CaseOutcome runCase(const FuzzCase& fuzzCase, std::uint64_t seed, const std::filesystem::path& workspace, render::RenderCache* renders) {
  CaseOutcome out;
  out.seed = seed;
  out.commands = static_cast<int>(fuzzCase.commands.size());
  out.shown = showCommands(fuzzCase.commands);
  std::unique_ptr<Harness> harness;
  try {
    harness = std::make_unique<Harness>(fuzzCase.swarm, seed, workspace, renders);
    Model model;
    model.swarm = fuzzCase.swarm;
    rc::state::runAll(fuzzCase.commands, model, *harness);
    harness->heal();
    const auto& r = harness->result();
    out.failed = r.verdict != scenario::Verdict::Passed;
    out.message = r.message;
    out.diff = r.diff;
  } catch (const std::exception& e) {
    out.failed = true;
    out.message = std::string("internal error: ") + e.what();
  }
  if (harness) {
    out.eventLogHash = harness->eventLogHash();
    out.document = harness->document();
    out.coverage = harness->stepsRun();
    for (const auto& [kind, n] : out.coverage) out.steps += kind.rfind("fault:", 0) == 0 ? 0 : n;
  }
  out.invariant = invariantOf(out.message);
  return out;
}

Counterexample shrinkCase(const rc::Shrinkable<FuzzCase>& failing, const CaseOutcome& outcome, int budget, render::RenderCache* renders) {
  Counterexample result;
  result.original = outcome;
  result.shrunk = outcome;
  rc::Shrinkable<FuzzCase> current = failing;
  bool progressed = true;
  while (progressed && result.shrinkRuns < budget) {
    progressed = false;
    rc::Seq<rc::Shrinkable<FuzzCase>> shrinks;
    {
      std::lock_guard lock(rapidcheckMutex());
      shrinks = current.shrinks();
    }
    while (result.shrinkRuns < budget) {
      std::optional<FuzzCase> candidate;
      rc::Shrinkable<FuzzCase> next = current;
      {
        std::lock_guard lock(rapidcheckMutex());
        auto maybe = shrinks.next();
        if (!maybe) break;
        next = std::move(*maybe);
        candidate = next.value();
      }
      ++result.shrinkRuns;
      CaseOutcome tried = runCase(*candidate, outcome.seed, {}, renders);
      if (sameFailure(outcome, tried)) {
        current = std::move(next);
        result.shrunk = std::move(tried);
        progressed = true;
        break;
      }
    }
  }
  return result;
}

void writeCounterexample(Counterexample& c, const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  const std::string stem = (c.shrunk.invariant.empty() ? std::string("failure") : c.shrunk.invariant) + "-" + std::to_string(c.shrunk.seed);
  std::filesystem::path file = folder / (stem + ".yaml");
  for (int n = 2; std::filesystem::exists(file); ++n) file = folder / (stem + "-" + std::to_string(n) + ".yaml");
  Json doc = c.shrunk.document;
  doc["name"] = file.stem().string();
  const std::string how = c.shrinkRuns == 0 ? "Not shrunk; its " + std::to_string(c.shrunk.commands) + " commands:\n"
                                             : "Shrunk from " + std::to_string(c.original.commands) + " to " + std::to_string(c.shrunk.commands) +
                                                   " commands in " + std::to_string(c.shrinkRuns) + " runs:\n";
  doc["description"] = doc.value("description", "") + how + c.shrunk.shown + "It failed with: " + c.shrunk.message + "\n";
  {
    std::ofstream out(file);
    out << "# Written by gitops-sim fuzz. Replay: gitops-sim run " << file.string() << "\n" << toYaml(doc);
  }
  c.file = file.string();
  scenario::RunOptions options;
  options.observer = [](const scenario::Scenario& s) { return makeInvariantObserver(s); };
  const scenario::ScenarioResult replay = scenario::runScenarioFile(c.file, options);
  c.replayMessage = replay.message;
  c.replayed = replay.verdict == scenario::Verdict::Failed && invariantOf(replay.message) == c.shrunk.invariant;
}

CampaignResult runCampaign(const CampaignOptions& options) {
  CampaignResult result;
  const auto start = std::chrono::steady_clock::now();
  std::atomic<std::size_t> nextIndex{options.shardIndex};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  auto worker = [&] {
    render::RenderCache renders;  // this thread's, kept across its cases
    while (!stop) {
      const std::size_t index = nextIndex.fetch_add(options.shardCount);
      if (index >= (options.onlyCase ? options.shardIndex + 1 : options.runs)) break;
      if (options.time && std::chrono::steady_clock::now() - start >= *options.time) break;
      const std::uint64_t seed = options.onlyCase ? *options.onlyCase : caseSeed(options.seed, index);
      rc::Shrinkable<FuzzCase> generated = generateCase(seed, options.size, options.bug);
      FuzzCase fuzzCase = [&] {
        std::lock_guard lock(rapidcheckMutex());
        return generated.value();
      }();
      CaseOutcome outcome = runCase(fuzzCase, seed, {}, &renders);
      std::optional<Counterexample> failure;
      if (outcome.failed) {
        failure = options.shrink ? shrinkCase(generated, outcome, 2000, &renders) : Counterexample{outcome, outcome, 0, {}, false, {}};
        if (!options.out.empty()) {
          std::lock_guard lock(mutex);  // file names are picked under the lock
          writeCounterexample(*failure, options.out);
        }
      }
      std::lock_guard lock(mutex);
      ++result.cases;
      result.steps += static_cast<std::size_t>(outcome.steps);
      for (const auto& [k, n] : outcome.coverage) result.coverage[k] += n;
      if (failure) {
        result.failures.push_back(std::move(*failure));
        if (result.failures.size() >= options.maxFailures) stop = true;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, options.threads); ++i) threads.emplace_back(worker);
  std::thread reporter;
  std::atomic<bool> done{false};
  if (options.progress) {
    reporter = std::thread([&] {
      while (!done) {
        for (int i = 0; i < 10 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (done) break;
        std::lock_guard lock(mutex);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        char line[256];
        std::snprintf(line, sizeof line, "%zu cases (%.0f/s), %zu failures, coverage: %s", result.cases, static_cast<double>(result.cases) / s,
                      result.failures.size(), coverageLine(result.coverage).c_str());
        options.progress(line);
      }
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  if (reporter.joinable()) reporter.join();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(result.failures.begin(), result.failures.end(), [](const Counterexample& a, const Counterexample& b) { return a.original.seed < b.original.seed; });
  return result;
}

std::string coverageLine(const std::map<std::string, int>& coverage) {
  static const std::set<std::string> commands = {"commit", "revert", "wait", "drift", "fault", "clear", "sync", "refresh", "rollback"};
  static const std::size_t faults = 9;
  std::size_t c = 0, f = 0;
  for (const auto& [k, n] : coverage) {
    if (n == 0) continue;
    if (commands.count(k)) ++c;
    if (k.rfind("fault:", 0) == 0) ++f;
  }
  return std::to_string(c) + "/" + std::to_string(commands.size()) + " step kinds, " + std::to_string(f) + "/" + std::to_string(faults) + " fault kinds";
}

}  // namespace gs::fuzz
