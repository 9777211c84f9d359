#include "fakecluster/controllers/job_controller.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "fakecluster/controllers/pod_factory.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

constexpr const char* kTracking = "batch.kubernetes.io/job-tracking";

constexpr const char* kCompletionIndex = "batch.kubernetes.io/job-completion-index";

bool hasFinalizer(const Json& pod) {
  const Json& list = at(pod["metadata"], {"finalizers"_key});
  return std::find(list.begin(), list.end(), kTracking) != list.end();
}

// An Indexed Job's pod's completion index (its annotation), or -1.
std::int64_t completionIndexOf(const Json& pod) {
  const std::string text = stringAt(pod, {"metadata"_key, "annotations"_key, JsonKey(kCompletionIndex)});
  std::int64_t index = -1;
  if (!text.empty()) std::from_chars(text.data(), text.data() + text.size(), index);
  return index;
}

// status.completedIndexes: "0-2,4" (a run of indexes as first-last).
std::set<std::int64_t> parseIndexes(const std::string& text) {
  std::set<std::int64_t> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    const std::size_t dash = part.find('-');
    std::int64_t first = 0, last = 0;
    std::from_chars(part.data(), part.data() + (dash == std::string::npos ? part.size() : dash), first);
    last = first;
    if (dash != std::string::npos) std::from_chars(part.data() + dash + 1, part.data() + part.size(), last);
    for (std::int64_t i = first; i <= last && i - first < 1000000; ++i) out.insert(i);
    start = comma + 1;
  }
  return out;
}

std::string formatIndexes(const std::set<std::int64_t>& indexes) {
  std::string out;
  for (auto it = indexes.begin(); it != indexes.end();) {
    const std::int64_t first = *it;
    std::int64_t last = first;
    for (++it; it != indexes.end() && *it == last + 1; ++it) last = *it;
    if (!out.empty()) out += ',';
    out += std::to_string(first);
    if (last != first) out += "-" + std::to_string(last);
  }
  return out;
}

// The pod of index `index` of an Indexed Job: named <job>-<index>-, annotated and labelled
// with its index, host name <job>-<index>, and JOB_COMPLETION_INDEX in every container.
void makeIndexed(Json& pod, const std::string& jobName, std::int64_t index) {
  const std::string text = std::to_string(index);
  pod["metadata"]["generateName"] = jobName + "-" + text + "-";
  pod["metadata"]["annotations"][kCompletionIndex] = text;
  pod["metadata"]["labels"][kCompletionIndex] = text;
  Json& spec = pod["spec"];
  if (!spec.contains("hostname")) spec["hostname"] = jobName + "-" + text;
  for (const char* list : {"initContainers", "containers"}) {
    if (!spec.contains(list) || !spec[list].is_array()) continue;
    for (auto& container : spec[list]) {
      Json& env = container["env"];
      if (!env.is_array()) env = Json::array();
      if (std::any_of(env.begin(), env.end(), [](const Json& e) { return e.value("name", "") == "JOB_COMPLETION_INDEX"; })) continue;
      env.push_back(Json{{"name", "JOB_COMPLETION_INDEX"},
                         {"valueFrom", {{"fieldRef", {{"fieldPath", std::string("metadata.annotations['") + kCompletionIndex + "']"}}}}}});
    }
  }
}

// spec.podFailurePolicy's verdict on a failed pod: the first rule that matches (a
// terminated container's non-zero exit code In / NotIn its values, or one of the pod's
// conditions), as matchPodFailurePolicy decides; Count when none does.
struct FailureVerdict {
  std::string action = "Count";
  std::string message;  // for FailJob
};

FailureVerdict judgeFailure(const Json& policy, const Json& pod) {
  FailureVerdict verdict;
  const Json& rules = at(policy, {"rules"_key});
  if (!rules.is_array()) return verdict;
  const std::string podName = stringAt(pod, {"metadata"_key, "namespace"_key}) + "/" + stringAt(pod, {"metadata"_key, "name"_key});
  for (std::size_t index = 0; index < rules.size(); ++index) {
    const Json& rule = rules[index];
    const std::string action = rule.value("action", "");
    std::string matched;
    if (const Json& codes = at(rule, {"onExitCodes"_key}); codes.is_object()) {
      const std::string container = codes.value("containerName", "");
      const bool in = codes.value("operator", "") == "In";
      const Json& values = at(codes, {"values"_key});
      for (const char* statuses : {"containerStatuses", "initContainerStatuses"}) {
        for (const auto& status : at(pod, {"status"_key, JsonKey(statuses)})) {
          const Json& exitCode = at(status, {"state"_key, "terminated"_key, "exitCode"_key});
          if (!exitCode.is_number_integer() || exitCode == 0 || (!container.empty() && status.value("name", "") != container)) continue;
          const bool listed = values.is_array() && std::find(values.begin(), values.end(), exitCode) != values.end();
          if (listed != in) continue;
          matched = "Container " + status.value("name", "") + " for pod " + podName + " failed with exit code " + exitCode.dump();
          break;
        }
        if (!matched.empty()) break;
      }
    } else if (const Json& conditions = at(rule, {"onPodConditions"_key}); conditions.is_array()) {
      for (const auto& wanted : conditions) {
        const Json* condition = findCondition(objectAt(pod, {"status"_key}), wanted.value("type", ""));
        if (condition != nullptr && condition->value("status", "") == wanted.value("status", "True")) {
          matched = "Pod " + podName + " has condition " + wanted.value("type", "");
          break;
        }
      }
    }
    if (matched.empty()) continue;
    verdict.action = action;
    if (action == "FailJob") verdict.message = matched + " matching FailJob rule at index " + std::to_string(index);
    return verdict;
  }
  return verdict;
}

