#include "sim/fuzz/invariants/facts.hpp"

#include <map>
#include <set>

#include "sim/core/json_dump.hpp"
#include "sim/core/json_lookup.hpp"
#include "sim/sync/apply.hpp"
#include "sim/sync/tracking.hpp"

namespace gs::fuzz {

void forNewEvents(scenario::RunContext& run, std::size_t& cursor, const std::function<void(const Event&)>& visit) {
  const auto& events = run.world.log().events();
  for (; cursor < events.size(); ++cursor) visit(events[cursor]);
}

std::string appOfActor(const std::string& actor) {
  for (const char* prefix : {"app/", "sync/"}) {
    const std::string p = prefix;
    if (actor.rfind(p, 0) == 0) return actor.substr(p.size());
  }
  return {};
}

std::vector<std::string> appNames(scenario::RunContext& run) {
  std::vector<std::string> names;
  for (const auto& app : run.world.scenario().world.applications) names.push_back(app.name);
  return names;
}

namespace {

sync::TrackingMethod trackingOf(scenario::RunContext& run, const std::string& app) {
  const sync::AppController* controller = run.world.app(app);
  return controller != nullptr ? controller->app().syncOptions.tracking : sync::TrackingMethod::Annotation;
}

// Visits the stored objects an app could track: not being deleted, and not Events.
template <typename Visit>
void forEachTrackable(scenario::RunContext& run, Visit visit) {
  run.world.cluster().store().forEachObject([&](const kube::ObjectKey&, const fake::ObjectPtr& object) {
    const Json* meta = findMember(*object, "metadata"_key);
    if ((meta != nullptr && findMember(*meta, "deletionTimestamp"_key) != nullptr) || stringOf(findMember(*object, "kind"_key)) == "Event") return;
    visit(object);
  });
}

}  // namespace

std::vector<fake::ObjectPtr> trackedLive(scenario::RunContext& run, const std::string& app) {
  const sync::TrackingMethod method = trackingOf(run, app);
  std::vector<fake::ObjectPtr> objects;
  forEachTrackable(run, [&](const fake::ObjectPtr& object) {
    if (sync::owningApp(*object, method) == app) objects.push_back(object);
  });
  return objects;
}

std::map<std::string, std::vector<fake::ObjectPtr>> trackedLiveByApp(scenario::RunContext& run) {
  // Each app's tracking method; one pass over the store serves them all.
  std::map<std::string, sync::TrackingMethod> methodOf;
  std::set<sync::TrackingMethod> methods;
  std::map<std::string, std::vector<fake::ObjectPtr>> out;
  for (const auto& name : appNames(run)) {
    methods.insert(methodOf[name] = trackingOf(run, name));
    out[name];
  }
  forEachTrackable(run, [&](const fake::ObjectPtr& object) {
    for (const auto method : methods) {
      auto owner = sync::owningApp(*object, method);
      if (!owner) continue;
      auto app = methodOf.find(*owner);
      if (app != methodOf.end() && app->second == method) out[*owner].push_back(object);
    }
  });
  return out;
}

namespace {

bool trackable(const Json& object) {
  const Json* meta = findMember(object, "metadata"_key);
  return !(meta != nullptr && findMember(*meta, "deletionTimestamp"_key) != nullptr) && stringOf(findMember(object, "kind"_key)) != "Event";
}

}  // namespace

TrackedIndex::~TrackedIndex() {
  if (store_ != nullptr) store_->unsubscribe(subscription_);
}

void TrackedIndex::start(scenario::RunContext& run) {
  store_ = &run.world.cluster().store();
  tracked_.clear();
  store_->forEachObject([&](const kube::ObjectKey&, const fake::ObjectPtr& object) { put(kube::objectKeyOf(*object), object); });
  subscription_ = store_->subscribe([this](const fake::WatchEvent& e) {
    if (e.type == fake::WatchEvent::Type::Bookmark || !e.object) return;
    const kube::ObjectKey key = kube::objectKeyOf(*e.object);
    if (e.type == fake::WatchEvent::Type::Deleted) {
      tracked_.erase(key);
    } else {
      put(key, e.object);
    }
  });
}

void TrackedIndex::put(const kube::ObjectKey& key, const fake::ObjectPtr& object) {
  Entry entry{object, {}};
  bool owned = false;
  if (trackable(*object)) {
    for (const auto method : {sync::TrackingMethod::Annotation, sync::TrackingMethod::Label}) {
      auto& owner = entry.owner[static_cast<std::size_t>(method)];
      owner = sync::owningApp(*object, method);
      owned |= owner.has_value();
    }
  }
  if (owned) {
    tracked_.insert_or_assign(key, std::move(entry));
  } else {
    tracked_.erase(key);
  }
}

std::map<std::string, std::vector<fake::ObjectPtr>> TrackedIndex::byApp(scenario::RunContext& run) const {
  std::map<std::string, sync::TrackingMethod> methodOf;
  std::map<std::string, std::vector<fake::ObjectPtr>> out;
  for (const auto& name : appNames(run)) {
    methodOf[name] = trackingOf(run, name);
    out[name];
  }
  for (const auto& [key, entry] : tracked_) {
    for (const auto method : {sync::TrackingMethod::Annotation, sync::TrackingMethod::Label}) {
      const auto& owner = entry.owner[static_cast<std::size_t>(method)];
      if (!owner) continue;
      auto app = methodOf.find(*owner);
      if (app != methodOf.end() && app->second == method) out[*owner].push_back(entry.object);
    }
  }
  return out;
}

std::optional<std::vector<Json>> renderAt(scenario::RunContext& run, const std::string& app, const std::string& sha) {
  const sync::Application* spec = nullptr;
  for (const auto& a : run.world.scenario().world.applications) {
    if (a.name == app) spec = &a;
  }
  if (spec == nullptr) return std::nullopt;
  try {
    return *sync::withoutRepeatedObjects(run.world.renders().render(run.world.workspace().server(spec->repo), sha, spec->path, spec->render),
                                         spec->destinationNamespace);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::string shortKey(const Json& object) {
  return object.value("kind", "") + "/" + object["metadata"].value("name", "");
}

std::string appliedForm(Json object) {
  Json& metadata = object["metadata"];
  metadata.erase("namespace");
  if (metadata.contains("annotations")) {
    metadata["annotations"].erase(sync::kTrackingAnnotation);
    metadata["annotations"].erase(sync::kLastAppliedAnnotation);
    if (metadata["annotations"].empty()) metadata.erase("annotations");
  }
  return dumpCompact(object);
}

bool rendersMissingImage(scenario::RunContext& run, const std::vector<Json>& objects) {
  for (const auto& object : objects) {
    const Json::json_pointer containers("/spec/template/spec/containers");
    if (!object.contains(containers)) continue;
    for (const auto& c : object[containers]) {
      if (c.contains("image") && c["image"].is_string() && !run.world.registry().exists(c["image"].get<std::string>())) return true;
    }
  }
  return false;
}

}  // namespace gs::fuzz
