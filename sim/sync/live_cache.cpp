#include "sim/sync/live_cache.hpp"

#include <algorithm>

#include "fakecluster/api_error.hpp"

namespace gs::sync {

void LiveCache::touch(const std::string& app, const kube::ObjectKey& key) {
  auto [it, created] = byApp_.try_emplace(app);
  AppObjects& a = it->second;
  if (created) a.logStart = nextGeneration_;
  a.generation = ++nextGeneration_;
  a.changes.emplace_back(a.generation, key);
  if (a.changes.size() > kChangeLogLimit) {
    a.logStart = a.changes.front().first;
    a.changes.pop_front();
  }
}

void LiveCache::drop(const kube::ObjectKey& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  byApp_[it->second.app].objects.erase(key);
  touch(it->second.app, key);
  objects_.erase(it);
}

void LiveCache::put(const fake::ObjectPtr& object) {
  const kube::ObjectKey key = kube::objectKeyOf(*object);
  auto app = owningApp(*object, method_);
  drop(key);
  if (!app) return;
  objects_[key] = Entry{object, *app};
  byApp_[*app].objects[key] = object;
  touch(*app, key);
}

void LiveCache::relist() {
  ++relists_;
  objects_.clear();
  byApp_.clear();
  std::uint64_t version = 0;
  for (const auto& type : cluster_.resources()) {
    if (type.kind == "Event") continue;
    std::uint64_t listed = 0;
    for (const auto& object : cluster_.listShared(type.group, type.kind, "", {}, &listed)) put(object);  // shared, not copied
    version = std::max(version, listed);
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
  out.reserve(keys->second.objects.size());
  for (const auto& [key, object] : keys->second.objects) out.push_back(*object);
  return out;
}

const LiveCache::TrackedMap& LiveCache::trackedMap(const std::string& app) const {
  static const TrackedMap kNone;
  auto found = byApp_.find(app);
  return found == byApp_.end() ? kNone : found->second.objects;
}

std::uint64_t LiveCache::generation(const std::string& app) const {
  auto found = byApp_.find(app);
  return found == byApp_.end() ? 0 : found->second.generation;
}

std::optional<std::vector<kube::ObjectKey>> LiveCache::changedSince(const std::string& app, std::uint64_t since) const {
  auto found = byApp_.find(app);
  if (found == byApp_.end()) return since == 0 ? std::optional<std::vector<kube::ObjectKey>>(std::vector<kube::ObjectKey>{}) : std::nullopt;
  const AppObjects& a = found->second;
  if (since < a.logStart) return std::nullopt;
  std::vector<kube::ObjectKey> out;
  auto first = std::upper_bound(a.changes.begin(), a.changes.end(), since, [](std::uint64_t g, const auto& c) { return g < c.first; });
  for (auto it = first; it != a.changes.end(); ++it) out.push_back(it->second);
  return out;
}

}  // namespace gs::sync