// The job controller's newCondition: lastProbeTime and lastTransitionTime are both the
// time the condition was set (unlike a pod's, whose lastProbeTime stays null).
void setJobCondition(Json& status, std::string_view type, std::string_view value, std::string_view reason, std::string_view message,
                     const std::string& now) {
  const Json* before = findCondition(status, type);
  const bool changed = before == nullptr || before->value("status", "") != value || before->value("reason", "") != reason ||
                       before->value("message", "") != message;
  setCondition(status, type, value, reason, message, now, false, true);
  if (!changed) return;
  for (auto& condition : status["conditions"]) {
    if (condition.value("type", "") == type) condition["lastProbeTime"] = now;
  }
}

}  // namespace

// The Job a pod's controller reference names, if it still exists (the same uid).
ObjectPtr JobController::jobOf(const Json& pod) const {
  const Json* ref = controllerRef(pod);
  if (ref == nullptr || ref->value("kind", "") != "Job") return nullptr;
  auto job = ctx_.store.find(kube::ObjectKey{"batch", "Job", stringField(pod, {"metadata"_key, "namespace"_key}), ref->value("name", "")});
  return job && stringField(*job, {"metadata"_key, "uid"_key}) == ref->value("uid", "") ? job : nullptr;
}

void JobController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (enqueueIfKind(event, "batch/v1", "Job")) return;
  if (!is(object, "v1", "Pod")) return;
  // A pod still holding the tracking finalizer of a Job that is gone (deleted with its
  // CronJob, say) would never finish terminating: syncOrphanPod drops the finalizer.
  if (event.type != WatchEvent::Type::Deleted && hasFinalizer(object) && controllerRef(object) != nullptr && !jobOf(object)) {
    queue().add(kube::objectKeyOf(object));
    return;
  }
  enqueueOwner(object, "batch", "Job");
}

