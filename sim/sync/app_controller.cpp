#include "sim/sync/app_controller.hpp"

#include <algorithm>

#include "sim/core/error.hpp"
#include "sim/core/hash.hpp"
#include "sim/core/json_dump.hpp"
#include "sim/sync/hooks.hpp"

namespace gs::sync {

namespace {

constexpr int kPriority = 4;

// The diff kept in an app.status event (what the run report shows for OutOfSync): whole
// for the usual few objects, cut at a line for a big app.
std::string boundedDiff(std::string text) {
  constexpr std::size_t kMaxDiffBytes = 16 * 1024;
  if (text.size() <= kMaxDiffBytes) return text;
  const auto cut = text.rfind('\n', kMaxDiffBytes);
  const std::size_t total = text.size();
  text.resize(cut == std::string::npos ? kMaxDiffBytes : cut + 1);
  return text + "... (" + std::to_string(total - text.size()) + " more bytes of diff)\n";
}

// A UTC instant as Go's time.Kitchen layout writes it: "3:04PM".
std::string kitchenTime(std::int64_t unixSeconds) {
  const std::int64_t daySeconds = ((unixSeconds % 86400) + 86400) % 86400;
  const std::int64_t hour = daySeconds / 3600, minute = daySeconds / 60 % 60;
  const std::int64_t twelve = hour % 12 == 0 ? 12 : hour % 12;
  return std::to_string(twelve) + ":" + (minute < 10 ? "0" : "") + std::to_string(minute) + (hour < 12 ? "AM" : "PM");
}

}  // namespace

const char* toString(DeliberateBug bug) {
  switch (bug) {
    case DeliberateBug::SkipPrune: return "skip-prune";
    case DeliberateBug::LateSelfHeal: return "late-self-heal";
    case DeliberateBug::None: break;
  }
  return "none";
}

std::optional<DeliberateBug> deliberateBugNamed(std::string_view name) {
  for (DeliberateBug bug : {DeliberateBug::None, DeliberateBug::SkipPrune, DeliberateBug::LateSelfHeal}) {
    if (name == toString(bug)) return bug;
  }
  return std::nullopt;
}

Duration RetryPolicy::backoff(int attempt) const {
  Duration d = duration;
  for (int i = 1; i < attempt && d < maxDuration; ++i) d *= std::max(1, factor);
  return std::min(d, maxDuration);
}

AppController::AppController(Context ctx, Application app, ControllerOptions options)
    : ctx_(ctx), app_(std::move(app)), options_(options) {
  if (app_.name.empty()) throw Error::invalid("an application needs a name");
  ctx_.workspace.server(app_.repo);  // must exist
}

AppController::AppController(Context ctx, AppRecord record, ControllerOptions options) : AppController(ctx, record.app, options) {
  status_ = std::move(record.status);
  lastAutoSyncedState_ = std::move(record.lastAutoSyncedState);
  rolledBack_ = std::move(record.rolledBack);
  gaveUpOn_ = std::move(record.gaveUpOn);
  rollbackTarget_ = std::move(record.rollbackTarget);
  nextHistoryId_ = record.nextHistoryId;
  operationOptions_ = std::move(record.operationOptions);
  operationReason_ = std::move(record.operationReason);
  operationAutomated_ = record.operationAutomated;
  selfHealAttempts_ = record.selfHealAttempts;
  resumeOperation_ = status_.operation && status_.operation->phase == OperationPhase::Running;
}

AppRecord AppController::record() const {
  AppRecord r;
  r.app = app_;
  r.status = status_;
  if (operation_) r.status.operation = operation_->state();
  r.lastAutoSyncedState = lastAutoSyncedState_;
  r.rolledBack = rolledBack_;
  r.gaveUpOn = gaveUpOn_;
  r.rollbackTarget = rollbackTarget_;
  r.nextHistoryId = nextHistoryId_;
  r.operationOptions = operationOptions_;
  r.operationReason = operationReason_;
  r.operationAutomated = operationAutomated_;
  r.selfHealAttempts = selfHealAttempts_;
  return r;
}

AppController::~AppController() {
  if (pushObserver_ != 0) ctx_.workspace.unsubscribe(pushObserver_);
  for (auto* event : {&refreshEvent_, &soonEvent_, &selfHealEvent_, &retryEvent_, &graceEvent_, &webhookEvent_, &failedDeployEvent_}) {
    if (*event) ctx_.loop.cancel(**event);
  }
}

void AppController::log(const std::string& type, Json details) {
  if (ctx_.log != nullptr) ctx_.log->append(Event{ctx_.loop.clock().now(), "app/" + app_.name, type, std::move(details)});
}

void AppController::start() {
  pushObserver_ = ctx_.workspace.subscribe([this](const git::PushEvent& e) {
    if (e.repo != app_.repo) return;
    if (ctx_.loop.clock().now() < dropWebhooksUntil_) {
      log("webhook.lost", Json{{"repo", e.repo}, {"commit", e.after}});
      return;
    }
    // A webhook is a request arriving after the push, never a call inside it: the
    // pusher (CI, or this controller's own git-revert) finishes first.
    if (webhookEvent_) return;
    webhookEvent_ = ctx_.loop.after(Duration::zero(), kPriority, "app/" + app_.name + " webhook", [this] {
      webhookEvent_.reset();
      refresh("webhook");
    });
  });
  if (resumeOperation_) {
    resumeOperation_ = false;
    const OperationState previous = *status_.operation;
    log("controller.restarted", Json{{"operation", "resumed"}, {"revision", previous.revision}});
    std::vector<Json> desired;
    Comparison comparison;
    try {
      auto rendered = desiredAt(previous.revision);
      comparison = compareFully(rendered);
      desired = *rendered;
    } catch (const Error& e) {
      log("sync.failed", Json{{"reason", "resume"}, {"error", e.message()}});
    }
    const std::string reason = operationReason_;
    operation_ = std::make_unique<SyncOperation>(SyncOperation::Context{ctx_.loop, ctx_.cluster, ctx_.log}, app_.name, app_.destinationNamespace,
                                                 std::move(desired), comparison, previous.revision, operationOptions_,
                                                 [this, reason](const OperationState& s) { onSyncDone(s, reason); });
    operation_->resume(previous);
  } else {
    reconcile("initial");
  }
  scheduleRefresh(options_.refreshInterval);
}

void AppController::scheduleRefresh(Duration after) {
  Duration jitter{0};
  if (options_.refreshJitter.count() > 0) jitter = Duration(static_cast<std::int64_t>(ctx_.rng.below(static_cast<std::uint64_t>(options_.refreshJitter.count()) + 1)));
  refreshEvent_ = ctx_.loop.after(after + jitter, kPriority, "app/" + app_.name + " refresh", [this] {
    refreshEvent_.reset();
    reconcile("poll");
    scheduleRefresh(options_.refreshInterval);
  });
}

void AppController::refresh(const std::string& reason) { reconcile(reason); }

void AppController::notifyLiveChange(const Json& object) {
  if (soonEvent_ || owningApp(object, app_.syncOptions.tracking) != app_.name) return;
  soonReason_ = "live-change";
  soonEvent_ = ctx_.loop.after(options_.liveChangeDelay, kPriority, "app/" + app_.name + " live change", [this] {
    soonEvent_.reset();
    const std::string reason = soonReason_;
    reconcile(reason);
  });
}

std::vector<Json> AppController::liveObjects() {
  if (ctx_.live == nullptr) return trackedObjects(ctx_.cluster, app_.name, app_.syncOptions.tracking);
  ctx_.live->update();
  return ctx_.live->trackedBy(app_.name);
}

bool AppController::compareInSync(const std::shared_ptr<const std::vector<Json>>& desired) {
  if (ctx_.live == nullptr) return false;
  const diff::DiffOptions options = compareOptions();
  if (preparedFor_ != desired) prepareSlots(desired, options);
  if (desiredHasHooks_ || slots_.size() != desired->size()) return false;
  ctx_.live->update();
  const std::uint64_t generation = ctx_.live->generation(app_.name);
  if (fastComparison_) {
    // Nothing this app tracks changed since the last in-sync verdict: it holds. Only a
    // few objects changed: look at those alone.
    if (generation == liveGeneration_) return true;
    if (auto keys = ctx_.live->changedSince(app_.name, liveGeneration_); keys && keys->size() <= slots_.size() / 8) {
      const auto verdict = recheckChanged(*keys);
      if (verdict != Recheck::WalkAll) {
        liveGeneration_ = generation;
        return fastComparison_ = verdict == Recheck::InSync;
      }
    }
  }
  liveGeneration_ = generation;
  // Walk every tracked object: is everything still in sync? A live object that kept its
  // pointer is the version seen last time, and its verdict against the (unchanged)
  // desired object holds; only changed live objects are prepared and compared again.
  std::size_t liveCount = 0;
  bool rebuild = !fastComparison_;
  std::vector<std::pair<const kube::ObjectKey*, const Slot*>> changed;  // live objects with a new version
  const LiveCache::TrackedMap& tracked = ctx_.live->trackedMap(app_.name);
  if (walkOrder_.size() != tracked.size()) walkOrder_.assign(tracked.size(), nullptr);
  std::size_t index = 0;
  for (const auto& [key, pointer] : tracked) {
    Slot*& s = walkOrder_[index++];
    if (s == nullptr || s->liveObject != pointer) {
      // Not the object this position held last time: find its slot by key.
      auto slot = slots_.find(key);
      if (slot == slots_.end()) {
        s = nullptr;
        if (hookSpecOf(*pointer).isHook()) continue;
        return fastComparison_ = false;  // an extra object: it needs pruning
      }
      s = &slot->second;
      if (s->liveObject != pointer) {
        const bool wasHook = s->liveHook;
        refreshSlot(*s, pointer);
        if (wasHook != s->liveHook) rebuild = true;
        changed.emplace_back(&key, s);
      }
    }
    if (s->liveHook) continue;
    ++liveCount;
    if (!s->inSync) return fastComparison_ = false;
  }
  if (liveCount != slots_.size()) return fastComparison_ = false;  // something is missing
  if (rebuild || comparison_.resources.size() != liveCount) {
    rebuildInSyncComparison(tracked);
  } else if (!changed.empty() && !updateHealth(changed)) {
    rebuildInSyncComparison(tracked);
  }
  return fastComparison_ = true;
}

void AppController::prepareSlots(const std::shared_ptr<const std::vector<Json>>& desired, const diff::DiffOptions& options) {
  // A new render. Most of its objects are the previous render's, unchanged: their slots
  // (preparation, live object and verdict) carry over whole. A changed object keeps its
  // slot's live side, prepared once per live version whatever Git says, and is compared
  // with it again.
  const std::vector<Json>* before = preparedFor_ ? preparedFor_.get() : nullptr;
  if (before != nullptr && preparedKeys_.size() != before->size()) before = nullptr;  // nothing to carry over
  // The previous render's objects by their key as written (objects may have come or gone
  // before them, so positions do not pair them).
  std::unordered_map<kube::ObjectKey, std::size_t, kube::ObjectKeyHash> beforeAt;
  if (before != nullptr) {
    for (std::size_t j = 0; j < before->size(); ++j) beforeAt.emplace(kube::objectKeyOf((*before)[j]), j);
  }
  auto previous = std::move(slots_);
  slots_.clear();
  std::vector<kube::ObjectKey> keys;
  keys.reserve(desired->size());
  walkOrder_.clear();
  desiredHasHooks_ = false;
  bool unique = true;
  for (const Json& o : *desired) {
    if (hookSpecOf(o).isHook()) desiredHasHooks_ = true;
    auto same = before != nullptr ? beforeAt.find(kube::objectKeyOf(o)) : beforeAt.end();
    if (same != beforeAt.end() && (*before)[same->second] == o) {
      if (auto node = previous.extract(preparedKeys_[same->second])) {
        node.mapped().source = &o;
        keys.push_back(node.key());
        unique = slots_.insert(std::move(node)).inserted && unique;
        continue;
      }
    }
    diff::PreparedObject p = diff::prepareDesired(o, options);
    keys.push_back(p.key());
    auto node = previous.extract(p.key());
    if (node && !slots_.contains(node.key())) {
      Slot& s = node.mapped();
      s.desired = std::move(p);
      s.source = &o;
      s.inSync = s.liveObject != nullptr && !s.liveHook && diff::inSync(s.desired, s.live);
      slots_.insert(std::move(node));
      continue;
    }
    auto [slot, fresh] = slots_.try_emplace(keys.back());
    unique = unique && fresh;
    slot->second = Slot{};
    slot->second.desired = std::move(p);
    slot->second.source = &o;
  }
  preparedKeys_ = unique ? std::move(keys) : std::vector<kube::ObjectKey>{};
  preparedFor_ = desired;
  fastComparison_ = false;
}

diff::DiffOptions AppController::compareOptions() const {
  diff::DiffOptions options;
  options.ignore = app_.ignoreDifferences;
  options.defaultNamespace = app_.destinationNamespace;
  options.lastAppliedCache = lastAppliedCache_;
  return options;
}

CompareOptions AppController::fullCompareOptions() const {
  CompareOptions compare;
  compare.destinationNamespace = app_.destinationNamespace;
  compare.diff = compareOptions();
  return compare;
}

void AppController::refreshSlot(Slot& s, const fake::ObjectPtr& pointer) {
  s.liveObject = pointer;
  s.liveHook = hookSpecOf(*pointer).isHook();
  s.live = diff::prepareLive(*pointer, compareOptions());
  s.liveHealth = trackedHealth(*pointer);
  s.inSync = !s.liveHook && diff::inSync(s.desired, s.live);
}

bool AppController::updateHealth(const std::vector<std::pair<const kube::ObjectKey*, const Slot*>>& changed) {
  // The same resources as the kept statuses, all in sync: only the changed ones' health
  // can differ.
  for (const auto& [key, slot] : changed) {
    auto r = std::lower_bound(comparison_.resources.begin(), comparison_.resources.end(), *key,
                              [](const ResourceStatus& a, const kube::ObjectKey& k) { return a.key < k; });
    if (r == comparison_.resources.end() || r->key != *key) return false;
    r->health = slot->liveHealth;
  }
  comparison_.health = appHealth(comparison_.resources);
  return true;
}

AppController::Recheck AppController::recheckChanged(const std::vector<kube::ObjectKey>& keys) {
  // Only objects that stayed (neither added nor removed) and stayed what they were (a
  // hook or not) are handled here; anything else walks every object.
  const LiveCache::TrackedMap& tracked = ctx_.live->trackedMap(app_.name);
  std::vector<std::pair<const kube::ObjectKey*, const Slot*>> changed;
  for (const auto& key : keys) {
    auto live = tracked.find(key);
    auto slot = slots_.find(key);
    if (live == tracked.end() || slot == slots_.end()) return Recheck::WalkAll;
    Slot& s = slot->second;
    if (s.liveObject == live->second) continue;
    if (s.liveObject == nullptr) return Recheck::WalkAll;
    const bool wasHook = s.liveHook;
    refreshSlot(s, live->second);
    if (wasHook != s.liveHook) return Recheck::WalkAll;
    if (!s.liveHook && !s.inSync) return Recheck::OutOfSync;
    changed.emplace_back(&live->first, &s);
  }
  if (!changed.empty() && !updateHealth(changed)) return Recheck::WalkAll;
  return Recheck::InSync;
}

void AppController::rebuildInSyncComparison(const LiveCache::TrackedMap& tracked) {
  // The tracked map is sorted by key, as the statuses are.
  Comparison out;
  out.resources.reserve(slots_.size());
  for (const auto& [key, pointer] : tracked) {
    auto slot = slots_.find(key);
    if (slot == slots_.end() || slot->second.liveHook) continue;
    ResourceStatus r;
    r.key = key;
    r.apiVersion = pointer->value("apiVersion", "");
    r.health = slot->second.liveHealth;
    out.resources.push_back(std::move(r));
  }
  out.health = appHealth(out.resources);
  out.sync = SyncStatus::Synced;
  comparison_ = std::move(out);
}

std::string AppController::hashOf(const std::vector<Json>& desired) {
  std::string dump;
  for (const auto& o : desired) dumpCompact(o, dump);
  return hex64(fnv1a64(dump));
}

std::shared_ptr<const std::vector<Json>> AppController::desiredAt(const std::string& sha) {
  // A commit's content never changes, nor do the app's path and render options: the last
  // revision's render stands, without asking the render cache (which looks up trees).
  if (lastRender_ && lastRenderedSha_ == sha) return lastRender_;
  auto objects = ctx_.renders.render(ctx_.workspace.server(app_.repo), sha, app_.path, app_.render);
  lastRenderedSha_ = sha;
  lastRender_ = withoutRepeats(std::move(objects));
  return lastRender_;
}

std::shared_ptr<const std::vector<Json>> AppController::withoutRepeats(std::shared_ptr<const std::vector<Json>> objects) {
  std::vector<RepeatedObject> repeated;
  auto kept = withoutRepeatedObjects(std::move(objects), app_.destinationNamespace, &repeated);
  for (const auto& r : repeated) {
    log("app.warning", Json{{"type", "RepeatedResourceWarning"},
                            {"message", "Resource " + r.key.group + "/" + r.key.kind + "/" + r.key.ns + "/" + r.key.name + " appeared " +
                                            std::to_string(r.copies) + " times among application resources."}});
  }
  return kept;
}

bool AppController::fullComparisonHolds(const std::shared_ptr<const std::vector<Json>>& desired) {
  if (ctx_.live == nullptr || fullComparedFor_ == nullptr || fullComparedFor_ != desired) return false;
  ctx_.live->update();
  return fullComparedGeneration_ == ctx_.live->generation(app_.name);
}

std::optional<Comparison> AppController::recompareSinceFull(const std::shared_ptr<const std::vector<Json>>& desired, const CompareOptions& options) {
  if (ctx_.live == nullptr || fullComparedFor_ == nullptr) return std::nullopt;
  std::vector<const Json*> changed;
  // A new render of the same objects (a commit that edits some of them): the changed ones.
  if (fullComparedFor_ != desired) {
    const std::vector<Json>& before = *fullComparedFor_;
    if (before.size() != desired->size()) return std::nullopt;
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (kube::objectKeyOf(before[i]) != kube::objectKeyOf((*desired)[i])) return std::nullopt;  // added, removed or moved
      if (before[i] != (*desired)[i]) changed.push_back(&(*desired)[i]);
    }
  }
  ctx_.live->update();
  const LiveCache::TrackedMap& tracked = ctx_.live->trackedMap(app_.name);
  std::vector<const Json*> live;
  live.reserve(tracked.size());
  if (fullComparedFast_) {
    if (tracked.size() != fullComparedCount_) return std::nullopt;  // an object came or went
    auto keys = ctx_.live->changedSince(app_.name, fullComparedGeneration_);
    if (!keys) return std::nullopt;
    std::sort(keys->begin(), keys->end());
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
    for (const auto& key : *keys) {
      auto now = tracked.find(key);
      if (now == tracked.end()) return std::nullopt;  // it went (and another came)
      changed.push_back(now->second.get());
    }
    for (const auto& [key, object] : tracked) live.push_back(object.get());
  } else {
    if (tracked.size() != fullComparedLive_.size()) return std::nullopt;
    auto then = fullComparedLive_.cbegin();
    for (auto now = tracked.begin(); now != tracked.end(); ++now, ++then) {
      if (now->first != then->first) return std::nullopt;  // an object came or went
      if (now->second != then->second) changed.push_back(now->second.get());
      live.push_back(now->second.get());
    }
  }
  if (changed.size() * 2 > tracked.size() + desired->size()) return std::nullopt;  // most of it: compare everything
  return recompareChanged(comparison_, *desired, live, changed, options);
}

