// Invariant 4, rollback correctness: after a rollback to revision R, live converges to
// the render of R. For a manual rollback (`argocd app rollback`, automated sync turned
// off) and a previous-sync rollback, R is the revision synced: once that sync succeeds,
// live equals R's render (unless someone drifted objects meanwhile; objects R lacks may
// stay, as the rollback does not prune), and the app is not
// auto-synced back to the bad revision until Git moves on. For a git-revert rollback, R
// is the revert commit: the history invariant checks the commit, convergence the rest.
#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/scenario/expectations.hpp"

namespace gs::fuzz {

namespace {

class Rollback : public Invariant {
 public:
  Rollback() : Invariant("rollback") {}

  void afterStep(scenario::RunContext& run, const scenario::Step& step) override {
    if (std::holds_alternative<scenario::DriftStep>(step.action)) {
      for (auto& [app, pending] : pending_) pending.drifted = true;
    }
    forNewEvents(run, cursor_, [&](const Event& e) {
      const std::string app = appOfActor(e.actor);
      if (e.type == "rollback" && e.details.value("policy", "") == "previous-sync") {
        pending_[app] = Pending{e.details.value("to", ""), "previous-sync rollback", false};
        heldFrom_[app] = e.details.value("from", "");
      } else if (e.type == "sync.requested") {
        const std::string reason = e.details.value("reason", "");
        const std::string revision = e.details.value("revision", "");
        if (reason.rfind("rollback to ", 0) == 0) pending_[app] = Pending{revision, "manual " + reason, false};
        if (reason == "manual" && heldFrom_.count(app) && heldFrom_[app] == revision) heldFrom_.erase(app);  // synced by hand
        if (reason == "auto-sync" && heldFrom_.count(app) && heldFrom_[app] == revision) {
          violated("app " + app + " was auto-synced back to " + revision.substr(0, 7) + ", the revision a previous-sync rollback moved away from");
        }
      } else if (e.type == "app.status" && heldFrom_.count(app) && e.details.value("revision", "") != heldFrom_[app]) {
        heldFrom_.erase(app);  // Git moved on
      }
    });
    for (auto it = pending_.begin(); it != pending_.end();) {
      const auto& [app, p] = *it;
      sync::AppController* controller = run.world.app(app);
      if (controller == nullptr || !controller->status().operation) {
        ++it;
        continue;
      }
      const sync::OperationState& op = *controller->status().operation;
      if (op.phase == sync::OperationPhase::Running && op.revision == p.revision) {
        ++it;
        continue;
      }
      if (op.revision == p.revision && op.phase == sync::OperationPhase::Succeeded && !p.drifted) {
        // Rollbacks sync without prune (as `argocd app rollback` without --prune): objects
        // R lacks may stay; everything R has must be as R says.
        if (auto f = scenario::checkLiveMatchesRevision(run, app, p.revision, false)) {
          violated("after the " + p.what + " of app " + app + " to " + p.revision.substr(0, 7) + " succeeded: " + f->message, f->diff);
        }
      }
      it = pending_.erase(it);  // checked, failed, or superseded by another operation
    }
  }

 private:
  struct Pending {
    std::string revision;
    std::string what;
    bool drifted = false;  // a drift step ran since: live may differ from R legitimately
  };
  std::size_t cursor_ = 0;
  std::map<std::string, Pending> pending_;
  std::map<std::string, std::string> heldFrom_;  // app -> bad revision a previous-sync rollback left
};

}  // namespace

std::unique_ptr<Invariant> makeRollback() { return std::make_unique<Rollback>(); }

}  // namespace gs::fuzz
