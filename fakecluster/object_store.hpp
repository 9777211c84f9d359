// The fake API server's storage and write path: create/get/list/update/delete of
// unstructured objects with the real metadata rules (uid, one global resourceVersion
// counter, generation bumped by changes outside metadata and status, creationTimestamp
// from the virtual clock, generateName), optimistic concurrency (409 on a stale
// resourceVersion), admission (admission.hpp), defaulting (sim/kube, the same table the
// diff core uses, plus server_defaults.hpp), status subresources, finalizers, graceful
// pod deletion, ownerReference garbage collection, namespace termination, dry runs,
// and a watch history with 410 Gone once compacted.
//
// Stored objects are immutable and shared (ObjectPtr): a write stores a new version,
// and watch history, observers and readers hold versions without copying them.
// Observers are called synchronously after every stored change; controllers use them
// to queue work, never to write from inside the callback.
// Not thread-safe: the simulation is single-threaded (design.md §3).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "fakecluster/api_error.hpp"
#include "fakecluster/field_validation.hpp"
#include "fakecluster/patch.hpp"
#include "fakecluster/resource_registry.hpp"
#include "fakecluster/server_defaults.hpp"
#include "sim/core/clock.hpp"
#include "sim/core/json.hpp"
#include "sim/core/rng.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::fake {

using ObjectPtr = std::shared_ptr<const Json>;

struct WriteOptions {
  bool dryRun = false;  // validate and default, but store nothing and emit no event
  // How the body is decoded (field_validation.hpp). Clients that model kubectl or Argo CD
  // say Strict (or Ignore); the HTTP server passes the request's directive.
  FieldValidation fieldValidation = FieldValidation::Trusted;
  std::vector<std::string>* warnings = nullptr;  // receives the server's warnings, if given
  // An update that models a PATCH (the sync engine's client-side apply, whose 3-way
  // strategic merge is computed client-side): faults with `verbs: [patch]` match it.
  bool asPatch = false;
  // Field ownership (managed_fields.hpp): the writer's field manager, and whether its
  // changed fields are recorded in metadata.managedFields always (Track) or only for an
  // object that already has managedFields (IfTracked: the sync engine's apply, so a field
  // another manager took comes back to Argo CD when it writes it).
  enum class Ownership { Untracked, IfTracked, Track };
  Ownership ownership = Ownership::Untracked;
  std::string fieldManager;
};

// How deleting an owner treats the objects whose ownerReferences name it.
enum class Propagation {
  Background,  // the owner goes now; the garbage collector then deletes dependents
  Foreground,  // the owner lingers (foregroundDeletion finalizer) until its dependents are gone
  Orphan,      // dependents stay, with their ownerReference to it removed
};

struct DeleteOptions : WriteOptions {
  Propagation propagation = Propagation::Background;
  // For pods on a node: how long the kubelet has to stop them (default: the pod's
  // terminationGracePeriodSeconds). 0 deletes at once.
  std::optional<std::int64_t> gracePeriodSeconds;
};

struct ListOptions {
  std::string labelSelector;  // string form: app=web,tier in (a,b)
  std::string fieldSelector;  // metadata.name=x, metadata.namespace!=y, spec.nodeName=n, status.phase=Running
  std::size_t limit = 0;      // 0: no paging
  std::string continueToken;
};

struct WatchEvent {
  enum class Type { Added, Modified, Deleted, Bookmark };
  Type type;
  std::uint64_t resourceVersion;
  ObjectPtr object;  // for Deleted: the last stored version
};
const char* watchEventTypeName(WatchEvent::Type type);

class ObjectStore {
 public:
  using Observer = std::function<void(const WatchEvent&)>;
  using ObserverId = std::uint64_t;

  // `seed` decides uids, generated names and allocated addresses; `historyLimit` is how
  // many events watches can replay before older ones are compacted.
  ObjectStore(const VirtualClock& clock, std::uint64_t seed, std::size_t historyLimit = 100000);

  ResourceRegistry& registry() { return registry_; }
  const ResourceRegistry& registry() const { return registry_; }

