// Loads a scenario file (design.md §4) into a Scenario, strictly: unknown keys, wrong
// types, bad durations, unknown names (a pipeline writing back to a repo that does not
// exist, a step id used twice, a template naming nothing) are gs::Error (InvalidInput)
// with file:line:col and the key path. Nothing is ignored.
#pragma once

#include <string>
#include <string_view>

#include "sim/scenario/scenario.hpp"

namespace gs::scenario {

Scenario parseScenario(std::string_view text, const std::string& file);
Scenario loadScenarioFile(const std::string& path);

}  // namespace gs::scenario
