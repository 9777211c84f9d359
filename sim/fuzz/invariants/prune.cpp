// Invariant 5, prune semantics. With automated prune on, objects removed from Git are
// gone once a sync of the new revision has succeeded (safety, after every step: every
// object the app tracks is in the render of the revision its last automated sync
// succeeded on). With prune off they stay, and the app reports them (liveness, at the
// end: each tracked object Git no longer has is listed as requiring pruning, and the app
// is OutOfSync).
#include <set>

#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"

namespace gs::fuzz {

namespace {

std::set<std::string> keysOf(const std::vector<Json>& objects) {
  std::set<std::string> keys;
  for (const auto& o : objects) keys.insert(shortKey(o));
  return keys;
}

class Prune : public Invariant {
 public:
  Prune() : Invariant("prune") {}

  void afterStep(scenario::RunContext& run, const scenario::Step&) override {
    forNewEvents(run, cursor_, [&](const Event& e) {
      if (e.type != "sync.requested") return;
      // A retry repeats the operation it retries, with its options: it keeps that reason
      // (a retried rollback prunes no more than the rollback).
      const std::string reason = e.details.value("reason", "");
      if (reason != "retry") lastReason_[appOfActor(e.actor)] = reason;
    });
    for (const auto& name : appNames(run)) {
      sync::AppController* app = run.world.app(name);
      if (app == nullptr || !app->app().automated || !app->app().automated->prune || !app->status().operation) continue;
      const std::string reason = lastReason_[name];
      if (reason != "auto-sync" && reason != "self-heal") continue;  // manual syncs and rollbacks prune only when asked
      const sync::OperationState& op = *app->status().operation;
      if (op.phase != sync::OperationPhase::Succeeded) continue;
      if (checked_[name] == std::pair<std::string, std::int64_t>(op.revision, op.finishedAt.sinceStart.count())) continue;
      checked_[name] = {op.revision, op.finishedAt.sinceStart.count()};
      auto desired = renderAt(run, name, op.revision);
      if (!desired) continue;
      const auto keys = keysOf(*desired);
      for (const auto& object : trackedLive(run, name)) {
        const Json& live = *object;
        if (keys.count(shortKey(live)) == 0) {
          violated("app " + name + " prunes, and its " + reason + " of " + op.revision.substr(0, 7) + " succeeded, yet " + shortKey(live) +
                   " (not in Git at that revision) is still there");
        }
      }
    }
  }

  void finished(scenario::RunContext& run) override {
    for (const auto& name : appNames(run)) {
      sync::AppController* app = run.world.app(name);
      if (app == nullptr) continue;
      const auto& automated = app->app().automated;
      if (automated && automated->prune) continue;
      const auto& s = app->status();
      if (s.operation && s.operation->phase == sync::OperationPhase::Running) continue;
      auto desired = renderAt(run, name, s.revision);
      if (!desired) continue;
      const auto keys = keysOf(*desired);
      for (const auto& object : trackedLive(run, name)) {
        const Json& live = *object;
        if (keys.count(shortKey(live)) != 0) continue;
        bool reported = false;
        for (const auto& r : app->comparison().resources) reported = reported || (r.requiresPruning && r.key.name == live["metadata"].value("name", "") && r.key.kind == live.value("kind", ""));
        if (!reported) violated("app " + name + " does not prune; " + shortKey(live) + " is gone from Git at " + s.revision.substr(0, 7) + " but the app does not report it as requiring pruning");
        if (s.sync != sync::SyncStatus::OutOfSync) violated("app " + name + " has " + shortKey(live) + " to prune but reports " + sync::toString(s.sync));
      }
    }
  }

 private:
  std::size_t cursor_ = 0;
  std::map<std::string, std::string> lastReason_;  // app -> reason of its last requested operation (a retry's: the retried one's)
  std::map<std::string, std::pair<std::string, std::int64_t>> checked_;  // app -> operation checked
};

}  // namespace

std::unique_ptr<Invariant> makePrune() { return std::make_unique<Prune>(); }

}  // namespace gs::fuzz