  // The stored object (defaulted, with server metadata). Errors are ApiError.
  Json create(Json object, const WriteOptions& options = {}) { return *createShared(std::move(object), options); }
  // The same, returning the stored version itself rather than a copy (what in-process
  // writers such as the controllers use). Under dryRun: the object that would be stored.
  ObjectPtr createShared(Json object, const WriteOptions& options = {});
  Json get(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) const;
  // The stored version, or nullptr when get would throw NotFound for the object.
  ObjectPtr tryGet(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) const;
  // A `<Kind>List` with metadata.resourceVersion and, when paged, metadata.continue.
  // `ns` empty lists every namespace.
  Json list(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options = {}) const;
  // The stored versions list() would copy into `items` (the same selection and paging),
  // without copying them; `next` (when given) receives the continue token or "".
  std::vector<ObjectPtr> listShared(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options = {},
                                    std::string* next = nullptr) const;
  // Replaces the object's spec (and metadata); a resourceVersion in `object` must match.
  // For kinds with a status subresource the stored status is kept.
  Json update(Json object, const WriteOptions& options = {}) { return *updateShared(std::move(object), options); }
  // Field managers are recorded (WriteOptions::ownership) only when this is on: a world
  // turns it on when an app's ignoreDifferences names managers, `serve` always.
  void setFieldManagerTracking(bool on) { trackFieldManagers_ = on; }
  ObjectPtr updateShared(Json object, const WriteOptions& options = {});
  // The status subresource: only status changes (and resourceVersion is checked).
  Json updateStatus(Json object, const WriteOptions& options = {});
  // PATCH: applies a JSON, merge or strategic merge patch to the stored object, then
  // writes it as update() does (a resourceVersion in the patch is checked).
  Json patch(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
             const Json& patch, PatchType type, const WriteOptions& options = {});
  // Deletes, or marks for deletion while finalizers remain (or while a scheduled pod's
  // grace period runs), with ownerReference garbage collection by
  // `options.propagation`. Deleting a Namespace terminates it: its contents are
  // deleted (here, or later by deleteNamespaceContents when a namespace controller does
  // it: deferNamespaceCleanup), and it goes when they are gone. Returns the object as it
  // was last stored (with deletionTimestamp when it lingers).
  Json remove(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
              const DeleteOptions& options = {}) {
    return *removeShared(group, kind, ns, name, options);
  }
  ObjectPtr removeShared(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
                         const DeleteOptions& options = {});
  // The label and field selection of `options` as a predicate (what list() keeps), for
  // filtering watch events. Throws ApiError 400 on a malformed selector.
  std::function<bool(const Json&)> matcher(std::string_view group, std::string_view kind, const ListOptions& options) const;
  // DELETE on a collection: every object list() would return; returns them.
  // A cluster whose namespace controller deletes a terminating namespace's contents (a
  // moment later, as the real one does) says so; a store on its own does it at once.
  void deferNamespaceCleanup(bool defer) { deferNamespaceCleanup_ = defer; }
  // Deletes every object of a terminating namespace (the namespace controller's work).
  void deleteNamespaceContents(const std::string& ns);
  std::vector<Json> removeCollection(std::string_view group, std::string_view kind, std::string_view ns,
                                     const ListOptions& selection, const DeleteOptions& options = {});

  // Events after `resourceVersion` (0: from the start of the kept history) for one kind
  // (or every kind when `kind` is empty), ending with a BOOKMARK at the current
  // resourceVersion when `bookmark` is set. Throws ApiError 410 Gone when events after
  // that version were compacted away.
  std::vector<WatchEvent> watch(std::uint64_t resourceVersion, std::string_view group = {}, std::string_view kind = {},
                                bool bookmark = false) const;

  // Calls `observer` after every stored change, in commit order, until unsubscribed.
  ObserverId subscribe(Observer observer);
  void unsubscribe(ObserverId id);

  // In-process reads for controllers: no copies, no errors.
  ObjectPtr find(const kube::ObjectKey& key) const;
  ObjectPtr findByUid(const std::string& uid) const;
  // Objects of one kind (in one namespace, or all when `ns` is empty), in key order.
  void forEach(std::string_view group, std::string_view kind, std::string_view ns,
               const std::function<void(const ObjectPtr&)>& visit) const;
  // Every stored object, in key order.
  void forEachObject(const std::function<void(const kube::ObjectKey&, const ObjectPtr&)>& visit) const {
    for (const Entry* entry : ordered_) visit(entry->first, entry->second);
  }
  // The uids in `object`'s ownerReferences whose owner is absent: no stored object has
  // the uid, or the one that has it is of another group, kind or name, or in another
  // namespace (a namespaced owner of a cluster-scoped object is never present).
  std::vector<std::string> absentOwnerUids(const Json& object) const;
  // Called, during the write, with the key of an object written with ownerReferences
  // (new or changed) that name an absent owner: the garbage collector's cue
  // (garbage_collector.hpp). The handler must not write to the store.
  void onAbsentOwner(std::function<void(const kube::ObjectKey&)> handler) { absentOwner_ = std::move(handler); }
  // Keys of the objects whose ownerReferences name `uid`, in key order.
  std::vector<kube::ObjectKey> dependentsOf(const std::string& uid) const;
  // The same without a copy, for readers that do not write while they iterate (a write
  // may change the set).
  const std::set<kube::ObjectKey>& dependentKeys(const std::string& uid) const;