void AppController::keepInSyncVerdict(const std::shared_ptr<const std::vector<Json>>& desired) {
  // comparison_ now comes from the fast path, at the live generation it walked.
  fullComparedFor_ = desired;
  fullComparedGeneration_ = liveGeneration_;
  fullComparedLive_.clear();
  fullComparedFast_ = true;
  fullComparedCount_ = ctx_.live->trackedMap(app_.name).size();
}

// A slot's preparation stands for an object compareApp meets when that object is the one
// the slot was prepared from (or an equal one), under the options the slots were prepared
// with (the app's ignore rules and destination namespace; no owned fields, no explicit
// last-applied). Equality is checked, not assumed: a walk that stopped early leaves later
// slots with an older live version.
class AppController::SlotPreparations : public diff::PreparedObjects {
 public:
  explicit SlotPreparations(const AppController& controller) : controller_(controller) {}

  const diff::PreparedObject* desired(const kube::ObjectKey& key, const Json& object, const diff::DiffOptions& options) const override {
    const Slot* s = slot(key, options);
    return s != nullptr && s->source != nullptr && *s->source == object ? &s->desired : nullptr;
  }
  const diff::PreparedObject* live(const kube::ObjectKey& key, const Json& object, const diff::DiffOptions& options) const override {
    const Slot* s = slot(key, options);
    return s != nullptr && s->liveObject && !s->liveHook && *s->liveObject == object ? &s->live : nullptr;
  }

