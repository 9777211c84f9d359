// Everything the fake cluster stores for a built-in kind must decode cleanly as that
// kind's Go type: clients read objects and write them back (kubectl edit and replace,
// Argo CD's syncs) under strict field validation, which a field the real API does not
// have, or a value of the wrong type, would make fail. Checked over every shipped
// scenario, after each of its steps.
#include <catch2/catch.hpp>

#include <filesystem>

#include "sim/kube/typed_decode.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/run_context.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/world.hpp"

using namespace gs;

namespace {

struct Findings {
  std::vector<std::string> problems;
  std::size_t decoded = 0;
};

class DecodeEverything : public scenario::RunObserver {
 public:
  explicit DecodeEverything(Findings& findings) : problems(findings.problems), decoded(findings.decoded) {}
  std::vector<std::string>& problems;
  std::size_t& decoded;

  void afterStep(scenario::RunContext& run, const scenario::Step&) override { check(run); }
  void finished(scenario::RunContext& run) override { check(run); }

 private:
  void check(scenario::RunContext& run) {
    const fake::ObjectStore& store = run.world.cluster().store();
    store.forEachObject([&](const kube::ObjectKey& key, const fake::ObjectPtr& object) {
      const fake::ResourceType* type = store.registry().byKind(key.group, key.kind);
      REQUIRE(type != nullptr);
      if (type->custom) return;
      const kube::ApiStruct* shape = kube::apiStructFor(type->group, type->version, type->kind);
      if (shape == nullptr) {
        problems.push_back(key.str() + ": no Go type for " + type->apiVersion() + " " + type->kind);
        return;
      }
      Json copy = *object;
      const auto result = kube::decodeTyped(copy, *shape);
      ++decoded;
      if (!result.error.empty()) problems.push_back(key.str() + ": " + result.error);
      for (const auto& unknown : result.unknownFields) problems.push_back(key.str() + ": " + unknown);
    });
  }
};

}  // namespace

TEST_CASE("fake cluster: every stored built-in object decodes as its Go type, through every shipped scenario", "[fakecluster][typed]") {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {GS_SCENARIOS_DIR, GS_SCENARIOS_DIR "/regressions"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 10);
  std::size_t decoded = 0;
  for (const auto& file : files) {
    Findings findings;
    scenario::RunOptions options;
    options.observer = [&](const scenario::Scenario&) { return std::make_unique<DecodeEverything>(findings); };
    const scenario::Scenario s = scenario::loadScenarioFile(file.string());
    scenario::runScenario(s, options);
    INFO(file.filename().string());
    // Each distinct problem once: a field that is wrong is wrong on every step.
    std::set<std::string> distinct(findings.problems.begin(), findings.problems.end());
    CHECK(std::vector<std::string>(distinct.begin(), distinct.end()) == std::vector<std::string>{});
    CHECK(findings.decoded > 0);
    decoded += findings.decoded;
  }
  CHECK(decoded > 1000);
}
