#include "sim/scenario/runner.hpp"

#include <chrono>

#include "sim/scenario/parser.hpp"
#include "sim/scenario/steps.hpp"

namespace gs::scenario {

const char* toString(Verdict verdict) {
  switch (verdict) {
    case Verdict::Passed: return "passed";
    case Verdict::Failed: return "failed";
    case Verdict::Invalid: return "invalid";
    case Verdict::Error: return "error";
  }
  return "?";
}

std::uint64_t effectiveSeed(const Scenario& scenario, const RunOptions& options) {
  if (options.seed) return *options.seed;
  return scenario.seed.value_or(1);
}

namespace {

std::string stepLabel(const Step& step) {
  if (const auto* c = std::get_if<CommitStep>(&step.action)) return c->repo + ": " + c->message;
  if (const auto* w = std::get_if<WaitStep>(&step.action)) return w->duration ? formatDuration(*w->duration) : "until";
  return step.id;
}

}  // namespace

ScenarioResult runScenario(const Scenario& scenario, const RunOptions& options) {
  const auto wallStart = std::chrono::steady_clock::now();
  ScenarioResult result;
  result.file = scenario.file;
  result.name = scenario.name;
  result.description = scenario.description;
  result.seed = effectiveSeed(scenario, options);
  std::filesystem::path workspace = options.workspace;
  std::unique_ptr<World> world;
  try {
    world = std::make_unique<World>(scenario, result.seed, workspace);
    if (!workspace.empty()) result.workspace = world->workspace().root().string();
    world->start();
    RunContext run{*world, {}, {}, {}, {}, 0};
    std::size_t streamed = 0;
    auto stream = [&] {
      if (!options.onEvent) return;
      const auto& events = world->log().events();
      for (; streamed < events.size(); ++streamed) options.onEvent(events[streamed]);
    };
    stream();
    for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
      const Step& step = scenario.steps[i];
      run.currentStep = i;
      if (!step.id.empty()) {
        run.stepStart[step.id] = world->clock().now();
        run.stepEventIndex[step.id] = world->log().size();
      }
      Json details{{"step", i + 1}, {"kind", step.kind}};
      if (!step.id.empty()) details["id"] = step.id;
      const std::string label = stepLabel(step);
      if (!label.empty()) details["label"] = label;
      world->record("scenario", "step", std::move(details));
      try {
        runStep(step, run);
      } catch (const ExpectationError& e) {
        result.verdict = Verdict::Failed;
        result.message = e.what();
        result.diff = e.diff();
      } catch (const Error& e) {
        if (e.errorClass() == ErrorClass::Internal) throw;
        result.verdict = e.errorClass() == ErrorClass::InvalidInput ? Verdict::Invalid : Verdict::Failed;
        result.message = e.where().known() ? e.what() : step.origin.where.str() + ": " + step.origin.path + ": " + e.what();
      }
      stream();
      result.stepsRun = static_cast<int>(i + 1);
      if (result.verdict != Verdict::Passed) {
        result.failedStep = static_cast<int>(i + 1);
        result.failedStepKind = step.kind;
        world->record("scenario", "failed", Json{{"step", i + 1}, {"message", result.message}});
        break;
      }
    }
    stream();
    result.metrics = computeMetrics(*world);
  } catch (const Error& e) {
    result.verdict = e.errorClass() == ErrorClass::InvalidInput ? Verdict::Invalid : Verdict::Error;
    result.message = e.what();
  } catch (const std::exception& e) {
    result.verdict = Verdict::Error;
    result.message = std::string("internal error: ") + e.what();
  }
  if (world) {
    result.virtualTime = world->clock().now().sinceStart;
    result.eventLogHash = world->log().hash();
    result.timeline = world->log().events();
  }
  result.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
  return result;
}

ScenarioResult runScenarioFile(const std::string& path, const RunOptions& options) {
  Scenario scenario;
  try {
    scenario = loadScenarioFile(path);
  } catch (const Error& e) {
    ScenarioResult result;
    result.file = path;
    result.name = std::filesystem::path(path).stem().string();
    result.verdict = e.errorClass() == ErrorClass::InvalidInput ? Verdict::Invalid : Verdict::Error;
    result.message = e.what();
    return result;
  }
  return runScenario(scenario, options);
}

}  // namespace gs::scenario
