// The data model of the HTML run report, built from the JSON that `gitops-sim run
// --json` and `gitops-sim fuzz --json` write: an overview (pass/fail, virtual and wall
// time, DORA metrics per scenario and for the run), each scenario's timeline (see
// timeline.hpp) and, for a failure, the failing expectation (expected vs actual) and the
// live-vs-desired diff side by side; for a fuzz campaign, cases, coverage and each
// shrunk counterexample with its replay command. The page's script only draws it.
#pragma once

#include <string>

#include "sim/core/json.hpp"

namespace gs::report {

// A run report ({"kind": "run", ...}) from `gitops-sim run --json` output. Throws
// InvalidInput naming the field when the input is not such a report.
Json buildRunReport(const Json& run);

// A campaign report ({"kind": "campaign", ...}) from `gitops-sim fuzz --json` output.
Json buildCampaignReport(const Json& campaign);

// Either of the above, told apart by their fields.
Json buildReport(const Json& input);

// "app web: sync status is OutOfSync, expected Synced [...]" -> {"what": "app web: sync
// status", "actual": "OutOfSync", "expected": "Synced"}; null when the message does not
// have that shape.
Json splitExpectation(const std::string& message);

// Run-wide DORA metrics from the scenarios' own: counts summed, means weighted by count.
Json runMetrics(const Json& scenarios);

}  // namespace gs::report
