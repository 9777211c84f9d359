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
      Json labelsOfClaim = at(set, {"spec"_key, "selector"_key, "matchLabels"_key});
      if (labelsOfClaim.is_null()) labelsOfClaim = Json::object();
      Json claim{{"apiVersion", "v1"},
                 {"kind", "PersistentVolumeClaim"},
                 {"metadata", {{"name", claimName}, {"namespace", ns}, {"labels", labelsOfClaim}}},
                 {"spec", vct.value("spec", Json::object())}};
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
  auto healthy = [&](const ObjectPtr& p) { return p && phaseOf(*p) == "Running" && podReady(*p) && !terminating(*p); };
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
      bool oldSide = strategy == "RollingUpdate" ? i - start < partition : currentRevision != updateRevision;
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
    if (ordered && !healthy(pod)) blocked = true;
  }
  // Condemned pods (ordinals past replicas) go highest first.
  if (!blocked) {
    for (auto it = pods.rbegin(); it != pods.rend(); ++it) {
      if (it->first < start + replicas) break;
      if (terminating(*it->second)) {
        if (ordered) break;
        continue;
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
      if (!healthy(it->second)) break;
    }
  }
  // Status.
  std::int64_t count = 0, ready = 0, available = 0, currentCount = 0, updated = 0;
  for (const auto& [ordinal, pod] : pods) {
    auto fresh = ctx_.store.find(kube::objectKeyOf(*pod));
    if (!fresh || terminating(*fresh)) continue;
    ++count;
    if (podReady(*fresh)) {
      ++ready;
      if (podAvailable(*fresh, minReady, nowUnix())) ++available;
    }
    if (revisionOf(fresh) == currentRevision) ++currentCount;
    if (revisionOf(fresh) == updateRevision) ++updated;
  }
  Json status = set.value("status", Json::object());
  status["observedGeneration"] = set["metadata"].value("generation", 1);
  status["replicas"] = count;
  status["readyReplicas"] = ready;
  status["availableReplicas"] = available;
  status["currentReplicas"] = currentCount;
  status["updatedReplicas"] = updated;
  status["currentRevision"] = currentRevision;
  status["updateRevision"] = updateRevision;
  status["collisionCount"] = status.value("collisionCount", 0);
  // The update is complete when every pod runs the update revision.
  if (updated == replicas && count == replicas && ready == replicas) {
    status["currentRevision"] = updateRevision;
    status["currentReplicas"] = updated;
  }
  omitZeroCounts(status, {"readyReplicas", "currentReplicas", "updatedReplicas"});
  std::set<std::string> live{status["currentRevision"].get<std::string>(), updateRevision};
  for (const auto& [ordinal, pod] : pods) live.insert(revisionOf(pod));
  history::truncate(ctx_.store, set, live);
  ctx_.store.writeStatus(key, std::move(status));
  if (minReady > 0 && ready != available) queue().addAfter(key, std::chrono::seconds(minReady));
}

}  // namespace gs::fake
