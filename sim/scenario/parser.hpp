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
// The same from a document already in memory (no line numbers in errors).
Scenario parseScenarioDocument(const Json& document, const std::string& file);
// One more step for `scenario`, checked against its world and earlier steps (names,
// fault ids, step ids), as if it came next in the file. `path` names it in errors
// ("steps[7]"). The fuzzer builds scenarios this way, one step at a time.
Step parseStep(const Scenario& scenario, const Json& step, const std::string& path);

}  // namespace gs::scenario