 private:
  const Slot* slot(const kube::ObjectKey& key, const diff::DiffOptions& options) const {
    if (options.defaultNamespace != controller_.app_.destinationNamespace || options.lastApplied || !options.ignoredOwnedFields.is_null()) return nullptr;
    auto it = controller_.slots_.find(key);
    return it != controller_.slots_.end() ? &it->second : nullptr;
  }
  const AppController& controller_;
};

Comparison AppController::compareFully(const std::shared_ptr<const std::vector<Json>>& desired) {
  if (fullComparisonHolds(desired)) return comparison_;
  CompareOptions options = fullCompareOptions();
  const SlotPreparations slots(*this);
  if (preparedFor_ == desired) options.diff.prepared = &slots;
  if (auto partial = recompareSinceFull(desired, options)) return *std::move(partial);
  return compareApp(*desired, liveObjects(), options);
}

void AppController::reconcile(const std::string& reason) {
  // A refresh a live change asks for compares with the revision of the last comparison
  // (Argo CD's CompareWithRecent: new commits wait for a poll, a webhook or a refresh
  // someone asks for); every other refresh resolves the target revision again.
  const bool recent = (reason == "live-change" || reason == "degraded-grace") && !status_.revision.empty();
  // Such a refresh needs no remote while that revision's render is at hand: Argo CD
  // resolves a full SHA without ls-remote and the repo server answers from its manifest
  // cache, so drift is seen (and self-healed) through a Git outage.
  const bool cached = recent && lastRender_ != nullptr && lastRenderedSha_ == status_.revision;
  if (auto down = cached ? std::nullopt : ctx_.workspace.unavailability(app_.repo)) {
    status_.error = *down;
    log("refresh.failed", Json{{"reason", reason}, {"error", *down}});
    const VirtualTime now = ctx_.loop.clock().now();
    if (!repoErrorSince_) repoErrorSince_ = now;
    // Within the grace period the last comparison stands ("Ignoring temporary failed
    // attempt to compare app state against repo"); after it, or when someone asked for
    // this refresh, the app's sync status is Unknown.
    if (reason != "manual" && now - *repoErrorSince_ < options_.repoErrorGracePeriod) return;
    if (status_.sync != SyncStatus::Unknown) {
      status_.sync = SyncStatus::Unknown;
      log("app.status", Json{{"reason", reason},
                             {"revision", status_.revision},
                             {"sync", toString(status_.sync)},
                             {"health", toString(status_.health.status)},
                             {"message", "ComparisonError: Failed to load target state: " + *down}});
    }
    return;
  }
  repoErrorSince_.reset();
  std::shared_ptr<const std::vector<Json>> desired;
  std::string sha;
  try {
    sha = recent ? status_.revision : ctx_.workspace.server(app_.repo).resolve(app_.targetRevision);
    desired = desiredAt(sha);
    if (compareInSync(desired)) {
      keepInSyncVerdict(desired);
    } else {
      fastComparison_ = false;
      if (!fullComparisonHolds(desired)) {
        comparison_ = compareFully(desired);
        if (ctx_.live != nullptr) {
          fullComparedFor_ = desired;
          fullComparedGeneration_ = ctx_.live->generation(app_.name);  // compareFully brought the cache up to date
          fullComparedLive_ = ctx_.live->trackedMap(app_.name);
          fullComparedFast_ = false;
        }
      }
    }
  } catch (const Error& e) {
    status_.error = e.message();
    status_.sync = SyncStatus::Unknown;
    log("refresh.failed", Json{{"reason", reason}, {"error", e.message()}});
    return;
  } catch (const fake::ApiError& e) {  // listing the cluster failed
    status_.error = e.what();
    status_.sync = SyncStatus::Unknown;
    log("refresh.failed", Json{{"reason", reason}, {"error", e.what()}});
    return;
  }
  status_.error.clear();
  if (desired != hashedFor_) {
    desiredHash_ = hashOf(*desired);
    hashedFor_ = desired;
  }
  const bool changed = status_.sync != comparison_.sync || status_.health.status != comparison_.health.status || status_.revision != sha;
  status_.revision = sha;
  status_.sync = comparison_.sync;
  status_.health = comparison_.health;
  if (changed) {
    Json details{{"reason", reason}, {"revision", sha}, {"sync", toString(status_.sync)}, {"health", toString(status_.health.status)},
                 {"message", status_.health.message}};
    if (status_.sync == SyncStatus::OutOfSync) details["diff"] = boundedDiff(outOfSyncDiff(comparison_));
    log("app.status", std::move(details));
  }
  if (status_.health.status == HealthStatus::Healthy && status_.sync == SyncStatus::Synced) {
    for (auto& h : status_.history) {
      if (h.revision == status_.lastSyncedRevision) h.healthy = true;
    }
  }
  warnAboutSharedResources();
  watchForFailedDeploy();
  maybeAutoSync();
}