void JobController::reconcile(const kube::ObjectKey& key) {
  if (key.kind == "Pod") {
    auto pod = ctx_.store.find(key);
    if (!pod || !hasFinalizer(*pod) || jobOf(*pod)) return;
    Json next = *pod;
    Json& finalizers = next["metadata"]["finalizers"];
    finalizers.erase(std::remove(finalizers.begin(), finalizers.end(), Json(kTracking)), finalizers.end());
    updateOrRetry(key, std::move(next));
    return;
  }
  auto current = ctx_.store.find(key);
  if (!current) return;
  const Json& job = *current;
  const std::string uid = job["metadata"].value("uid", "");
  Json status = job.value("status", Json::object());
  const Json& spec = job["spec"];
  std::int64_t succeeded = status.value("succeeded", 0), failed = status.value("failed", 0);
  const std::int64_t failedBefore = failed;
  // Indexed completion: the indexes whose pod succeeded, and those of the active pods.
  const bool indexed = stringAt(job, {"spec"_key, "completionMode"_key}) == "Indexed";
  std::set<std::int64_t> completedIndexes = parseIndexes(status.value("completedIndexes", "")), activeIndexes;
  std::vector<ObjectPtr> active;
  std::int64_t ready = 0, terminatingPods = 0;
  const Json& failurePolicy = at(job, {"spec"_key, "podFailurePolicy"_key});
  std::string failJobMessage;  // a failed pod matched a FailJob rule
  // Count finished pods once (dropping their tracking finalizer), keep the active ones.
  for (const auto& podKey : ctx_.store.dependentsOf(uid)) {
    if (podKey.kind != "Pod") continue;
    auto pod = ctx_.store.find(podKey);
    if (!pod || controllerUid(*pod) != uid) continue;
    const std::string phase = phaseOf(*pod);
    if ((phase == "Succeeded" || phase == "Failed" || (terminating(*pod) && phase != "Succeeded")) && hasFinalizer(*pod)) {
      if (phase == "Succeeded") {
        ++succeeded;
        if (indexed && completionIndexOf(*pod) >= 0) completedIndexes.insert(completionIndexOf(*pod));
      } else if (phase == "Failed" && failurePolicy.is_object()) {
        const FailureVerdict verdict = judgeFailure(failurePolicy, *pod);
        if (verdict.action != "Ignore") ++failed;  // Ignore: not counted towards backoffLimit
        if (verdict.action == "FailJob" && failJobMessage.empty()) failJobMessage = verdict.message;
      } else {
        ++failed;  // a pod deleted before it finished counts as failed
      }
      Json next = *pod;
      Json kept = Json::array();
      for (const auto& f : next["metadata"]["finalizers"]) {
        if (f != kTracking) kept.push_back(f);
      }
      next["metadata"]["finalizers"] = kept;
      next["metadata"].erase("resourceVersion");
      ctx_.store.updateShared(std::move(next));
      continue;
    }
    if (terminating(*pod)) {
      ++terminatingPods;
      continue;
    }
    if (phase == "Succeeded" || phase == "Failed") continue;
    active.push_back(pod);
    if (indexed) activeIndexes.insert(completionIndexOf(*pod));
    if (podReady(*pod)) ++ready;
  }
  if (indexed) succeeded = static_cast<std::int64_t>(completedIndexes.size());
  // pastBackoffLimitOnFailure: under restartPolicy OnFailure, the restarts of the
  // running and pending pods' containers (init containers too) reach the limit.
  std::int64_t restarts = 0;
  const bool onFailure = stringAt(job, {"spec"_key, "template"_key, "spec"_key, "restartPolicy"_key}) == "OnFailure";
  for (const auto& pod : active) {
    if (!onFailure || (phaseOf(*pod) != "Running" && phaseOf(*pod) != "Pending")) continue;
    for (const char* statuses : {"initContainerStatuses", "containerStatuses"}) {
      for (const auto& s : at(*pod, {"status"_key, statuses})) restarts += s.value("restartCount", 0);
    }
  }
  const std::string t = now();
  // A suspended Job deletes its active pods and starts none; its clock (startTime, the
  // activeDeadlineSeconds timer) starts again when it is resumed.
  const bool suspended = at(job, {"spec"_key, "suspend"_key}) == true;
  if (!status.contains("startTime") && !suspended) status["startTime"] = t;
  const std::int64_t parallelism = intField(job, {"spec"_key, "parallelism"_key}, 1);
  const bool hasCompletions = spec.contains("completions") && spec["completions"].is_number_integer();
  const std::int64_t completions = hasCompletions ? spec["completions"].get<std::int64_t>() : -1;
  const std::int64_t backoffLimit = intField(job, {"spec"_key, "backoffLimit"_key}, 6);
  auto deleteActive = [&] {
    for (const auto& pod : active) {
      auto podKey = kube::objectKeyOf(*pod);
      try {
        ctx_.store.removeShared("", "Pod", podKey.ns, podKey.name);
        ctx_.events.normal(job, name(), "SuccessfulDelete", "Deleted pod: " + podKey.name);
      } catch (const ApiError&) {
      }
    }
    active.clear();
    ready = 0;
  };
  if (jobFinishedAs(job).empty()) {
    const Json* suspendedCondition = findCondition(status, "Suspended");
    if (suspended && (suspendedCondition == nullptr || suspendedCondition->value("status", "") != "True")) {
      setJobCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", t);
      ctx_.events.normal(job, name(), "Suspended", "Job suspended");
    } else if (!suspended && suspendedCondition != nullptr && suspendedCondition->value("status", "") == "True") {
      setJobCondition(status, "Suspended", "False", "JobResumed", "Job resumed", t);
      ctx_.events.normal(job, name(), "Resumed", "Job resumed");
      status["startTime"] = t;
    }
  }
  if (jobFinishedAs(job).empty()) {
    std::string failReason, failMessage;
    const std::int64_t started = unixOf(status.value("startTime", t), nowUnix());
    if (!failJobMessage.empty()) {
      failReason = "PodFailurePolicy";
      failMessage = failJobMessage;
    } else if (!suspended && spec.contains("activeDeadlineSeconds") && spec["activeDeadlineSeconds"].is_number_integer() &&
        nowUnix() - started >= spec["activeDeadlineSeconds"].get<std::int64_t>()) {
      failReason = "DeadlineExceeded";
      failMessage = "Job was active longer than specified deadline";
    } else if (failed > backoffLimit || (onFailure && (backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit))) {
      failReason = "BackoffLimitExceeded";
      failMessage = "Job has reached the specified backoff limit";
    }
    const bool complete = hasCompletions ? succeeded >= completions : succeeded > 0 && active.empty();
    if (!failReason.empty()) {
      deleteActive();
      setJobCondition(status, "FailureTarget", "True", failReason, failMessage, t);
      setJobCondition(status, "Failed", "True", failReason, failMessage, t);
      ctx_.events.warning(job, name(), failReason, failMessage);
    } else if (suspended) {
      deleteActive();
    } else if (complete) {
      deleteActive();
      setJobCondition(status, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", t);
      setJobCondition(status, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", t);
      status["completionTime"] = t;
      ctx_.events.normal(job, name(), "Completed", "Job completed");
    } else {
      // Start pods up to parallelism (and no more than completions still need).
      std::int64_t want = parallelism;
      if (hasCompletions) want = std::min(parallelism, completions - succeeded);
      else if (succeeded > 0) want = 0;
      std::int64_t missing = want - static_cast<std::int64_t>(active.size());
      // After failures, new pods wait out the backoff: 10 s doubling, capped at 10 min
      // (MaxJobPodFailureBackOff).
      Duration backoff{0};
      if (failed > 0) backoff = std::min<Duration>(Duration(10000) * (1LL << std::min<std::int64_t>(failed - 1, 10)), Duration(600000));
      if (failed > failedBefore) lastFailure_[uid] = ctx_.loop.clock().now();
      auto last = lastFailure_.find(uid);
      const VirtualTime retryAt = last == lastFailure_.end() ? VirtualTime{} : last->second + backoff;
      if (missing > 0 && backoff > Duration(0) && retryAt > ctx_.loop.clock().now()) {
        queue().addAfter(key, retryAt - ctx_.loop.clock().now());
      } else {
        std::int64_t nextIndex = 0;
        for (std::int64_t i = 0; i < missing; ++i) {
          Json pod = podFromTemplate(memberOr(spec, "template", kEmptyObjectJson), job);
          pod["metadata"]["finalizers"] = Json::array({kTracking});
          if (indexed) {  // the lowest index neither done nor running
            while (completedIndexes.count(nextIndex) != 0 || activeIndexes.count(nextIndex) != 0) ++nextIndex;
            if (nextIndex >= completions) break;
            activeIndexes.insert(nextIndex);
            makeIndexed(pod, key.name, nextIndex);
          }
          try {
            ObjectPtr created = ctx_.store.createShared(std::move(pod));
            ctx_.events.normal(job, name(), "SuccessfulCreate", "Created pod: " + (*created)["metadata"]["name"].get<std::string>());
            active.push_back(std::move(created));
          } catch (const ApiError& e) {
            ctx_.events.warning(job, name(), "FailedCreate", std::string("Error creating: ") + e.what());
            break;
          }
        }
      }
      if (spec.contains("activeDeadlineSeconds") && spec["activeDeadlineSeconds"].is_number_integer()) {
        auto left = started + spec["activeDeadlineSeconds"].get<std::int64_t>() - nowUnix();
        queue().addAfter(key, std::chrono::seconds(std::max<std::int64_t>(left, 0)));
      }
    }
  }
  status["active"] = static_cast<std::int64_t>(active.size());
  status["ready"] = ready;
  status["terminating"] = terminatingPods;
  status["uncountedTerminatedPods"] = Json::object();
  if (succeeded > 0) status["succeeded"] = succeeded;
  if (indexed && !completedIndexes.empty()) status["completedIndexes"] = formatIndexes(completedIndexes);
  if (failed > 0) status["failed"] = failed;
  if (status["active"] == 0) status.erase("active");
  const Json finishedJob{{"status", status}};
  const std::string finishedAs = jobFinishedAs(finishedJob);
  if (!finishedAs.empty()) lastFailure_.erase(uid);
  ctx_.store.writeStatus(key, std::move(status));
  // The TTL-after-finished controller: a finished Job with ttlSecondsAfterFinished goes
  // (foreground: its pods first) that long after its Complete or Failed condition.
  const Json& ttl = at(job, {"spec"_key, "ttlSecondsAfterFinished"_key});
  if (finishedAs.empty() || !ttl.is_number_integer() || terminating(job)) return;
  const Json* condition = conditionOf(finishedJob, finishedAs);
  const std::int64_t finishedAt = unixOf(condition != nullptr ? condition->value("lastTransitionTime", t) : t, nowUnix());
  const std::int64_t left = finishedAt + ttl.get<std::int64_t>() - nowUnix();
  if (left > 0) {
    queue().addAfter(key, std::chrono::seconds(left));
    return;
  }
  DeleteOptions foreground;
  foreground.propagation = Propagation::Foreground;
  try {
    ctx_.store.removeShared("batch", "Job", key.ns, key.name, foreground);
  } catch (const ApiError&) {
  }
}

}  // namespace gs::fake
