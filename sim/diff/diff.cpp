#include "sim/diff/diff.hpp"

#include <algorithm>

#include "sim/diff/managed_fields.hpp"
#include "sim/diff/normalize.hpp"
#include "sim/kube/defaults.hpp"
#include "sim/kube/hpa_versions.hpp"
#include "sim/kube/schema.hpp"
#include "sim/kube/typed_decode.hpp"

namespace gs::diff {

namespace {

// What every side (desired, live, last-applied) goes through before its tree is built:
// normalization, Argo CD's aggregated-roles option, then the ignore rules that apply to
// the object (`scope`, or the object's own key). Returns the key used.
kube::ObjectKey normalizeSide(Json& object, const std::string& ns, const DiffOptions& options,
                              const kube::ObjectKey* scope = nullptr) {
  normalizeObject(object, ns);
  if (options.ignoreAggregatedRoles) dropAggregatedRules(object);
  kube::ObjectKey key = scope != nullptr ? *scope : kube::objectKeyOf(object);
  applyIgnoreRules(object, key, options.ignore);
  if (!options.ignoredOwnedFields.is_null()) removeOwnedFields(object, options.ignoredOwnedFields);
  // One version of a kind on every side: an autoscaling/v1 HPA in Git compares with the
  // stored v2 object (Argo CD reads live in Git's version; the verdict is the same).
  kube::hpaToStorageVersion(object);
  return key;
}

}  // namespace

Json ownedFieldsToIgnore(const Json& live, const DiffOptions& options) {
  std::vector<std::string> managers;
  auto key = kube::objectKeyOf(live);
  for (const auto& rule : options.ignore) {
    if (rule.appliesTo(key)) managers.insert(managers.end(), rule.managedFieldsManagers.begin(), rule.managedFieldsManagers.end());
  }
  return managers.empty() ? Json() : ownedFields(live, managers);
}

// Whether Argo CD decodes the kind into its Go type (gitops-engine's scheme: the kinds of
// k8s.io/kubernetes's own API groups). CRDs and APIServices live in other modules, so they
// are compared as custom resources are: no server defaults, JSON merge semantics.
namespace {
bool typedByArgo(std::string_view group) { return kube::isBuiltinGroup(group) && group != "apiextensions.k8s.io" && group != "apiregistration.k8s.io"; }
}  // namespace

PreparedObject prepareDesired(Json desired, const DiffOptions& options) {
  PreparedObject p;
  // Argo CD converts a manifest to its Go type and back first (remarshal): zero values of
  // omitempty fields go, as the API server never stores them (`data: {}` too, which
  // last-applied keeps: kubectl's three-way patch then deletes the field, argo-cd#3150).
  // Ignore rules come after, as Argo CD normalizes after remarshalling: a map they empty
  // stays.
  {
    const kube::ObjectKey key = kube::objectKeyOf(desired);
    const std::string apiVersion = desired.value("apiVersion", "");
    const std::string_view version = std::string_view(apiVersion).substr(apiVersion.find('/') + 1);
    if (const kube::ApiStruct* shape = kube::apiStructFor(key.group, version, key.kind)) kube::dropZeroOmitted(desired, *shape);
  }
  p.key_ = normalizeSide(desired, options.defaultNamespace, options);
  p.apiVersion_ = desired.value("apiVersion", "");
  p.normalized_ = std::make_unique<Json>(std::move(desired));
  kube::DefaultedValues defaulted;
  const bool typed = typedByArgo(p.key_.group);
  if (typed) kube::applyDefaults(*p.normalized_, &defaulted);
  p.tree_ = DiffTree::build(*p.normalized_, kube::diffSchemaFor(p.key_.group, p.key_.kind), &defaulted, typed);
  return p;
}

namespace {

// A copy of a live object without what normalization would drop at once (status,
// managedFields, the last-applied annotation): those are often half of a live object.
Json copyWithoutServerBulk(const Json& live) {
  if (!live.is_object()) return live;
  Json out = Json::object();
  for (auto it = live.begin(); it != live.end(); ++it) {
    if (it.key() == "status") continue;
    if (it.key() != "metadata" || !it->is_object()) {
      out[it.key()] = it.value();
      continue;
    }
    Json& meta = out["metadata"] = Json::object();
    for (auto m = it->begin(); m != it->end(); ++m) {
      if (m.key() == "managedFields") continue;
      if (m.key() == "annotations" && m->is_object()) {
        Json& annotations = meta["annotations"] = Json::object();
        for (auto a = m->begin(); a != m->end(); ++a) {
          if (a.key() != kLastAppliedAnnotation) annotations[a.key()] = a.value();
        }
        continue;
      }
      meta[m.key()] = m.value();
    }
  }
  return out;
}

}  // namespace

std::shared_ptr<const LastApplied> LastAppliedCache::find(const kube::ObjectKey& key, const std::string& text) const {
  auto it = entries_.find(key);
  return it != entries_.end() && it->second.text == text ? it->second.prepared : nullptr;
}

void LastAppliedCache::add(const kube::ObjectKey& key, std::string text, std::shared_ptr<const LastApplied> entry) {
  if (entries_.size() >= kMaxEntries && !entries_.contains(key)) entries_.clear();
  entries_[key] = Entry{std::move(text), std::move(entry)};
}

PreparedObject prepareLive(const Json& liveObject, const DiffOptions& options) {
  PreparedObject p;
  Json live = copyWithoutServerBulk(liveObject);
  p.key_ = normalizeSide(live, options.defaultNamespace, options);
  p.apiVersion_ = live.value("apiVersion", "");
  p.normalized_ = std::make_unique<Json>(std::move(live));
  const auto* schema = kube::diffSchemaFor(p.key_.group, p.key_.kind);
  const bool builtin = typedByArgo(p.key_.group);
  p.tree_ = DiffTree::build(*p.normalized_, schema, nullptr, builtin);
  const auto prepare = [&](Json lastApplied) {
    auto entry = std::make_shared<LastApplied>();
    entry->normalized = std::move(lastApplied);
    normalizeSide(entry->normalized, p.key_.ns, options, &p.key_);
    entry->tree = DiffTree::build(entry->normalized, schema, nullptr, builtin);
    return entry;
  };
  if (options.lastApplied) {
    p.lastApplied_ = prepare(*options.lastApplied);
  } else if (options.threeWay) {
    const std::string* text = lastAppliedText(liveObject);
    LastAppliedCache* cache = options.ignoredOwnedFields.is_null() ? options.lastAppliedCache.get() : nullptr;
    if (text != nullptr && cache != nullptr) p.lastApplied_ = cache->find(p.key_, *text);
    if (!p.lastApplied_) {
      if (auto parsed = lastAppliedOf(liveObject)) {
        p.lastApplied_ = prepare(std::move(*parsed));
        if (cache != nullptr) cache->add(p.key_, *text, p.lastApplied_);
      }
    }
  }
  return p;
}

bool inSync(const PreparedObject& desired, const PreparedObject& live) {
  return treesMatch(desired.tree(), live.tree(), live.lastAppliedTree());
}

// How much of each tree to prefetch: the first levels of a typical workload object.
constexpr std::size_t kPrefetchBytes = 1024;

void inSyncBatch(std::span<const std::pair<const PreparedObject*, const PreparedObject*>> pairs, std::span<bool> out) {
  constexpr std::size_t kAhead = 16;
  auto prefetch = [&](std::size_t i) {
    pairs[i].first->tree().prefetch(kPrefetchBytes);
    pairs[i].second->tree().prefetch(kPrefetchBytes);
    if (const auto* a = pairs[i].second->lastAppliedTree()) a->prefetch(kPrefetchBytes);
  };
  for (std::size_t i = 0; i < pairs.size() && i < kAhead; ++i) prefetch(i);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i + kAhead < pairs.size()) prefetch(i + kAhead);
    out[i] = inSync(*pairs[i].first, *pairs[i].second);
  }
}

