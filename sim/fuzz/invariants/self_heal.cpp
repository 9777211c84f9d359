// Invariant 8, self-heal. Off: no drift is reverted by the controller on its own: an
// automated app without selfHeal never starts a self-heal sync, nor an automated sync of
// the revision its last sync (of any kind) was for (safety, after every step; Argo CD's
// "one automated sync per commit" rule: a new commit anywhere in the repo does get one,
// and that sync reverts drift). On: every drift is reverted within its backoff bound (at
// the end, faults cleared: each automated app that is Synced gets a label Git sets on its
// Deployment edited by hand, unless it has selfHeal off and its last sync was for another
// revision, when nothing could be checked; with selfHeal the label is Git's again within
// liveChangeDelay + the app's self-heal wait at the time + 30 s; without, it is still the drifted one and the
// app reports OutOfSync). A label, not the replica count: the drift and its revert then
// cost the cluster no pods, and the random drift steps scale Deployments already.
#include <utility>

#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/sync/tracking.hpp"

namespace gs::fuzz {

namespace {

class SelfHeal : public Invariant {
 public:
  SelfHeal() : Invariant("self-heal") {}

  void afterStep(scenario::RunContext& run, const scenario::Step&) override {
    forNewEvents(run, cursor_, [&](const Event& e) {
      if (e.type != "sync.requested") return;
      const std::string name = appOfActor(e.actor);
      const std::string reason = e.details.value("reason", "");
      const std::string revision = e.details.value("revision", "");
      const std::string previous = std::exchange(lastRequested_[name], revision);
      sync::AppController* app = run.world.app(name);
      if (app == nullptr || !app->app().automated || app->app().automated->selfHeal) return;
      if (reason == "self-heal") violated("app " + name + " has selfHeal off, yet a self-heal sync of " + revision.substr(0, 7) + " started");
      if (reason == "auto-sync" && previous == revision) {
        violated("app " + name + " has selfHeal off, yet it auto-synced " + revision.substr(0, 7) + ", the revision its last sync was for (reverting drift)");
      }
    });
  }

  void finished(scenario::RunContext& run) override {
    afterStep(run, scenario::Step{});
    struct Probe {
      std::string app;
      std::string deployment;
      bool selfHeal;  // off: the drift must stay (only probed when the last sync was for the current revision)
      std::string label;
      Json desired;  // the label's value in Git (the app is Synced)
      std::string drifted;
    };
    std::vector<Probe> probes;
    fake::ObjectStore& store = run.world.cluster().store();
    for (const auto& name : appNames(run)) {
      sync::AppController* app = run.world.app(name);
      if (app == nullptr || !app->app().automated || app->status().sync != sync::SyncStatus::Synced) continue;
      if (app->status().operation && app->status().operation->phase == sync::OperationPhase::Running) continue;
      // Without selfHeal the drift stays only if the app's last sync was for the revision
      // it targets now; a new commit (even one elsewhere in the repo) gets an automated
      // sync, which reverts drift, as in Argo CD. When neither outcome would be checked,
      // there is nothing to probe.
      const bool selfHeal = app->app().automated->selfHeal;
      const bool staysIfOff = lastRequested_[name] == app->status().revision;
      if (!selfHeal && !staysIfOff) continue;
      for (const auto& object : trackedLive(run, name)) {
        const Json& live = *object;
        if (live.value("kind", "") != "Deployment") continue;
        const Json& labels = live["metadata"].value("labels", Json::object());
        // A label from Git: any but the tracking label, which decides whose object it is.
        auto label = labels.begin();
        while (label != labels.end() && (label.key() == sync::kInstanceLabel || !label->is_string())) ++label;
        if (label == labels.end()) continue;
        Json edited = live;
        const std::string drifted = label->get<std::string>() + "-edited-by-hand";
        edited["metadata"]["labels"][label.key()] = drifted;
        store.update(edited);
        run.world.record("invariant/self-heal", "drift.edited",
                         Json{{"app", name}, {"kind", "Deployment"}, {"name", live["metadata"]["name"]}, {"label", {{label.key(), drifted}}}});
        probes.push_back(Probe{name, live["metadata"].value("name", ""), selfHeal, label.key(), *label, drifted});
        break;
      }
    }
    if (probes.empty()) return;
    // The longest a heal may wait: the live change's delay, then each app's self-heal
    // backoff as it stands (its last operation's count, less the time since it ended).
    const auto& o = run.world.scenario().world.controller;
    Duration longestWait = Duration::zero();
    for (const auto& p : probes) {
      if (const sync::AppController* app = run.world.app(p.app); app != nullptr && p.selfHeal) longestWait = std::max(longestWait, app->selfHealWait());
    }
    const Duration bound = o.liveChangeDelay + longestWait + std::chrono::seconds(30);
    run.world.loop().runUntil(run.world.clock().now() + bound);
    for (const auto& p : probes) {
      const sync::AppController* app = run.world.app(p.app);
      for (const auto& object : trackedLive(run, p.app)) {
        const Json& live = *object;
        if (live.value("kind", "") != "Deployment" || live["metadata"].value("name", "") != p.deployment) continue;
        const Json value = live["metadata"].value("labels", Json::object()).value(p.label, Json());
        const std::string edit = "a label " + p.label + "=" + p.drifted + " set by hand on Deployment " + p.deployment;
        if (p.selfHeal && value != p.desired) {
          violated("app " + p.app + " has selfHeal on, yet " + edit + " was not back to " + p.desired.dump() + " within " +
                   formatDuration(bound) + " (it is " + value.dump() + ")");
        }
        if (!p.selfHeal && value != Json(p.drifted)) violated("app " + p.app + " has selfHeal off, yet " + edit + " was changed to " + value.dump());
        if (!p.selfHeal && app != nullptr && app->status().sync != sync::SyncStatus::OutOfSync) {
          violated("app " + p.app + " has selfHeal off and " + edit + ", yet reports " + sync::toString(app->status().sync));
        }
      }
    }
  }

 private:
  std::size_t cursor_ = 0;
  std::map<std::string, std::string> lastRequested_;  // app -> revision of its last sync request
};

}  // namespace

std::unique_ptr<Invariant> makeSelfHeal() { return std::make_unique<SelfHeal>(); }

}  // namespace gs::fuzz
