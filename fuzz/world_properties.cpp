// The world fuzzer's own guarantees (sim/fuzz): every invariant holds on random worlds
// (a RapidCheck stateful property, doc/state.md style), cases are deterministic (20 seeds
// run twice give the same event log), a counterexample file replays exactly what ran,
// and the canaries (a sync engine that skips prune, one whose self-heal comes late) are
// caught, shrunk and replayed.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>
#include <rapidcheck/state.h>

#include <filesystem>
#include <fstream>

#include "sim/core/yaml.hpp"
#include "sim/fuzz/campaign.hpp"
#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/runner.hpp"

using namespace gs;
using namespace gs::fuzz;

namespace {

scenario::RunOptions withInvariants() {
  scenario::RunOptions options;
  options.observer = [](const scenario::Scenario& s) { return makeInvariantObserver(s); };
  return options;
}

std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("gitops-sim-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

// RC_PARAMS="max_success=N" runs more; a failure prints RapidCheck's shrunk command list.
TEST_CASE("every invariant holds on random GitOps worlds") {
  rc::prop("commands, then healing: no invariant breaks", [] {
    const Swarm swarm = *genSwarm(sync::DeliberateBug::None);
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000'000);
    Model model;
    model.swarm = swarm;
    Harness harness(swarm, seed);
    rc::state::check(model, harness, &genCommand);
    harness.heal();
    RC_LOG() << "world seed " << seed << ", swarm " << describe(swarm) << "\n";
    RC_ASSERT(harness.result().message == std::string());
  });
}

TEST_CASE("fuzz cases are deterministic: 20 seeds, twice each, same event log") {
  // The second runs share one render cache, as a campaign thread's cases do: what the
  // cases before left in it must not change a case's run. Every fourth first run keeps
  // its repositories on disk instead of in memory: storage must not change a run either.
  gs::render::RenderCache shared;
  const auto dir = scratch("determinism");
  for (std::uint64_t i = 0; i < 20; ++i) {
    const std::uint64_t seed = caseSeed(20261126, i);
    auto generated = generateCase(seed, 30);
    const FuzzCase c = generated.value();
    const std::filesystem::path workspace = i % 4 == 0 ? dir / std::to_string(i) : std::filesystem::path();
    const CaseOutcome first = runCase(c, seed, workspace);
    const CaseOutcome second = runCase(c, seed, {}, &shared);
    INFO("case seed " << seed << "; replay: gitops-sim fuzz --case " << seed);
    REQUIRE_FALSE(first.eventLogHash.empty());
    CHECK(first.eventLogHash == second.eventLogHash);
    CHECK(first.failed == second.failed);
    CHECK(first.document == second.document);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a fuzz case written as a scenario replays the same run") {
  const std::uint64_t seed = caseSeed(7, 3);
  auto generated = generateCase(seed, 30);
  const CaseOutcome outcome = runCase(generated.value(), seed);
  INFO("case seed " << seed << ": " << outcome.message);
  REQUIRE_FALSE(outcome.failed);
  const auto dir = scratch("replay");
  const auto file = dir / "case.yaml";
  std::ofstream(file) << toYaml(outcome.document);
  const scenario::ScenarioResult replay = scenario::runScenarioFile(file.string(), withInvariants());
  CHECK(replay.verdict == scenario::Verdict::Passed);
  CHECK(replay.eventLogHash == outcome.eventLogHash);
  std::filesystem::remove_all(dir);
}

namespace {

// After every step: the watch-fed index of tracked objects answers what a full walk of
// the store answers. The counts outlive the observer (the run destroys it).
struct IndexCounts {
  int steps = 0;
  int mismatches = 0;
};

class TrackedIndexCheck : public scenario::RunObserver {
 public:
  explicit TrackedIndexCheck(IndexCounts& counts) : counts_(counts) {}
  void started(scenario::RunContext& run) override { index_.start(run); }
  void afterStep(scenario::RunContext& run, const scenario::Step&) override {
    ++counts_.steps;
    if (index_.byApp(run) != trackedLiveByApp(run)) ++counts_.mismatches;
  }

 private:
  IndexCounts& counts_;
  TrackedIndex index_;
};

}  // namespace

TEST_CASE("the tracked-object index the source-of-truth checker reads equals a walk of the store") {
  const auto dir = scratch("tracked-index");
  for (std::uint64_t i = 0; i < 6; ++i) {
    const std::uint64_t seed = caseSeed(20261128, i);
    const CaseOutcome outcome = runCase(generateCase(seed, 30).value(), seed);
    const auto file = dir / ("case-" + std::to_string(i) + ".yaml");
    std::ofstream(file) << toYaml(outcome.document);
    IndexCounts counts;
    scenario::RunOptions options;
    options.observer = [&](const scenario::Scenario&) { return std::make_unique<TrackedIndexCheck>(counts); };
    const scenario::ScenarioResult replay = scenario::runScenarioFile(file.string(), options);
    INFO("case seed " << seed << ": " << replay.message);
    CHECK(counts.steps == replay.stepsRun);
    CHECK(counts.steps == outcome.steps);
    CHECK(counts.mismatches == 0);
  }
  std::filesystem::remove_all(dir);
}

namespace {

// A campaign of up to 200 cases with `bug` planted, stopped at its first failure.
CampaignOptions canaryCampaign(sync::DeliberateBug bug, const std::string& scratchName) {
  CampaignOptions options;
  options.seed = 1;
  options.runs = 200;
  options.maxFailures = 1;
  options.bug = bug;
  options.out = scratch(scratchName);
  return options;
}

}  // namespace

TEST_CASE("the canary (automated sync skips prune) is caught, shrunk and replayed") {
  const CampaignOptions options = canaryCampaign(sync::DeliberateBug::SkipPrune, "canary");
  const CampaignResult result = runCampaign(options);
  REQUIRE(result.failures.size() == 1);
  const Counterexample& c = result.failures.front();
  INFO(c.shrunk.message << "\n" << c.shrunk.shown);
  CHECK(c.shrunk.invariant == "prune");
  CHECK(c.shrunk.commands <= c.original.commands);
  CHECK(c.shrunk.commands <= 3);  // add an extra ConfigMap, then drop it again (or revert)
  REQUIRE(std::filesystem::exists(c.file));
  CHECK(c.replayed);
  // The file is a scenario like any other: it loads, names the canary, and fails the same way.
  const scenario::Scenario s = scenario::loadScenarioFile(c.file);
  CHECK(s.world.controller.deliberateBug == sync::DeliberateBug::SkipPrune);
  CHECK(s.invariants.size() == scenario::kInvariantNames.size());
  std::filesystem::remove_all(options.out);
}

TEST_CASE("the late-self-heal canary is caught by the self-heal probe and replayed") {
  const CampaignOptions options = canaryCampaign(sync::DeliberateBug::LateSelfHeal, "canary-self-heal");
  const CampaignResult result = runCampaign(options);
  REQUIRE(result.failures.size() == 1);
  const Counterexample& c = result.failures.front();
  INFO(c.shrunk.message << "\n" << c.shrunk.shown);
  CHECK(c.shrunk.invariant == "self-heal");
  CHECK(c.shrunk.message.find("was not back to") != std::string::npos);
  CHECK(c.shrunk.commands <= 1);  // the probe at the end is enough: any world shows the defect
  REQUIRE(std::filesystem::exists(c.file));
  CHECK(c.replayed);
  const scenario::Scenario s = scenario::loadScenarioFile(c.file);
  CHECK(s.world.controller.deliberateBug == sync::DeliberateBug::LateSelfHeal);
  std::filesystem::remove_all(options.out);
}

TEST_CASE("without the canary the same campaign finds nothing") {
  CampaignOptions options;
  options.seed = 1;
  options.runs = 40;
  const CampaignResult result = runCampaign(options);
  for (const auto& f : result.failures) FAIL_CHECK("case seed " << f.original.seed << ": " << f.original.message);
  CHECK(result.cases == 40);
}

TEST_CASE("scenario files can ask for invariants by name") {
  const char* text = R"(name: t
invariants: [history, store]
world:
  repos: {r: {files: {a.yaml: "x: 1\n"}}}
steps:
  - wait: 1s
)";
  const scenario::Scenario s = scenario::parseScenario(text, "t.yaml");
  CHECK(s.invariants == std::vector<std::string>{"history", "store"});
  CHECK_THROWS_WITH(scenario::parseScenario(std::string(text).replace(std::string(text).find("store"), 5, "stor"), "t.yaml"),
                    Catch::Contains("unknown invariant 'stor'") && Catch::Contains("did you mean 'store'"));
}
