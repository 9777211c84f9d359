// Writing EndpointSlices, shared by the EndpointSlice controller and the mirroring
// controller: the slices a controller owns through one owner, the write of one slice's
// content (an update of a stored slice, or a new `<prefix>-<random>` slice owned by the
// owner), and the deletion of the stored slices no longer wanted.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/object_store.hpp"

namespace gs::fake {

inline constexpr const char* kSliceManagedByLabel = "endpointslice.kubernetes.io/managed-by";
inline constexpr const char* kSliceServiceNameLabel = "kubernetes.io/service-name";

// Whether the slice's managed-by label names `controller`.
bool sliceManagedBy(const Json& slice, std::string_view controller);

// The live (not terminating) EndpointSlices whose controller is `owner` and whose
// managed-by label is `managedBy`.
std::vector<ObjectPtr> ownedSlices(const ObjectStore& store, const Json& owner, std::string_view managedBy);

struct SliceContent {
  std::string addressType;
  Json ports;      // array, or null for a placeholder
  Json endpoints;  // array, or null for a placeholder
  Json labels;
  std::function<void(Json& annotations)> annotate;  // sets the slice's annotations (left out when empty)
};

// Writes `content` onto `stored` (null: a new slice named `generateName` + random in `ns`,
// owned by `owner`). False when the store refused it (a terminating namespace...).
bool writeSlice(ObjectStore& store, const ObjectPtr* stored, SliceContent content, const std::string& generateName, const std::string& ns,
                const Json& owner);

// Deletes every slice of `existing` whose `used` flag is false.
void deleteUnusedSlices(ObjectStore& store, const std::vector<ObjectPtr>& existing, const std::vector<bool>& used);

// Set while a controller writes its own slices, so that its observe() can skip their events.
class WritingGuard {
 public:
  explicit WritingGuard(bool& flag) : flag_(flag) { flag_ = true; }
  ~WritingGuard() { flag_ = false; }
  WritingGuard(const WritingGuard&) = delete;
  WritingGuard& operator=(const WritingGuard&) = delete;

 private:
  bool& flag_;
};

}  // namespace gs::fake
