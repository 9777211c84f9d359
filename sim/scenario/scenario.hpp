// What a scenario file says (design.md §4, docs/scenario-format.md): the world it starts
// from (repos, registry, pipelines, applications, controller and cluster knobs) and the
// steps it scripts, each with where it was written so run-time failures can point at
// the line. Values that name run-time facts ("{pipeline.web.last.tag}") are kept as
// template text and expanded when the step runs (see templates.hpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fakecluster/cluster_options.hpp"
#include "sim/ci/pipeline_spec.hpp"
#include "sim/core/clock.hpp"
#include "sim/core/error.hpp"
#include "sim/core/json.hpp"
#include "sim/sync/app_controller.hpp"
#include "sim/sync/application.hpp"

namespace gs::scenario {

struct RepoSpec {
  std::string name;
  std::string branch = "main";
  std::map<std::string, std::string> files;
};

struct RegistrySpec {
  std::vector<std::string> images;
  bool immutableTags = false;
};

struct ClusterSpec {
  fake::ClusterOptions options;
  std::vector<std::string> namespaces;  // created before the first step
  std::vector<Json> objects;            // unmanaged objects present before the first step
  std::vector<SourceLocation> objectLocations;  // where each object is written (for the API server's refusal)
};

struct WorldSpec {
  std::vector<RepoSpec> repos;
  RegistrySpec registry;
  std::vector<ci::PipelineSpec> pipelines;
  std::vector<sync::Application> applications;
  sync::ControllerOptions controller;
  ClusterSpec cluster;
};

// Where a step or expectation was written.
struct Origin {
  SourceLocation where;
  std::string path;  // "steps[3].expect.app"
};

// A live object named by a step or expectation. `apiVersion` is optional when the kind
// is unambiguous; the namespace defaults to the only application's destination.
struct ObjectRef {
  std::string apiVersion;
  std::string kind;
  std::string ns;
  std::string name;
  Origin origin;
};

struct AppExpect {
  std::string app;
  std::optional<std::string> sync, health, operation, revision, syncedRevision, healthMessage, operationMessage;
  std::optional<bool> automated;
  std::optional<int> historyLength;
};

struct LiveExpect {
  ObjectRef object;
  bool exists = true;
  std::vector<std::pair<std::string, Json>> fields;  // JSON pointer -> value (strings may hold templates)
  std::vector<std::string> absentFields;
};

struct ImageExpect {
  std::string reference;  // template
  bool exists = true;
};

struct GitExpect {
  std::string repo;
  std::string branch;
  std::optional<std::string> headMessage, headMessageContains, headAuthor;
  std::optional<int> commits;
  std::optional<std::string> filePath;
  std::optional<std::string> fileContent, fileContains;
  std::optional<bool> fileExists;
  bool historyKept = false;  // every commit the branch ever had is still reachable from it
};

struct EventsExpect {
  std::string type;  // exact, or a glob with *
  std::string app;   // "" = any actor
  std::string actor;
  std::optional<int> count, min, max;
  std::string since;  // step id; "" = the start
  Json where = Json::object();  // details that must match (a subset, strings may hold templates)
};

struct PipelineExpect {
  std::string pipeline;
  std::optional<std::string> lastStatus;
  std::optional<int> runs, succeeded, failed;
};

struct Expectation {
  std::optional<AppExpect> app;
  std::optional<LiveExpect> live;
  std::optional<ImageExpect> image;
  std::optional<GitExpect> git;
  std::optional<EventsExpect> events;
  std::optional<PipelineExpect> pipeline;
  bool converged = false;
  std::optional<Duration> within;
  std::string since;  // step id the `within` bound counts from ("" = this step)
  Origin origin;
};

struct CommitStep {
  std::string repo;
  std::string branch;  // "" = the repo's branch
  std::string from;    // for a new branch: where it starts ("" = the repo's branch)
  std::string message;
  std::string author = "dev";
  std::map<std::string, std::optional<std::string>> files;  // nullopt = delete
};

struct MergeStep {
  std::string repo, from, into, author = "dev", message;
  git::MergeMode mode = git::MergeMode::NoFastForward;
};

struct RevertStep {
  std::string repo, branch, commit = "HEAD", author = "dev";  // commit: a template
};

struct WaitStep {
  std::optional<Duration> duration;
  std::optional<Expectation> until;  // converged is Expectation::converged
  Duration limit = std::chrono::minutes(30);
};

struct DriftStep {
  ObjectRef object;
  std::vector<std::pair<std::string, Json>> set;
  std::vector<std::string> remove;
  bool remove_object = false;
  std::optional<long long> scale;
  std::optional<Json> create;
  bool drain = false;  // a Node: kubectl drain (cordon, then evict its pods but DaemonSet ones)
  std::string actor = "kubectl";
};

enum class FaultType { ImagePullError, CrashLoop, NeverReady, RegistryOutage, GitUnavailable, CiTestFailure, ApiErrors, ControllerRestart, WebhookLost };
const char* toString(FaultType type);

struct FaultStep {
  FaultType type = FaultType::CrashLoop;
  std::string id;
  std::optional<Duration> duration;  // nullopt: until a clear step
  // selectors (each fault type reads its own; docs/scenario-format.md lists which)
  std::string image = "*", ns = "*", pod = "*", labelSelector, host, repo, pipeline, app, kind = "*", name = "*";
  Duration crashAfter = std::chrono::seconds(5);
  std::optional<int> count;
  double rate = 1.0;
  int code = 500;
  std::vector<std::string> verbs;
  Duration downtime{0};
};

struct ClearStep {
  std::string id;  // "all" clears every fault
};

struct SyncStep {
  std::string app;
  std::string revision;  // template; "" = the target revision
  bool prune = false;    // argocd app sync --prune
};

struct RefreshStep {
  std::string app;  // "" = every app
};

struct RollbackStep {
  std::string app;
  std::optional<int> id;  // nullopt = the history entry before the current one
};

struct ExpectStep {
  Expectation expectation;
};

using StepAction = std::variant<CommitStep, MergeStep, RevertStep, WaitStep, DriftStep, FaultStep, ClearStep, SyncStep, RefreshStep, RollbackStep, ExpectStep>;

struct Step {
  std::string id;
  std::string kind;  // the action key: commit, merge, ...
  std::string description;
  StepAction action;
  Origin origin;
};

// The invariants docs/invariants.md defines, in its order.
inline const std::vector<std::string> kInvariantNames = {"convergence", "source-of-truth", "history", "rollback",
                                                         "prune", "idempotence", "store", "self-heal"};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  std::optional<std::uint64_t> seed;
  Duration timeout = std::chrono::hours(24);  // virtual time the whole scenario may take
  std::vector<std::string> tags;
  // Invariant checkers to run after every step and at the end (docs/invariants.md);
  // empty: none. Fuzzer counterexamples carry them so `gitops-sim run` replays the check.
  std::vector<std::string> invariants;
  WorldSpec world;
  std::vector<Step> steps;
};

}  // namespace gs::scenario