void AppController::warnAboutSharedResources() {
  // Argo CD's SharedResourceWarning: an object Git asks for exists, but another app's
  // tracking claims it. Logged when the set of such objects changes, not every refresh.
  std::set<std::string> shared;
  for (const auto& r : comparison_.resources) {
    if (!r.liveMissing) continue;
    fake::ObjectPtr live;
    try {
      live = ctx_.cluster.tryGet(r.key.group, r.key.kind, r.key.ns, r.key.name);
    } catch (const fake::ApiError&) {
    }
    if (!live) continue;
    const auto other = owningApp(*live, app_.syncOptions.tracking);
    if (other && *other != app_.name) shared.insert(r.key.kind + "/" + r.key.name + " is part of applications argocd/" + app_.name + " and " + *other);
  }
  if (shared == sharedWarnings_) return;
  for (const auto& message : shared) {
    if (!sharedWarnings_.contains(message)) log("app.warning", Json{{"type", "SharedResourceWarning"}, {"message", message}});
  }
  sharedWarnings_ = std::move(shared);
}

void AppController::watchForFailedDeploy() {
  const bool deployedDegraded = app_.rollback != RollbackPolicy::None && status_.health.status == HealthStatus::Degraded &&
                                !status_.lastSyncedRevision.empty() && status_.lastSyncedRevision == status_.revision &&
                                rolledBack_ != status_.revision && gaveUpOn_ != status_.revision && !(operation_ && operation_->running());
  if (!deployedDegraded) {
    degradedSince_.reset();
    if (graceEvent_) ctx_.loop.cancel(*graceEvent_);
    graceEvent_.reset();
    return;
  }
  if (!degradedSince_) degradedSince_ = ctx_.loop.clock().now();
  if (graceEvent_) return;
  const Duration left = app_.degradedGracePeriod - (ctx_.loop.clock().now() - *degradedSince_);
  graceEvent_ = ctx_.loop.after(std::max(left, Duration::zero()), kPriority, "app/" + app_.name + " degraded grace", [this] {
    graceEvent_.reset();
    reconcile("degraded-grace");
    if (degradedSince_ && ctx_.loop.clock().now() - *degradedSince_ >= app_.degradedGracePeriod) {
      failedDeploy("Degraded for " + formatDuration(ctx_.loop.clock().now() - *degradedSince_) + ": " + status_.health.message,
                   status_.lastSyncedRevision);
    }
  });
}

