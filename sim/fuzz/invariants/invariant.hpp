// The invariants of a correct GitOps system (docs/invariants.md), one checker per file.
// A checker watches a run: started() once the world is up, afterStep() after every step
// (the safety properties: nothing bad happened), finished() after the last step (the
// liveness properties, which assume the run ended with a healing phase: faults cleared
// and time given, as the fuzzer's runs do). A violation throws an ExpectationError whose
// message starts "invariant <name> violated:", so it fails the run like an expectation,
// in the fuzzer and in `gitops-sim run` on a scenario that lists `invariants:`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/run_context.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs::fuzz {

class Invariant {
 public:
  explicit Invariant(std::string name) : name_(std::move(name)) {}
  virtual ~Invariant() = default;
  const std::string& name() const { return name_; }

  virtual void started(scenario::RunContext&) {}
  virtual void afterStep(scenario::RunContext&, const scenario::Step&) {}
  virtual void finished(scenario::RunContext&) {}

 protected:
  [[noreturn]] void violated(const std::string& message, const std::string& diff = {}) const;

 private:
  std::string name_;
};

std::unique_ptr<Invariant> makeConvergence();     // 1
std::unique_ptr<Invariant> makeSourceOfTruth();   // 2
std::unique_ptr<Invariant> makeHistory();         // 3
std::unique_ptr<Invariant> makeRollback();        // 4
std::unique_ptr<Invariant> makePrune();           // 5
std::unique_ptr<Invariant> makeIdempotence();     // 6
std::unique_ptr<Invariant> makeStoreSanity();     // 7
std::unique_ptr<Invariant> makeSelfHeal();        // 8

// The checker for a name in scenario::kInvariantNames.
std::unique_ptr<Invariant> makeInvariant(const std::string& name);

// A run observer running the scenario's `invariants` (nullptr when it lists none).
std::unique_ptr<scenario::RunObserver> makeInvariantObserver(const scenario::Scenario& scenario);

}  // namespace gs::fuzz