  // Status-subresource write for controllers: replaces status of the stored object
  // without a resourceVersion check; a no-op when unchanged. Throws ApiError 404.
  ObjectPtr writeStatus(const kube::ObjectKey& key, Json status);
  // The same, setting one annotation instead: what the Deployment controller's
  // UpdateStatus carrying deployment.kubernetes.io/revision does (the Deployment status
  // strategy keeps the client's annotations, and a status write never bumps generation).
  ObjectPtr writeAnnotationViaStatus(const kube::ObjectKey& key, const JsonKey& annotation, std::string value);
  // The pods/binding subresource: sets spec.nodeName of an unbound pod and its
  // PodScheduled condition in one write. Throws ApiError 404, or 409 when already bound.
  ObjectPtr bind(const kube::ObjectKey& key, const std::string& node, const std::string& now);

  std::uint64_t resourceVersion() const { return resourceVersion_; }
  std::size_t size() const { return objects_.size(); }
  // Stored changes so far (each create, update, status write and delete counts one).
  std::uint64_t writes() const { return writes_; }

 private:
  bool trackFieldManagers_ = false;
  using Objects = std::unordered_map<kube::ObjectKey, ObjectPtr, kube::ObjectKeyHash>;
  using Entry = Objects::value_type;
  // Orders entries, and probe keys against them, by key: the order of lists.
  struct EntryOrder {
    using is_transparent = void;
    bool operator()(const Entry* a, const Entry* b) const { return a->first < b->first; }
    bool operator()(const Entry* a, const kube::ObjectKey& b) const { return a->first < b; }
    bool operator()(const kube::ObjectKey& a, const Entry* b) const { return a < b->first; }
  };

  const ResourceType& typeOf(const Json& object) const;
  const ResourceType& typeOf(std::string_view group, std::string_view kind) const;
  kube::ObjectKey keyOf(const Json& object, const ResourceType& type) const;
  void checkNamespace(const Json& object, const ResourceType& type) const;
  std::string newUid();
  std::string generatedName(const std::string& prefix);
  ObjectPtr commit(const kube::ObjectKey& key, Json object, WatchEvent::Type type);
  void index(const kube::ObjectKey& key, const Json* before, const Json* after);
  // After an object is really gone: garbage-collect its dependents, finish foreground
  // deletions waiting for it, finish its namespace's termination.
  void afterDeleted(const Json& object);
  void removeFinalizer(const kube::ObjectKey& key, const std::string& finalizer);
  bool deferNamespaceCleanup_ = false;
  void dropOwnerReference(const kube::ObjectKey& key, const std::string& ownerUid);
  bool namespaceEmpty(const std::string& ns) const;
  // The StorageClass annotated as the default ("" when none is).
  std::string defaultStorageClassName() const;
  ObjectPtr write(Json object, const WriteOptions& options, bool statusOnly);

  // From this many stored objects on, each stored version is compacted (shrinkToFit).
  static constexpr std::size_t kCompactFromObjects = 4096;

  const VirtualClock& clock_;
  Rng rng_;
  ResourceRegistry registry_;
  ServiceAllocator services_;
  // Every stored object by key (hashed: controllers look objects up on every write),
  // and the same entries in key order for lists (unordered_map nodes do not move).
  Objects objects_;
  std::set<const Entry*, EntryOrder> ordered_;
  std::unordered_map<std::string, kube::ObjectKey> byUid_;
  std::unordered_map<std::string, std::set<kube::ObjectKey>> dependents_;  // owner uid -> dependents
  std::unordered_map<std::string, std::size_t> perNamespace_;               // objects in each namespace
  std::uint64_t resourceVersion_ = 0;
  std::uint64_t writes_ = 0;
  std::deque<WatchEvent> history_;
  std::size_t historyLimit_;
  std::uint64_t compactedThrough_ = 0;  // events at or below this version are gone
  std::map<ObserverId, Observer> observers_;
  std::function<void(const kube::ObjectKey&)> absentOwner_;
  ObserverId nextObserver_ = 1;
};

}  // namespace gs::fake
