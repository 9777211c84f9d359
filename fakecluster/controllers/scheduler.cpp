#include "fakecluster/controllers/scheduler.hpp"

#include <algorithm>

#include "fakecluster/controllers/volume_scheduling.hpp"
#include "fakecluster/label_selector.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

bool requirementMatches(const Json& req, const std::string& value, bool present) {
  const std::string op = req.value("operator", "");
  const Json& values = at(req, {"values"_key});
  bool in = present && std::any_of(values.begin(), values.end(), [&](const Json& v) { return v == value; });
  if (op == "In") return in;
  if (op == "NotIn") return !in;
  if (op == "Exists") return present;
  if (op == "DoesNotExist") return !present;
  if (op == "Gt" || op == "Lt") {
    if (!present || values.empty() || !values[0].is_string()) return false;
    try {
      long long a = std::stoll(value), b = std::stoll(values[0].get<std::string>());
      return op == "Gt" ? a > b : a < b;
    } catch (...) {
      return false;
    }
  }
  return false;
}

}  // namespace

bool tolerates(const Json& tolerations, const Json& taint) {
  if (!tolerations.is_array()) return false;
  for (const auto& t : tolerations) {
    if (!t.is_object()) continue;
    const std::string effect = t.value("effect", "");
    if (!effect.empty() && effect != taint.value("effect", "")) continue;
    const std::string key = t.value("key", "");
    const std::string op = t.value("operator", "Equal");
    if (key.empty() && op == "Exists") return true;
    if (key != taint.value("key", "")) continue;
    if (op == "Exists" || t.value("value", "") == taint.value("value", "")) return true;
  }
  return false;
}

bool nodeSelectorTermsMatch(const Json& terms, const Json& node) {
  const Json& labels = at(node, {"metadata"_key, "labels"_key});
  const Json& nodeName = at(node, {"metadata"_key, "name"_key});
  for (const auto& term : terms) {
    bool all = true;
    for (const auto& req : term.value("matchExpressions", Json::array())) {
      const std::string key = req.value("key", "");
      auto label = labels.find(key);
      bool present = label != labels.end() && label->is_string();
      all = all && requirementMatches(req, present ? label->get<std::string>() : "", present);
    }
    for (const auto& req : term.value("matchFields", Json::array())) {
      all = all && req.value("key", "") == "metadata.name" && requirementMatches(req, nodeName.is_string() ? nodeName.get<std::string>() : "", true);
    }
    if (all) return true;
  }
  return false;
}

bool podMatchesNodeSelection(const Json& pod, const Json& node) {
  const Json& labels = at(node, {"metadata"_key, "labels"_key});
  const Json& nodeSelector = at(pod, {"spec"_key, "nodeSelector"_key});
  for (auto it = nodeSelector.begin(); it != nodeSelector.end(); ++it) {
    auto label = labels.find(it.key());
    if (label == labels.end() || *label != it.value()) return false;
  }
  const Json& terms =
      at(pod, {"spec"_key, "affinity"_key, "nodeAffinity"_key, "requiredDuringSchedulingIgnoredDuringExecution"_key, "nodeSelectorTerms"_key});
  return !terms.is_array() || terms.empty() || nodeSelectorTermsMatch(terms, node);
}

