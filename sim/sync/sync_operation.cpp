#include "sim/sync/sync_operation.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/sync/apply.hpp"

namespace gs::sync {

namespace {

constexpr int kPriority = 3;

Json withNamespace(Json object, const std::string& ns) {
  const kube::ObjectKey key = kube::objectKeyOf(object);
  if (kube::isNamespacedKind(key.group, key.kind) && key.ns.empty()) object["metadata"]["namespace"] = ns;
  return object;
}

}  // namespace

const char* toString(OperationPhase phase) {
  switch (phase) {
    case OperationPhase::Running: return "Running";
    case OperationPhase::Succeeded: return "Succeeded";
    case OperationPhase::Failed: return "Failed";
    case OperationPhase::Error: return "Error";
  }
  return "Error";
}

int syncKindOrder(const std::string& kind) {
  static const char* const kinds[] = {"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
                                      "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
                                      "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
                                      "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
                                      "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
                                      "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService"};
  constexpr int n = static_cast<int>(std::size(kinds));
  for (int i = 0; i < n; ++i) {
    if (kind == kinds[i]) return i - n;  // unknown kinds (custom resources) are 0: last
  }
  return 0;
}

namespace {

// strconv.Atoi of an annotation: an optional sign, then digits only; nullopt when the
// annotation is missing or is anything else.
std::optional<int> annotationInt(const Json& object, const char* key) {
  const Json* annotations = findMember(fake::objectAt(object, {"metadata"_key}), "annotations");
  const Json* value = annotations != nullptr ? findMember(*annotations, key) : nullptr;
  if (value == nullptr || !value->is_string()) return std::nullopt;
  std::string_view text = value->get_ref<const std::string&>();
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return number;
}

// "group/Kind" of the custom resources a CustomResourceDefinition defines; nullopt for
// any other object.
std::optional<std::string> definedGroupKind(const kube::ObjectKey& key, const Json& object) {
  if (key.kind != "CustomResourceDefinition" || key.group != "apiextensions.k8s.io") return std::nullopt;
  const Json& group = fake::at(object, {"spec"_key, "group"_key});
  const Json& kind = fake::at(object, {"spec"_key, "names"_key, "kind"_key});
  if (!group.is_string() || !kind.is_string()) return std::nullopt;
  return group.get<std::string>() + "/" + kind.get<std::string>();
}

}  // namespace

int syncWave(const Json& object) {
  // gitops-engine's syncwaves.Wave: the sync-wave annotation when it is a number, else
  // Helm's hook weight when that is one, else 0.
  if (auto wave = annotationInt(object, "argocd.argoproj.io/sync-wave")) return *wave;
  return annotationInt(object, "helm.sh/hook-weight").value_or(0);
}

SyncOperation::SyncOperation(Context ctx, std::string app, std::string destinationNamespace, std::vector<Json> desired,
                             const Comparison& comparison, std::string revision, SyncOptions options, Done done)
    : ctx_(ctx), app_(std::move(app)), namespace_(std::move(destinationNamespace)), options_(options), done_(std::move(done)) {
  state_.revision = std::move(revision);
  // An empty desired set is synced as any other (a manual sync with prune removes every
  // resource of the app): only automated sync guards against it (allowEmpty, in the app
  // controller), as Argo CD's autoSync does.
  auto selected = [&](const kube::ObjectKey& key) {
    return !options_.resources || std::find(options_.resources->begin(), options_.resources->end(), key) != options_.resources->end();
  };
  for (auto& object : desired) {
    Json o = withNamespace(std::move(object), namespace_);
    const kube::ObjectKey key = kube::objectKeyOf(o);
    const HookSpec hook = hookSpecOf(o);
    if (hook.skip) continue;
    if (options_.resources && (hook.isHook() || !selected(key))) continue;
    setTracking(o, app_, options_.tracking, namespace_);
    if (hook.isHook()) {
      for (SyncPhase phase : hook.phases) {
        Task t{o, key, o.value("apiVersion", ""), syncWave(o), false, phase, hook};
        (phase == SyncPhase::SyncFail ? syncFailHooks_ : tasks_).push_back(std::move(t));
      }
      continue;
    }
    const ResourceStatus* status = comparison.find(key);
    if (options_.applyOutOfSyncOnly && status != nullptr && status->status == SyncStatus::Synced) continue;
    tasks_.push_back(Task{o, key, o.value("apiVersion", ""), syncWave(o), false, SyncPhase::Sync, {}});
  }
  // Prune tasks: live objects Git no longer has, in reverse wave order (gitops-engine
  // swaps the prune waves symmetrically), or all after the last wave with PruneLast.
  std::vector<Task> prunes;
  for (const auto& r : comparison.resources) {
    if (!r.requiresPruning || !selected(r.key)) continue;
    Task t;
    t.key = r.key;
    t.apiVersion = r.apiVersion;
    t.object = r.diff.normalizedLive;
    t.wave = syncWave(r.diff.normalizedLive);
    t.prune = true;
    prunes.push_back(std::move(t));
  }
  std::vector<int> waves;
  for (const auto& p : prunes) waves.push_back(p.wave);
  std::sort(waves.begin(), waves.end());
  waves.erase(std::unique(waves.begin(), waves.end()), waves.end());
  for (auto& p : prunes) {
    auto at = std::find(waves.begin(), waves.end(), p.wave) - waves.begin();
    p.wave = waves[waves.size() - 1 - static_cast<std::size_t>(at)];
  }
  // PruneLast (for the app, or in the object's own sync-options) prunes after the last
  // wave of the Sync phase, prunes included (as they stand after the swap).
  int lastWave = 0;
  for (const auto& t : tasks_) {
    if (t.phase == SyncPhase::Sync) lastWave = std::max(lastWave, t.wave);
  }
  for (const auto& p : prunes) lastWave = std::max(lastWave, p.wave);
  for (auto& p : prunes) {
    if (options_.pruneLast || hasAnnotationOption(p.object, "argocd.argoproj.io/sync-options", "PruneLast=true")) p.wave = lastWave + 1;
    tasks_.push_back(std::move(p));
  }
  std::stable_sort(tasks_.begin(), tasks_.end(), [](const Task& a, const Task& b) {
    if (a.phase != b.phase) return a.phase < b.phase;
    if (a.wave != b.wave) return a.wave < b.wave;
    const int ka = syncKindOrder(a.key.kind), kb = syncKindOrder(b.key.kind);
    if (ka != kb) return ka < kb;
    return a.key.name < b.key.name;
  });
  // Namespaces before what lives in them, CRDs before their custom resources, whatever
  // their waves say.
  moveDependenciesForward(
      [](const Task& t) -> std::optional<std::string> {
        if (t.key.kind == "Namespace" && t.key.group.empty()) return t.key.name;
        return std::nullopt;
      },
      [this](const Task& t) -> std::optional<std::string> {
        // gitops-engine gives every task without a namespace the app's, cluster-wide
        // kinds included, before it orders them.
        const std::string& ns = t.key.ns.empty() ? namespace_ : t.key.ns;
        if (ns.empty()) return std::nullopt;
        return ns;
      });
  moveDependenciesForward([](const Task& t) { return definedGroupKind(t.key, t.object); },
                          [](const Task& t) -> std::optional<std::string> { return t.key.group + "/" + t.key.kind; });
}

void SyncOperation::moveDependenciesForward(const DependencyKey& provides, const DependencyKey& needs) {
  // gitops-engine's adjustDeps: a task another one needs, found after the first task that
  // needs it, moves to that task's place and takes its phase and wave. Prunes neither
  // provide nor need anything.
  std::map<std::string, std::size_t> firstUser;
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    if (tasks_[i].prune) continue;
    if (auto provided = provides(tasks_[i])) {
      const auto user = firstUser.find(*provided);
      if (user == firstUser.end()) continue;
      const std::size_t at = user->second;
      Task moved = std::move(tasks_[i]);
      moved.wave = tasks_[at].wave;
      moved.phase = tasks_[at].phase;
      std::move_backward(tasks_.begin() + static_cast<std::ptrdiff_t>(at), tasks_.begin() + static_cast<std::ptrdiff_t>(i),
                         tasks_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      tasks_[at] = std::move(moved);
      for (auto& [key, first] : firstUser) {
        if (first >= at) ++first;
      }
    } else if (auto needed = needs(tasks_[i])) {
      firstUser.emplace(*needed, i);
    }
  }
}

SyncOperation::~SyncOperation() {
  if (pending_) ctx_.loop.cancel(*pending_);
}

void SyncOperation::log(const std::string& type, Json details) {
  if (ctx_.log != nullptr) ctx_.log->append(Event{ctx_.loop.clock().now(), "sync/" + app_, type, std::move(details)});
}

bool SyncOperation::tasksValid() {
  // The group/kinds the sync's own CRDs define.
  std::set<std::string> defined;
  for (const auto* list : {&tasks_, &syncFailHooks_}) {
    for (const auto& t : *list) {
      if (auto groupKind = t.prune ? std::nullopt : definedGroupKind(t.key, t.object)) defined.insert(std::move(*groupKind));
    }
  }
  bool valid = true;
  for (const auto* list : {&tasks_, &syncFailHooks_}) {
    for (const auto& t : *list) {
      const auto served = ctx_.cluster.served(t.apiVersion, t.key.kind);
      if (served == fake::ClusterClient::Served::Yes) continue;
      // Not found: fine for a kind this sync's CRDs define or one said to come later.
      if (options_.skipDryRunOnMissingResource || defined.count(t.key.group + "/" + t.key.kind) != 0 ||
          (!t.prune && hasAnnotationOption(t.object, "argocd.argoproj.io/sync-options", "SkipDryRunOnMissingResource=true"))) {
        continue;
      }
      valid = false;
      // The discovery client's errors: a 404 for the group/version, or NotFound for the
      // kind as a resource of the group ("Widget.example.com \"\" not found").
      std::string message = served == fake::ClusterClient::Served::GroupVersionNotServed
                                ? std::string("the server could not find the requested resource")
                                : t.key.kind + (t.key.group.empty() ? "" : "." + t.key.group) + " \"\" not found";
      state_.resources.push_back(ResourceResult{t.key, t.apiVersion, t.wave, toString(t.phase), "SyncFailed", std::move(message), {}});
    }
  }
  if (!valid) finish(OperationPhase::Failed, "one or more synchronization tasks are not valid");
  return valid;
}

void SyncOperation::start() {
  state_.startedAt = ctx_.loop.clock().now();
  if (state_.phase != OperationPhase::Running) return finish(state_.phase, state_.message);
  log("sync.started", Json{{"revision", state_.revision}, {"tasks", tasks_.size()}});
  if (!tasksValid()) return;
  if (options_.createNamespace && !namespace_.empty()) {
    fake::ObjectPtr existing;
    try {
      existing = ctx_.cluster.tryGet("", "Namespace", "", namespace_);
    } catch (const fake::ApiError& e) {
      return finish(OperationPhase::Error, e.what());
    }
    if (!existing) {
      try {
        ctx_.cluster.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", namespace_}}}});
      } catch (const fake::ApiError& failed) {
        return finish(OperationPhase::Error, "creating namespace " + namespace_ + ": " + failed.what());
      }
    }
  }
  runWave();
}

void SyncOperation::deleteHook(const kube::ObjectKey& key) {
  try {
    fake::DeleteOptions del;
    del.propagation = fake::Propagation::Background;
    ctx_.cluster.remove(key.group, key.kind, key.ns, key.name, del);
  } catch (const fake::ApiError& e) {
    // Gone already is fine; any other failure leaves the hook behind (as Argo CD does, it
    // is deleted before its next run).
    if (e.code() != 404) log("hook.delete-failed", Json{{"hook", key.str()}, {"error", e.what()}});
  }
}

std::string SyncOperation::hookName(const Task& t) const {
  if (!t.key.name.empty()) return t.key.name;
  // gitops-engine names a generateName hook itself, so that the name is known before the
  // create: generateName + the revision's first 7 characters + the phase + the
  // operation's start in Unix seconds, in lower case.
  const std::string& revision = state_.revision;
  std::string postfix = (revision.size() >= 8 ? revision.substr(0, 7) : revision) + "-" + toString(t.phase) + "-" +
                        std::to_string(ctx_.loop.clock().epochSeconds() + state_.startedAt.sinceStart.count() / 1000);
  std::transform(postfix.begin(), postfix.end(), postfix.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return fake::stringAt(fake::objectAt(t.object, {"metadata"_key}), {"generateName"_key}) + postfix;
}

// Creates a hook (deleting an earlier run of it first, unless its policy says not to);
// returns the stored object.
Json SyncOperation::runHook(const Task& t) {
  kube::ObjectKey key = t.key;
  key.name = hookName(t);
  if (t.hook.beforeHookCreation) deleteHook(key);
  Json object = t.object;
  object["metadata"]["name"] = key.name;
  fake::dropResourceVersion(object);  // as kubectl create does
  fake::WriteOptions write;
  write.fieldValidation = fake::FieldValidation::Warn;  // as the apply: no directive sent
  return ctx_.cluster.create(std::move(object), write);
}

namespace {

std::string doneKey(const std::string& phase, const kube::ObjectKey& key) { return phase + "|" + key.str(); }

}  // namespace

void SyncOperation::resume(const OperationState& previous) {
  if (state_.phase != OperationPhase::Running) return finish(state_.phase, state_.message);
  const std::string revision = state_.revision;
  state_ = previous;
  state_.phase = OperationPhase::Running;
  state_.revision = revision;
  // The hook tasks were recorded under their created names; match them by declared key.
  for (const auto& r : previous.resources) {
    const kube::ObjectKey declared{r.key.group, r.key.kind, r.key.ns, r.key.name};
    finished_[doneKey(r.phase, declared)] = r;
  }
  for (const auto& t : tasks_) {
    for (const auto& r : previous.resources) {
      if (r.phase == toString(t.phase) && t.hook.isHook() && r.key.kind == t.key.kind && r.key.ns == t.key.ns &&
          (r.key.name == t.key.name || (t.key.name.empty() && r.key.name.rfind(t.object["metadata"].value("generateName", ""), 0) == 0))) {
        finished_[doneKey(r.phase, t.key)] = r;
      }
    }
  }
  // Resume at the group (phase, wave) of the last task done: earlier groups completed.
  std::size_t resumeAt = 0;
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    if (finished_.count(doneKey(toString(tasks_[i].phase), tasks_[i].key)) == 0) continue;
    resumeAt = i;
    while (resumeAt > 0 && tasks_[resumeAt - 1].phase == tasks_[i].phase && tasks_[resumeAt - 1].wave == tasks_[i].wave) --resumeAt;
  }
  next_ = resumeAt;
  log("sync.resumed", Json{{"revision", state_.revision}, {"done", finished_.size()}, {"task", next_}});
  runWave();
}

void SyncOperation::runWave() {
  if (!tasksValid()) return;
  if (next_ >= tasks_.size()) {
    // gitops-engine's words: a sync whose last wave applied in the same pass ends "(all
    // tasks run)"; one that had to wait for its last hooks first, or had no task, "(no more tasks)".
    return finish(OperationPhase::Succeeded, appliedThisStep_ ? "successfully synced (all tasks run)" : "successfully synced (no more tasks)");
  }
  const int wave = tasks_[next_].wave;
  const SyncPhase phase = tasks_[next_].phase;
  waiting_.clear();
  bool failed = false;
  int pruned = 0;
  for (; next_ < tasks_.size() && tasks_[next_].wave == wave && tasks_[next_].phase == phase; ++next_) {
    const Task& t = tasks_[next_];
    if (auto done = finished_.find(doneKey(toString(phase), t.key)); done != finished_.end()) {
      // Done before a restart: await it again, never apply it twice.
      if (!t.prune && done->second.status == "Synced") waiting_.push_back(Waiting{done->second.key, t.hook.isHook(), t.hook});
      continue;
    }
    ResourceResult result{t.key, t.apiVersion, wave, toString(phase), {}, {}, {}};
    appliedThisStep_ = true;
    try {
      if (t.prune) {
        if (!options_.prune) {
          result.status = "PruneSkipped";
          result.message = "ignored (requires pruning)";
        } else if (hasAnnotationOption(t.object, "argocd.argoproj.io/sync-options", "Prune=false")) {
          // The live object asks not to be pruned (sync-options Prune=false).
          result.status = "PruneSkipped";
          result.message = "ignored (no prune)";
        } else {
          fake::DeleteOptions del;
          del.propagation = options_.prunePropagation;
          ctx_.cluster.remove(t.key.group, t.key.kind, t.key.ns, t.key.name, del);
          result.status = "Pruned";
          result.message = "pruned";
          ++pruned;
          waiting_.push_back(Waiting{t.key, false, {}, true});
        }
      } else if (t.hook.isHook()) {
        Json created = runHook(t);
        result.key = kube::objectKeyOf(created);
        result.status = "Synced";
        result.message = t.key.kind + "/" + result.key.name + " created";
        result.hookPhase = "Running";
        waiting_.push_back(Waiting{result.key, true, t.hook});
      } else {
        ApplyOptions apply;
        // Replace=true for the app, or in the manifest's own sync-options.
        apply.replace = options_.replace || hasAnnotationOption(t.object, "argocd.argoproj.io/sync-options", "Replace=true");
        apply.respectIgnored = options_.respectIgnored;
        applyObject(ctx_.cluster, t.object, apply);
        result.status = "Synced";
        result.message = t.key.kind + "/" + t.key.name + " applied";
        waiting_.push_back(Waiting{t.key, false, {}});
      }
    } catch (const fake::ApiError& e) {
      result.status = "SyncFailed";
      result.message = e.what();
      failed = true;
    }
    state_.resources.push_back(std::move(result));
  }
  const auto applied = std::count_if(waiting_.begin(), waiting_.end(), [](const Waiting& w) { return !w.pruned; });
  log("sync.wave", Json{{"phase", toString(phase)}, {"wave", wave}, {"applied", applied}, {"pruned", pruned}});
  if (failed) {
    // gitops-engine's message names the failed resources' messages, joined by commas.
    std::string reasons;
    for (const auto& r : state_.resources) {
      if (r.status != "SyncFailed" || r.wave != wave || r.phase != toString(phase)) continue;
      reasons += (reasons.empty() ? "" : ",") + r.message;
    }
    return finish(OperationPhase::Failed, "one or more objects failed to apply" + (reasons.empty() ? "" : ", reason: " + reasons));
  }
  moreAfterWaiting_ = next_ < tasks_.size();
  awaitHealth();
}

ResourceResult* SyncOperation::resultOf(const kube::ObjectKey& key) {
  for (auto r = state_.resources.rbegin(); r != state_.resources.rend(); ++r) {
    if (r->key == key) return &*r;
  }
  return nullptr;
}

void SyncOperation::awaitHealth() {
  // Hooks must complete; other resources must be healthy when later waves follow.
  std::vector<Waiting> still;
  still.reserve(waiting_.size());
  for (auto& w : waiting_) {
    if (!w.hook && !moreAfterWaiting_) continue;
    fake::ObjectPtr live;
    try {
      live = ctx_.cluster.tryGet(w.key.group, w.key.kind, w.key.ns, w.key.name);
    } catch (const fake::ApiError&) {
    }
    if (!live) continue;  // gone already: nothing to wait for
    if (w.pruned) {
      // gitops-engine: "waiting for deletion of" a pruned object still terminating
      // (foreground deletion waits for its dependents) before the next wave.
      if (fake::terminating(*live)) still.push_back(std::move(w));
      continue;
    }
    auto health = resourceHealth(*live);
    if (!health || health->status == HealthStatus::Healthy) {
      if (w.hook) {
        if (ResourceResult* r = resultOf(w.key)) r->hookPhase = "Succeeded";
        if (w.spec.deleteOnSuccess) deleteHook(w.key);
      }
      continue;
    }
    if (health->status == HealthStatus::Degraded) {
      if (w.hook && w.spec.deleteOnFailure) deleteHook(w.key);
      // The task completed unsuccessfully: its result carries the health message, the
      // operation gitops-engine's words (the sync.finished event names the task too).
      if (ResourceResult* r = resultOf(w.key)) {
        r->hookPhase = "Failed";
        r->message = health->message;
      }
      failedTasks_.push_back((w.hook ? "hook " : "") + w.key.str() + (w.hook ? " failed: " : " is Degraded: ") + health->message);
      return finish(OperationPhase::Failed, "one or more synchronization tasks completed unsuccessfully");
    }
    still.push_back(std::move(w));
  }
  waiting_ = std::move(still);
  if (!waiting_.empty()) {
    appliedThisStep_ = false;
    pending_ = ctx_.loop.after(options_.healthPoll, kPriority, "sync/" + app_ + " wave health", [this] {
      pending_.reset();
      awaitHealth();
    });
    return;
  }
  if (!moreAfterWaiting_) return runWave();
  pending_ = ctx_.loop.after(options_.waveDelay, kPriority, "sync/" + app_ + " next wave", [this] {
    pending_.reset();
    runWave();
  });
}

void SyncOperation::finish(OperationPhase phase, std::string message) {
  if (phase == OperationPhase::Failed) {
    for (const auto& t : syncFailHooks_) {
      ResourceResult result{t.key, t.apiVersion, t.wave, "SyncFail", "Synced", {}, {}};
      try {
        result.key = kube::objectKeyOf(runHook(t));
        result.message = t.key.kind + "/" + result.key.name + " created";
      } catch (const fake::ApiError& e) {
        result.status = "SyncFailed";
        result.message = e.what();
      }
      state_.resources.push_back(std::move(result));
    }
    if (!syncFailHooks_.empty()) {
      Json hooks = Json::array();
      for (const auto& r : state_.resources) {
        if (r.phase == "SyncFail") hooks.push_back(Json{{"hook", r.key.str()}, {"status", r.status}, {"message", r.message}});
      }
      log("sync.fail-hooks", Json{{"hooks", std::move(hooks)}});
    }
    syncFailHooks_.clear();
  }
  state_.phase = phase;
  state_.message = std::move(message);
  state_.finishedAt = ctx_.loop.clock().now();
  Json details{{"phase", toString(phase)}, {"message", state_.message}, {"revision", state_.revision}};
  if (!failedTasks_.empty()) details["failed"] = failedTasks_;
  log("sync.finished", std::move(details));
  if (done_) done_(state_);
}

}  // namespace gs::sync
