#include "fakecluster/controllers/daemonset_controller.hpp"

#include <map>
#include <set>

#include "fakecluster/controllers/controller_history.hpp"
#include "fakecluster/controllers/pod_factory.hpp"
#include "fakecluster/controllers/scheduler.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

constexpr const char* kRevisionLabel = "controller-revision-hash";

// The tolerations the DaemonSet controller adds to its pods.
void addDefaultTolerations(Json& spec) {
  Json& tolerations = spec["tolerations"];
  if (!tolerations.is_array()) tolerations = Json::array();
  auto add = [&](const char* key, const char* effect) {
    for (const auto& t : tolerations) {
      if (t.value("key", "") == key && t.value("effect", "") == effect) return;
    }
    tolerations.push_back(Json{{"key", key}, {"operator", "Exists"}, {"effect", effect}});
  };
  add("node.kubernetes.io/not-ready", "NoExecute");
  add("node.kubernetes.io/unreachable", "NoExecute");
  add("node.kubernetes.io/disk-pressure", "NoSchedule");
  add("node.kubernetes.io/memory-pressure", "NoSchedule");
  add("node.kubernetes.io/pid-pressure", "NoSchedule");
  add("node.kubernetes.io/unschedulable", "NoSchedule");
}

// NodeShouldRunDaemonPod: whether a node should get the set's pod, and whether a pod it
// already has may keep running there. A node outside the pod's nodeName, nodeSelector or
// required affinity gets none and keeps none; an untolerated NoSchedule taint (a cordon,
// a NotReady node, a taint added later) stops new pods but lets a running one stay
// (misscheduled); only an untolerated NoExecute taint evicts it.
struct Placement {
  bool shouldRun = false;
  bool shouldContinueRunning = false;
};

Placement placementOn(const Json& probe, const Json& node) {
  const std::string& nodeName = stringAt(probe, {"spec"_key, "nodeName"_key});
  if (!nodeName.empty() && nodeName != stringAt(node, {"metadata"_key, "name"_key})) return {};
  if (!podMatchesNodeSelection(probe, node)) return {};
  // The taints the node lifecycle controller keeps for a cordoned or NotReady node, with
  // the node's own.
  Json taints = at(node, {"spec"_key, "taints"_key}).is_array() ? at(node, {"spec"_key, "taints"_key}) : Json::array();
  if (boolField(node, {"spec"_key, "unschedulable"_key})) taints.push_back(Json{{"key", "node.kubernetes.io/unschedulable"}, {"effect", "NoSchedule"}});
  const Json* ready = conditionOf(node, "Ready");
  if (ready == nullptr || ready->value("status", "") != "True") {
    const char* key = ready != nullptr && ready->value("status", "") == "False" ? "node.kubernetes.io/not-ready" : "node.kubernetes.io/unreachable";
    taints.push_back(Json{{"key", key}, {"effect", "NoSchedule"}});
    taints.push_back(Json{{"key", key}, {"effect", "NoExecute"}});
  }
  Placement placement{true, true};
  for (const auto& taint : taints) {
    const std::string effect = taint.value("effect", "");
    if ((effect != "NoSchedule" && effect != "NoExecute") || tolerates(at(probe, {"spec"_key, "tolerations"_key}), taint)) continue;
    placement.shouldRun = false;
    if (effect == "NoExecute") placement.shouldContinueRunning = false;
  }
  return placement;
}

}  // namespace

void DaemonSetController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (enqueueIfKind(event, "apps/v1", "DaemonSet")) return;
  if (is(object, "v1", "Pod")) {
    enqueueOwner(object, "apps", "DaemonSet");
  } else if (is(object, "v1", "Node")) {
    ctx_.store.forEach("apps", "DaemonSet", "", [&](const ObjectPtr& ds) { queue().add(kube::objectKeyOf(*ds)); });
  }
}