bool podFitsNode(const Json& pod, const Json& node, std::string* whyNot) {
  auto fail = [&](const char* why) {
    if (whyNot != nullptr) *whyNot = why;
    return false;
  };
  const Json& spec = at(pod, {"spec"_key});
  // NodeUnschedulable: a cordoned node takes only pods that tolerate its taint (the
  // DaemonSet controller's pods do).
  static const Json kUnschedulableTaint{{"key", "node.kubernetes.io/unschedulable"}, {"effect", "NoSchedule"}};
  if (boolField(node, {"spec"_key, "unschedulable"_key}) && !tolerates(at(spec, {"tolerations"_key}), kUnschedulableTaint)) {
    return fail("node(s) were unschedulable");
  }
  const Json* ready = conditionOf(node, "Ready");
  if (ready == nullptr || ready->value("status", "") != "True") return fail("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
  if (!podMatchesNodeSelection(pod, node)) return fail("node(s) didn't match Pod's node affinity/selector");
  for (const auto& taint : at(node, {"spec"_key, "taints"_key})) {
    const std::string effect = taint.value("effect", "");
    if ((effect == "NoSchedule" || effect == "NoExecute") && !tolerates(at(spec, {"tolerations"_key}), taint)) {
      return fail("node(s) had untolerated taint");
    }
  }
  return true;
}

void Scheduler::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "v1", "Pod")) {
    const std::string uid = object["metadata"].value("uid", "");
    const std::string node = stringField(object, {"spec"_key, "nodeName"_key});
    auto known = nodeOfPod_.find(uid);
    const bool counts = event.type != WatchEvent::Type::Deleted && !node.empty() && podActive(object);
    if (known != nodeOfPod_.end() && (!counts || known->second != node)) {
      if (--podsPerNode_[known->second] == 0) podsPerNode_.erase(known->second);
      nodeOfPod_.erase(known);
    }
    if (counts && !nodeOfPod_.contains(uid)) {
      nodeOfPod_[uid] = node;
      ++podsPerNode_[node];
    }
    if (event.type != WatchEvent::Type::Deleted && node.empty() && !terminating(object)) queue().add(kube::objectKeyOf(object));
    if (event.type == WatchEvent::Type::Deleted) unschedulable_.erase(kube::objectKeyOf(object));
  } else if (is(object, "v1", "PersistentVolumeClaim")) {
    // A claim that appears, binds or goes may let a waiting pod on (or keep it off).
    const std::string& ns = stringAt(object, {"metadata"_key, "namespace"_key});
    for (const auto& waiting : {&unschedulable_, &awaitingVolumes_}) {
      for (const auto& pending : *waiting) {
        if (pending.ns == ns) queue().add(pending);
      }
    }
  } else if (is(object, "v1", "Node")) {
    auto key = kube::objectKeyOf(object);
    auto entry = std::lower_bound(nodes_.begin(), nodes_.end(), key, [](const NodeEntry& e, const kube::ObjectKey& k) { return e.key < k; });
    const bool known = entry != nodes_.end() && entry->key == key;
    if (event.type == WatchEvent::Type::Deleted) {
      if (known) nodes_.erase(entry);
    } else {
      if (!known) entry = nodes_.insert(entry, NodeEntry{key, nullptr, false});
      entry->object = event.object;
      const Json& taints = at(object, {"spec"_key, "taints"_key});
      const Json* ready = conditionOf(object, "Ready");
      entry->fitsUnconstrainedPods = !boolField(object, {"spec"_key, "unschedulable"_key}) && ready != nullptr &&
                                     at(*ready, {"status"_key}) == "True" && (!taints.is_array() || taints.empty());
    }
    for (const auto& pending : unschedulable_) queue().add(pending);
  }
}

