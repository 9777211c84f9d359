// The system under test of one fuzz case: a scenario being written step by step and the
// world running it. Each command hands it a step in the scenario format; the harness
// parses it against the scenario so far, runs it exactly as `gitops-sim run` would
// (runRecordedStep) with the invariant checkers watching, and keeps it in the document.
// Steps that cannot apply right now (a drift on an object that is gone, a commit while
// Git is down) are skipped and left out of the document, so the document is always a
// scenario that replays the same run. After the commands, heal() clears faults, gives
// time, syncs apps whose last sync failed (what an operator would do), and runs the
// end-of-run (liveness) checks.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "sim/core/json.hpp"
#include "sim/fuzz/swarm.hpp"
#include "sim/scenario/run_context.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/world.hpp"

namespace gs::fuzz {

class Harness {
 public:
  // `workspace` empty: the Git workspace is in memory. `renders`: a render cache shared with
  // the cases run before on this thread (nullptr: the world's own).
  Harness(const Swarm& swarm, std::uint64_t seed, const std::filesystem::path& workspace = {},
          render::RenderCache* renders = nullptr);
  ~Harness();
  Harness(const Harness&) = delete;
  Harness& operator=(const Harness&) = delete;

  // Runs one step (a scenario-format step node); false when the case has already failed
  // or this step failed.
  bool run(const Json& step);
  // Counts a command that could not apply now (it is not part of the document).
  void skip(const std::string& command) { ++skipped_[command]; }
  // The healing phase and the end-of-run checks.
  void heal();

  bool failed() const { return result_.verdict != scenario::Verdict::Passed; }
  const scenario::ScenarioResult& result() const { return result_; }
  // The scenario so far, in the scenario format (world + steps run).
  Json document() const;
  std::string eventLogHash() const { return world_->log().hash(); }
  scenario::World& world() { return *world_; }

  // Facts commands check before they apply.
  bool repoAvailable(const std::string& repo);
  // True when every file already has that content on the repo's branch (a commit would be empty).
  bool filesUnchanged(const std::string& repo, const Json& files);
  bool controllerUp(const std::string& app);
  // True when the repo's branch head has a parent (there is something to revert).
  bool headHasParent(const std::string& repo);
  std::size_t historySize(const std::string& app);
  bool exists(const std::string& group, const std::string& kind, const std::string& ns, const std::string& name);
  bool namespaceActive(const std::string& ns);

  // What ran: step kinds, and fault types injected (for campaign coverage).
  const std::map<std::string, int>& stepsRun() const { return stepsRun_; }
  const std::map<std::string, int>& skipped() const { return skipped_; }

 private:
  Json head_;  // the document without steps
  Json steps_ = Json::array();
  scenario::Scenario scenario_;
  std::unique_ptr<scenario::World> world_;
  std::unique_ptr<scenario::RunContext> run_;
  std::unique_ptr<scenario::RunObserver> observer_;
  scenario::ScenarioResult result_;
  std::map<std::string, int> stepsRun_;
  std::map<std::string, int> skipped_;
};

}  // namespace gs::fuzz
