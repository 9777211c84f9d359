// Runs one scenario step against the world: Git actions (commit, merge, revert), time
// (wait), drift, faults and their clearing, argocd-like commands (sync, refresh,
// rollback) and expectations, including `within` bounds. A step that cannot do what it
// says, or an expectation that does not hold, throws gs::Error (ExpectationFailed) at
// the step's position, carrying the live-vs-desired diff when there is one.
#pragma once

#include <string>

#include "sim/scenario/run_context.hpp"

namespace gs::scenario {

// An expectation failure with its diff (a gs::Error of class ExpectationFailed).
class ExpectationError : public Error {
 public:
  ExpectationError(const Origin& origin, std::string message, std::string diff)
      : Error(ErrorClass::ExpectationFailed, std::move(message), origin.where, origin.path), diff_(std::move(diff)) {}
  const std::string& diff() const { return diff_; }

 private:
  std::string diff_;
};

void runStep(const Step& step, RunContext& run);

// Advances virtual time by `d`, checking the scenario's timeout.
void advance(RunContext& run, Duration d, const Origin& origin);

}  // namespace gs::scenario
