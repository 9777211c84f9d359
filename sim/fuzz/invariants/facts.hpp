// What the invariant checkers read from a running world, in one place: new events since
// a checker last looked, an app's controller and spec, the objects it tracks, renders of
// a revision, and canonical forms of applied objects.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/run_context.hpp"
#include "sim/sync/app_controller.hpp"

namespace gs::fuzz {

// Calls `visit` for each event logged since `cursor`, then moves the cursor to the end.
void forNewEvents(scenario::RunContext& run, std::size_t& cursor, const std::function<void(const Event&)>& visit);

// "web" for actors "app/web" and "sync/web"; "" for other actors.
std::string appOfActor(const std::string& actor);

// The application names of the world, in order.
std::vector<std::string> appNames(scenario::RunContext& run);

// Live objects the app tracks (not counting ones being deleted), as stored: shared,
// immutable versions, read without copying.
std::vector<fake::ObjectPtr> trackedLive(scenario::RunContext& run, const std::string& app);
// The same for every app of the world at once (one pass over the store), by app name:
// the reference TrackedIndex is checked against (fuzz/world_properties.cpp).
std::map<std::string, std::vector<fake::ObjectPtr>> trackedLiveByApp(scenario::RunContext& run);

// trackedLiveByApp's answer kept up to date from the store's watch, for a checker that
// asks after every step: each stored version is classified once (by both tracking
// methods) when it is written, instead of the whole store at every step. The watch
// delivering every change is what the store checker (invariant 7) verifies.
class TrackedIndex {
 public:
  TrackedIndex() = default;
  TrackedIndex(const TrackedIndex&) = delete;
  TrackedIndex& operator=(const TrackedIndex&) = delete;
  ~TrackedIndex();
  // Reads the stored state and follows the store's changes from then on.
  void start(scenario::RunContext& run);
  // The objects each app of the world tracks now, in the store's (key) order.
  std::map<std::string, std::vector<fake::ObjectPtr>> byApp(scenario::RunContext& run) const;

 private:
  void put(const kube::ObjectKey& key, const fake::ObjectPtr& object);
  struct Entry {
    fake::ObjectPtr object;
    std::optional<std::string> owner[2];  // by sync::TrackingMethod: Annotation, Label
  };
  fake::ObjectStore* store_ = nullptr;
  fake::ObjectStore::ObserverId subscription_ = 0;
  std::map<kube::ObjectKey, Entry> tracked_;  // the trackable objects some method gives an owner
};

// The app's objects at commit `sha` (a rendering error is an invariant's business:
// returns nullopt).
std::optional<std::vector<Json>> renderAt(scenario::RunContext& run, const std::string& app, const std::string& sha);

// "Kind/name" of an object, the key invariants compare objects by within one app.
std::string shortKey(const Json& object);

// An object as applied, without what the sync engine adds (namespace, tracking
// annotation, last-applied annotation): compares a render with a last-applied
// configuration. Returns the canonical JSON text.
std::string appliedForm(Json object);

// True when any container of `objects` names an image the registry does not have.
bool rendersMissingImage(scenario::RunContext& run, const std::vector<Json>& objects);

}  // namespace gs::fuzz