void AppController::failedDeploy(const std::string& why, const std::string bad) {
  if (app_.rollback == RollbackPolicy::None || rolledBack_ == bad || gaveUpOn_ == bad) return;
  if (app_.rollback == RollbackPolicy::GitRevert && ctx_.workspace.server(app_.repo).commitInfo(bad).authorName == kRollbackAuthor) {
    gaveUpOn_ = bad;
    degradedSince_.reset();
    // Reverting our own revert would bring back what it undid, and so on forever (a
    // failure that is not the manifests' fault, such as API errors, fails both).
    log("rollback.impossible", Json{{"policy", "git-revert"}, {"revision", bad}, {"reason", why},
                                    {"error", "the failing revision is a rollback revert itself; it stays, and syncs again when it can"}});
    return;
  }
  rolledBack_ = bad;
  degradedSince_.reset();
  if (app_.rollback == RollbackPolicy::PreviousSync) {
    auto good = std::find_if(status_.history.rbegin(), status_.history.rend(),
                             [&](const HistoryEntry& h) { return h.healthy && h.revision != bad; });
    if (good == status_.history.rend()) {
      log("rollback.impossible", Json{{"policy", "previous-sync"}, {"revision", bad}, {"reason", why}, {"error", "no earlier healthy sync in the history"}});
      rolledBack_.clear();  // nothing moved away from it: automated sync carries on
      gaveUpOn_ = bad;
      return;
    }
    log("rollback", Json{{"policy", "previous-sync"}, {"from", bad}, {"to", good->revision}, {"reason", why}});
    rollbackTarget_ = good->revision;
    startSync(good->revision, "rollback (previous-sync)", app_.syncOptions);
    return;
  }
  // git-revert: Git stays the single source of truth.
  git::Clone& clone = ctx_.workspace.clone("sync/" + app_.name, app_.repo);
  std::string error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    git::RemoteResult fetched = clone.fetch();
    if (!fetched.ok()) {
      error = fetched.message;
      break;
    }
    const std::string branch = app_.targetRevision == "HEAD" ? "main" : app_.targetRevision;
    if (!clone.resetToRemote(branch)) {
      error = "target revision " + app_.targetRevision + " is not a branch: git-revert needs one";
      break;
    }
    git::Signature who{kRollbackAuthor, "rollback@gitops-sim.invalid", ctx_.loop.clock().unixSeconds(), 0};
    std::string revert;
    try {
      revert = clone.repo().revert(branch, bad, who);
    } catch (const Error& e) {
      error = e.message();
      break;
    }
    // Logged before the push: the push's webhook starts the sync of the revert at once.
    log("rollback", Json{{"policy", "git-revert"}, {"from", bad}, {"revert", revert}, {"reason", why}});
    git::RemoteResult pushed = clone.push(branch);
    if (pushed.ok()) return;
    error = pushed.message;
    if (pushed.status != git::RemoteResult::Status::Rejected) break;
  }
  log("rollback.failed", Json{{"policy", "git-revert"}, {"revision", bad}, {"reason", why}, {"error", error}});
  rolledBack_.clear();  // nothing moved away from it: automated sync carries on
  gaveUpOn_ = bad;
}

