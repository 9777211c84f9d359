#include "fakecluster/controllers/deployment_controller.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

constexpr const char* kRevision = "deployment.kubernetes.io/revision";
constexpr const char* kRevisionHistory = "deployment.kubernetes.io/revision-history";
constexpr const char* kDesiredReplicas = "deployment.kubernetes.io/desired-replicas";
constexpr const char* kMaxReplicas = "deployment.kubernetes.io/max-replicas";
constexpr const char* kHashLabel = "pod-template-hash";

std::int64_t specReplicas(const Json& o) { return intField(o, {"spec"_key, "replicas"_key}, 1); }
std::int64_t statusInt(const Json& o, const char* field) {
  const Json* status = findMember(o, "status"_key);
  const Json* it = status != nullptr ? findMember(*status, field) : nullptr;
  return it != nullptr && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}
std::string annotation(const Json& o, const char* name) {
  const Json* meta = findMember(o, "metadata"_key);
  const Json* annotations = meta != nullptr ? findMember(*meta, "annotations"_key) : nullptr;
  const Json* it = annotations != nullptr ? findMember(*annotations, name) : nullptr;
  return it != nullptr && it->is_string() ? it->get<std::string>() : std::string();
}
std::int64_t annotationInt(const Json& o, const char* name, std::int64_t fallback) {
  std::string v = annotation(o, name);
  if (v.empty()) return fallback;
  try {
    return std::stoll(v);
  } catch (...) {
    return fallback;
  }
}
std::int64_t creation(const Json& o) { return unixOf(stringField(o, {"metadata"_key, "creationTimestamp"_key})); }
std::string nameOf(const Json& o) { return stringField(o, {"metadata"_key, "name"_key}); }

bool rollingUpdate(const Json& d) { return stringField(d, {"spec"_key, "strategy"_key, "type"_key}, "RollingUpdate") == "RollingUpdate"; }

// ResolveFenceposts: maxSurge rounds up, maxUnavailable down; never both zero.
std::pair<std::int64_t, std::int64_t> fenceposts(const Json& d) {
  if (!rollingUpdate(d)) return {0, 0};
  const std::int64_t replicas = specReplicas(d);
  const Json& surgeValue = at(d, {"spec"_key, "strategy"_key, "rollingUpdate"_key, "maxSurge"_key});
  const Json& unavailableValue = at(d, {"spec"_key, "strategy"_key, "rollingUpdate"_key, "maxUnavailable"_key});
  std::int64_t surge = scaledValue(surgeValue.is_null() ? Json("25%") : surgeValue, replicas, true);
  std::int64_t unavailable = scaledValue(unavailableValue.is_null() ? Json("25%") : unavailableValue, replicas, false);
  if (surge == 0 && unavailable == 0) unavailable = 1;
  return {surge, unavailable};
}
std::int64_t maxSurge(const Json& d) { return fenceposts(d).first; }
std::int64_t maxUnavailable(const Json& d) {
  if (!rollingUpdate(d) || specReplicas(d) == 0) return 0;
  return std::min(fenceposts(d).second, specReplicas(d));
}

// EqualIgnoreHash: the templates are semantically equal (null, {} and [] count as absent,
// as they do for the typed objects the real controller compares) once the
// pod-template-hash label is set aside. Compared in place: this runs for every ReplicaSet
// on every sync.
bool equalIgnoringHash(const Json& rsTemplate, const Json& podTemplate) {
  if (!semanticallyEqual(rsTemplate, podTemplate, "metadata")) return false;
  const Json& a = objectAt(rsTemplate, {"metadata"_key});
  const Json& b = objectAt(podTemplate, {"metadata"_key});
  return semanticallyEqual(a, b, "labels") && semanticallyEqual(objectAt(a, {"labels"_key}), objectAt(b, {"labels"_key}), kHashLabel);
}

