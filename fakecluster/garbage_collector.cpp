#include "fakecluster/garbage_collector.hpp"

#include <algorithm>

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {
// Among the controllers acting at one instant (controller.hpp), after the kubelet.
constexpr int kPriority = 45;
}  // namespace

GarbageCollector::GarbageCollector(ObjectStore& store, EventLoop& loop) : store_(store), loop_(loop) {
  store_.onAbsentOwner([this](const kube::ObjectKey& key) {
    loop_.schedule(loop_.clock().now(), kPriority, "garbage-collector " + key.str(), [this, key] { collect(key); });
  });
}

GarbageCollector::~GarbageCollector() { store_.onAbsentOwner(nullptr); }

void GarbageCollector::collect(const kube::ObjectKey& key) {
  const ObjectPtr object = store_.find(key);
  if (!object || at(*object, {"metadata"_key, "deletionTimestamp"_key}).is_string()) return;
  const std::vector<std::string> absent = store_.absentOwnerUids(*object);
  if (absent.empty()) return;  // the owner appeared, or the reference was fixed, meanwhile
  const Json& refs = at(*object, {"metadata"_key, "ownerReferences"_key});
  try {
    if (absent.size() == refs.size()) {
      // No owner left: deleted in the background, as the collector deletes it.
      store_.remove(key.group, key.kind, key.ns, key.name);
    } else {
      Json next = *object;
      Json kept = Json::array();
      for (const auto& ref : refs) {
        if (std::find(absent.begin(), absent.end(), stringAt(ref, {"uid"_key})) == absent.end()) kept.push_back(ref);
      }
      next["metadata"]["ownerReferences"] = std::move(kept);
      next["metadata"].erase("resourceVersion");
      store_.updateShared(std::move(next));
    }
    ++collected_;
  } catch (const ApiError&) {
    // Gone or changed meanwhile: the write that changed it is looked at on its own.
  }
}

}  // namespace gs::fake