bool AppController::wouldWipeOut() {
  if (!app_.automated || app_.automated->allowEmpty) return false;
  const bool allPrune = std::all_of(comparison_.resources.begin(), comparison_.resources.end(), [](const ResourceStatus& r) { return r.requiresPruning; });
  if (allPrune) {
    // Argo CD's autoSync starts no operation (a SyncError condition says why) and tries
    // again at the next refresh.
    // Argo CD 3 names the revisions as a Go slice prints: "[<sha>]".
    log("auto-sync.skipped",
        Json{{"revision", status_.revision}, {"message", "Skipping sync attempt to [" + status_.revision + "]: auto-sync will wipe out all resources"}});
  }
  return allPrune;
}

void AppController::maybeAutoSync() {
  if (!app_.automated || (operation_ && operation_->running()) || retryEvent_) return;
  if (status_.revision == rolledBack_) return;  // rolled back from: wait for Git to move on
  if (status_.sync == SyncStatus::Synced) return;
  if (!app_.automated->prune) {
    // Argo CD's autoSync does not start a sync that could only prune (and may not).
    const bool pruneOnly = std::all_of(comparison_.resources.begin(), comparison_.resources.end(), [](const ResourceStatus& r) {
      return r.hook || r.status == SyncStatus::Synced || r.requiresPruning;
    });
    if (pruneOnly) {
      log("auto-sync.skipped", Json{{"revision", status_.revision}, {"message", "need to prune extra resources only but automated prune is disabled"}});
      return;
    }
  }
  SyncOptions options = app_.syncOptions;
  options.prune = app_.automated->prune && options_.deliberateBug != DeliberateBug::SkipPrune;
  const std::string state = status_.revision + "|" + desiredHash_;
  if (state != lastAutoSyncedState_) {
    if (wouldWipeOut()) return;
    lastAutoSyncedState_ = state;
    return startSync(status_.revision, "auto-sync", options);
  }
  // Already attempted. A failed attempt (its retries spent) is not made again, with or
  // without selfHeal: Argo CD's "Skipping auto-sync: failed previous sync attempt".
  if (status_.operation && (status_.operation->phase == OperationPhase::Failed || status_.operation->phase == OperationPhase::Error)) {
    log("auto-sync.skipped", Json{{"revision", status_.revision},
                                  {"message", "Failed last sync attempt to [" + status_.operation->revision + "]: " + status_.operation->message}});
    return;
  }
  if (!app_.automated->selfHeal) {
    log("auto-sync.skipped", Json{{"revision", status_.revision}, {"message", "most recent sync was already to " + status_.revision.substr(0, 7) +
                                                                                 "; selfHeal is off, the drift stays"}});
    return;
  }
  if (selfHealEvent_) return;
  Duration wait = selfHealWait();
  if (options_.deliberateBug == DeliberateBug::LateSelfHeal) wait += std::chrono::minutes(1);
  log("self-heal.scheduled", Json{{"after", formatDuration(wait)}, {"attempt", selfHealAttempts_ + 1}});
  selfHealEvent_ = ctx_.loop.after(wait, kPriority, "app/" + app_.name + " self-heal", [this, options] {
    selfHealEvent_.reset();
    // Automated sync turned off meanwhile (a manual rollback): nothing to heal.
    if (!app_.automated || status_.sync == SyncStatus::Synced || (operation_ && operation_->running()) || wouldWipeOut()) return;
    // A selective sync of what is not Synced, as Argo CD's self-heal: no hooks, and
    // ignored fields of untouched objects stay as they are.
    SyncOptions selective = options;
    selective.resources.emplace();
    for (const auto& r : comparison_.resources) {
      if (!r.hook && r.status != SyncStatus::Synced) selective.resources->push_back(r.key);
    }
    // The operation carries the count on (SelfHealAttemptsCount), one more; a heal that
    // could not start leaves it as it was.
    const int attempts = selfHealAttempts_ + 1;
    const SyncOperation* before = operation_.get();
    startSync(status_.revision, "self-heal", selective);
    if (operation_.get() != before) selfHealAttempts_ = attempts;
  });
}

