// The timeline of one scenario as the run report draws it: the run's event records
// (gitops-sim run --json) turned into swimlanes, one per actor of the flow (scenario
// steps, source repo, CI, registry, deployment repo, sync engine, cluster), with point
// marks (commits, image pushes, drift, rollbacks), bars (CI runs, sync operations with
// their waves), shaded windows (faults, drift until it is reverted, controller down
// time) and a strip per app of its sync status and health over time. All times are
// virtual milliseconds since the scenario started.
#pragma once

#include "sim/core/json.hpp"

namespace gs::report {

// The lanes, top to bottom: [{"id", "title"}].
const Json& laneDefinitions();

// {"lanes": [...], "marks": [...], "windows": [...], "strips": [...]} for a scenario of
// a run report. `scenario` needs "timeline" (the event records) and "virtualMs"; "world"
// (repo roles) is used when present. Each mark names the events it stands for by index.
Json buildTimeline(const Json& scenario);

}  // namespace gs::report
