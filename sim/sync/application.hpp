// An Argo CD Application, the fields gitops-sim reproduces: where the desired state
// comes from (repo, path, target revision), where it goes (destination namespace), and
// how it is kept there (automated sync with prune/selfHeal/allowEmpty, sync options,
// retry with backoff, ignoreDifferences, history limit).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/diff/ignore.hpp"
#include "sim/render/renderer.hpp"
#include "sim/sync/sync_operation.hpp"

namespace gs::sync {

struct RetryPolicy {
  int limit = 0;  // 0: no retries; negative: unlimited
  Duration duration = std::chrono::seconds(5);
  int factor = 2;
  Duration maxDuration = std::chrono::minutes(3);
  // The wait before retry `attempt` (1-based): duration * factor^(attempt-1), capped.
  Duration backoff(int attempt) const;
};

struct AutomatedPolicy {
  bool prune = false;
  bool selfHeal = false;
  bool allowEmpty = false;
};

// What to do when a deploy fails (beyond Argo CD; the mission asks for it): the synced
// revision stays Degraded past the grace period, or its sync fails after all retries.
enum class RollbackPolicy {
  None,          // leave it (Argo CD's behaviour)
  PreviousSync,  // sync the last revision that was healthy (until Git moves on)
  GitRevert,     // commit a revert of the offending commit; the normal flow converges
};

struct Application {
  std::string name;
  // source
  std::string repo;
  std::string path = ".";
  std::string targetRevision = "HEAD";
  render::RenderOptions render;
  // destination
  std::string destinationNamespace = "default";
  // sync policy
  std::optional<AutomatedPolicy> automated;
  SyncOptions syncOptions;  // CreateNamespace, PruneLast, ApplyOutOfSyncOnly, PrunePropagationPolicy, tracking
  RetryPolicy retry;
  // syncPolicy.retry was given. Without it automated operations still retry, with Argo
  // CD's default RetryStrategy{Limit: 5} (5 s, doubling, at most 3 min); manual ones do not.
  bool retryGiven = false;
  std::vector<diff::IgnoreRule> ignoreDifferences;
  int revisionHistoryLimit = 10;
  RollbackPolicy rollback = RollbackPolicy::None;
  Duration degradedGracePeriod = std::chrono::seconds(60);
};

}  // namespace gs::sync
