// One sync of an application, run step by step on the EventLoop as gitops-engine's sync
// context runs it: tasks ordered by phase, sync wave (`argocd.argoproj.io/sync-wave`,
// default 0), kind (namespaces, CRDs, service accounts... before workloads, Helm's
// install order) and name; each wave applied with client-side apply and the app's
// tracking; the next wave only once every resource of this one is healthy, after the
// 2 s wave delay; prune tasks in reverse wave order (or after everything with
// PruneLast). A resource going Degraded
// while its wave is awaited fails the operation.
// Hooks (hooks.hpp): PreSync, Sync and PostSync hooks run in their phase and the sync
// waits for them to complete (a Job or Pod that succeeds); a failed hook fails the sync;
// SyncFail hooks are created when the sync fails; delete policies are honoured.
// Sync options Replace=true (replace instead of apply) and RespectIgnoreDifferences=true
// (ignored fields keep their live values) are honoured. Validate=false changes nothing:
// as gitops-engine's kubectl apply does, writes name no fieldValidation directive, so the
// API server drops unknown fields (with warnings nobody reads) either way; a wrongly typed
// value fails the resource.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakecluster/cluster_client.hpp"
#include "sim/core/event_log.hpp"
#include "sim/core/event_loop.hpp"
#include "sim/sync/compare.hpp"
#include "sim/sync/hooks.hpp"

namespace gs::sync {

struct SyncOptions {
  bool prune = false;
  bool pruneLast = false;
  bool applyOutOfSyncOnly = false;
  bool createNamespace = false;
  fake::Propagation prunePropagation = fake::Propagation::Foreground;
  TrackingMethod tracking = TrackingMethod::Annotation;
  bool replace = false;                           // Replace=true
  bool validate = true;                           // Validate=false: accepted; see above
  bool skipDryRunOnMissingResource = false;       // SkipDryRunOnMissingResource=true: a kind the cluster does not serve yet is no error
  bool respectIgnoreDifferences = false;          // RespectIgnoreDifferences=true ...
  std::vector<diff::IgnoreRule> respectIgnored;   // ... with the app's ignoreDifferences (the controller fills it)
  // A selective sync (Argo CD's self-heal, `argocd app sync --resource`): only these
  // resources are applied or pruned, and no hook runs.
  std::optional<std::vector<kube::ObjectKey>> resources;
  Duration waveDelay = std::chrono::seconds(2);
  Duration healthPoll = std::chrono::seconds(1);
};

enum class OperationPhase { Running, Succeeded, Failed, Error };
const char* toString(OperationPhase phase);

struct ResourceResult {
  kube::ObjectKey key;
  std::string apiVersion;
  int wave = 0;
  std::string phase = "Sync";  // PreSync, Sync, PostSync, SyncFail
  std::string status;  // Synced, SyncFailed, Pruned, PruneSkipped
  std::string message;
  // gitops-engine's HookPhase of a task awaited after its apply: Running, then Succeeded
  // or Failed (a hook that failed, a resource that went Degraded, with its health message).
  std::string hookPhase;
};

struct OperationState {
  OperationPhase phase = OperationPhase::Running;
  std::string message;
  std::string revision;
  VirtualTime startedAt;
  VirtualTime finishedAt;
  std::vector<ResourceResult> resources;
};

// The kustomize-independent order of kinds in a sync (gitops-engine's kindOrder).
int syncKindOrder(const std::string& kind);
// An object's sync wave: its sync-wave annotation, else its Helm hook weight (0 when
// neither is a number).
int syncWave(const Json& object);

class SyncOperation {
 public:
  struct Context {
    EventLoop& loop;
    fake::ClusterClient& cluster;
    EventLog* log = nullptr;
  };
  using Done = std::function<void(const OperationState&)>;

  // `desired`: the render of `revision`; `comparison`: desired vs live just before.
  SyncOperation(Context ctx, std::string app, std::string destinationNamespace, std::vector<Json> desired, const Comparison& comparison,
                std::string revision, SyncOptions options, Done done = {});
  // Cancels the operation's pending steps (it must not outlive them otherwise).
  ~SyncOperation();
  SyncOperation(const SyncOperation&) = delete;
  SyncOperation& operator=(const SyncOperation&) = delete;
  void start();
  // Continues an operation a previous controller left Running (restart mid-sync): the
  // tasks `previous` records as done are not applied again; hooks already created are
  // awaited, not created again; the operation resumes at the last wave it reached.
  void resume(const OperationState& previous);
  const OperationState& state() const { return state_; }
  bool running() const { return state_.phase == OperationPhase::Running; }

 private:
  struct Task {
    Json object;  // desired (apply) or live (prune)
    kube::ObjectKey key;
    std::string apiVersion;
    int wave = 0;
    bool prune = false;
    SyncPhase phase = SyncPhase::Sync;
    HookSpec hook;  // isHook() for hooks
  };
  struct Waiting {
    kube::ObjectKey key;  // with the generated name for generateName hooks
    bool hook = false;
    HookSpec spec;
    bool pruned = false;  // pruned in this wave: the next one waits until it is gone
  };

  // What a task provides to others or needs from them (a namespace, a CRD's group/kind).
  using DependencyKey = std::function<std::optional<std::string>(const Task&)>;
  void moveDependenciesForward(const DependencyKey& provides, const DependencyKey& needs);
  // gitops-engine's getSyncTasks check, before the first wave and each later one: every
  // task's kind must be served in its apiVersion, unless a CRD of the sync defines it or
  // SkipDryRunOnMissingResource says it will come; otherwise the failing tasks are
  // recorded and the operation fails before anything (more) is applied.
  bool tasksValid();
  void runWave();
  void awaitHealth();
  // The latest result recorded for `key` (nullptr when none).
  ResourceResult* resultOf(const kube::ObjectKey& key);
  Json runHook(const Task& t);
  // The name a hook is created with: its own, or the one gitops-engine gives a
  // generateName hook.
  std::string hookName(const Task& t) const;

  void deleteHook(const kube::ObjectKey& key);
  void finish(OperationPhase phase, std::string message);
  void log(const std::string& type, Json details);

  Context ctx_;
  std::string app_;
  std::string namespace_;
  SyncOptions options_;
  Done done_;
  std::vector<Task> tasks_;
  std::vector<Task> syncFailHooks_;
  std::vector<Waiting> waiting_;
  bool moreAfterWaiting_ = false;
  // Whether the last wave was applied in this step of the operation (nothing awaited
  // since): gitops-engine then ends with "(all tasks run)", else "(no more tasks)".
  bool appliedThisStep_ = false;
  std::size_t next_ = 0;
  OperationState state_;
  std::vector<std::string> failedTasks_;  // what completed unsuccessfully, for the sync.finished event
  std::optional<EventId> pending_;
  std::map<std::string, ResourceResult> finished_;  // phase|key of tasks done before a restart
};

}  // namespace gs::sync