std::int64_t sumSpec(const std::vector<ObjectPtr>& sets) {
  std::int64_t n = 0;
  for (const auto& rs : sets) n += rs ? specReplicas(*rs) : 0;
  return n;
}
std::int64_t sumStatus(const std::vector<ObjectPtr>& sets, const char* field) {
  std::int64_t n = 0;
  for (const auto& rs : sets) n += rs ? statusInt(*rs, field) : 0;
  return n;
}
std::vector<ObjectPtr> active(const std::vector<ObjectPtr>& sets) {
  std::vector<ObjectPtr> out;
  for (const auto& rs : sets) {
    if (rs && specReplicas(*rs) > 0) out.push_back(rs);
  }
  return out;
}
void byCreation(std::vector<ObjectPtr>& sets) {
  std::stable_sort(sets.begin(), sets.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
    auto ca = creation(*a), cb = creation(*b);
    return ca != cb ? ca < cb : nameOf(*a) < nameOf(*b);
  });
}

bool complete(const Json& d, const Json& status) {
  const std::int64_t replicas = specReplicas(d);
  return status.value("updatedReplicas", 0) == replicas && status.value("replicas", 0) == replicas &&
         status.value("availableReplicas", 0) == replicas &&
         status.value("observedGeneration", 0) >= d["metadata"].value("generation", 1);
}

bool progressing(const Json& d, const Json& status) {
  const Json& old = objectAt(d, {"status"_key});
  auto oldOld = old.value("replicas", 0) - old.value("updatedReplicas", 0);
  auto newOld = status.value("replicas", 0) - status.value("updatedReplicas", 0);
  return status.value("updatedReplicas", 0) > old.value("updatedReplicas", 0) || newOld < oldOld ||
         status.value("readyReplicas", 0) > old.value("readyReplicas", 0) ||
         status.value("availableReplicas", 0) > old.value("availableReplicas", 0);
}

bool hasProgressDeadline(const Json& d) {
  const Json& seconds = at(d, {"spec"_key, "progressDeadlineSeconds"_key});
  return seconds.is_number_integer() && seconds.get<std::int64_t>() != 2147483647;
}

}  // namespace

std::vector<ObjectPtr> DeploymentController::Sets::all() const {
  auto out = old;
  if (newRS) out.push_back(newRS);
  return out;
}

void DeploymentController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (enqueueIfKind(event, "apps/v1", "Deployment")) return;
  if (is(object, "apps/v1", "ReplicaSet")) {
    enqueueOwner(object, "apps", "Deployment");
  } else if (is(object, "v1", "Pod") && event.type == WatchEvent::Type::Deleted) {
    // Recreate waits for the old pods to be gone.
    auto rs = ctx_.store.findByUid(controllerUid(object));
    if (rs) enqueueOwner(*rs, "apps", "Deployment");
  }
}

ObjectPtr DeploymentController::reload(const ObjectPtr& object) const {
  return object ? ctx_.store.find(kube::objectKeyOf(*object)) : nullptr;
}

void DeploymentController::writeStatus(const Json& deployment, Json status) {
  ctx_.store.writeStatus(kube::objectKeyOf(deployment), std::move(status));
}

void DeploymentController::setRevision(const Json& deployment, const std::string& revision) {
  if (annotation(deployment, kRevision) == revision) return;
  // Through the status subresource, as the real controller does: generation stays.
  static const JsonKey revisionKey(kRevision);
  ctx_.store.writeAnnotationViaStatus(kube::objectKeyOf(deployment), revisionKey, revision);
}

Json DeploymentController::newReplicaSetFor(const Json& d, std::int64_t replicas, const std::string& revision,
                                            const std::string& hash) {
  Json podTemplate = d["spec"]["template"];
  podTemplate["metadata"]["labels"][kHashLabel] = hash;
  Json selector = d["spec"]["selector"];
  selector["matchLabels"][kHashLabel] = hash;
  Json annotations = Json::object();
  const Json deploymentAnnotations = d["metadata"].value("annotations", Json::object());
  for (auto it = deploymentAnnotations.begin(); it != deploymentAnnotations.end(); ++it) {
    const std::string& k = it.key();
    if (k == "kubectl.kubernetes.io/last-applied-configuration" || k == kRevision || k == kRevisionHistory ||
        k == kDesiredReplicas || k == kMaxReplicas || k == "deprecated.deployment.rollback.to") {
      continue;
    }
    annotations[k] = it.value();
  }
  annotations[kDesiredReplicas] = std::to_string(specReplicas(d));
  annotations[kMaxReplicas] = std::to_string(specReplicas(d) + maxSurge(d));
  annotations[kRevision] = revision;
  Json spec{{"replicas", replicas}, {"selector", selector}, {"template", podTemplate}};
  if (d["spec"].contains("minReadySeconds")) spec["minReadySeconds"] = d["spec"]["minReadySeconds"];
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "ReplicaSet"},
              {"metadata",
               {{"name", nameOf(d) + "-" + hash},
                {"namespace", d["metadata"].value("namespace", "default")},
                {"labels", podTemplate["metadata"]["labels"]},
                {"annotations", annotations},
                {"ownerReferences", Json::array({controllerReference(d)})}}},
              {"spec", spec}};
}

