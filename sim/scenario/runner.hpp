// Runs a scenario from start to finish: builds its world from the seed, runs each step
// in order, stops at the first failure, and returns the verdict with everything a report
// needs (timeline, metrics, event-log hash, the failing step with expected vs actual
// and diff). Safe to call from several threads at once on different scenarios: each run
// owns its whole world.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/event_log.hpp"
#include "sim/scenario/metrics.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs::scenario {
struct RunContext;
class World;
}  // namespace gs::scenario

namespace gs::scenario {

enum class Verdict { Passed, Failed, Invalid, Error };
const char* toString(Verdict verdict);

struct ScenarioResult {
  std::string file;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  Verdict verdict = Verdict::Passed;
  std::uint64_t seed = 0;
  std::string message;   // why it failed (with file:line:col), empty when it passed
  std::string diff;      // live-vs-desired diff for a live-state mismatch
  int failedStep = 0;    // 1-based; 0 when none
  std::string failedStepKind;
  int stepsRun = 0;
  Duration virtualTime{0};
  double wallSeconds = 0;
  std::string eventLogHash;
  std::vector<Event> timeline;
  Metrics metrics;
  std::string workspace;  // kept workspace folder, if any
  // Who is in the world, for reports: repos with their role (source, deploy), apps and
  // their policies, CI pipelines. Null for a scenario that did not parse.
  Json world;
};

// Watches a run from outside the steps (the invariant checkers, fuzz/invariants): told
// when the world has started, after every step, and once after the last step. Throws an
// ExpectationError (steps.hpp) to fail the run at that point.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void started(RunContext&) {}
  virtual void afterStep(RunContext&, const Step&) {}
  virtual void finished(RunContext&) {}
};

struct RunOptions {
  std::optional<std::uint64_t> seed;      // overrides the scenario's seed
  std::filesystem::path workspace;        // keep the Git repos here (must be empty or new)
  // Called for every event as it is logged (the -v timeline); may be empty.
  std::function<void(const Event&)> onEvent;
  // Makes the observer for a scenario (may return nullptr, or be empty).
  std::function<std::unique_ptr<RunObserver>(const Scenario&)> observer;
};

// The seed a scenario runs with: --seed, else the file's, else 1.
std::uint64_t effectiveSeed(const Scenario& scenario, const RunOptions& options);

ScenarioResult runScenario(const Scenario& scenario, const RunOptions& options = {});

// Runs step `index` of a run (logging it as runScenario does, then the observer's
// afterStep); a failure is written into `result` (verdict, message, diff, failed step).
// Returns false when the step failed. runScenario and the fuzzer share it, so a
// scenario file the fuzzer writes replays the same event log.
bool runRecordedStep(RunContext& run, const Step& step, std::size_t index, RunObserver* observer, ScenarioResult& result);

// The observer's finished() with the same error handling; false when it failed.
bool finishRun(RunContext& run, RunObserver* observer, ScenarioResult& result);

// Loads and runs a file; a file that does not load gives an Invalid result.
ScenarioResult runScenarioFile(const std::string& path, const RunOptions& options = {});

}  // namespace gs::scenario
