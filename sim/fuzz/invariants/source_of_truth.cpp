// Invariant 2, Git is the single source of truth (safety, after every step): every live
// object an app manages was last applied, by the sync engine, from the render of a
// revision that app synced. The object's last-applied configuration (written by client-
// side apply) must equal that object in the render of some revision a sync operation of
// the app started on; drift may change live fields, but never what was applied.
#include <set>

#include "sim/core/json_lookup.hpp"
#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/sync/apply.hpp"

namespace gs::fuzz {

namespace {

class SourceOfTruth : public Invariant {
 public:
  SourceOfTruth() : Invariant("source-of-truth") {}

  void started(scenario::RunContext& run) override { tracked_.start(run); }

  void afterStep(scenario::RunContext& run, const scenario::Step&) override {
    forNewEvents(run, cursor_, [&](const Event& e) {
      if (e.type != "sync.started") return;
      const std::string app = appOfActor(e.actor);
      const std::string revision = e.details.value("revision", "");
      if (!apps_[app].revisions.insert(revision).second) return;
      auto objects = renderAt(run, app, revision);
      if (!objects) return;  // the sync fails on it; nothing gets applied
      for (const auto& o : *objects) apps_[app].accepted[shortKey(o)].insert(appliedForm(o));
    });
    const auto trackedByApp = tracked_.byApp(run);
    for (const auto& name : appNames(run)) {
      const auto& tracked = trackedByApp.at(name);
      const sync::AppController* controller = run.world.app(name);
      // Replace=true writes no last-applied; RespectIgnoreDifferences applies live values for ignored fields.
      if (controller != nullptr && (controller->app().syncOptions.replace || controller->app().syncOptions.respectIgnoreDifferences)) continue;
      for (const auto& object : tracked) {
        const Json& live = *object;
        const std::string key = shortKey(live);
        static const Json kNoAnnotations = Json::object();
        const Json& annotations = live["metadata"].contains("annotations") ? live["metadata"]["annotations"] : kNoAnnotations;
        if (!annotations.contains(sync::kLastAppliedAnnotation)) {
          violated(key + " in namespace " + live["metadata"].value("namespace", "") + " is tracked by app " + name +
                   " but was never applied by the sync engine (no last-applied configuration)");
        }
        // A pairing once accepted stays accepted (revisions are only ever added), so each
        // distinct last-applied text is parsed and checked once per object; and a stored
        // version already checked (same resourceVersion: the counter never repeats) is not
        // even looked up again.
        auto& app = apps_[name];
        const Json* meta = findMember(live, "metadata"_key);
        const std::string_view version = stringOf(meta != nullptr ? findMember(*meta, "resourceVersion"_key) : nullptr);
        auto checked = app.checkedVersion.find(key);
        if (checked != app.checkedVersion.end() && !version.empty() && checked->second == version) continue;
        const std::string& text = annotations[sync::kLastAppliedAnnotation].get_ref<const std::string&>();
        if (app.verified.contains(std::make_pair(key, text))) {
          app.checkedVersion[key] = std::string(version);
          continue;
        }
        Json applied;
        try {
          applied = Json::parse(text);
        } catch (const Json::exception&) {
          violated(key + " of app " + name + " has a last-applied configuration that is not JSON");
        }
        auto it = app.accepted.find(key);
        if (it == app.accepted.end() || it->second.count(appliedForm(applied)) == 0) {
          violated(key + " of app " + name + " was applied from something no synced revision renders (" + std::to_string(app.revisions.size()) +
                   " revisions synced)");
        }
        app.verified.emplace(key, text);
        app.checkedVersion[key] = std::string(version);
      }
    }
  }

 private:
  struct AppFacts {
    std::set<std::string> revisions;                          // revisions a sync of the app started on
    std::map<std::string, std::set<std::string>> accepted;   // Kind/name -> applied forms those revisions render
    std::set<std::pair<std::string, std::string>> verified;  // (Kind/name, last-applied text) found accepted
    std::map<std::string, std::string> checkedVersion;        // Kind/name -> resourceVersion last found accepted
  };
  std::size_t cursor_ = 0;
  std::map<std::string, AppFacts> apps_;
  TrackedIndex tracked_;
};

}  // namespace

std::unique_ptr<Invariant> makeSourceOfTruth() { return std::make_unique<SourceOfTruth>(); }

}  // namespace gs::fuzz
