// Delivery metrics of a run, in virtual time, computed from its event log and Git: the
// DORA four (lead time from a source commit to Healthy in the cluster, deployment
// frequency, change failure rate, time to restore), time to detect drift, and syncs.
#pragma once

#include <optional>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/core/json.hpp"
#include "sim/scenario/world.hpp"

namespace gs::scenario {

struct DurationStats {
  int count = 0;
  std::optional<Duration> mean, median, max;
  Json toJson() const;
};

struct Metrics {
  DurationStats leadTime;         // commit pushed -> running Healthy and Synced
  int deployments = 0;            // revisions an app moved to with a successful sync
  double deploymentsPerDay = 0;   // over the virtual time simulated
  int failedDeployments = 0;      // revisions whose sync failed, or that went Degraded or were rolled back
  double changeFailureRate = 0;   // failedDeployments / revisions tried (0 with none)
  DurationStats timeToRestore;    // Degraded (or drifted) -> Healthy and Synced again
  DurationStats timeToDetectDrift;  // drift -> the app reports OutOfSync
  int syncs = 0;
  Duration virtualTime{0};
  Json toJson() const;
};

Metrics computeMetrics(World& world);

}  // namespace gs::scenario
