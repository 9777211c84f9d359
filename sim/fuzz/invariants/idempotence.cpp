// Invariant 6, idempotence (at the end): syncing an app that is Synced writes nothing.
// Each Synced app (no operation running) is synced once more; when the operation has
// finished, every object the app tracks must be as it was: no spec, metadata or
// annotation changed (the resourceVersion may move only through status writes by the
// cluster's controllers, which are not the sync engine's doing). Only the last-applied
// annotation may catch up with Git (see withoutStatus).
#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/sync/apply.hpp"

namespace gs::fuzz {

namespace {

// An object without what the cluster itself keeps changing, and without the last-applied
// annotation: when live already equals Git (someone's drift happened to match a later
// commit) the app is Synced, yet apply records the new configuration, as kubectl does.
// Nor the generation: a Deployment's counts annotation changes too, that one included
// (any other change it counts shows in the object itself).
Json withoutStatus(Json object) {
  object.erase("status");
  object["metadata"].erase("resourceVersion");
  object["metadata"].erase("generation");
  object["metadata"].erase("managedFields");
  if (object["metadata"].contains("annotations")) object["metadata"]["annotations"].erase(sync::kLastAppliedAnnotation);
  return object;
}

class Idempotence : public Invariant {
 public:
  Idempotence() : Invariant("idempotence") {}

  void finished(scenario::RunContext& run) override {
    for (const auto& name : appNames(run)) {
      sync::AppController* app = run.world.app(name);
      if (app == nullptr || app->status().sync != sync::SyncStatus::Synced) continue;
      if (app->status().operation && app->status().operation->phase == sync::OperationPhase::Running) continue;
      std::map<std::string, Json> before;
      for (const auto& o : trackedLive(run, name)) before[shortKey(*o)] = withoutStatus(*o);
      run.world.record("invariant/idempotence", "sync.again", Json{{"app", name}});
      app->sync(std::nullopt, "idempotence check");
      const VirtualTime deadline = run.world.clock().now() + std::chrono::minutes(5);
      while (app->status().operation && app->status().operation->phase == sync::OperationPhase::Running && run.world.clock().now() < deadline) {
        run.world.loop().runUntil(run.world.clock().now() + std::chrono::seconds(1));
      }
      const auto& op = app->status().operation;
      if (!op || op->phase != sync::OperationPhase::Succeeded) {
        violated("syncing app " + name + ", which was Synced, did not succeed: " + (op ? op->message : "no operation"));
      }
      std::map<std::string, Json> after;
      for (const auto& o : trackedLive(run, name)) after[shortKey(*o)] = withoutStatus(*o);
      for (const auto& [key, object] : after) {
        auto it = before.find(key);
        if (it == before.end()) violated("syncing app " + name + ", which was Synced, created " + key);
        if (it->second != object) {
          violated("syncing app " + name + ", which was Synced, changed " + key, "before: " + it->second.dump() + "\nafter:  " + object.dump() + "\n");
        }
      }
      for (const auto& [key, object] : before) {
        if (!after.count(key)) violated("syncing app " + name + ", which was Synced, deleted " + key);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Invariant> makeIdempotence() { return std::make_unique<Idempotence>(); }

}  // namespace gs::fuzz
