// Evaluates an expectation against the running world: app status, live fields, images,
// Git facts, events seen, pipeline runs and convergence (every app Synced and Healthy,
// and live equal to an independent render of its target revision). A failure says what
// was expected and what was found, with the live-vs-desired diff where there is one.
#pragma once

#include <optional>
#include <string>

#include "sim/scenario/run_context.hpp"

namespace gs::scenario {

struct CheckFailure {
  std::string message;  // "app web: health is Degraded, expected Healthy (...)"
  std::string diff;     // unified live-vs-desired diff, for live-state mismatches
};

// nullopt when every part of the expectation holds now.
std::optional<CheckFailure> check(const Expectation& expectation, RunContext& run);

// The convergence check alone (also used by `wait: {until: converged}`).
std::optional<CheckFailure> checkConverged(RunContext& run);

// Live objects of app `appName` (found by its tracking) against an independent render of
// commit `sha` of its source, modulo normalization and its ignore rules; nullopt when
// equal. Objects the app tracks that the render lacks count as differences unless
// `countExtra` is false (a sync without prune leaves them).
// `live`, when given, holds the objects the app tracks (listed once for many apps).
std::optional<CheckFailure> checkLiveMatchesRevision(RunContext& run, const std::string& appName, const std::string& sha, bool countExtra = true,
                                                     const std::vector<Json>* live = nullptr);

}  // namespace gs::scenario