DeploymentController::Sets DeploymentController::replicaSets(const Json& d, bool createIfMissing) {
  // The answer is a function of the stored state and the Deployment: when the store has not
  // changed since the last answer for this same stored Deployment, and that answer found the
  // new ReplicaSet (or none is to be created), it is this answer too.
  const std::uint64_t version = ctx_.store.resourceVersion();
  ObjectPtr stored = ctx_.store.find(kube::objectKeyOf(d));
  if (stored.get() != &d) stored.reset();  // a copy being edited, not the stored object: no memo
  if (stored && memo_ && memo_->storeVersion == version && memo_->deployment == stored && (memo_->sets.newRS || !createIfMissing)) {
    return memo_->sets;
  }
  Sets sets = listReplicaSets(d, createIfMissing);
  if (stored && ctx_.store.resourceVersion() == version) {
    memo_ = SetsMemo{version, std::move(stored), sets};
  } else {
    memo_.reset();
  }
  return sets;
}

DeploymentController::Sets DeploymentController::listReplicaSets(const Json& d, bool createIfMissing) {
  const std::string uid = d["metadata"].value("uid", "");
  std::vector<ObjectPtr> owned;
  for (const auto& key : ctx_.store.dependentKeys(uid)) {
    if (key.group != "apps" || key.kind != "ReplicaSet") continue;
    auto rs = ctx_.store.find(key);
    if (rs && controllerUid(*rs) == uid) owned.push_back(rs);
  }
  byCreation(owned);
  const Json& podTemplate = d["spec"]["template"];
  Sets sets;
  for (const auto& rs : owned) {
    if (!sets.newRS && equalIgnoringHash(at(*rs, {"spec"_key, "template"_key}), podTemplate)) sets.newRS = rs;
    else sets.old.push_back(rs);
  }
  std::int64_t maxOld = 0;
  for (const auto& rs : sets.old) maxOld = std::max(maxOld, annotationInt(*rs, kRevision, 0));
  const std::string newRevision = std::to_string(maxOld + 1);
  // The status is copied only when something in it changes (rarely: most calls find the
  // new ReplicaSet and the Progressing condition in place).
  const Json& currentStatus = objectAt(d, {"status"_key});
  std::optional<Json> status;
  auto edit = [&]() -> Json& {
    if (!status) status = currentStatus;
    return *status;
  };
  if (sets.newRS) {
    // An existing ReplicaSet for this template: bring its revision and annotations up to date.
    const Json& rs = *sets.newRS;
    std::int64_t revision = annotationInt(rs, kRevision, 0);
    if (revision < maxOld + 1) {
      Json next = rs;
      auto& annotations = next["metadata"]["annotations"];
      std::string history = annotation(rs, kRevisionHistory);
      std::string oldRevision = annotation(rs, kRevision);
      if (!oldRevision.empty()) {
        annotations[kRevisionHistory] = history.empty() ? oldRevision : history + "," + oldRevision;
      }
      annotations[kRevision] = newRevision;
      next["metadata"].erase("resourceVersion");
      ctx_.store.updateShared(std::move(next));
      sets.newRS = reload(sets.newRS);
    }
    setRevision(*ctx_.store.find(kube::objectKeyOf(d)), annotation(*sets.newRS, kRevision));
    if (hasProgressDeadline(d) && findCondition(currentStatus, "Progressing") == nullptr) {
      setCondition(edit(), "Progressing", "True", "FoundNewReplicaSet",
                   "Found new replica set \"" + nameOf(*sets.newRS) + "\"", now(), true);
    }
  } else if (createIfMissing) {
    const std::int64_t collisions = currentStatus.value("collisionCount", 0);
    const std::string hash = templateHash(podTemplate, collisions);
    std::int64_t replicas = specReplicas(d);
    if (rollingUpdate(d)) {
      const std::int64_t maxTotal = specReplicas(d) + maxSurge(d);
      const std::int64_t current = sumSpec(sets.old);
      replicas = current >= maxTotal ? 0 : std::min(maxTotal - current, specReplicas(d));
    }
    Json rs = newReplicaSetFor(d, replicas, newRevision, hash);
    try {
      const ObjectPtr createdPtr = ctx_.store.createShared(std::move(rs));
      const Json& created = *createdPtr;
      sets.newRS = createdPtr;
      if (replicas > 0) {
        ctx_.events.normal(d, name(), "ScalingReplicaSet",
                           "Scaled up replica set " + nameOf(created) + " from 0 to " + std::to_string(replicas));
      }
      if (hasProgressDeadline(d)) {
        setCondition(edit(), "Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"" + nameOf(created) + "\"",
                     now(), true);
      }
    } catch (const ApiError& e) {
      if (e.code() == 409 && e.reason() == "AlreadyExists") {
        // A ReplicaSet of that name with another template: count the collision and retry.
        edit()["collisionCount"] = collisions + 1;
        writeStatus(d, std::move(edit()));
        throw;
      }
      if (hasProgressDeadline(d)) {
        setCondition(edit(), "Progressing", "False", "ReplicaSetCreateError",
                     std::string("Failed to create new replica set \"") + nameOf(d) + "-" + hash + "\": " + e.what(), now(), true);
        writeStatus(d, std::move(edit()));
      }
      throw;
    }
    setRevision(*ctx_.store.find(kube::objectKeyOf(d)), newRevision);
  }
  if (status) writeStatus(d, std::move(*status));
  return sets;
}