Duration AppController::selfHealWait() const {
  // Argo CD 3's selfHealRemainingBackoff: the backoff stepped as many times as the last
  // operation's self-heal count (none for the first heal: at once), less the time since
  // that operation finished.
  Duration delay = Duration::zero();
  if (selfHealAttempts_ > 0) {
    delay = options_.selfHealBackoff;
    for (int i = 1; i < selfHealAttempts_ && delay < options_.selfHealMax; ++i) delay *= options_.selfHealFactor;
    delay = std::min(delay, options_.selfHealMax);
  }
  if (status_.operation && status_.operation->phase != OperationPhase::Running) {
    delay -= ctx_.loop.clock().now() - status_.operation->finishedAt;
  }
  return std::max(delay, Duration::zero());
}

void AppController::sync(const std::optional<std::string>& revision, const std::string& reason, bool prune) {
  std::string sha;
  try {
    sha = ctx_.workspace.server(app_.repo).resolve(revision.value_or(app_.targetRevision));
  } catch (const Error& e) {
    log("sync.refused", Json{{"reason", reason}, {"error", e.message()}});
    throw;
  }
  SyncOptions options = app_.syncOptions;
  options.prune = prune;
  startSync(sha, reason, options);
}

void AppController::rollback(int id) {
  auto entry = std::find_if(status_.history.begin(), status_.history.end(), [&](const HistoryEntry& h) { return h.id == id; });
  if (entry == status_.history.end()) throw Error::invalid("application " + app_.name + " has no history entry " + std::to_string(id));
  if (app_.automated) {
    app_.automated.reset();  // as argocd app rollback: the rollback would be undone otherwise
    log("auto-sync.disabled", Json{{"reason", "rollback"}});
  }
  log("rollback", Json{{"policy", "manual"}, {"id", id}, {"from", status_.lastSyncedRevision}, {"to", entry->revision}});
  startSync(entry->revision, "rollback to " + std::to_string(id), app_.syncOptions);
}

