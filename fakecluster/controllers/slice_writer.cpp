#include "fakecluster/controllers/slice_writer.hpp"

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::fake {

bool sliceManagedBy(const Json& slice, std::string_view controller) {
  const Json& labels = at(slice, {"metadata"_key, "labels"_key});
  return labels.is_object() && labels.value(kSliceManagedByLabel, "") == controller;
}

std::vector<ObjectPtr> ownedSlices(const ObjectStore& store, const Json& owner, std::string_view managedBy) {
  const std::string& uid = stringField(owner, {"metadata"_key, "uid"_key});
  std::vector<ObjectPtr> out;
  for (const auto& k : store.dependentKeys(uid)) {
    if (k.group != "discovery.k8s.io" || k.kind != "EndpointSlice") continue;
    auto slice = store.find(k);
    if (slice && controllerUid(*slice) == uid && !terminating(*slice) && sliceManagedBy(*slice, managedBy)) out.push_back(slice);
  }
  return out;
}

bool writeSlice(ObjectStore& store, const ObjectPtr* stored, SliceContent content, const std::string& generateName, const std::string& ns,
                const Json& owner) {
  Json slice = stored != nullptr ? **stored : Json::object();
  // Top-level members first: adding one moves the others (sorted-vector objects).
  slice["addressType"] = std::move(content.addressType);
  slice["ports"] = std::move(content.ports);
  slice["endpoints"] = std::move(content.endpoints);
  if (stored == nullptr) {
    slice["apiVersion"] = "discovery.k8s.io/v1";
    slice["kind"] = "EndpointSlice";
  }
  Json& meta = slice["metadata"];
  if (stored == nullptr) {
    meta["generateName"] = generateName;
    meta["namespace"] = ns;
    meta["ownerReferences"] = Json::array({controllerReference(owner)});
  }
  meta["labels"] = std::move(content.labels);
  Json& annotations = meta["annotations"];
  if (!annotations.is_object()) annotations = Json::object();
  content.annotate(annotations);
  if (annotations.empty()) meta.erase("annotations");
  meta.erase("resourceVersion");
  try {
    if (stored == nullptr) store.createShared(std::move(slice));
    else store.updateShared(std::move(slice));
  } catch (const ApiError&) {
    return false;
  }
  return true;
}

void deleteUnusedSlices(ObjectStore& store, const std::vector<ObjectPtr>& existing, const std::vector<bool>& used) {
  for (std::size_t j = 0; j < existing.size(); ++j) {
    if (used[j]) continue;
    const Json& meta = objectAt(*existing[j], {"metadata"_key});
    try {
      store.removeShared("discovery.k8s.io", "EndpointSlice", stringField(meta, {"namespace"_key}), stringField(meta, {"name"_key}));
    } catch (const ApiError&) {
    }
  }
}

}  // namespace gs::fake