bool DeploymentController::scaleReplicaSet(const ObjectPtr& rsPtr, std::int64_t replicas, const Json& d, const char* direction) {
  auto fresh = reload(rsPtr);
  if (!fresh) return false;
  const Json& rs = *fresh;
  const std::int64_t before = specReplicas(rs);
  Json next = rs;
  next["spec"]["replicas"] = replicas;
  auto& annotations = next["metadata"]["annotations"];
  if (!annotations.is_object()) annotations = Json::object();
  annotations[kDesiredReplicas] = std::to_string(specReplicas(d));
  annotations[kMaxReplicas] = std::to_string(specReplicas(d) + maxSurge(d));
  if (next == rs) return false;
  next["metadata"].erase("resourceVersion");
  ctx_.store.updateShared(std::move(next));
  if (before != replicas) {
    const char* op = direction != nullptr ? direction : (replicas > before ? "up" : "down");
    ctx_.events.normal(d, name(), "ScalingReplicaSet",
                       std::string("Scaled ") + op + " replica set " + nameOf(rs) + " from " + std::to_string(before) + " to " +
                           std::to_string(replicas));
  }
  return before != replicas;
}

bool DeploymentController::reconcileNewReplicaSet(const Sets& sets, const Json& d) {
  const Json& rs = *sets.newRS;
  const std::int64_t replicas = specReplicas(d), current = specReplicas(rs);
  if (current == replicas) return false;
  if (current > replicas) return scaleReplicaSet(sets.newRS, replicas, d, "down");
  const std::int64_t maxTotal = replicas + maxSurge(d);
  const std::int64_t pods = sumSpec(sets.all());
  if (pods >= maxTotal) return false;
  const std::int64_t target = current + std::min(maxTotal - pods, replicas - current);
  return scaleReplicaSet(sets.newRS, target, d, "up");
}

