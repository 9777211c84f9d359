#include "sim/sync/compare.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "sim/diff/object_set.hpp"
#include "sim/diff/render.hpp"
#include "sim/sync/hooks.hpp"

namespace gs::sync {

namespace {

std::vector<Manifest> asManifests(const std::vector<Json>& objects, const char* side) {
  std::vector<Manifest> out;
  out.reserve(objects.size());
  for (const auto& o : objects) {
    Manifest m;
    m.object = o;
    m.where = SourceLocation{side, 0, 0};
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

const char* toString(SyncStatus status) {
  switch (status) {
    case SyncStatus::Synced: return "Synced";
    case SyncStatus::OutOfSync: return "OutOfSync";
    case SyncStatus::Unknown: return "Unknown";
  }
  return "Unknown";
}

const ResourceStatus* Comparison::find(const kube::ObjectKey& key) const {
  // resources are sorted by key
  auto it = std::lower_bound(resources.begin(), resources.end(), key, [](const ResourceStatus& r, const kube::ObjectKey& k) { return r.key < k; });
  return it != resources.end() && it->key == key ? &*it : nullptr;
}

std::shared_ptr<const std::vector<Json>> withoutRepeatedObjects(std::shared_ptr<const std::vector<Json>> objects,
                                                                const std::string& destinationNamespace, std::vector<RepeatedObject>* repeated) {
  std::map<kube::ObjectKey, std::vector<std::size_t>> copies;
  for (std::size_t i = 0; i < objects->size(); ++i) {
    kube::ObjectKey key = kube::objectKeyOf((*objects)[i]);
    if (key.name.empty()) continue;  // generateName: never the same object twice
    if (!kube::isNamespacedKind(key.group, key.kind)) {
      key.ns.clear();
    } else if (key.ns.empty()) {
      key.ns = destinationNamespace;
    }
    copies[key].push_back(i);
  }
  std::vector<bool> dropped(objects->size(), false);
  bool any = false;
  for (const auto& [key, at] : copies) {
    if (at.size() < 2) continue;
    any = true;
    for (std::size_t j = 0; j + 1 < at.size(); ++j) dropped[at[j]] = true;
    if (repeated != nullptr) repeated->push_back(RepeatedObject{key, at.size()});
  }
  if (!any) return objects;
  auto kept = std::make_shared<std::vector<Json>>();
  for (std::size_t i = 0; i < objects->size(); ++i) {
    if (!dropped[i]) kept->push_back((*objects)[i]);
  }
  return kept;
}

Health appHealth(const std::vector<ResourceStatus>& resources) {
  Health health{HealthStatus::Healthy, {}};
  bool any = false, anyLive = false;
  for (const auto& r : resources) {
    if (r.hook) continue;
    any = true;
    if (r.liveMissing) continue;
    anyLive = true;
    // The worst health first met (in key order) wins.
    if (r.health && isWorse(health.status, r.health->status)) health = *r.health;
  }
  if (any && !anyLive && isWorse(health.status, HealthStatus::Missing)) health = Health{HealthStatus::Missing, {}};
  return health;
}

namespace {

ResourceStatus toResourceStatus(diff::ObjectDiff&& d, const Json* liveObject) {
  ResourceStatus r;
  r.key = d.key;
  r.apiVersion = d.apiVersion;
  r.diff = std::move(d.result);
  switch (d.status) {
    case diff::ObjectStatus::InSync: r.status = SyncStatus::Synced; break;
    case diff::ObjectStatus::Modified: r.status = SyncStatus::OutOfSync; break;
    case diff::ObjectStatus::ToCreate: r.status = SyncStatus::OutOfSync; break;
    case diff::ObjectStatus::Extra:
      r.status = SyncStatus::OutOfSync;
      r.requiresPruning = true;
      r.ignoreExtraneous = liveObject != nullptr && hasAnnotationOption(*liveObject, "argocd.argoproj.io/compare-options", "IgnoreExtraneous");
      break;
    case diff::ObjectStatus::Skipped: r.hook = true; break;
  }
  if (!r.hook) {
    if (d.status == diff::ObjectStatus::ToCreate) {
      r.liveMissing = true;
      r.health = Health{HealthStatus::Missing, {}};
    } else if (liveObject != nullptr) {
      r.health = trackedHealth(*liveObject);
    }
  }
  return r;
}

// The app's sync status and health from its resources' (sorted by key).
void summarize(Comparison& out) {
  out.sync = SyncStatus::Synced;
  for (const auto& r : out.resources) {
    if (r.hook) continue;
    if (r.status == SyncStatus::OutOfSync && !r.ignoreExtraneous) out.sync = SyncStatus::OutOfSync;
  }
  out.health = appHealth(out.resources);
}

// Whether a live object is paired with the resource. A Synced one always is: an in-sync
// verdict of the app controller's fast path lists Synced resources without their diffs.
bool paired(const ResourceStatus& r) { return r.status == SyncStatus::Synced || !r.diff.normalizedLive.is_null(); }

}  // namespace

Comparison compareApp(const std::vector<Json>& desired, std::vector<Json> allLive, const CompareOptions& options) {
  diff::DiffOptions diffOptions = options.diff;
  diffOptions.defaultNamespace = options.destinationNamespace;
  diffOptions.checkScalarTypes = false;  // a wrongly typed value fails at sync, with the server's message
  // Hooks that ran are live and tracked, but never compared or pruned.
  std::vector<Manifest> live;
  live.reserve(allLive.size());
  for (auto& l : allLive) {
    if (hookSpecOf(l).isHook()) continue;
    Manifest m;
    m.object = std::move(l);
    m.where = SourceLocation{"live", 0, 0};
    live.push_back(std::move(m));
  }
  auto diffs = diff::diffManifestSets(asManifests(desired, "desired"), live, diffOptions);

  Comparison out;
  std::map<kube::ObjectKey, const Json*> liveByKey;
  for (const auto& l : live) liveByKey.emplace(kube::objectKeyOf(l.object), &l.object);
  out.resources.reserve(diffs.size());
  for (auto& d : diffs) {
    auto found = liveByKey.find(d.key);
    out.resources.push_back(toResourceStatus(std::move(d), found != liveByKey.end() ? found->second : nullptr));
  }
  std::sort(out.resources.begin(), out.resources.end(), [](const ResourceStatus& a, const ResourceStatus& b) { return a.key < b.key; });
  summarize(out);
  return out;
}

std::optional<Comparison> recompareChanged(const Comparison& previous, const std::vector<Json>& desired, const std::vector<const Json*>& live,
                                           const std::vector<const Json*>& changed, const CompareOptions& options) {
  // Resources pair desired and live objects of the same group, kind and name (the
  // namespace is settled by compareApp's own rules), and each one's status depends on
  // its two sides only: every name something changed under is compared again, alone.
  auto sameName = [](const kube::ObjectKey& a, const kube::ObjectKey& b) { return a.group == b.group && a.kind == b.kind && a.name == b.name; };
  std::vector<kube::ObjectKey> names;
  for (const Json* object : changed) {
    if (hookSpecOf(*object).isHook()) return std::nullopt;
    const kube::ObjectKey key = kube::objectKeyOf(*object);
    if (std::none_of(names.begin(), names.end(), [&](const kube::ObjectKey& k) { return sameName(k, key); })) names.push_back(key);
  }
  Comparison out = previous;
  for (const auto& name : names) {
    std::vector<Json> desiredSide, liveSide;
    for (const auto& d : desired) {
      if (sameName(kube::objectKeyOf(d), name) && !hookSpecOf(d).isHook()) desiredSide.push_back(d);
    }
    for (const Json* l : live) {
      if (!sameName(kube::objectKeyOf(*l), name)) continue;
      if (hookSpecOf(*l).isHook()) return std::nullopt;
      liveSide.push_back(*l);
    }
    Comparison one = compareApp(desiredSide, std::move(liveSide), options);
    std::size_t before = 0, after = 0;
    for (const auto& r : out.resources) before += !r.hook && sameName(r.key, name) ? 1 : 0;
    for (auto& fresh : one.resources) {
      if (fresh.hook) continue;
      ++after;
      auto it = std::lower_bound(out.resources.begin(), out.resources.end(), fresh.key,
                                 [](const ResourceStatus& r, const kube::ObjectKey& k) { return r.key < k; });
      // It must replace the same kind of resource: paired, to create, or to prune as before.
      if (it == out.resources.end() || it->key != fresh.key || it->hook || paired(*it) != paired(fresh) || it->requiresPruning != fresh.requiresPruning) {
        return std::nullopt;
      }
      *it = std::move(fresh);
    }
    if (before != after) return std::nullopt;
  }
  summarize(out);
  return out;
}

namespace {

// Visits each live object an app tracks, as the shared stored version: only what a
// visitor keeps is copied (most objects in a cluster, pods and their sets, are nobody's).
template <typename Visit>
void forEachTracked(fake::ClusterClient& cluster, TrackingMethod method, Visit visit) {
  for (const auto& type : cluster.resources()) {
    if (type.kind == "Event") continue;
    for (const auto& item : cluster.listShared(type.group, type.kind, "")) {
      if (auto app = owningApp(*item, method)) visit(*app, *item);
    }
  }
}

}  // namespace

std::vector<Json> trackedObjects(fake::ClusterClient& cluster, const std::string& app, TrackingMethod method) {
  std::vector<Json> out;
  forEachTracked(cluster, method, [&](const std::string& owner, const Json& item) {
    if (owner == app) out.push_back(item);
  });
  return out;
}

std::map<std::string, std::vector<Json>> trackedObjectsByApp(fake::ClusterClient& cluster, TrackingMethod method) {
  std::map<std::string, std::vector<Json>> out;
  forEachTracked(cluster, method, [&](const std::string& owner, const Json& item) { out[owner].push_back(item); });
  return out;
}

std::string outOfSyncDiff(const Comparison& comparison) {
  std::vector<diff::ObjectDiffRef> diffs;
  std::string out;
  std::size_t inSync = 0;
  for (const auto& r : comparison.resources) {
    if (r.hook) continue;
    if (r.status == SyncStatus::Synced && !r.requiresPruning) {
      ++inSync;
      continue;
    }
    const auto status = r.requiresPruning ? diff::ObjectStatus::Extra : r.diff.normalizedLive.is_null() ? diff::ObjectStatus::ToCreate : diff::ObjectStatus::Modified;
    diffs.push_back(diff::ObjectDiffRef{r.key, r.apiVersion, status, r.diff});
    if (!r.diffText) r.diffText = std::make_shared<const std::string>(diff::renderObjectText(diffs.back()));
    out += *r.diffText;
  }
  return diffs.empty() ? std::string() : out + diff::renderTextSummary(diffs, inSync);
}

}  // namespace gs::sync
