// The outputs of `gitops-sim run`: the console (one line per scenario, and for a failure
// the failing expectation, its diff, the last timeline events and the replay command),
// JUnit XML that GitLab and GitHub render, and JSON with each scenario's timeline and
// metrics.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/scenario/runner.hpp"

namespace gs::scenario {

// "PASS  name  (12m30s virtual, 0.08 s wall, log 1f2e...)".
std::string consoleLine(const ScenarioResult& result);
// Expected vs actual, diff, the last `tail` events, and the replay command.
std::string failureDetails(const ScenarioResult& result, std::size_t tail = 30);
// "N passed, N failed" (and invalid / errors when there are any).
std::string summaryLine(const std::vector<ScenarioResult>& results);
std::string replayCommand(const ScenarioResult& result);

std::string junitXml(const std::vector<ScenarioResult>& results);
Json jsonReport(const std::vector<ScenarioResult>& results);

// One timeline line: "   2m05s  app/web            sync.finished  {...}".
std::string timelineLine(const Event& event);

}  // namespace gs::scenario