bool DeploymentController::reconcileOldReplicaSets(const Sets& sets, const Json& d) {
  auto oldActive = active(sets.old);
  if (sumSpec(oldActive) == 0) return false;
  const std::int64_t allPods = sumSpec(sets.all());
  const std::int64_t minAvailable = specReplicas(d) - maxUnavailable(d);
  const std::int64_t newUnavailable =
      sets.newRS ? specReplicas(*sets.newRS) - statusInt(*sets.newRS, "availableReplicas") : 0;
  const std::int64_t maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // First the unhealthy replicas of old sets: they do not count towards availability.
  byCreation(oldActive);
  std::int64_t cleaned = 0;
  for (auto& rs : oldActive) {
    if (cleaned >= maxScaledDown) break;
    const std::int64_t spec = specReplicas(*rs), available = statusInt(*rs, "availableReplicas");
    if (spec == 0 || spec == available) continue;
    const std::int64_t n = std::min(maxScaledDown - cleaned, spec - available);
    scaleReplicaSet(rs, spec - n, d);
    rs = reload(rs);
    cleaned += n;
  }
  // Then old replicas, as far as availability allows.
  std::vector<ObjectPtr> all = oldActive;
  if (sets.newRS) all.push_back(sets.newRS);
  const std::int64_t availableNow = sumStatus(all, "availableReplicas");
  std::int64_t scaledDown = 0;
  if (availableNow > minAvailable) {
    const std::int64_t total = availableNow - minAvailable;
    for (const auto& rs : oldActive) {
      if (scaledDown >= total) break;
      if (!rs) continue;
      const std::int64_t spec = specReplicas(*rs);
      if (spec == 0) continue;
      const std::int64_t n = std::min(spec, total - scaledDown);
      scaleReplicaSet(rs, spec - n, d);
      scaledDown += n;
    }
  }
  return cleaned + scaledDown > 0;
}

void DeploymentController::cleanup(const Json& d, const Sets& sets) {
  if (!d["spec"].contains("revisionHistoryLimit")) return;
  const std::int64_t limit = intField(d, {"spec"_key, "revisionHistoryLimit"_key}, 10);
  std::vector<ObjectPtr> cleanable;
  for (const auto& rsPtr : sets.old) {
    auto rs = reload(rsPtr);
    if (!rs || terminating(*rs)) continue;
    if (specReplicas(*rs) != 0 || statusInt(*rs, "replicas") != 0) continue;
    if ((*rs)["metadata"].value("generation", 1) > statusInt(*rs, "observedGeneration")) continue;
    cleanable.push_back(rs);
  }
  auto excess = static_cast<std::int64_t>(cleanable.size()) - limit;
  if (excess <= 0) return;
  std::stable_sort(cleanable.begin(), cleanable.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
    return annotationInt(*a, kRevision, 0) < annotationInt(*b, kRevision, 0);
  });
  for (std::int64_t i = 0; i < excess; ++i) {
    auto key = kube::objectKeyOf(*cleanable[static_cast<std::size_t>(i)]);
    try {
      ctx_.store.removeShared(key.group, key.kind, key.ns, key.name);
    } catch (const ApiError& e) {
      if (e.code() != 404) throw;
    }
  }
}

Json DeploymentController::calculateStatus(const Sets& rawSets, const Json& d) {
  const std::uint64_t version = ctx_.store.resourceVersion();
  const std::string at = now();
  ObjectPtr stored = ctx_.store.find(kube::objectKeyOf(d));
  if (stored.get() != &d) stored.reset();  // a copy being edited, not the stored object: no memo
  if (stored && statusMemo_ && statusMemo_->storeVersion == version && statusMemo_->now == at && statusMemo_->deployment == stored &&
      statusMemo_->sets.newRS == rawSets.newRS && statusMemo_->sets.old == rawSets.old) {
    return statusMemo_->status;
  }
  Json status = computeStatus(rawSets, d);
  if (stored) {
    statusMemo_ = StatusMemo{version, at, std::move(stored), rawSets, status};
  } else {
    statusMemo_.reset();
  }
  return status;
}