namespace {

std::size_t depthOf(const std::string& pointer) { return static_cast<std::size_t>(std::count(pointer.begin(), pointer.end(), '/')); }

std::string_view parentOf(const std::string& pointer) { return std::string_view(pointer).substr(0, pointer.rfind('/')); }

long indexOf(const std::string& pointer) {
  auto tail = pointer.substr(pointer.rfind('/') + 1);
  return tail == "-" ? -1 : std::stol(tail);
}

}  // namespace

Json toJsonPatch(const std::vector<Change>& changes) {
  // Operations that do not move list elements go first, while every index is still the
  // one live has. Then the ones that do (removing or appending list elements), deepest
  // first so an element's own contents are patched before its siblings shift it; within
  // one list, removals from the highest index down, then appends.
  std::vector<const Change*> plain, structural;
  for (const auto& c : changes) (c.listElement && c.kind != ChangeKind::Changed ? structural : plain).push_back(&c);
  std::stable_sort(structural.begin(), structural.end(), [](const Change* a, const Change* b) {
    auto da = depthOf(a->pointer), db = depthOf(b->pointer);
    if (da != db) return da > db;
    auto pa = parentOf(a->pointer), pb = parentOf(b->pointer);
    if (pa != pb) return pa < pb;
    return indexOf(a->pointer) > indexOf(b->pointer);  // appends ("-" = -1) last
  });
  Json patch = Json::array();
  for (const auto* list : {&plain, &structural}) {
    for (const auto* c : *list) {
      switch (c->kind) {
        case ChangeKind::Changed: patch.push_back(Json{{"op", "replace"}, {"path", c->pointer}, {"value", c->desired}}); break;
        case ChangeKind::Added: patch.push_back(Json{{"op", "add"}, {"path", c->pointer}, {"value", c->desired}}); break;
        case ChangeKind::Removed: patch.push_back(Json{{"op", "remove"}, {"path", c->pointer}}); break;
      }
    }
  }
  return patch;
}

DiffResult diffPrepared(const PreparedObject& desired, const PreparedObject& live) {
  DiffResult result;
  result.changes = compareTrees(desired.tree(), live.tree(), live.lastAppliedTree());
  result.modified = !result.changes.empty();
  result.normalizedLive = live.normalized();
  result.predictedLive = result.modified ? result.normalizedLive.patch(toJsonPatch(result.changes)) : result.normalizedLive;
  return result;
}

DiffResult diffObjects(const Json& desired, const Json& live, const DiffOptions& options) {
  if (live.is_null()) {
    DiffResult result;
    result.modified = !desired.is_null();
    if (result.modified) result.predictedLive = prepareDesired(desired, options).normalized();
    return result;
  }
  if (desired.is_null()) {
    DiffResult result;
    result.normalizedLive = prepareLive(live, options).normalized();
    return result;
  }
  Json owned = ownedFieldsToIgnore(live, options);
  if (owned.is_null()) return diffPrepared(prepareDesired(desired, options), prepareLive(live, options));
  owned = ownedFieldsPresentIn(owned, desired);
  DiffOptions withOwned = options;  // copied only when managedFieldsManagers rules apply
  withOwned.ignoredOwnedFields = std::move(owned);
  return diffPrepared(prepareDesired(desired, withOwned), prepareLive(live, withOwned));
}

}  // namespace gs::diff