void Scheduler::reconcile(const kube::ObjectKey& key) {
  auto current = ctx_.store.find(key);
  if (!current) return;
  const Json& pod = *current;
  if (!stringField(pod, {"spec"_key, "nodeName"_key}).empty() || terminating(pod)) {
    unschedulable_.erase(key);
    awaitingVolumes_.erase(key);
    return;
  }
  const Json& gates = at(pod, {"spec"_key, "schedulingGates"_key});
  if (gates.is_array() && !gates.empty()) return;  // SchedulingGated until the last gate is removed
  const PodVolumes volumes = podVolumes(ctx_.store, pod);
  if (!volumes.unschedulable.empty()) return markUnschedulable(key, pod, volumes.unschedulable);
  if (volumes.awaitingBinding) {
    // Its claims are being provisioned on the node chosen for it: it binds once they are Bound.
    unschedulable_.erase(key);
    awaitingVolumes_.insert(key);
    return;
  }
  awaitingVolumes_.erase(key);
  std::string best;
  std::size_t bestLoad = 0;
  const std::size_t nodes = nodes_.size();
  std::map<std::string, std::size_t> reasons;
  // As kube-scheduler does, stop looking once enough feasible nodes were found
  // (percentageOfNodesToScore: all of a small cluster, at least 100 nodes, an adaptive
  // share of a large one), starting where the previous search stopped.
  std::size_t wanted = nodes;
  if (nodes >= 100) {
    std::size_t percent = std::max<std::size_t>(5, 50 - std::min<std::size_t>(45, nodes / 125));
    wanted = std::max<std::size_t>(100, nodes * percent / 100);
  }
  // A pod without a nodeSelector or required node affinity fits every plain node.
  const bool unconstrained =
      !volumes.constrained() && objectAt(pod, {"spec"_key, "nodeSelector"_key}).empty() &&
      at(pod, {"spec"_key, "affinity"_key, "nodeAffinity"_key, "requiredDuringSchedulingIgnoredDuringExecution"_key, "nodeSelectorTerms"_key}).empty();
  std::size_t feasible = 0, examined = 0;
  for (; examined < nodes && feasible < wanted; ++examined) {
    const NodeEntry& entry = nodes_[(nextStart_ + examined) % nodes];
    const auto& nodeKey = entry.key;
    if (!(unconstrained && entry.fitsUnconstrainedPods)) {
      std::string why;
      if (!podFitsNode(pod, *entry.object, &why)) {
        ++reasons[why];
        continue;
      }
      if (!volumes.fit(*entry.object)) {
        ++reasons["node(s) had volume node affinity conflict"];
        continue;
      }
    }
    ++feasible;
    auto it = podsPerNode_.find(nodeKey.name);
    std::size_t load = it == podsPerNode_.end() ? 0 : it->second;
    if (best.empty() || load < bestLoad) {
      best = nodeKey.name;
      bestLoad = load;
    }
  }
  if (nodes > 0) nextStart_ = (nextStart_ + examined) % nodes;
  if (best.empty()) {
    std::string message;
    for (const auto& [why, count] : reasons) message += (message.empty() ? "" : ", ") + std::to_string(count) + " " + why;
    return markUnschedulable(key, pod, message);
  }
  if (!volumes.toProvision.empty()) {
    // WaitForFirstConsumer: the claims are provisioned where the pod goes.
    for (const auto& claimKey : volumes.toProvision) {
      if (auto claim = ctx_.store.find(claimKey)) {
        Json next = *claim;
        next["metadata"]["annotations"][kSelectedNodeAnnotation] = best;
        next["metadata"].erase("resourceVersion");
        ctx_.store.updateShared(std::move(next));
      }
    }
    unschedulable_.erase(key);
    awaitingVolumes_.insert(key);
    return;
  }
  unschedulable_.erase(key);
  awaitingVolumes_.erase(key);
  auto stored = ctx_.store.bind(key, best, now());
  ctx_.events.normal(*stored, name(), "Scheduled", "Successfully assigned " + key.ns + "/" + key.name + " to " + best);
}

void Scheduler::markUnschedulable(const kube::ObjectKey& key, const Json& pod, const std::string& reasons) {
  // kube-scheduler's FitError: the filters' (or a PreFilter's) reasons, then preemption's.
  unschedulable_.insert(key);
  awaitingVolumes_.erase(key);
  const std::size_t nodes = nodes_.size();
  std::string message = "no nodes available to schedule pods";
  if (nodes > 0) {
    const std::string all = std::to_string(nodes);
    message = "0/" + all + " nodes are available: " + reasons + ". preemption: 0/" + all + " nodes are available: " + all +
              " Preemption is not helpful for scheduling.";
  }
  Json status = pod.value("status", Json::object());
  setCondition(status, "PodScheduled", "False", "Unschedulable", message, now(), false, true);
  const Json* before = conditionOf(pod, "PodScheduled");
  bool changed = before == nullptr || before->value("message", "") != message;
  ctx_.store.writeStatus(key, std::move(status));
  if (changed) ctx_.events.warning(pod, name(), "FailedScheduling", message);
}

}  // namespace gs::fake