Json DeploymentController::computeStatus(const Sets& rawSets, const Json& d) {
  Sets sets{reload(rawSets.newRS), {}};
  for (const auto& rs : rawSets.old) {
    if (auto fresh = reload(rs)) sets.old.push_back(fresh);
  }
  auto all = sets.all();
  const std::int64_t available = sumStatus(all, "availableReplicas");
  const std::int64_t total = sumSpec(all);
  Json status = d.value("status", Json::object());
  status["observedGeneration"] = d["metadata"].value("generation", 1);
  status["replicas"] = sumStatus(all, "replicas");
  status["updatedReplicas"] = sets.newRS ? statusInt(*sets.newRS, "replicas") : 0;
  status["readyReplicas"] = sumStatus(all, "readyReplicas");
  status["availableReplicas"] = available;
  status["unavailableReplicas"] = std::max<std::int64_t>(0, total - available);
  if (available >= specReplicas(d) - maxUnavailable(d)) {
    setCondition(status, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now(), true);
  } else {
    setCondition(status, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.",
                 now(), true);
  }
  omitZeroCounts(status, {"readyReplicas", "availableReplicas", "unavailableReplicas", "updatedReplicas", "replicas"});
  return status;
}

void DeploymentController::syncRolloutStatus(const Json& dIn) {
  auto current = ctx_.store.find(kube::objectKeyOf(dIn));
  if (!current) return;
  const Json& d = *current;
  Sets sets = replicaSets(d, false);
  Json status = calculateStatus(sets, d);
  const Json* cond = conditionOf(d, "Progressing");
  const std::string newName = sets.newRS ? nameOf(*sets.newRS) : std::string();
  const std::string subject = sets.newRS ? "ReplicaSet \"" + newName + "\"" : "Deployment \"" + nameOf(d) + "\"";
  const bool paused = boolField(d, {"spec"_key, "paused"_key}, false);
  if (hasProgressDeadline(d) && !paused) {
    bool isComplete = status.value("replicas", 0) == status.value("updatedReplicas", 0) && cond != nullptr &&
                      cond->value("reason", "") == "NewReplicaSetAvailable";
    if (!isComplete) {
      if (complete(d, status)) {
        setCondition(status, "Progressing", "True", "NewReplicaSetAvailable", subject + " has successfully progressed.", now(),
                     true);
      } else if (progressing(d, status)) {
        Json condition{{"type", "Progressing"}, {"status", "True"}, {"lastUpdateTime", now()}, {"lastTransitionTime", now()},
                       {"reason", "ReplicaSetUpdated"}, {"message", subject + " is progressing."}};
        if (cond != nullptr && cond->value("status", "") == "True") condition["lastTransitionTime"] = cond->value("lastTransitionTime", now());
        removeCondition(status, "Progressing");
        status["conditions"].push_back(std::move(condition));
      } else if (cond != nullptr && cond->value("reason", "") != "NewReplicaSetAvailable") {
        bool timedOut = cond->value("reason", "") == "ProgressDeadlineExceeded" ||
                        unixOf(cond->value("lastUpdateTime", "")) + intField(d, {"spec"_key, "progressDeadlineSeconds"_key}, 600) <
                            nowUnix();
        if (timedOut) {
          setCondition(status, "Progressing", "False", "ProgressDeadlineExceeded", subject + " has timed out progressing.",
                       now(), true);
        }
      }
    }
  }
  // ReplicaFailure of the sets is mirrored on the deployment.
  const Json* failure = nullptr;
  for (const auto& rs : sets.all()) {
    auto fresh = reload(rs);
    if (fresh) {
      if (const Json* f = conditionOf(*fresh, "ReplicaFailure")) {
        failure = f;
        setCondition(status, "ReplicaFailure", f->value("status", "True"), f->value("reason", ""), f->value("message", ""), now(),
                     true);
        break;
      }
    }
  }
  if (failure == nullptr) removeCondition(status, "ReplicaFailure");
  const Json* before = findMember(d, "status"_key);
  if (before != nullptr ? *before == status : status == Json::object()) {
    // Nothing new: check again when the progress deadline would pass.
    const Json* c = findCondition(status, "Progressing");
    if (hasProgressDeadline(d) && !paused && c != nullptr && c->value("status", "") == "True" &&
        c->value("reason", "") != "NewReplicaSetAvailable" && !complete(d, status)) {
      auto deadline = unixOf(c->value("lastUpdateTime", "")) + intField(d, {"spec"_key, "progressDeadlineSeconds"_key}, 600);
      auto after = std::max<std::int64_t>(0, deadline - nowUnix()) + 1;
      queue().addAfter(kube::objectKeyOf(d), std::chrono::seconds(after));
    }
    return;
  }
  writeStatus(d, std::move(status));
}

