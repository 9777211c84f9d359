// The seam the sync engine talks through (design.md §2): get/list/create/update/
// patch/delete/watch on unstructured objects, with API errors as ApiError. The fake
// cluster implements it in process; a REST client for a real API server can implement
// it later without the sync engine noticing.
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/object_store.hpp"

namespace gs::fake {

class ClusterClient {
 public:
  virtual ~ClusterClient() = default;
  virtual Json create(Json object, const WriteOptions& options = {}) = 0;
  virtual Json get(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) = 0;
  // get without the copy or the exception for an absent object: the stored version, or
  // nullptr where get would throw 404 for the object (an unknown kind still throws).
  virtual ObjectPtr tryGet(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) = 0;
  virtual Json list(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options = {}) = 0;
  // The objects list() returns, each complete (apiVersion and kind set) and shared rather
  // than copied: readers that keep a few of many objects copy only those. `resourceVersion`
  // (when given) receives the list's resourceVersion, the version to watch from.
  virtual std::vector<ObjectPtr> listShared(std::string_view group, std::string_view kind, std::string_view ns,
                                            const ListOptions& options = {}, std::uint64_t* resourceVersion = nullptr) = 0;
  virtual Json update(Json object, const WriteOptions& options = {}) = 0;
  virtual Json updateStatus(Json object, const WriteOptions& options = {}) = 0;
  virtual Json patch(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
                     const Json& patch, PatchType type, const WriteOptions& options = {}) = 0;
  virtual Json remove(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
                      const DeleteOptions& options = {}) = 0;
  virtual std::vector<WatchEvent> watch(std::uint64_t resourceVersion, std::string_view group, std::string_view kind) = 0;
  // Discovery: every kind served now (built-ins and registered custom resources).
  virtual std::vector<ResourceType> resources() = 0;
  // Discovery of one kind in one apiVersion, as a client's ServerResourcesForGroupVersion
  // finds it: served; the group/version is served but not the kind; or not the group/version.
  enum class Served { Yes, KindNotServed, GroupVersionNotServed };
  virtual Served served(std::string_view apiVersion, std::string_view kind) = 0;
};

}  // namespace gs::fake
