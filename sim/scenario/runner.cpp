#include "sim/scenario/runner.hpp"

#include <chrono>
#include <filesystem>
#include <set>

#include "sim/scenario/parser.hpp"
#include "sim/scenario/run_context.hpp"
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

// A failure message as the event log keeps it: the scenario file by its name alone, so
// the log (and its hash) is the same whichever path the file was run by.
std::string loggedMessage(const std::string& message, const std::string& file) {
  if (file.empty()) return message;
  const std::string name = std::filesystem::path(file).filename().string();
  std::string out = message;
  for (std::size_t at = out.find(file); at != std::string::npos; at = out.find(file, at + name.size())) out.replace(at, file.size(), name);
  return out;
}

}  // namespace

namespace {

std::string stepLabel(const Step& step) {
  if (const auto* c = std::get_if<CommitStep>(&step.action)) return c->repo + ": " + c->message;
  if (const auto* w = std::get_if<WaitStep>(&step.action)) return w->duration ? formatDuration(*w->duration) : "until";
  return step.id;
}

}  // namespace

namespace {

// Turns a step's or observer's error into the verdict; Internal errors propagate.
void recordFailure(const Error& e, const Origin& origin, ScenarioResult& result) {
  if (const auto* x = dynamic_cast<const ExpectationError*>(&e)) {
    result.verdict = Verdict::Failed;
    result.message = x->what();
    result.diff = x->diff();
    return;
  }
  if (e.errorClass() == ErrorClass::Internal) throw e;
  result.verdict = e.errorClass() == ErrorClass::InvalidInput ? Verdict::Invalid : Verdict::Failed;
  const std::string what = e.what();
  const bool placed = e.where().known() || origin.path.empty() || what.find(origin.path + ": ") != std::string::npos;
  result.message = placed ? what : origin.where.str() + ": " + origin.path + ": " + what;
}

}  // namespace

bool runRecordedStep(RunContext& run, const Step& step, std::size_t index, RunObserver* observer, ScenarioResult& result) {
  World& world = run.world;
  run.currentStep = index;
  if (!step.id.empty()) {
    run.stepStart[step.id] = world.clock().now();
    run.stepEventIndex[step.id] = world.log().size();
  }
  Json details{{"step", index + 1}, {"kind", step.kind}};
  if (!step.id.empty()) details["id"] = step.id;
  const std::string label = stepLabel(step);
  if (!label.empty()) details["label"] = label;
  world.record("scenario", "step", std::move(details));
  try {
    runStep(step, run);
    if (observer != nullptr) observer->afterStep(run, step);
  } catch (const Error& e) {
    recordFailure(e, step.origin, result);
  } catch (const std::exception& e) {  // a bug: say where it surfaced
    result.verdict = Verdict::Error;
    result.message = "internal error in step " + std::to_string(index + 1) + " (" + step.kind + "): " + e.what();
  }
  result.stepsRun = static_cast<int>(index + 1);
  if (result.verdict == Verdict::Passed) return true;
  result.failedStep = static_cast<int>(index + 1);
  result.failedStepKind = step.kind;
  world.record("scenario", "failed", Json{{"step", index + 1}, {"message", loggedMessage(result.message, world.scenario().file)}});
  return false;
}

bool finishRun(RunContext& run, RunObserver* observer, ScenarioResult& result) {
  if (observer == nullptr) return true;
  try {
    observer->finished(run);
  } catch (const Error& e) {
    recordFailure(e, Origin{}, result);
    result.failedStep = result.stepsRun;
    result.failedStepKind = "invariants";
    run.world.record("scenario", "failed", Json{{"step", result.stepsRun}, {"message", loggedMessage(result.message, run.world.scenario().file)}});
    return false;
  }
  return true;
}

namespace {

Json worldSummary(const WorldSpec& world) {
  std::set<std::string> built, deployed;
  for (const auto& p : world.pipelines) built.insert(p.repo);
  for (const auto& a : world.applications) deployed.insert(a.repo);
  for (const auto& p : world.pipelines) {
    if (p.writeBack) deployed.insert(p.writeBack->repo);
  }
  Json repos = Json::array();
  for (const auto& r : world.repos) {
    const std::string role = deployed.count(r.name) ? (built.count(r.name) ? "source+deploy" : "deploy") : built.count(r.name) ? "source" : "other";
    repos.push_back(Json{{"name", r.name}, {"branch", r.branch}, {"role", role}});
  }
  Json apps = Json::array();
  for (const auto& a : world.applications) {
    const char* rollback = a.rollback == sync::RollbackPolicy::GitRevert ? "git-revert" : a.rollback == sync::RollbackPolicy::PreviousSync ? "previous-sync" : "none";
    apps.push_back(Json{{"name", a.name},
                        {"repo", a.repo},
                        {"path", a.path},
                        {"targetRevision", a.targetRevision},
                        {"namespace", a.destinationNamespace},
                        {"automated", a.automated.has_value()},
                        {"selfHeal", a.automated && a.automated->selfHeal},
                        {"prune", a.automated && a.automated->prune},
                        {"rollback", rollback}});
  }
  Json pipelines = Json::array();
  for (const auto& p : world.pipelines) {
    Json pipeline{{"name", p.name}, {"repo", p.repo}, {"image", p.image}};
    if (p.writeBack) pipeline["writeBackRepo"] = p.writeBack->repo;
    pipelines.push_back(std::move(pipeline));
  }
  return Json{{"repos", std::move(repos)}, {"applications", std::move(apps)}, {"pipelines", std::move(pipelines)}};
}

}  // namespace

ScenarioResult runScenario(const Scenario& scenario, const RunOptions& options) {
  const auto wallStart = std::chrono::steady_clock::now();
  ScenarioResult result;
  result.file = scenario.file;
  result.name = scenario.name;
  result.description = scenario.description;
  result.tags = scenario.tags;
  result.seed = effectiveSeed(scenario, options);
  result.world = worldSummary(scenario.world);
  std::filesystem::path workspace = options.workspace;
  std::unique_ptr<World> world;
  try {
    // Without a folder to keep them in, the repositories live in memory: nobody could look
    // at them afterwards, and the SHAs and event log are the same either way.
    world = std::make_unique<World>(scenario, result.seed, workspace, nullptr, workspace.empty() ? git::Storage::Memory : git::Storage::Disk);
    if (!workspace.empty()) result.workspace = world->workspace().root().string();
    world->start();
    RunContext run{*world, {}, {}, {}, {}, 0, {}, {}};
    // Made after the world (and destroyed before it): observers may subscribe to it.
    std::unique_ptr<RunObserver> observer = options.observer ? options.observer(scenario) : nullptr;
    std::size_t streamed = 0;
    auto stream = [&] {
      if (!options.onEvent) return;
      const auto& events = world->log().events();
      for (; streamed < events.size(); ++streamed) options.onEvent(events[streamed]);
    };
    bool ok = true;
    try {
      if (observer) observer->started(run);
    } catch (const Error& e) {
      recordFailure(e, Origin{}, result);
      ok = false;
    }
    stream();
    for (std::size_t i = 0; ok && i < scenario.steps.size(); ++i) {
      ok = runRecordedStep(run, scenario.steps[i], i, observer.get(), result);
      stream();
    }
    if (ok) finishRun(run, observer.get(), result);
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
