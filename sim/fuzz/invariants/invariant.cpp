#include "sim/fuzz/invariants/invariant.hpp"

#include "sim/scenario/steps.hpp"

namespace gs::fuzz {

void Invariant::violated(const std::string& message, const std::string& diff) const {
  throw scenario::ExpectationError(scenario::Origin{}, "invariant " + name_ + " violated: " + message, diff);
}

std::unique_ptr<Invariant> makeInvariant(const std::string& name) {
  if (name == "convergence") return makeConvergence();
  if (name == "source-of-truth") return makeSourceOfTruth();
  if (name == "history") return makeHistory();
  if (name == "rollback") return makeRollback();
  if (name == "prune") return makePrune();
  if (name == "idempotence") return makeIdempotence();
  if (name == "store") return makeStoreSanity();
  if (name == "self-heal") return makeSelfHeal();
  throw Error::internal("no invariant named " + name);
}

namespace {

// Runs the checkers in docs/invariants.md's order. At the end, the checkers that only
// look go before the ones that act on the world (idempotence syncs, self-heal drifts).
class InvariantObserver : public scenario::RunObserver {
 public:
  explicit InvariantObserver(const std::vector<std::string>& names) {
    for (const auto& name : scenario::kInvariantNames) {
      if (std::find(names.begin(), names.end(), name) != names.end()) checkers_.push_back(makeInvariant(name));
    }
  }
  void started(scenario::RunContext& run) override {
    for (auto& c : checkers_) c->started(run);
  }
  void afterStep(scenario::RunContext& run, const scenario::Step& step) override {
    for (auto& c : checkers_) c->afterStep(run, step);
  }
  void finished(scenario::RunContext& run) override {
    for (auto& c : checkers_) c->finished(run);
  }

 private:
  std::vector<std::unique_ptr<Invariant>> checkers_;
};

}  // namespace

std::unique_ptr<scenario::RunObserver> makeInvariantObserver(const scenario::Scenario& scenario) {
  if (scenario.invariants.empty()) return nullptr;
  return std::make_unique<InvariantObserver>(scenario.invariants);
}

}  // namespace gs::fuzz
