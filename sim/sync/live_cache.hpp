// The live state of every tracked object, kept like Argo CD's cluster cache: one full
// list at first, then only the watch events since the last look (a 410 Gone starts over
// with a list). Shared by all application controllers, so a refresh reads the app's
// objects from memory instead of listing the cluster.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fakecluster/cluster_client.hpp"
#include "sim/kube/object_key.hpp"
#include "sim/sync/tracking.hpp"

namespace gs::sync {

class LiveCache {
 public:
  LiveCache(fake::ClusterClient& cluster, TrackingMethod method) : cluster_(cluster), method_(method) {}

  // Brings the cache up to date with the cluster.
  void update();
  // The objects `app` tracks (after update()).
  std::vector<Json> trackedBy(const std::string& app) const;
  // The same, shared and immutable (no copies), by key (valid until the next update()).
  // An object that did not change keeps its pointer, so pointer equality means "same
  // version" without reading the object.
  using TrackedMap = std::map<kube::ObjectKey, fake::ObjectPtr>;
  const TrackedMap& trackedMap(const std::string& app) const;
  // A number that changes whenever an object `app` tracks is added, changed or removed
  // (never reused, also across relists), and the keys changed after an earlier such
  // number: nullopt when the bounded change log no longer reaches back that far.
  std::uint64_t generation(const std::string& app) const;
  std::optional<std::vector<kube::ObjectKey>> changedSince(const std::string& app, std::uint64_t since) const;
  std::size_t size() const { return objects_.size(); }
  std::size_t relists() const { return relists_; }

 private:
  void relist();
  void put(const fake::ObjectPtr& object);
  void drop(const kube::ObjectKey& key);
  void touch(const std::string& app, const kube::ObjectKey& key);

  fake::ClusterClient& cluster_;
  TrackingMethod method_;
  bool listed_ = false;
  std::uint64_t resourceVersion_ = 0;
  struct Entry {
    fake::ObjectPtr object;
    std::string app;
  };
  std::map<kube::ObjectKey, Entry> objects_;
  struct AppObjects {
    TrackedMap objects;
    std::uint64_t generation = 0;
    std::uint64_t logStart = 0;  // changedSince() answers for any `since` >= this
    std::deque<std::pair<std::uint64_t, kube::ObjectKey>> changes;
  };
  static constexpr std::size_t kChangeLogLimit = 4096;
  std::map<std::string, AppObjects> byApp_;
  std::uint64_t nextGeneration_ = 0;
  std::size_t relists_ = 0;
};

}  // namespace gs::sync
