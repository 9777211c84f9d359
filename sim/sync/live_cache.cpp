#include "sim/sync/live_cache.hpp"

#include "fakecluster/api_error.hpp"

namespace gs::sync {

void LiveCache::drop(const kube::ObjectKey& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  auto& objects = byApp_[it->second.app];
  objects.erase(key);
  if (objects.empty()) byApp_.erase(it->second.app);
  objects_.erase(it);
}

void LiveCache::put(const fake::ObjectPtr& object) {
  const kube::ObjectKey key = kube::objectKeyOf(*object);
  auto app = owningApp(*object, method_);
  drop(key);
  if (!app) return;
  objects_[key] = Entry{object, *app};
  byApp_[*app][key] = object;
}

void LiveCache::relist() {
  ++relists_;
  objects_.clear();
  byApp_.clear();
  std::uint64_t version = 0;
  for (const auto& type : cluster_.resources()) {
    if (type.kind == "Event") continue;
    Json list = cluster_.list(type.group, type.kind, "");
    version = std::max<std::uint64_t>(version, std::stoull(list["metadata"].value("resourceVersion", "0")));
    for (auto& item : list["items"]) {
      if (!item.contains("apiVersion")) item["apiVersion"] = type.apiVersion();
      if (!item.contains("kind")) item["kind"] = type.kind;
      put(std::make_shared<const Json>(std::move(item)));
    }
  }
  resourceVersion_ = version;
  listed_ = true;
}

void LiveCache::update() {
  if (!listed_) return relist();
  std::vector<fake::WatchEvent> events;
  try {
    events = cluster_.watch(resourceVersion_, "", "");
  } catch (const fake::ApiError& e) {
    if (e.code() == 410) return relist();  // the history moved past us: start over, as an informer does
    return;  // the watch broke: keep serving what we have (stale) and catch up next time, as an informer does
  }
  for (const auto& e : events) {
    if (e.type == fake::WatchEvent::Type::Bookmark || !e.object) continue;
    if (e.type == fake::WatchEvent::Type::Deleted) {
      drop(kube::objectKeyOf(*e.object));
    } else if (e.object->value("kind", "") != "Event") {
      put(e.object);
    }
    resourceVersion_ = std::max(resourceVersion_, e.resourceVersion);
  }
}

std::vector<Json> LiveCache::trackedBy(const std::string& app) const {
  std::vector<Json> out;
  auto keys = byApp_.find(app);
  if (keys == byApp_.end()) return out;
  out.reserve(keys->second.size());
  for (const auto& [key, object] : keys->second) out.push_back(*object);
  return out;
}

}  // namespace gs::sync

namespace gs::sync {

std::vector<LiveCache::Tracked> LiveCache::trackedPointers(const std::string& app) const {
  std::vector<Tracked> out;
  auto keys = byApp_.find(app);
  if (keys == byApp_.end()) return out;
  out.reserve(keys->second.size());
  for (const auto& [key, object] : keys->second) out.push_back(Tracked{&key, object});
  return out;
}

}  // namespace gs::sync