void DeploymentController::rolloutRolling(const Json& d) {
  Sets sets = replicaSets(d, true);
  if (sets.newRS && reconcileNewReplicaSet(sets, d)) return syncRolloutStatus(d);
  sets.newRS = reload(sets.newRS);
  if (reconcileOldReplicaSets(sets, d)) return syncRolloutStatus(d);
  auto fresh = ctx_.store.find(kube::objectKeyOf(d));
  if (fresh && complete(*fresh, calculateStatus(sets, *fresh))) cleanup(*fresh, sets);
  syncRolloutStatus(d);
}

void DeploymentController::rolloutRecreate(const Json& d) {
  Sets sets = replicaSets(d, false);
  bool scaledDown = false;
  for (const auto& rs : active(sets.old)) scaledDown |= scaleReplicaSet(rs, 0, d, "down");
  if (scaledDown) return syncRolloutStatus(d);
  // Wait until every old pod is gone (terminating ones included).
  for (const auto& rsPtr : sets.old) {
    auto rs = reload(rsPtr);
    if (!rs) continue;
    if (statusInt(*rs, "replicas") > 0) return syncRolloutStatus(d);
    for (const auto& podKey : ctx_.store.dependentKeys((*rs)["metadata"].value("uid", ""))) {
      auto pod = ctx_.store.find(podKey);
      if (podKey.kind != "Pod" || !pod) continue;
      auto phase = phaseOf(*pod);
      if (phase != "Succeeded" && phase != "Failed") return syncRolloutStatus(d);
    }
  }
  if (!sets.newRS) sets = replicaSets(*ctx_.store.find(kube::objectKeyOf(d)), true);
  if (sets.newRS) scaleReplicaSet(sets.newRS, specReplicas(d), d, "up");
  auto fresh = ctx_.store.find(kube::objectKeyOf(d));
  if (fresh && complete(*fresh, calculateStatus(sets, *fresh))) cleanup(*fresh, sets);
  syncRolloutStatus(d);
}

void DeploymentController::scale(const Json& d, const Sets& sets) {
  const std::int64_t replicas = specReplicas(d);
  // One active set (or none: the newest) takes the whole count.
  std::vector<ObjectPtr> oldNewestFirst = sets.old;
  byCreation(oldNewestFirst);
  std::reverse(oldNewestFirst.begin(), oldNewestFirst.end());
  std::vector<ObjectPtr> candidates = oldNewestFirst;
  if (sets.newRS) candidates.push_back(sets.newRS);
  auto activeSets = active(candidates);
  ObjectPtr only;
  if (activeSets.empty()) only = sets.newRS ? sets.newRS : (oldNewestFirst.empty() ? nullptr : oldNewestFirst.front());
  else if (activeSets.size() == 1) only = activeSets.front();
  if (only || (activeSets.empty() && !sets.newRS && oldNewestFirst.empty())) {
    if (only && specReplicas(*only) != replicas) scaleReplicaSet(only, replicas, d);
    return;
  }
  // A saturated new set: old ones go to zero.
  if (sets.newRS && annotationInt(*sets.newRS, kDesiredReplicas, -1) == replicas && specReplicas(*sets.newRS) == replicas &&
      statusInt(*sets.newRS, "availableReplicas") == replicas) {
    for (const auto& rs : active(sets.old)) scaleReplicaSet(rs, 0, d);
    return;
  }
  if (!rollingUpdate(d)) return;
  // Proportional scaling: spread the difference over active sets by their size.
  const std::int64_t allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const std::int64_t toAdd = allowed - sumSpec(activeSets);
  if (toAdd == 0) return;
  std::stable_sort(activeSets.begin(), activeSets.end(), [&](const ObjectPtr& a, const ObjectPtr& b) {
    auto sa = specReplicas(*a), sb = specReplicas(*b);
    if (sa != sb) return sa > sb;
    return toAdd > 0 ? creation(*a) > creation(*b) : creation(*a) < creation(*b);
  });
  std::int64_t added = 0;
  std::vector<std::int64_t> sizes;
  for (const auto& rs : activeSets) {
    std::int64_t proportion = 0;
    const std::int64_t spec = specReplicas(*rs);
    if (spec != 0 && toAdd != added) {
      std::int64_t fraction;
      if (replicas == 0) {
        fraction = -spec;
      } else {
        std::int64_t before = annotationInt(*rs, kMaxReplicas, 0);
        if (before == 0) before = statusInt(d, "replicas");
        fraction = before == 0 ? 0
                               : static_cast<std::int64_t>(std::llround(static_cast<double>(spec * (replicas + maxSurge(d))) /
                                                                        static_cast<double>(before))) -
                                     spec;
      }
      const std::int64_t left = toAdd - added;
      proportion = toAdd > 0 ? std::min(fraction, left) : std::max(fraction, left);
    }
    sizes.push_back(spec + proportion);
    added += proportion;
  }
  for (std::size_t i = 0; i < activeSets.size(); ++i) {
    if (i == 0) sizes[i] = std::max<std::int64_t>(0, sizes[i] + toAdd - added);
    scaleReplicaSet(activeSets[i], sizes[i], d, toAdd > 0 ? "up" : "down");
  }
}

