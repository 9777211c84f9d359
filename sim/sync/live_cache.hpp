// The live state of every tracked object, kept like Argo CD's cluster cache: one full
// list at first, then only the watch events since the last look (a 410 Gone starts over
// with a list). Shared by all application controllers, so a refresh reads the app's
// objects from memory instead of listing the cluster.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
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
  // The same, shared and immutable (no copies), with their keys (valid until update()).
  struct Tracked {
    const kube::ObjectKey* key;
    fake::ObjectPtr object;
  };
  std::vector<Tracked> trackedPointers(const std::string& app) const;
  std::size_t size() const { return objects_.size(); }
  std::size_t relists() const { return relists_; }

 private:
  void relist();
  void put(const fake::ObjectPtr& object);
  void drop(const kube::ObjectKey& key);

  fake::ClusterClient& cluster_;
  TrackingMethod method_;
  bool listed_ = false;
  std::uint64_t resourceVersion_ = 0;
  struct Entry {
    fake::ObjectPtr object;
    std::string app;
  };
  std::map<kube::ObjectKey, Entry> objects_;
  std::map<std::string, std::map<kube::ObjectKey, fake::ObjectPtr>> byApp_;
  std::size_t relists_ = 0;
};

}  // namespace gs::sync
