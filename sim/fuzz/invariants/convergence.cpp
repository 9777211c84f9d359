// Invariant 1, convergence (liveness): once faults stop and time has passed, every
// automated app with selfHeal is Synced to what Git says now (or, without prune, OutOfSync
// only by objects Git dropped), live equals an independent render of that revision
// (modulo normalization and ignore rules), and it is Healthy
// unless that revision names an image the registry does not have. Apps a previous-sync
// rollback holds back (Git has not moved on since) are the rollback invariant's business.
#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/scenario/expectations.hpp"

namespace gs::fuzz {

namespace {

class Convergence : public Invariant {
 public:
  Convergence() : Invariant("convergence") {}

  void afterStep(scenario::RunContext& run, const scenario::Step&) override {
    forNewEvents(run, cursor_, [&](const Event& e) {
      const std::string app = appOfActor(e.actor);
      if (e.type == "rollback" && e.details.value("policy", "") == "previous-sync") heldBack_[app] = e.details.value("from", "");
      if (e.type == "sync.requested" && e.details.value("reason", "") == "manual" && heldBack_[app] == e.details.value("revision", "")) heldBack_.erase(app);
    });
  }

  void finished(scenario::RunContext& run) override {
    afterStep(run, scenario::Step{});
    for (const auto& name : appNames(run)) {
      sync::AppController* app = run.world.app(name);
      if (app == nullptr) violated("the application controller is still down at the end of the healing phase");
      const auto& automated = app->app().automated;
      if (!automated || !automated->selfHeal) continue;
      const std::string head = run.world.workspace().server(app->app().repo).resolve(app->app().targetRevision);
      if (auto held = heldBack_.find(name); held != heldBack_.end() && held->second == head) continue;
      const auto& s = app->status();
      const std::string state = "[sync " + std::string(sync::toString(s.sync)) + ", health " + sync::toString(s.health.status) +
                                (s.health.message.empty() ? "" : " (" + s.health.message + ")") + ", revision " + s.revision.substr(0, 7) + "]";
      if (s.operation && s.operation->phase == sync::OperationPhase::Running) violated("app " + name + " is still syncing after the healing phase " + state);
      if (s.revision != head) violated("app " + name + " still compares revision " + s.revision.substr(0, 7) + ", Git is at " + head.substr(0, 7) + " " + state);
      // Without prune, objects Git dropped stay and keep the app OutOfSync: that is the
      // prune invariant's business; everything else must be in sync.
      bool onlyPrunable = !automated->prune;
      for (const auto& r : app->comparison().resources) onlyPrunable = onlyPrunable && (r.status == sync::SyncStatus::Synced || r.requiresPruning);
      if (s.sync != sync::SyncStatus::Synced && !onlyPrunable) violated("app " + name + " is not Synced after the healing phase " + state);
      if (auto f = scenario::checkLiveMatchesRevision(run, name, head, automated->prune)) violated(f->message, f->diff);
      auto desired = renderAt(run, name, head);
      const bool canBeHealthy = desired && !rendersMissingImage(run, *desired);
      if (canBeHealthy && s.health.status != sync::HealthStatus::Healthy) violated("app " + name + " is not Healthy after the healing phase " + state);
    }
  }

 private:
  std::size_t cursor_ = 0;
  std::map<std::string, std::string> heldBack_;  // app -> revision a previous-sync rollback moved away from
};

}  // namespace

std::unique_ptr<Invariant> makeConvergence() { return std::make_unique<Convergence>(); }

}  // namespace gs::fuzz