void DeploymentController::syncOnly(const Json& d) {
  Sets sets = replicaSets(d, false);
  scale(d, sets);
  auto fresh = ctx_.store.find(kube::objectKeyOf(d));
  if (!fresh) return;
  if (boolField(*fresh, {"spec"_key, "paused"_key})) cleanup(*fresh, sets);
  Json status = calculateStatus(sets, *fresh);
  writeStatus(*fresh, std::move(status));
}

bool DeploymentController::checkPausedConditions(const Json& d) {
  if (!hasProgressDeadline(d)) return false;
  // Read in place; the status is copied only when a condition changes.
  const Json* cond = findCondition(objectAt(d, {"status"_key}), "Progressing");
  const std::string_view reason = cond != nullptr ? stringOf(findMember(*cond, "reason"_key)) : std::string_view();
  if (reason == "ProgressDeadlineExceeded") return false;
  const bool pausedCond = reason == "DeploymentPaused";
  const bool paused = boolField(d, {"spec"_key, "paused"_key}, false);
  if (paused == pausedCond) return false;
  Json status = d.value("status", Json::object());
  if (paused) {
    setCondition(status, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now(), true);
  } else {
    setCondition(status, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now(), true);
  }
  writeStatus(d, std::move(status));
  return true;
}

void DeploymentController::reconcile(const kube::ObjectKey& key) {
  auto current = ctx_.store.find(key);
  if (!current) return;
  const Json& d = *current;
  if (at(d, {"spec"_key, "selector"_key, "matchLabels"_key}).empty() && at(d, {"spec"_key, "selector"_key, "matchExpressions"_key}).empty()) {
    ctx_.events.warning(d, name(), "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
    return;
  }
  if (terminating(d)) {
    Sets sets = replicaSets(d, false);
    Json status = calculateStatus(sets, d);
    writeStatus(d, std::move(status));
    return;
  }
  ObjectPtr unpaused = checkPausedConditions(d) ? ctx_.store.find(key) : current;
  if (boolField(*unpaused, {"spec"_key, "paused"_key})) return syncOnly(*unpaused);
  // A scaling event: the replica count changed while the template did not.
  Sets sets = replicaSets(*unpaused, false);
  ObjectPtr latest = ctx_.store.find(key);
  for (const auto& rs : active(sets.all())) {
    auto desired = annotationInt(*rs, kDesiredReplicas, -1);
    if (desired >= 0 && desired != specReplicas(*latest)) return syncOnly(*latest);
  }
  if (rollingUpdate(*latest)) rolloutRolling(*latest);
  else rolloutRecreate(*latest);
}

}  // namespace gs::fake
