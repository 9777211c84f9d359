#include "fakecluster/controllers/controller_history.hpp"

#include <algorithm>
#include <vector>

#include "fakecluster/object_util.hpp"

namespace gs::fake::history {

namespace {

// The label holding a revision's hash: history.NewControllerRevision's for a StatefulSet,
// the DaemonSet controller's own (apps.DefaultDaemonSetUniqueLabelKey) for a DaemonSet.
const char* hashLabelFor(const Json& owner) {
  return stringAt(owner, {"kind"_key}) == "StatefulSet" ? "controller.kubernetes.io/hash" : "controller-revision-hash";
}

const std::string& nameOf(const Json& o) { return stringAt(o, {"metadata"_key, "name"_key}); }
std::string namespaceOf(const Json& o) { return stringField(o, {"metadata"_key, "namespace"_key}, "default"); }

// The owner's revisions (controlled by it), oldest revision number first.
std::vector<ObjectPtr> revisionsOf(const ObjectStore& store, const Json& owner) {
  const std::string& uid = stringAt(owner, {"metadata"_key, "uid"_key});
  std::vector<ObjectPtr> out;
  for (const auto& key : store.dependentKeys(uid)) {
    if (key.kind != "ControllerRevision") continue;
    if (auto revision = store.find(key); revision && controllerUid(*revision) == uid) out.push_back(revision);
  }
  std::stable_sort(out.begin(), out.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
    return intField(*a, {"revision"_key}, 0) < intField(*b, {"revision"_key}, 0);
  });
  return out;
}

}  // namespace

std::string currentRevision(ObjectStore& store, const Json& owner) {
  const Json& podTemplate = at(owner, {"spec"_key, "template"_key});
  const std::string hash = templateHash(podTemplate, intField(owner, {"status"_key, "collisionCount"_key}, 0));
  const std::string name = nameOf(owner) + "-" + hash;
  const std::string ns = namespaceOf(owner);
  const auto revisions = revisionsOf(store, owner);
  const std::int64_t newest = revisions.empty() ? 0 : intField(*revisions.back(), {"revision"_key}, 0);
  if (auto existing = store.find(kube::ObjectKey{"apps", "ControllerRevision", ns, name})) {
    if (intField(*existing, {"revision"_key}, 0) < newest) {
      Json renumbered = *existing;
      renumbered["revision"] = newest + 1;
      renumbered["metadata"].erase("resourceVersion");
      store.updateShared(std::move(renumbered));
    }
    return name;
  }
  Json labels = objectAt(podTemplate, {"metadata"_key, "labels"_key});
  labels[hashLabelFor(owner)] = hash;
  Json patchTemplate = podTemplate;
  patchTemplate["$patch"] = "replace";
  Json metadata{{"name", name}, {"namespace", ns}, {"labels", std::move(labels)}, {"ownerReferences", Json::array({controllerReference(owner)})}};
  // The owner's annotations go with the revision (its change-cause included, which
  // `kubectl rollout history` prints).
  if (const Json& annotations = objectAt(owner, {"metadata"_key, "annotations"_key}); !annotations.empty()) metadata["annotations"] = annotations;
  store.createShared(Json{{"apiVersion", "apps/v1"},
                          {"kind", "ControllerRevision"},
                          {"metadata", std::move(metadata)},
                          {"data", {{"spec", {{"template", std::move(patchTemplate)}}}}},
                          {"revision", newest + 1}});
  return name;
}

Json templateOf(const ObjectStore& store, const Json& owner, const std::string& revision) {
  if (auto found = store.find(kube::ObjectKey{"apps", "ControllerRevision", namespaceOf(owner), revision})) {
    const Json& held = at(*found, {"data"_key, "spec"_key, "template"_key});
    if (held.is_object()) {
      Json out = held;
      out.erase("$patch");
      return out;
    }
  }
  return at(owner, {"spec"_key, "template"_key});
}

void truncate(ObjectStore& store, const Json& owner, const std::set<std::string>& live) {
  const std::int64_t limit = intField(owner, {"spec"_key, "revisionHistoryLimit"_key}, 10);
  std::vector<ObjectPtr> stale;
  for (const auto& revision : revisionsOf(store, owner)) {
    if (!live.contains(nameOf(*revision))) stale.push_back(revision);
  }
  const auto excess = static_cast<std::int64_t>(stale.size()) - std::max<std::int64_t>(0, limit);
  for (std::int64_t i = 0; i < excess; ++i) {
    store.removeShared("apps", "ControllerRevision", namespaceOf(*stale[i]), nameOf(*stale[i]));
  }
}

}  // namespace gs::fake::history