void AppController::startSync(const std::string& revision, const std::string& reason, SyncOptions options) {
  if (options.respectIgnoreDifferences) options.respectIgnored = app_.ignoreDifferences;
  if ((operation_ && operation_->running()) || (retryEvent_ && reason != "retry")) {
    log("sync.refused", Json{{"reason", reason}, {"error", "another operation is already in progress"}});
    return;
  }
  std::shared_ptr<const std::vector<Json>> desired;
  Comparison comparison;
  try {
    desired = desiredAt(revision);
    // Syncing an app that is in sync at the render it last compared (a manual sync of a
    // Synced app): the in-sync fast path's comparison says all a sync needs (every
    // resource Synced, nothing to prune). Any other render is compared in full.
    if (desired == preparedFor_ && compareInSync(desired)) {
      keepInSyncVerdict(desired);
      comparison = comparison_;
    } else {
      comparison = compareFully(desired);
    }
  } catch (const Error& e) {
    log("sync.failed", Json{{"reason", reason}, {"revision", revision}, {"error", e.message()}});
    return;
  } catch (const fake::ApiError& e) {
    log("sync.failed", Json{{"reason", reason}, {"revision", revision}, {"error", e.what()}});
    return;
  }
  log("sync.requested", Json{{"reason", reason}, {"revision", revision}});
  // A new operation (not a retry of the last one) drops the last one's pending retry and
  // counts its own attempts, as each Argo CD operation carries its own retry state: a
  // retry left pending would otherwise sync the older revision after it.
  if (reason != "retry") {
    if (retryEvent_) ctx_.loop.cancel(*retryEvent_);
    retryEvent_.reset();
    retryAttempts_ = 0;
    operationAutomated_ = reason == "auto-sync" || reason == "self-heal";
    // Any other new operation starts with no self-heal count (self-heal sets its own).
    selfHealAttempts_ = 0;
  }
  // Argo CD decides "already attempted" from the last operation, whoever started it: a
  // manual sync of a revision means no automated one follows for it (even when this
  // controller has not refreshed to that revision yet, say after a lost webhook).
  lastAutoSyncedState_ = revision + "|" + (desired == hashedFor_ ? desiredHash_ : hashOf(*desired));
  operationOptions_ = options;
  operationReason_ = reason;
  operation_ = std::make_unique<SyncOperation>(SyncOperation::Context{ctx_.loop, ctx_.cluster, ctx_.log}, app_.name, app_.destinationNamespace,
                                               *desired, comparison, revision, options,
                                               [this, reason](const OperationState& s) { onSyncDone(s, reason); });
  status_.operation = operation_->state();
  operation_->start();
}

void AppController::onSyncDone(const OperationState& state, const std::string& reason) {
  status_.operation = state;
  // Argo CD records only successful full syncs: not failed ones, nor selective ones
  // (self-heal).
  if (state.phase == OperationPhase::Succeeded && !operationOptions_.resources) {
    status_.history.push_back(HistoryEntry{nextHistoryId_++, state.revision, state.finishedAt});
    const auto limit = static_cast<std::size_t>(std::max(1, app_.revisionHistoryLimit));
    if (status_.history.size() > limit) status_.history.erase(status_.history.begin(), status_.history.end() - static_cast<long>(limit));
  }
  // Automated operations retry as Argo CD's default when the app gives no policy.
  const RetryPolicy retry = operationAutomated_ && !app_.retryGiven ? RetryPolicy{5} : app_.retry;
  if (state.phase == OperationPhase::Succeeded) {
    status_.lastSyncedRevision = state.revision;
    if (rolledBack_ == state.revision) rolledBack_.clear();  // someone synced it by hand, and it worked
    if (rollbackTarget_ != state.revision) rollbackTarget_.clear();
    retryAttempts_ = 0;
  } else if (retry.limit != 0 && (retry.limit < 0 || retryAttempts_ < retry.limit)) {
    ++retryAttempts_;
    const Duration wait = retry.backoff(retryAttempts_);
    log("sync.retry", Json{{"attempt", retryAttempts_}, {"after", formatDuration(wait)}, {"reason", reason}});
    // Argo CD keeps the operation Running until its retries are spent, and says when the
    // next attempt comes (in Go's time.Kitchen, "3:04PM"): no other operation starts meanwhile.
    status_.operation->phase = OperationPhase::Running;
    status_.operation->message = state.message + ". Retrying attempt #" + std::to_string(retryAttempts_) + " at " +
                                 kitchenTime(ctx_.loop.clock().unixSeconds() + std::chrono::duration_cast<std::chrono::seconds>(wait).count()) + ".";
    const std::string revision = state.revision;
    // The same operation again: a retried self-heal stays selective, a manual sync keeps
    // its --prune.
    const SyncOptions options = operationOptions_;
    // startSync dropped any pending retry when this operation began; never leave two pending.
    if (retryEvent_) ctx_.loop.cancel(*retryEvent_);
    retryEvent_ = ctx_.loop.after(wait, kPriority, "app/" + app_.name + " retry", [this, revision, options] {
      retryEvent_.reset();
      startSync(revision, "retry", options);
    });
  } else {
    if (retryAttempts_ > 0) status_.operation->message = state.message + " (retried " + std::to_string(retryAttempts_) + " times).";
    retryAttempts_ = 0;
    // A failed deploy is a new revision that cannot be synced; a failed re-sync of the
    // revision already running (self-heal during an API outage) is not.
    const bool newRevision = state.revision != status_.lastSyncedRevision;
    // Nor is a failed sync of the rollback's own target (or a retry of it): that would
    // "roll back" the rollback and lose the hold on the bad revision.
    const bool ofRollback = reason == "rollback (previous-sync)" || state.revision == rollbackTarget_;
    if (!ofRollback && newRevision && !failedDeployEvent_) {
      // After this operation has unwound: a rollback starts another one.
      failedDeployEvent_ = ctx_.loop.after(Duration::zero(), kPriority, "app/" + app_.name + " failed deploy",
                                           [this, why = "sync failed: " + state.message, bad = state.revision] {
                                             failedDeployEvent_.reset();
                                             failedDeploy(why, bad);
                                           });
    }
  }
  // Look again right away, as the controller does after an operation.
  if (!soonEvent_) {
    soonEvent_ = ctx_.loop.after(Duration::zero(), kPriority, "app/" + app_.name + " after sync", [this] {
      soonEvent_.reset();
      reconcile("after-sync");
    });
  } else {
    // A live-change refresh is already on its way: it now compares with the latest
    // revision (Argo CD keeps the highest comparison level asked for).
    soonReason_ = "after-sync";
  }
}

}  // namespace gs::sync
