#include "sim/fuzz/harness.hpp"

#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/steps.hpp"

namespace gs::fuzz {

Harness::Harness(const Swarm& swarm, std::uint64_t seed, const std::filesystem::path& workspace, render::RenderCache* renders) {
  const std::string name = "fuzz-" + std::to_string(seed);
  head_ = worldDocument(swarm, seed, name);
  Json probe = head_;
  probe["steps"] = Json::array({Json{{"wait", "1s"}}});  // the parser wants a step; the real ones come one by one
  scenario_ = scenario::parseScenarioDocument(probe, name + ".yaml");
  scenario_.steps.clear();
  result_.file = scenario_.file;
  result_.name = name;
  result_.seed = seed;
  // Nobody looks at a case's repositories afterwards unless a folder was named: they live
  // in memory (the same SHAs and event log as on disk; the counterexample replays on disk).
  world_ = std::make_unique<scenario::World>(scenario_, seed, workspace, renders, workspace.empty() ? git::Storage::Memory : git::Storage::Disk);
  world_->start();
  run_ = std::make_unique<scenario::RunContext>(scenario::RunContext{*world_, {}, {}, {}, {}, 0, {}, {}});
  observer_ = makeInvariantObserver(scenario_);
  try {
    if (observer_) observer_->started(*run_);
  } catch (const scenario::ExpectationError& e) {
    result_.verdict = scenario::Verdict::Failed;
    result_.message = e.what();
  }
}

Harness::~Harness() = default;

bool Harness::run(const Json& step) {
  if (failed()) return false;
  const std::size_t index = scenario_.steps.size();
  scenario_.steps.push_back(scenario::parseStep(scenario_, step, "steps[" + std::to_string(index) + "]"));
  steps_.push_back(step);
  const scenario::Step& parsed = scenario_.steps.back();
  ++stepsRun_[parsed.kind];
  if (const auto* fault = std::get_if<scenario::FaultStep>(&parsed.action)) ++stepsRun_["fault:" + std::string(scenario::toString(fault->type))];
  return scenario::runRecordedStep(*run_, parsed, index, observer_.get(), result_);
}

void Harness::heal() {
  if (failed()) return;
  run(Json{{"clear", "all"}});
  run(Json{{"wait", "6m"}});
  for (const auto& app : kAppNames) {
    const sync::AppController* c = world_->app(app);
    if (c == nullptr || !c->status().operation) continue;
    const auto phase = c->status().operation->phase;
    if (phase == sync::OperationPhase::Failed || phase == sync::OperationPhase::Error) run(Json{{"sync", app}});
  }
  run(Json{{"wait", "10m"}});
  if (!failed()) scenario::finishRun(*run_, observer_.get(), result_);
}

Json Harness::document() const {
  Json doc = head_;
  doc["steps"] = steps_;
  return doc;
}

bool Harness::repoAvailable(const std::string& repo) { return !world_->workspace().unavailability(repo); }

bool Harness::filesUnchanged(const std::string& repo, const Json& files) {
  git::Repository& server = world_->workspace().server(repo);
  const std::string branch = world_->repoSpec(repo).branch;
  for (const auto& [path, content] : files.items()) {
    if (server.readFile(branch, path) != std::optional<std::string>(content.get<std::string>())) return false;
  }
  return true;
}

bool Harness::headHasParent(const std::string& repo) {
  git::Repository& server = world_->workspace().server(repo);
  return !server.commitInfo(world_->repoSpec(repo).branch).parents.empty();
}

bool Harness::controllerUp(const std::string& app) { return world_->app(app) != nullptr; }

std::size_t Harness::historySize(const std::string& app) {
  const sync::AppController* c = world_->app(app);
  return c == nullptr ? 0 : c->status().history.size();
}

bool Harness::exists(const std::string& group, const std::string& kind, const std::string& ns, const std::string& name) {
  auto object = world_->cluster().store().find(kube::ObjectKey{group, kind, ns, name});
  return object && !(*object)["metadata"].contains("deletionTimestamp");
}

bool Harness::namespaceActive(const std::string& ns) {
  auto object = world_->cluster().store().find(kube::ObjectKey{"", "Namespace", "", ns});
  return object && !(*object)["metadata"].contains("deletionTimestamp");
}

}  // namespace gs::fuzz
