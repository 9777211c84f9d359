#include "fakecluster/controllers/statefulset_controller.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "fakecluster/controllers/controller_history.hpp"
#include "fakecluster/controllers/pod_factory.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

constexpr const char* kRevisionLabel = "controller-revision-hash";

std::string nameOf(const Json& o) { return stringField(o, {"metadata"_key, "name"_key}); }

}  // namespace

void StatefulSetController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (enqueueIfKind(event, "apps/v1", "StatefulSet")) return;
  if (is(object, "v1", "Pod")) {
    enqueueOwner(object, "apps", "StatefulSet");
  }
}

void StatefulSetController::createPod(const Json& set, std::int64_t ordinal, const std::string& revision) {
  const std::string setName = nameOf(set);
  const std::string podName = setName + "-" + std::to_string(ordinal);
  const std::string ns = set["metadata"].value("namespace", "default");
  Json pod = podFromTemplate(history::templateOf(ctx_.store, set, revision), set, {}, podName);
  auto& labels = pod["metadata"]["labels"];
  if (!labels.is_object()) labels = Json::object();
  labels[kRevisionLabel] = revision;
  labels["statefulset.kubernetes.io/pod-name"] = podName;
  labels["apps.kubernetes.io/pod-index"] = std::to_string(ordinal);
  pod["spec"]["hostname"] = podName;
  if (set["spec"].contains("serviceName")) pod["spec"]["subdomain"] = set["spec"]["serviceName"];
  // One claim per template, created before the pod and mounted as its volume.
  for (const auto& vct : set["spec"].value("volumeClaimTemplates", Json::array())) {
    const std::string claimName = nameOf(vct) + "-" + podName;
    if (!ctx_.store.find(kube::ObjectKey{"", "PersistentVolumeClaim", ns, claimName})) {
      // getPersistentVolumeClaims: the template's metadata (labels, annotations), named for
      // the pod, with the set's selector labels added.
      Json metadata = objectAt(vct, {"metadata"_key});
      metadata["name"] = claimName;
      metadata["namespace"] = ns;
      Json& claimLabels = metadata["labels"];
      if (!claimLabels.is_object()) claimLabels = Json::object();
      for (const auto& [k, v] : objectAt(set, {"spec"_key, "selector"_key, "matchLabels"_key}).items()) claimLabels[k] = v;
      Json claim{{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"}, {"metadata", std::move(metadata)}, {"spec", vct.value("spec", Json::object())}};
      if (set.value("/spec/persistentVolumeClaimRetentionPolicy/whenDeleted"_json_pointer, "Retain") == "Delete") {
        claim["metadata"]["ownerReferences"] = Json::array({controllerReference(set)});
      }
      ctx_.store.createShared(std::move(claim));
      ctx_.events.normal(set, name(), "SuccessfulCreate",
                         "create Claim " + claimName + " Pod " + podName + " in StatefulSet " + setName + " success");
    }
    Json& volumes = pod["spec"]["volumes"];
    if (!volumes.is_array()) volumes = Json::array();
    volumes.push_back(Json{{"name", nameOf(vct)}, {"persistentVolumeClaim", {{"claimName", claimName}}}});
  }
  ctx_.store.createShared(std::move(pod));
  ctx_.events.normal(set, name(), "SuccessfulCreate", "create Pod " + podName + " in StatefulSet " + setName + " successful");
}

void StatefulSetController::ownClaimsBy(const Json& set, const Json& pod) {
  const std::string ns = stringField(set, {"metadata"_key, "namespace"_key}, "default");
  const Json podOwner{{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", nameOf(pod)}, {"uid", stringAt(pod, {"metadata"_key, "uid"_key})}};
  for (const auto& vct : at(set, {"spec"_key, "volumeClaimTemplates"_key})) {
    const ObjectPtr claim = ctx_.store.find(kube::ObjectKey{"", "PersistentVolumeClaim", ns, nameOf(vct) + "-" + nameOf(pod)});
    if (!claim) continue;
    Json owned = *claim;
    Json& owners = owned["metadata"]["ownerReferences"];
    if (!owners.is_array()) owners = Json::array();
    if (std::any_of(owners.begin(), owners.end(), [&](const Json& ref) { return ref.value("uid", "") == podOwner["uid"]; })) continue;
    owners.push_back(podOwner);
    owned["metadata"].erase("resourceVersion");
    ctx_.store.updateShared(std::move(owned));
  }
}

void StatefulSetController::reconcile(const kube::ObjectKey& key) {
  auto current = ctx_.store.find(key);
  if (!current || terminating(*current)) return;
  const Json& set = *current;
  const std::string uid = set["metadata"].value("uid", "");
  const std::string setName = nameOf(set);
  const std::int64_t replicas = intField(set, {"spec"_key, "replicas"_key}, 1);
  const std::int64_t start = intField(set, {"spec"_key, "ordinals"_key, "start"_key}, 0);
  const bool ordered = set["spec"].value("podManagementPolicy", "OrderedReady") == "OrderedReady";
  const std::string strategy = stringField(set, {"spec"_key, "updateStrategy"_key, "type"_key}, "RollingUpdate");
  const std::int64_t partition = intField(set, {"spec"_key, "updateStrategy"_key, "rollingUpdate"_key, "partition"_key}, 0);
  const std::int64_t minReady = intField(set, {"spec"_key, "minReadySeconds"_key}, 0);
  const std::string updateRevision = history::currentRevision(ctx_.store, set);
  std::string currentRevision = stringField(set, {"status"_key, "currentRevision"_key}, updateRevision);
  if (!ctx_.store.find(kube::ObjectKey{"apps", "ControllerRevision", key.ns, currentRevision})) currentRevision = updateRevision;

  std::map<std::int64_t, ObjectPtr> pods;
  for (const auto& k : ctx_.store.dependentsOf(uid)) {
    if (k.kind != "Pod") continue;
    auto pod = ctx_.store.find(k);
    if (!pod || controllerUid(*pod) != uid) continue;
    const std::string n = nameOf(*pod);
    if (n.rfind(setName + "-", 0) != 0) continue;
    try {
      pods[std::stoll(n.substr(setName.size() + 1))] = pod;
    } catch (...) {
    }
  }
  // isRunningAndAvailable: an OrderedReady set waits for each pod to be available
  // (minReadySeconds after it became ready) before it creates or updates the next one.
  auto available = [&](const ObjectPtr& p) { return p && phaseOf(*p) == "Running" && podAvailable(*p, minReady, nowUnix()) && !terminating(*p); };
  auto revisionOf = [](const ObjectPtr& p) { return stringField(*p, {"metadata"_key, "labels"_key, "controller-revision-hash"_key}); };
  auto remove = [&](const ObjectPtr& p) {
    auto k = kube::objectKeyOf(*p);
    ctx_.store.removeShared("", "Pod", k.ns, k.name);
    ctx_.events.normal(set, name(), "SuccessfulDelete", "delete Pod " + k.name + " in StatefulSet " + setName + " successful");
  };
  bool blocked = false;
  // Create or replace the pods that should exist, lowest ordinal first.
  for (std::int64_t i = start; i < start + replicas && !blocked; ++i) {
    auto it = pods.find(i);
    if (it == pods.end()) {
      // newVersionedStatefulSetPod: the current revision below the partition (or, for a
      // RollingUpdate set without rollingUpdate, below status.currentReplicas); otherwise,
      // OnDelete included, the update revision.
      const bool hasRollingUpdate = !at(set, {"spec"_key, "updateStrategy"_key, "rollingUpdate"_key}).is_null();
      const bool oldSide = (strategy == "RollingUpdate" && !hasRollingUpdate && i < intField(set, {"status"_key, "currentReplicas"_key}, 0)) ||
                           (hasRollingUpdate && i < partition);
      createPod(set, i, oldSide ? currentRevision : updateRevision);
      if (ordered) blocked = true;
      continue;
    }
    const ObjectPtr& pod = it->second;
    if (phaseOf(*pod) == "Failed" && !terminating(*pod)) {
      remove(pod);
      if (ordered) blocked = true;
      continue;
    }
    if (ordered && !available(pod)) blocked = true;
  }
  // Condemned pods (ordinals past replicas) go highest first.
  if (!blocked) {
    for (auto it = pods.rbegin(); it != pods.rend(); ++it) {
      if (it->first < start + replicas) break;
      if (terminating(*it->second)) {
        if (ordered) break;
        continue;
      }
      if (stringField(set, {"spec"_key, "persistentVolumeClaimRetentionPolicy"_key, "whenScaled"_key}, "Retain") == "Delete") {
        ownClaimsBy(set, *it->second);
      }
      remove(it->second);
      if (ordered) break;
    }
  }
  // Rolling update: one pod at a time, highest ordinal first, down to the partition.
  if (!blocked && strategy == "RollingUpdate") {
    for (std::int64_t i = start + replicas - 1; i >= start + partition; --i) {
      auto it = pods.find(i);
      if (it == pods.end()) break;
      if (revisionOf(it->second) != updateRevision) {
        if (!terminating(*it->second)) remove(it->second);
        break;
      }
      if (!available(it->second)) break;
    }
  }
  // Status (computeReplicaStatus): every created pod counts as a replica, a terminating
  // one too; only the others count as current or updated.
  std::int64_t count = 0, ready = 0, availableCount = 0, currentCount = 0, updated = 0;
  for (const auto& [ordinal, pod] : pods) {
    auto fresh = ctx_.store.find(kube::objectKeyOf(*pod));
    if (!fresh || phaseOf(*fresh).empty()) continue;
    ++count;
    if (phaseOf(*fresh) == "Running" && podReady(*fresh)) {
      ++ready;
      if (podAvailable(*fresh, minReady, nowUnix())) ++availableCount;
    }
    if (terminating(*fresh)) continue;
    if (revisionOf(fresh) == currentRevision) ++currentCount;
    if (revisionOf(fresh) == updateRevision) ++updated;
  }
  Json status = set.value("status", Json::object());
  status["observedGeneration"] = set["metadata"].value("generation", 1);
  status["replicas"] = count;
  status["readyReplicas"] = ready;
  status["availableReplicas"] = availableCount;
  status["currentReplicas"] = currentCount;
  status["updatedReplicas"] = updated;
  status["currentRevision"] = currentRevision;
  status["updateRevision"] = updateRevision;
  status["collisionCount"] = status.value("collisionCount", 0);
  // completeRollingUpdate: a RollingUpdate is complete when every replica runs the update
  // revision and is ready (an OnDelete set keeps its current revision).
  if (strategy == "RollingUpdate" && updated == count && ready == count) {
    status["currentRevision"] = updateRevision;
    status["currentReplicas"] = updated;
  }
  omitZeroCounts(status, {"readyReplicas", "currentReplicas", "updatedReplicas"});
  std::set<std::string> live{status["currentRevision"].get<std::string>(), updateRevision};
  for (const auto& [ordinal, pod] : pods) live.insert(revisionOf(pod));
  history::truncate(ctx_.store, set, live);
  ctx_.store.writeStatus(key, std::move(status));
  if (minReady > 0 && ready != availableCount) queue().addAfter(key, std::chrono::seconds(minReady));
}

}  // namespace gs::fake
