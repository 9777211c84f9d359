// Comparing an application's desired objects (the render of its target revision) with
// the live objects it tracks, as Argo CD's controller does on every refresh: a sync
// status per resource (Synced, OutOfSync; requiresPruning for live objects Git no longer
// has), the app's sync status (OutOfSync when any resource is), and the app's health
// (the worst of its resources'; Missing for a resource not created yet).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakecluster/cluster_client.hpp"
#include "sim/diff/diff.hpp"
#include "sim/kube/object_key.hpp"
#include "sim/sync/health.hpp"
#include "sim/sync/tracking.hpp"

namespace gs::sync {

enum class SyncStatus { Synced, OutOfSync, Unknown };
const char* toString(SyncStatus status);

struct ResourceStatus {
  kube::ObjectKey key;
  std::string apiVersion;
  SyncStatus status = SyncStatus::Synced;
  bool requiresPruning = false;  // live, tracked by the app, and no longer in Git
  // compare-options IgnoreExtraneous on a live object Git no longer has: it still
  // requires pruning, but the app's sync status does not count it.
  bool ignoreExtraneous = false;
  bool hook = false;             // a hook: run at sync time, not compared
  bool liveMissing = false;      // in Git, not in the cluster
  std::optional<Health> health;  // nullopt for kinds without a health rule
  diff::DiffResult diff;
  // outOfSyncDiff's text of this resource, rendered on first use and kept with it (copies
  // of a comparison share it): a resource's diff never changes once compared.
  mutable std::shared_ptr<const std::string> diffText;
};

struct Comparison {
  SyncStatus sync = SyncStatus::Synced;
  Health health;
  std::vector<ResourceStatus> resources;  // sorted by key

  const ResourceStatus* find(const kube::ObjectKey& key) const;
};

// The app's health from its resources', as Argo CD 3's setApplicationHealth: the worst
// of the live ones (hooks left out, resources waiting to be pruned counted); a missing
// resource does not count (OutOfSync says it) unless none of them is live: then Missing.
Health appHealth(const std::vector<ResourceStatus>& resources);

// Argo CD's DeduplicateTargetObjects: an object a render holds more than once (the same
// group, kind, namespace and name, say in two files of a directory) is kept once, its
// last copy; the app compares and syncs as usual. Returns `objects` itself when nothing
// repeats; `repeated` (when given) receives each repeated object and its number of copies.
struct RepeatedObject {
  kube::ObjectKey key;  // namespaced kinds with the destination namespace filled in
  std::size_t copies = 0;
};
std::shared_ptr<const std::vector<Json>> withoutRepeatedObjects(std::shared_ptr<const std::vector<Json>> objects,
                                                                const std::string& destinationNamespace,
                                                                std::vector<RepeatedObject>* repeated = nullptr);

struct CompareOptions {
  std::string destinationNamespace = "default";
  diff::DiffOptions diff;  // ignore rules (ignoreDifferences) and three-way settings
};

// Compares; `live` holds the objects the app tracks. Throws InvalidInput for a desired
// set the API would refuse (duplicates, generateName-only objects).
Comparison compareApp(const std::vector<Json>& desired, std::vector<Json> live, const CompareOptions& options);

// `previous` (compareApp of earlier desired and live objects) brought up to date after
// some objects changed, none added or removed on either side: `desired` and `live` are
// all the objects now, `changed` the desired or live ones that differ from before (by
// content; the same group, kind, namespace and name). Only the resources of the names
// in `changed` are compared again. Equal to compareApp(desired, live). nullopt when this
// cannot tell (a hook involved, or objects that pair differently than before): compare
// everything then.
std::optional<Comparison> recompareChanged(const Comparison& previous, const std::vector<Json>& desired, const std::vector<const Json*>& live,
                                           const std::vector<const Json*>& changed, const CompareOptions& options);

// kubectl-diff-style text of the resources that are OutOfSync or require pruning (hooks
// left out); "" when there are none. Secret values are masked.
std::string outOfSyncDiff(const Comparison& comparison);

// Every live object tracked by `app`, across all served kinds and namespaces.
std::vector<Json> trackedObjects(fake::ClusterClient& cluster, const std::string& app, TrackingMethod method);
// The same for every app at once (one list of each kind), by app name.
std::map<std::string, std::vector<Json>> trackedObjectsByApp(fake::ClusterClient& cluster, TrackingMethod method);

}  // namespace gs::sync
