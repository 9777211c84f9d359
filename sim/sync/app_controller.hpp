// The application controller: Argo CD's reconcile loop for one Application on the
// virtual clock. Refresh (every refresh interval with seeded jitter, on a Git webhook
// for the app's repo, and soon after any change to a live object the app tracks):
// resolve the target revision, render it (render cache), compare with live, update sync
// status and health. Automated sync runs when the revision or the desired state changed
// since the last sync; with selfHeal, drift on an already-synced revision is synced again
// after the self-heal backoff (2 s, 6 s, 18 s ... capped at 5 min); without it the app
// stays OutOfSync. Self-heal is a selective sync of the resources that are not Synced.
// A revision whose last sync attempt failed (after its retries) is not synced again
// automatically, with or without selfHeal, until Git moves on or someone syncs by hand
// (Argo CD's "Failed last sync attempt" skip). A failed sync is retried with the app's
// retry backoff (automated ones with Argo CD's default of 5 retries when the app gives
// none). Successful full syncs are recorded in the history (trimmed to
// revisionHistoryLimit); rollback(id) syncs that revision and turns automated sync off,
// as the Argo CD UI does before `argocd app rollback`.
// Failed-deploy policies (Application::rollback): when the synced revision stays
// Degraded past the grace period, or its sync fails after all retries, `previous-sync`
// syncs the last revision that was healthy (and leaves the bad one alone until Git moves
// on), `git-revert` commits a revert of the offending commit as `gitops-sim-rollback`.
// Every decision is written to the event log.
#pragma once

#include <map>
#include <memory>
#include <unordered_map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/event_log.hpp"
#include "sim/core/hash.hpp"
#include "sim/core/event_loop.hpp"
#include "sim/core/rng.hpp"
#include "sim/git/workspace.hpp"
#include "sim/render/renderer.hpp"
#include "sim/sync/application.hpp"
#include "sim/sync/compare.hpp"
#include "sim/sync/live_cache.hpp"
#include "sim/sync/sync_operation.hpp"

namespace gs::sync {

// The author of git-revert rollback commits.
inline constexpr const char* kRollbackAuthor = "gitops-sim-rollback";

struct HistoryEntry {
  int id = 0;
  std::string revision;
  VirtualTime deployedAt;  // only successful full syncs are recorded
  bool healthy = false;  // the app was Healthy at this revision afterwards
};

struct AppStatus {
  SyncStatus sync = SyncStatus::Unknown;
  Health health{HealthStatus::Missing, {}};
  std::string revision;              // the target revision resolved at the last refresh
  std::string lastSyncedRevision;    // the revision of the last successful sync
  std::optional<OperationState> operation;  // the last (or running) sync
  std::vector<HistoryEntry> history;
  std::string error;                 // a refresh that failed (Git unreachable, bad manifests)
};

// The Application record: everything the controller needs to carry on after a restart
// (in Argo CD it lives in the Application resource's status). The rest is rebuilt from
// Git and the cluster.
struct AppRecord {
  Application app;
  AppStatus status;
  std::string lastAutoSyncedState;
  std::string rolledBack;
  std::string gaveUpOn;
  std::string rollbackTarget;
  int nextHistoryId = 1;
  SyncOptions operationOptions;  // of the operation in status.operation, if Running
  std::string operationReason;
  bool operationAutomated = false;
  int selfHealAttempts = 0;  // the last operation's SelfHealAttemptsCount
};

// Defects planted on purpose, to prove the fuzzer's invariant checkers can fail (the
// canary; docs/invariants.md). Never set outside tests and canary campaigns.
enum class DeliberateBug {
  None,
  SkipPrune,     // automated syncs never prune, whatever syncPolicy.automated.prune says
  LateSelfHeal,  // self-heal syncs start a minute after their backoff, past invariant 8's bound
};
// "none", "skip-prune", "late-self-heal": the names scenario files and --canary use.
const char* toString(DeliberateBug bug);
std::optional<DeliberateBug> deliberateBugNamed(std::string_view name);

struct ControllerOptions {
  Duration refreshInterval = std::chrono::seconds(180);
  Duration refreshJitter = std::chrono::seconds(0);  // up to this much added, from the seeded RNG
  Duration liveChangeDelay = std::chrono::seconds(1);
  Duration selfHealBackoff = std::chrono::seconds(2);
  int selfHealFactor = 3;
  Duration selfHealMax = std::chrono::minutes(5);
  // While the repository stays unreachable, the last comparison stands this long; then
  // the app is Unknown with a ComparisonError (Argo CD's repo error grace period; a
  // refresh someone asks for does not wait).
  Duration repoErrorGracePeriod = std::chrono::seconds(180);
  DeliberateBug deliberateBug = DeliberateBug::None;
};

class AppController {
 public:
  struct Context {
    EventLoop& loop;
    fake::ClusterClient& cluster;
    git::Workspace& workspace;
    render::RenderCache& renders;
    Rng& rng;
    EventLog* log = nullptr;
    LiveCache* live = nullptr;  // shared live state; without one each refresh lists the cluster
  };