void DaemonSetController::reconcile(const kube::ObjectKey& key) {
  auto current = ctx_.store.find(key);
  if (!current || terminating(*current)) return;
  const Json& ds = *current;
  const std::string uid = ds["metadata"].value("uid", "");
  const Json& podTemplate = ds["spec"]["template"];
  const std::string revision = history::currentRevision(ctx_.store, ds);
  const std::string hash = revision.substr(stringAt(ds, {"metadata"_key, "name"_key}).size() + 1);
  const std::int64_t minReady = intField(ds, {"spec"_key, "minReadySeconds"_key}, 0);
  // Pods by the node they are pinned to.
  std::map<std::string, std::vector<ObjectPtr>> byNode;
  std::set<std::string> stopping;  // nodes where a pod of this set is terminating
  for (const auto& k : ctx_.store.dependentsOf(uid)) {
    if (k.kind != "Pod") continue;
    auto pod = ctx_.store.find(k);
    if (!pod || controllerUid(*pod) != uid) continue;
    if (terminating(*pod)) {
      stopping.insert(stringField(*pod, {"spec"_key, "nodeName"_key}));
      continue;
    }
    const Json& terms =
        (*pod).value("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms"_json_pointer,
                     Json::array());
    std::string node = stringField(*pod, {"spec"_key, "nodeName"_key});
    if (node.empty() && !terms.empty()) node = terms[0].value("/matchFields/0/values/0"_json_pointer, "");
    byNode[node].push_back(pod);
  }
  // Oldest first (podByCreationTimestampAndPhase): the node's status reads its oldest pod.
  for (auto& [node, pods] : byNode) {
    std::stable_sort(pods.begin(), pods.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
      const std::string& ta = stringAt(*a, {"metadata"_key, "creationTimestamp"_key});
      const std::string& tb = stringAt(*b, {"metadata"_key, "creationTimestamp"_key});
      return ta != tb ? ta < tb : stringAt(*a, {"metadata"_key, "name"_key}) < stringAt(*b, {"metadata"_key, "name"_key});
    });
  }
  auto removePod = [&](const ObjectPtr& pod) {
    auto k = kube::objectKeyOf(*pod);
    ctx_.store.removeShared("", "Pod", k.ns, k.name);
    ctx_.events.normal(ds, name(), "SuccessfulDelete", "Deleted pod: " + k.name);
  };
  std::int64_t desired = 0, scheduled = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
  std::vector<ObjectPtr> oldPods;
  std::int64_t unavailableNow = 0;
  std::vector<std::string> fittingNodes;
  const bool rolling = stringField(ds, {"spec"_key, "updateStrategy"_key, "type"_key}, "RollingUpdate") == "RollingUpdate";
  const Json& rollingUpdate = at(ds, {"spec"_key, "updateStrategy"_key, "rollingUpdate"_key});
  // A percentage maxSurge is scaled against the nodes that should run a pod, counted first.
  const Json& surgeValue = rolling ? memberOr(rollingUpdate, "maxSurge", kNullJson) : kNullJson;
  std::int64_t nodesToRun = 0;
  if (surgeValue.is_string()) {
    ctx_.store.forEach("", "Node", "", [&](const ObjectPtr& node) {
      Json probe = podTemplate;
      addDefaultTolerations(probe["spec"]);
      if (placementOn(probe, *node).shouldRun) ++nodesToRun;
    });
  }
  const std::int64_t maxSurge = surgeValue.is_null() ? 0 : scaledValue(surgeValue, nodesToRun, true);
  const bool surge = maxSurge > 0;
  auto isNew = [&](const Json& pod) { return stringField(pod, {"metadata"_key, "labels"_key, "controller-revision-hash"_key}) == hash; };
  ctx_.store.forEach("", "Node", "", [&](const ObjectPtr& node) {
    const std::string nodeName = (*node)["metadata"].value("name", "");
    Json probe = podTemplate;
    addDefaultTolerations(probe["spec"]);
    const Placement placement = placementOn(probe, *node);
    auto& pods = byNode[nodeName];
    if (!placement.shouldRun) {
      if (!pods.empty()) ++misscheduled;
      if (!placement.shouldContinueRunning) {
        for (const auto& p : pods) removePod(p);
      }
      return;
    }
    ++desired;
    fittingNodes.push_back(nodeName);
    if (pods.empty()) {
      ++unavailableNow;
      return;
    }
    ++scheduled;
    if (!surge) {
      for (std::size_t i = 1; i < pods.size(); ++i) removePod(pods[i]);  // one per node
    } else {
      // podsShouldBeOnNode with surge: the oldest new and the oldest old pod may share a
      // node; the old one goes once it is not ready or the new one is available.
      ObjectPtr oldestNew, oldestOld;
      std::vector<ObjectPtr> kept;
      for (const auto& p : pods) {
        ObjectPtr& slot = isNew(*p) ? oldestNew : oldestOld;
        if (slot == nullptr) {
          slot = p;
          kept.push_back(p);
        } else {
          removePod(p);
        }
      }
      if (oldestNew != nullptr && oldestOld != nullptr &&
          (!podReady(*oldestOld) || podAvailable(*oldestNew, minReady, nowUnix()))) {
        removePod(oldestOld);
        kept.erase(std::find(kept.begin(), kept.end(), oldestOld));
      }
      pods = kept;
    }
    // Status reads the node's oldest pod.
    const Json& pod = *pods.front();
    if (isNew(pod)) ++updated;
    else oldPods.push_back(pods.front());
    if (podReady(pod)) {
      ++ready;
      if (podAvailable(pod, minReady, nowUnix())) ++available;
      else unavailableNow++;
    } else {
      ++unavailableNow;
    }
  });
  auto createOn = [&](const std::string& nodeName) {
    Json pod = podFromTemplate(podTemplate, ds);
    auto& labels = pod["metadata"]["labels"];
    if (!labels.is_object()) labels = Json::object();
    labels[kRevisionLabel] = hash;
    // The registry keeps the template's generation in this annotation (apps/v1 has no field).
    const Json* templateGeneration = findMember(objectAt(ds["metadata"], {"annotations"_key}), JsonKey("deprecated.daemonset.template.generation"));
    labels["pod-template-generation"] = templateGeneration != nullptr && templateGeneration->is_string() ? templateGeneration->get<std::string>() : "1";
    addDefaultTolerations(pod["spec"]);
    pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = Json{
        {"nodeSelectorTerms", Json::array({Json{{"matchFields", Json::array({Json{{"key", "metadata.name"}, {"operator", "In"},
                                                                                 {"values", Json::array({nodeName})}}})}}})}};
    try {
      ObjectPtr created = ctx_.store.createShared(std::move(pod));
      ctx_.events.normal(ds, name(), "SuccessfulCreate", "Created pod: " + (*created)["metadata"]["name"].get<std::string>());
    } catch (const ApiError& e) {
      ctx_.events.warning(ds, name(), "FailedCreate", std::string("Error creating: ") + e.what());
    }
  };
  // Nodes without a pod get one, pinned by node affinity.
  for (const auto& nodeName : fittingNodes) {
    // Without surge a node gets its new pod once the old one is gone.
    if (!byNode[nodeName].empty() || stopping.contains(nodeName)) continue;
    createOn(nodeName);
  }
  if (rolling && surge) {
    // rollingUpdate with maxSurge: a node whose old pod is unavailable gets its new pod at
    // once; up to maxSurge more nodes get one beside an available old pod (in node order);
    // a node whose new pod is not yet available counts against the surge.
    std::int64_t surging = 0;
    std::vector<std::string> allowed, candidates;
    for (const auto& nodeName : fittingNodes) {
      const auto& pods = byNode[nodeName];
      if (pods.empty()) {
        if (stopping.contains(nodeName)) ++surging;
        continue;
      }
      ObjectPtr newPod, oldPod;
      for (const auto& p : pods) (isNew(*p) ? newPod : oldPod) = p;
      if (oldPod == nullptr) continue;
      if (newPod == nullptr) {
        (podAvailable(*oldPod, minReady, nowUnix()) ? candidates : allowed).push_back(nodeName);
      } else if (!podAvailable(*newPod, minReady, nowUnix())) {
        ++surging;
      }
    }
    const std::int64_t room = std::clamp<std::int64_t>(maxSurge - surging, 0, static_cast<std::int64_t>(candidates.size()));
    for (const auto& nodeName : allowed) createOn(nodeName);
    for (std::int64_t i = 0; i < room; ++i) createOn(candidates[static_cast<std::size_t>(i)]);
  } else if (rolling) {
    // Rolling update: replace old pods while no more than maxUnavailable are down.
    const std::int64_t maxUnavailable = std::max<std::int64_t>(1, scaledValue(memberOr(rollingUpdate, "maxUnavailable", Json(1)), desired, true));
    std::int64_t budget = maxUnavailable - unavailableNow;
    // Unavailable old pods go first: replacing them costs nothing.
    for (const auto& pod : oldPods) {
      if (!podReady(*pod)) removePod(pod);
    }
    for (const auto& pod : oldPods) {
      if (budget <= 0) break;
      if (podReady(*pod)) {
        removePod(pod);
        --budget;
      }
    }
  }
  Json status = ds.value("status", Json::object());
  status["observedGeneration"] = ds["metadata"].value("generation", 1);
  status["desiredNumberScheduled"] = desired;
  status["currentNumberScheduled"] = scheduled;
  status["numberMisscheduled"] = misscheduled;
  status["numberReady"] = ready;
  status["numberAvailable"] = available;
  status["updatedNumberScheduled"] = updated;
  status["numberUnavailable"] = desired - available;
  omitZeroCounts(status, {"numberAvailable", "numberUnavailable", "updatedNumberScheduled"});
  std::set<std::string> live{revision};
  const std::string prefix = stringAt(ds, {"metadata"_key, "name"_key}) + "-";
  for (const auto& [node, pods] : byNode) {
    for (const auto& pod : pods) live.insert(prefix + stringField(*pod, {"metadata"_key, "labels"_key, "controller-revision-hash"_key}));
  }
  history::truncate(ctx_.store, ds, live);
  ctx_.store.writeStatus(key, std::move(status));
  if (minReady > 0 && (ready != available || surge)) queue().addAfter(key, std::chrono::seconds(minReady));
}

}  // namespace gs::fake
