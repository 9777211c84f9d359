// The diff core's entry points: prepare desired and live objects once (normalize, apply
// ignore rules, fill defaults, build the comparable tree), then compare them as often
// as needed. This is what `gitops-sim diff`, the sync engine and the checkers call.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/diff/compare.hpp"
#include "sim/diff/ignore.hpp"
#include "sim/diff/tree.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::diff {

// A live object's last-applied configuration, normalized, and its tree (which points
// into `normalized`: an entry is made in place and never moved).
struct LastApplied {
  Json normalized;
  DiffTree tree;
};

// Last-applied configurations already prepared, by object: a live object whose status
// changes keeps its annotation, so it is not parsed, normalized and built again. One
// cache serves one set of DiffOptions (its owner's ignore rules and options); objects
// whose options name owned fields to ignore do not use it. Not thread-safe.
class LastAppliedCache {
 public:
  // The entry for `key` prepared from exactly `text`, or nullptr.
  std::shared_ptr<const LastApplied> find(const kube::ObjectKey& key, const std::string& text) const;
  void add(const kube::ObjectKey& key, std::string text, std::shared_ptr<const LastApplied> entry);

 private:
  static constexpr std::size_t kMaxEntries = 65536;  // a bound, not a tuning knob: past it the cache starts over
  struct Entry {
    std::string text;
    std::shared_ptr<const LastApplied> prepared;
  };
  std::unordered_map<kube::ObjectKey, Entry, kube::ObjectKeyHash> entries_;
};

class PreparedObject;
struct DiffOptions;

// Objects someone has already prepared (the app controller keeps each resource prepared
// between refreshes): a set diff takes a preparation from here instead of preparing the
// object again. An answer must be what prepareDesired / prepareLive would give for exactly
// this object and these options; nullptr when the source cannot vouch for that.
class PreparedObjects {
 public:
  virtual ~PreparedObjects() = default;
  virtual const PreparedObject* desired(const kube::ObjectKey& key, const Json& object, const DiffOptions& options) const = 0;
  virtual const PreparedObject* live(const kube::ObjectKey& key, const Json& object, const DiffOptions& options) const = 0;
};

struct DiffOptions {
  std::vector<IgnoreRule> ignore;
  // Use live's last-applied-configuration annotation as the base of a three-way diff.
  // Without it (or without the annotation) desired stands in for it (two-way).
  bool threeWay = true;
  // An explicit last-applied configuration (e.g. from --last-applied); wins over the annotation.
  std::optional<Json> lastApplied;
  // Namespace for namespaced desired objects that declare none.
  std::string defaultNamespace;
  // Leave out the rules of aggregated ClusterRoles (Argo CD's ignoreAggregatedRoles).
  bool ignoreAggregatedRoles = false;
  // diffManifestSets refuses manifests with values of the wrong scalar type (a string
  // where an integer belongs, a number among labels), as kubectl would. Argo CD compares
  // them as they are, and the API server refuses them at sync: false does that.
  bool checkScalarTypes = true;
  // FieldsV1 set to leave out of both sides: what the ignore rules' managedFieldsManagers
  // own in live. diffObjects fills it from the live object; callers preparing objects
  // themselves take it from ownedFieldsToIgnore().
  Json ignoredOwnedFields;
  // Where prepareLive keeps and finds prepared last-applied configurations (optional).
  std::shared_ptr<LastAppliedCache> lastAppliedCache;
  // Preparations diffManifestSets may take instead of preparing objects (optional).
  const PreparedObjects* prepared = nullptr;
};

// One object ready to be compared. Built once per object version; immutable after.
class PreparedObject {
 public:
  PreparedObject() = default;
  PreparedObject(PreparedObject&&) noexcept = default;
  PreparedObject& operator=(PreparedObject&&) noexcept = default;
  PreparedObject(const PreparedObject&) = delete;
  PreparedObject& operator=(const PreparedObject&) = delete;

  const kube::ObjectKey& key() const { return key_; }
  const std::string& apiVersion() const { return apiVersion_; }
  // The object after normalization and ignore rules (desired: with defaults filled).
  const Json& normalized() const { return *normalized_; }
  const DiffTree& tree() const { return tree_; }
  // Live only: the last-applied configuration, normalized, when there is one.
  const DiffTree* lastAppliedTree() const { return lastApplied_ ? &lastApplied_->tree : nullptr; }

  friend PreparedObject prepareDesired(Json desired, const DiffOptions& options);
  friend PreparedObject prepareLive(const Json& live, const DiffOptions& options);

 private:
  kube::ObjectKey key_;
  std::string apiVersion_;
  std::unique_ptr<Json> normalized_;
  DiffTree tree_;
  std::shared_ptr<const LastApplied> lastApplied_;  // shared with a LastAppliedCache
};

// The fields owned in `live` by the managers of the ignore rules that apply to it.
Json ownedFieldsToIgnore(const Json& live, const DiffOptions& options);

PreparedObject prepareDesired(Json desired, const DiffOptions& options = {});
PreparedObject prepareLive(const Json& live, const DiffOptions& options = {});

// The fast verdict: does live match desired? No allocation.
bool inSync(const PreparedObject& desired, const PreparedObject& live);

// Verdicts for many pairs (an app's resources), out[i] for pairs[i]; the next pair's
// trees are prefetched while the current one is compared, which hides most of the
// memory latency of walking thousands of cold objects.
void inSyncBatch(std::span<const std::pair<const PreparedObject*, const PreparedObject*>> pairs, std::span<bool> out);

struct DiffResult {
  bool modified = false;
  Json normalizedLive;  // live after normalization (null when the object does not exist)
  Json predictedLive;   // what live becomes once desired is applied (null when it will be pruned)
  std::vector<Change> changes;
};

DiffResult diffPrepared(const PreparedObject& desired, const PreparedObject& live);
// One-shot convenience: prepares both sides and diffs them.
DiffResult diffObjects(const Json& desired, const Json& live, const DiffOptions& options = {});

// RFC 6902 operations turning the normalized live object into the predicted one.
Json toJsonPatch(const std::vector<Change>& changes);

}  // namespace gs::diff