  AppController(Context ctx, Application app, ControllerOptions options = {});
  // A controller taking over from a previous one (restart): a Running operation in the
  // record is resumed when start() is called.
  AppController(Context ctx, AppRecord record, ControllerOptions options = {});
  // The record to restart from.
  AppRecord record() const;
  ~AppController();
  AppController(const AppController&) = delete;
  AppController& operator=(const AppController&) = delete;

  // Starts refreshing (a first refresh at once).
  void start();
  // Refresh now (argocd app get --refresh); a Git webhook does the same.
  void refresh(const std::string& reason = "manual");
  // Sync now (argocd app sync [--prune]), at `revision` or the app's target revision.
  void sync(const std::optional<std::string>& revision = std::nullopt, const std::string& reason = "manual", bool prune = false);
  // Sync history entry `id` and turn automated sync off (argocd app rollback).
  void rollback(int id);
  // Lost webhooks: Git pushes until `until` trigger no refresh (polling still does).
  void dropWebhooksUntil(VirtualTime until) { dropWebhooksUntil_ = until; }
  // A live object changed (the world feeds this from the cluster's watch).
  void notifyLiveChange(const Json& object);

  const Application& app() const { return app_; }
  const AppStatus& status() const { return status_; }
  // How long a self-heal would wait from now (Argo CD 3's selfHealRemainingBackoff): 0
  // for the first heal of an operation, then selfHealBackoff x selfHealFactor^(n-1) up to
  // selfHealMax, less the time since the last operation finished.
  Duration selfHealWait() const;
  const Comparison& comparison() const { return comparison_; }

 private:
  void scheduleRefresh(Duration after);
  void reconcile(const std::string& reason);
  void maybeAutoSync();
  // allowEmpty off and every resource of the app would be pruned: logs why the automated
  // sync does not start (Argo CD's "auto-sync will wipe out all resources").
  bool wouldWipeOut();
  void startSync(const std::string& revision, const std::string& reason, SyncOptions options);
  void onSyncDone(const OperationState& state, const std::string& reason);
  void log(const std::string& type, Json details);
  std::shared_ptr<const std::vector<Json>> desiredAt(const std::string& sha);
  // The render with each repeated object kept once (its last copy), as Argo CD does.
  std::shared_ptr<const std::vector<Json>> withoutRepeats(std::shared_ptr<const std::vector<Json>> objects);
  // compareApp of `desired` against the live objects this app tracks, with the app's
  // settings; comparison_ itself when it is the full comparison of these very inputs.
  Comparison compareFully(const std::shared_ptr<const std::vector<Json>>& desired);
  bool fullComparisonHolds(const std::shared_ptr<const std::vector<Json>>& desired);
  // What "the desired state" is for the automated-sync rule (revision + this hash).
  static std::string hashOf(const std::vector<Json>& desired);
  std::vector<Json> liveObjects();
  // The in-sync fast path: compares prepared objects (desired prepared once per render,
  // live once per resourceVersion); true and comparison_ filled when everything is in
  // sync, false when a full comparison is needed.
  bool compareInSync(const std::shared_ptr<const std::vector<Json>>& desired);
  void watchForFailedDeploy();
  // Logs Argo CD's SharedResourceWarning for desired objects another app's tracking claims.
  void warnAboutSharedResources();
  // `bad`: the revision whose deploy failed (a copy: the status it comes from changes
  // while the rollback pushes).
  void failedDeploy(const std::string& why, std::string bad);

