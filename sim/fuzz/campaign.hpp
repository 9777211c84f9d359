// Fuzz campaigns (`gitops-sim fuzz`): run many random cases (each a seed: the swarm,
// the commands and the world's own randomness all come from it), check the invariants,
// and shrink each failing case to the smallest command sequence that still breaks the
// same invariant, RapidCheck style (walk the shrink tree, keep the first smaller case
// that still fails). A shrunk case is written as a scenario file that `gitops-sim run`
// replays to the same failure. Campaigns split by seed and shard across machines; cases
// run on worker threads, each case single-threaded and deterministic.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/fuzz/commands.hpp"

namespace gs::fuzz {

struct CaseOutcome {
  std::uint64_t seed = 0;
  bool failed = false;
  std::string invariant;  // the invariant violated ("" for other failures)
  std::string message;
  std::string diff;
  std::string eventLogHash;
  int steps = 0;      // steps run (commands that applied, plus the healing phase)
  int commands = 0;   // commands generated
  std::map<std::string, int> coverage;  // step kinds and "fault:<type>" run
  Json document;      // the scenario that ran
  std::string shown;  // the command sequence, one per line
};

// Runs one case (no shrinking). `renders`: a render cache kept across the cases one
// thread runs (the outcome is the same with or without it; only faster).
CaseOutcome runCase(const FuzzCase& fuzzCase, std::uint64_t seed, const std::filesystem::path& workspace = {},
                    render::RenderCache* renders = nullptr);

// The case a seed generates (`size` bounds the number of commands, RapidCheck's size).
rc::Shrinkable<FuzzCase> generateCase(std::uint64_t seed, int size, sync::DeliberateBug bug = sync::DeliberateBug::None);

struct Counterexample {
  CaseOutcome original;
  CaseOutcome shrunk;
  int shrinkRuns = 0;
  std::string file;        // the scenario written ("" when writing was off)
  bool replayed = false;   // `gitops-sim run` on the file failed the same way
  std::string replayMessage;
};

// Shrinks a failing case; `budget` bounds the cases run while shrinking.
Counterexample shrinkCase(const rc::Shrinkable<FuzzCase>& failing, const CaseOutcome& outcome, int budget = 2000,
                          render::RenderCache* renders = nullptr);

// Writes the shrunk case under `folder` (never overwriting a file) and replays it.
void writeCounterexample(Counterexample& counterexample, const std::filesystem::path& folder);

struct CampaignOptions {
  std::uint64_t seed = 1;
  std::size_t runs = 1000;                             // cases over all shards
  std::optional<std::chrono::steady_clock::duration> time;  // stop starting cases after this
  std::size_t shardIndex = 0, shardCount = 1;
  int threads = 1;
  int size = 30;
  sync::DeliberateBug bug = sync::DeliberateBug::None;
  bool shrink = true;
  std::filesystem::path out;  // where counterexamples go ("" = do not write)
  std::size_t maxFailures = 5;  // stop after this many failing cases
  std::function<void(const std::string&)> progress;  // a status line about once a second
  std::optional<std::uint64_t> onlyCase;  // run just the case with this case seed
};

struct CampaignResult {
  std::size_t cases = 0;
  std::size_t steps = 0;
  double seconds = 0;
  std::map<std::string, int> coverage;
  std::vector<Counterexample> failures;
};

CampaignResult runCampaign(const CampaignOptions& options);

// The seed of case `index` of a campaign (a mix of both, below 2^63).
std::uint64_t caseSeed(std::uint64_t campaignSeed, std::uint64_t index);

// "16/16 commands, 9/9 faults" from a coverage map.
std::string coverageLine(const std::map<std::string, int>& coverage);

}  // namespace gs::fuzz
