// The fake API server's storage and write path: create/get/list/update/delete of
// unstructured objects with the real metadata rules (uid, one global resourceVersion
// counter, generation bumped by changes outside metadata and status, creationTimestamp
// from the virtual clock, generateName), optimistic concurrency (409 on a stale
// resourceVersion), admission (names, namespaces), defaulting (sim/kube, the same table
// the diff core uses), status subresources, finalizers, dry runs, and a watch history
// with 410 Gone once compacted.
// Not thread-safe: the simulation is single-threaded (design.md §3).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakecluster/api_error.hpp"
#include "fakecluster/patch.hpp"
#include "fakecluster/resource_registry.hpp"
#include "sim/core/clock.hpp"
#include "sim/core/json.hpp"
#include "sim/core/rng.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::fake {

struct WriteOptions {
  bool dryRun = false;  // validate and default, but store nothing and emit no event
};

// How deleting an owner treats the objects whose ownerReferences name it.
enum class Propagation {
  Background,  // the owner goes now; the garbage collector then deletes dependents
  Foreground,  // the owner lingers (foregroundDeletion finalizer) until its dependents are gone
  Orphan,      // dependents stay, with their ownerReference to it removed
};

struct DeleteOptions : WriteOptions {
  Propagation propagation = Propagation::Background;
};

struct ListOptions {
  std::string labelSelector;  // string form: app=web,tier in (a,b)
  std::string fieldSelector;  // metadata.name=x, metadata.namespace!=y
  std::size_t limit = 0;      // 0: no paging
  std::string continueToken;
};

struct WatchEvent {
  enum class Type { Added, Modified, Deleted };
  Type type;
  std::uint64_t resourceVersion;
  Json object;
};
const char* watchEventTypeName(WatchEvent::Type type);

class ObjectStore {
 public:
  // `seed` decides uids and generated names; `historyLimit` is how many events watches
  // can replay before older ones are compacted.
  ObjectStore(const VirtualClock& clock, std::uint64_t seed, std::size_t historyLimit = 100000);

  ResourceRegistry& registry() { return registry_; }
  const ResourceRegistry& registry() const { return registry_; }

  // The stored object (defaulted, with server metadata). Errors are ApiError.
  Json create(Json object, const WriteOptions& options = {});
  Json get(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) const;
  // A `<Kind>List` with metadata.resourceVersion and, when paged, metadata.continue.
  // `ns` empty lists every namespace.
  Json list(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options = {}) const;
  // Replaces the object's spec (and metadata); a resourceVersion in `object` must match.
  // For kinds with a status subresource the stored status is kept.
  Json update(Json object, const WriteOptions& options = {});
  // The status subresource: only status changes (and resourceVersion is checked).
  Json updateStatus(Json object, const WriteOptions& options = {});
  // PATCH: applies a JSON, merge or strategic merge patch to the stored object, then
  // writes it as update() does (a resourceVersion in the patch is checked).
  Json patch(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
             const Json& patch, PatchType type, const WriteOptions& options = {});
  // Deletes, or marks for deletion while finalizers remain, with ownerReference garbage
  // collection by `options.propagation`. Deleting a Namespace terminates it: its
  // contents are deleted, and it goes when they are gone. Returns the object as it was
  // last stored (with deletionTimestamp when it lingers).
  Json remove(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
              const DeleteOptions& options = {});
  // DELETE on a collection: every object list() would return; returns them.
  std::vector<Json> removeCollection(std::string_view group, std::string_view kind, std::string_view ns,
                                     const ListOptions& selection, const DeleteOptions& options = {});

  // Events after `resourceVersion` (0: from the start of the kept history) for one kind
  // (or every kind when `kind` is empty). Throws ApiError 410 Gone when events after
  // that version were compacted away.
  std::vector<WatchEvent> watch(std::uint64_t resourceVersion, std::string_view group = {}, std::string_view kind = {}) const;

  std::uint64_t resourceVersion() const { return resourceVersion_; }
  std::size_t size() const { return objects_.size(); }

 private:
  const ResourceType& typeOf(const Json& object) const;
  const ResourceType& typeOf(std::string_view group, std::string_view kind) const;
  kube::ObjectKey keyOf(const Json& object, const ResourceType& type) const;
  void admit(Json& object, const ResourceType& type, const Json* old) const;
  std::string newUid();
  std::string generatedName(const std::string& prefix);
  Json commit(const kube::ObjectKey& key, Json object, WatchEvent::Type type);
  // After an object is really gone: garbage-collect its dependents, finish foreground
  // deletions waiting for it, finish its namespace's termination.
  void afterDeleted(const Json& object);
  std::vector<kube::ObjectKey> dependentsOf(const std::string& uid) const;
  void removeFinalizer(const kube::ObjectKey& key, const std::string& finalizer);
  Json write(Json object, const WriteOptions& options, bool statusOnly);

  const VirtualClock& clock_;
  Rng rng_;
  ResourceRegistry registry_;
  std::map<kube::ObjectKey, Json> objects_;
  std::uint64_t resourceVersion_ = 0;
  std::deque<WatchEvent> history_;
  std::size_t historyLimit_;
  std::uint64_t compactedThrough_ = 0;  // events at or below this version are gone
};

}  // namespace gs::fake