  Context ctx_;
  Application app_;
  ControllerOptions options_;
  AppStatus status_;
  Comparison comparison_;
  std::unique_ptr<SyncOperation> operation_;
  std::optional<EventId> refreshEvent_;
  std::optional<EventId> soonEvent_;
  std::string soonReason_;  // what the pending soonEvent_ refresh is for: "live-change" or "after-sync"
  std::optional<EventId> selfHealEvent_;
  std::optional<EventId> retryEvent_;
  std::optional<EventId> webhookEvent_;
  std::optional<EventId> failedDeployEvent_;
  int pushObserver_ = 0;
  int selfHealAttempts_ = 0;  // the running or last operation's self-heal count
  std::set<std::string> sharedWarnings_;  // the SharedResourceWarnings last logged
  int retryAttempts_ = 0;
  std::string lastAutoSyncedState_;  // revision + desired hash the last automated sync was for
  std::string desiredHash_;
  int nextHistoryId_ = 1;
  std::optional<VirtualTime> degradedSince_;
  std::optional<VirtualTime> repoErrorSince_;  // refreshes have failed since then
  std::optional<EventId> graceEvent_;
  std::string rolledBack_;  // the revision a failed-deploy rollback moved away from
  std::string gaveUpOn_;    // a failing git-revert commit of ours, which is not reverted again
  std::string rollbackTarget_;  // the revision a previous-sync rollback is syncing
  SyncOptions operationOptions_;
  std::string operationReason_;
  bool operationAutomated_ = false;  // started by auto-sync or self-heal (or a retry of one)
  bool resumeOperation_ = false;
  VirtualTime dropWebhooksUntil_{};
  std::shared_ptr<const std::vector<Json>> preparedFor_;  // the render desiredPrepared_ holds
  std::shared_ptr<const std::vector<Json>> hashedFor_;    // the render desiredHash_ is of
  std::string lastRenderedSha_;                           // desiredAt's last revision and its render
  std::shared_ptr<const std::vector<Json>> lastRender_;
  // Per desired object: its prepared form, and the live object's (with its hook flag,
  // health and in-sync verdict) as of the live cache's pointer to it, so an unchanged
  // refresh prepares and compares nothing.
  struct Slot {
    diff::PreparedObject desired;
    fake::ObjectPtr liveObject;  // held, so an equal pointer is the same version
    diff::PreparedObject live;
    bool liveHook = false;
    bool inSync = false;
    std::optional<Health> liveHealth;
    const Json* source = nullptr;  // the object of preparedFor_ that `desired` was prepared from
  };
  // The slots' preparations, offered to compareApp while the slots hold the render it compares.
  class SlotPreparations;
  std::unordered_map<kube::ObjectKey, Slot, kube::ObjectKeyHash> slots_;
  // The slot key of each object of preparedFor_, by position; empty when two objects
  // share a key (their slots are not reused).
  std::vector<kube::ObjectKey> preparedKeys_;
  void prepareSlots(const std::shared_ptr<const std::vector<Json>>& desired, const diff::DiffOptions& options);
  void rebuildInSyncComparison(const LiveCache::TrackedMap& tracked);
  diff::DiffOptions compareOptions() const;  // the app's ignore rules and namespace, for prepared objects
  CompareOptions fullCompareOptions() const;  // the same, for compareApp and recompareChanged
  void refreshSlot(Slot& slot, const fake::ObjectPtr& live);
  bool updateHealth(const std::vector<std::pair<const kube::ObjectKey*, const Slot*>>& changed);
  enum class Recheck { InSync, OutOfSync, WalkAll };
  Recheck recheckChanged(const std::vector<kube::ObjectKey>& keys);
  std::uint64_t liveGeneration_ = 0;  // the live cache's generation for this app at the last in-sync verdict
  std::vector<Slot*> walkOrder_;  // the slot of each tracked object, in the live cache's order, as of the last walk
  bool desiredHasHooks_ = false;
  bool fastComparison_ = false;  // comparison_ came from compareInSync and is still valid
  // The inputs of the last full comparison (compareApp), while comparison_ holds it: the
  // render and the live cache's generation for this app. A refresh with the same inputs
  // (an app left OutOfSync, refreshed every few minutes) reuses it.
  std::shared_ptr<const std::vector<Json>> fullComparedFor_;
  std::uint64_t fullComparedGeneration_ = 0;
  // The live objects that comparison saw: when some of them change (a rollout writing a
  // drifted Deployment's status), only those are compared again (recompareChanged).
  LiveCache::TrackedMap fullComparedLive_;
  // Or comparison_ is an in-sync verdict of the fast path (fullComparedFast_): then what
  // changed since is the live cache's change log from fullComparedGeneration_, and
  // fullComparedCount_ the number of objects the app tracked then. An app that drifts
  // from Synced compares the drifted objects alone.
  bool fullComparedFast_ = false;
  std::size_t fullComparedCount_ = 0;
  void keepInSyncVerdict(const std::shared_ptr<const std::vector<Json>>& desired);
  // Live objects' last-applied configurations, prepared once per annotation text (every
  // comparison of this app uses the same options).
  std::shared_ptr<diff::LastAppliedCache> lastAppliedCache_ = std::make_shared<diff::LastAppliedCache>();
  // `options`: fullCompareOptions(), with the slots' preparations when they hold this render.
  std::optional<Comparison> recompareSinceFull(const std::shared_ptr<const std::vector<Json>>& desired, const CompareOptions& options);
};

}  // namespace gs::sync
