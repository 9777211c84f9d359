#include "fakecluster/controllers/kubelet.hpp"

#include <algorithm>

#include "fakecluster/object_util.hpp"
#include "sim/core/hash.hpp"
#include "sim/core/json_object_builder.hpp"

namespace gs::fake {

namespace {

constexpr const char* kReadyAfter = "sim.gitops-sim.io/ready-after";
constexpr const char* kNeverReady = "sim.gitops-sim.io/never-ready";
constexpr const char* kCrashAfter = "sim.gitops-sim.io/crash-after";
constexpr const char* kRunTime = "sim.gitops-sim.io/run-time";
constexpr const char* kExitCode = "sim.gitops-sim.io/exit-code";
constexpr Duration kMaxBackoff = 300s;
constexpr Duration kInitialBackoff = 10s;
constexpr int kContainerPriority = 1;

std::optional<Duration> durationAnnotation(const Json& annotations, const char* name) {
  auto it = annotations.find(name);
  if (it == annotations.end() || !it->is_string()) return std::nullopt;
  try {
    return parseDuration(it->get<std::string>());
  } catch (const std::exception&) {
    return std::nullopt;  // a malformed knob is ignored, as the kubelet ignores unknown annotations
  }
}

Duration nextBackoff(Duration current) { return current == Duration(0) ? kInitialBackoff : std::min(current * 2, kMaxBackoff); }

// Go's time.Duration String() for whole seconds: "10s", "5m0s", "1h0m0s".
std::string seconds(Duration d) {
  auto total = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  auto h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return std::to_string(h) + "h" + std::to_string(m) + "m" + std::to_string(s) + "s";
  if (m > 0) return std::to_string(m) + "m" + std::to_string(s) + "s";
  return std::to_string(s) + "s";
}

}  // namespace

struct Kubelet::Container {
  std::string name;
  std::string image;  // as written in the spec
  bool init = false;
  std::string pullPolicy = "IfNotPresent";
  enum class State { Waiting, Running, Terminated } state = State::Waiting;
  std::string reason = "ContainerCreating";
  std::string message;
  std::string startedAt, finishedAt;
  VirtualTime startedTime{};
  int exitCode = 0;
  Json lastState = Json::object();
  int restartCount = 0;
  bool ready = false;
  bool started = false;
  bool everRan = false;
  std::string normalized;  // docker.io/library/nginx:1.27
  std::string imageId;
  std::string containerId;
  Duration pullBackoff{0};
  Duration crashBackoff{0};
  int run = 0;  // which start this is: timers of an earlier run are ignored
  bool hasReadinessProbe = false;
  Duration probeDelay{0};
};

struct Kubelet::PodRuntime {
  kube::ObjectKey key;
  std::string uid;
  std::string node;
  std::string restartPolicy = "Always";
  std::string hostIp, podIp, startTime;
  std::vector<Container> containers;  // init containers first
  std::vector<EventId> timers;
  bool killing = false;
};

Kubelet::Kubelet(ControllerContext& ctx) : Controller(ctx, "kubelet", 40) {}
Kubelet::~Kubelet() = default;

std::string Kubelet::podIp(const std::string& node) {
  int& last = nextIp_[node];
  last = last >= 254 ? 2 : std::max(last, 1) + 1;
  std::size_t index = 1;
  if (auto pos = node.find_last_of('-'); pos != std::string::npos) {
    try {
      index = std::stoul(node.substr(pos + 1));
    } catch (...) {
      index = fnv1a64(node) % 250 + 1;
    }
  }
  return "10.244." + std::to_string(index % 256) + "." + std::to_string(last);
}

void Kubelet::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (!is(object, "v1", "Pod")) return;
  const std::string uid = object["metadata"].value("uid", "");
  if (event.type == WatchEvent::Type::Deleted) {
    auto it = pods_.find(uid);
    if (it != pods_.end()) {
      for (auto id : it->second->timers) ctx_.loop.cancel(id);
      pods_.erase(it);
    }
    return;
  }
  if (stringField(object, {"spec"_key, "nodeName"_key}).empty()) return;
  auto it = pods_.find(uid);
  // The kubelet's own status writes come back here too; only new pods and deletions matter.
  if (it == pods_.end() || (terminating(object) && !it->second->killing)) queue().add(kube::objectKeyOf(object));
}

void Kubelet::reconcile(const kube::ObjectKey& key) {
  auto current = ctx_.store.find(key);
  if (!current) return;
  const Json& pod = *current;
  const std::string node = stringField(pod, {"spec"_key, "nodeName"_key});
  if (node.empty()) return;
  const std::string uid = pod["metadata"].value("uid", "");
  auto it = pods_.find(uid);
  // A pod bound to a node that does not exist has no kubelet: it neither starts nor
  // confirms its own deletion (the pod garbage collector deletes it).
  if (it == pods_.end() && !ctx_.store.find(kube::ObjectKey{"", "Node", "", node})) return;
  if (terminating(pod)) {
    if (it == pods_.end()) {
      DeleteOptions now;
      now.gracePeriodSeconds = 0;
      ctx_.store.removeShared("", "Pod", key.ns, key.name, now);
    } else if (!it->second->killing) {
      kill(*it->second);
    }
    return;
  }
  if (it != pods_.end()) return;
  const std::string phase = phaseOf(pod);
  if (phase == "Succeeded" || phase == "Failed") return;
  start(pod);
}

void Kubelet::after(PodRuntime& pod, Duration delay, const std::string& what, std::function<void(PodRuntime&)> action) {
  const std::string uid = pod.uid;
  auto id = std::make_shared<EventId>(0);
  // Container state changes at one instant all happen before any controller reacts
  // (kubelets run in parallel on their nodes; controllers see the results).
  *id = ctx_.loop.after(delay, kContainerPriority, "kubelet " + pod.key.name + " " + what, [this, uid, id, action = std::move(action)] {
    auto it = pods_.find(uid);
    if (it == pods_.end() || it->second->killing) return;
    auto& timers = it->second->timers;
    timers.erase(std::remove(timers.begin(), timers.end(), *id), timers.end());
    action(*it->second);
  });
  pod.timers.push_back(*id);
}

// The pod as the kubelet sees it now (faults match its labels, the simulation annotations
// steer it); once it is gone from the store, its bare identity. Not kept per pod: at the
// peak of the 100,000-pod rollout benchmark the per-pod metadata copies took ~390 MB.
ObjectPtr Kubelet::current(const PodRuntime& pod) const {
  if (ObjectPtr stored = ctx_.store.findByUid(pod.uid)) return stored;
  return std::make_shared<const Json>(identity(pod));
}

Json Kubelet::identity(const PodRuntime& pod) {
  // JsonObjectBuilder: nested initializer lists copy every level again.
  return JsonObjectBuilder(3)
      .add("apiVersion", "v1")
      .add("kind", "Pod")
      .add("metadata", JsonObjectBuilder(3).add("name", pod.key.name).add("namespace", pod.key.ns).add("uid", pod.uid).build())
      .build();
}

void Kubelet::event(PodRuntime& pod, std::size_t index, bool warning, const std::string& reason, const std::string& message) {
  if (!ctx_.events.enabled()) return;
  // The involved object is the pod's identity, without its labels or resourceVersion; the
  // field path names the container, as the kubelet's container reference does.
  const Json involved = identity(pod);
  const Container& c = pod.containers[index];
  const std::string fieldPath = (c.init ? "spec.initContainers{" : "spec.containers{") + c.name + "}";
  if (warning) ctx_.events.warning(involved, "kubelet", reason, message, pod.node, fieldPath);
  else ctx_.events.normal(involved, "kubelet", reason, message, pod.node, fieldPath);
}

void Kubelet::start(const Json& pod) {
  auto rt = std::make_unique<PodRuntime>();
  rt->key = kube::objectKeyOf(pod);
  rt->uid = pod["metadata"].value("uid", "");
  rt->node = stringField(pod, {"spec"_key, "nodeName"_key});
  const Json& spec = pod["spec"];
  rt->restartPolicy = spec.value("restartPolicy", "Always");
  rt->podIp = spec.value("hostNetwork", false) ? std::string() : podIp(rt->node);
  if (auto node = ctx_.store.find(kube::ObjectKey{"", "Node", "", rt->node})) {
    for (const auto& address : at((*node), {"status", "addresses"})) {
      if (address.value("type", "") == "InternalIP") rt->hostIp = address.value("address", "");
    }
  }
  if (rt->podIp.empty()) rt->podIp = rt->hostIp;
  rt->startTime = now();
  for (const char* list : {"initContainers", "containers"}) {
    for (const auto& c : spec.value(list, Json::array())) {
      Container container;
      container.name = c.value("name", "");
      container.image = c.value("image", "");
      container.init = std::string(list) == "initContainers";
      container.pullPolicy = c.value("imagePullPolicy", "IfNotPresent");
      if (c.contains("readinessProbe") && c["readinessProbe"].is_object()) {
        container.hasReadinessProbe = true;
        container.probeDelay = std::chrono::seconds(c["readinessProbe"].value("initialDelaySeconds", 0));
      }
      rt->containers.push_back(std::move(container));
    }
  }
  PodRuntime& ref = *rt;
  pods_[rt->uid] = std::move(rt);
  writeStatus(ref);
  if (ref.containers.empty()) return;
  if (ref.containers.front().init) {
    prepare(ref, 0);
  } else {
    for (std::size_t i = 0; i < ref.containers.size(); ++i) prepare(ref, i);
  }
}

void Kubelet::prepare(PodRuntime& pod, std::size_t index) {
  Container& c = pod.containers[index];
  auto ref = kube::parseImageReference(c.image);
  if (!ref) {
    c.reason = "InvalidImageName";
    c.message = "Failed to apply default image tag \"" + c.image + "\": couldn't parse image reference \"" + c.image +
                "\": invalid reference format";
    event(pod, index, true, "InspectFailed", c.message);
    event(pod, index, true, "Failed", "Error: InvalidImageName");
    writeStatus(pod);
    return;
  }
  c.normalized = ref->normalized();
  const bool present = images_[pod.node].contains(c.normalized);
  if (c.pullPolicy == "Never" && !present) {
    c.reason = "ErrImageNeverPull";
    c.message = "Container image \"" + c.image + "\" is not present with pull policy of Never";
    event(pod, index, true, "ErrImageNeverPull", c.message);
    event(pod, index, true, "Failed", "Error: ErrImageNeverPull");
    writeStatus(pod);
    return;
  }
  if (present && c.pullPolicy != "Always") {
    event(pod, index, false, "Pulled", "Container image \"" + c.image + "\" already present on machine");
    after(pod, ctx_.options.containerStartTime, "start " + c.name, [this, index](PodRuntime& p) { run(p, index); });
    return;
  }
  event(pod, index, false, "Pulling", "Pulling image \"" + c.image + "\"");
  after(pod, ctx_.options.imagePullTime, "pull " + c.name, [this, index, image = *ref](PodRuntime& p) {
    Container& pulledContainer = p.containers[index];
    if (ctx_.faults.podFault(PodFault::Kind::ImagePullFails, *current(p), pulledContainer.image, ctx_.loop.clock().now())) {
      return pullFailed(p, index,
                        "rpc error: code = Unknown desc = failed to pull and unpack image \"" + image.normalized() +
                            "\": failed to resolve reference \"" + image.normalized() + "\": unexpected status from HEAD request: 503 Service Unavailable");
    }
    ImagePull result = ctx_.images != nullptr ? ctx_.images->pull(image) : ImagePull{};
    if (!result.found) return pullFailed(p, index, result.error.empty() ? imageNotFoundMessage(image) : result.error);
    images_[p.node].insert(image.normalized());
    pulledContainer.imageId = image.repository() + "@" + result.digest;
    const std::string took = seconds(ctx_.options.imagePullTime);
    event(p, index, false, "Pulled",
          "Successfully pulled image \"" + pulledContainer.image + "\" in " + took + " (" + took +
              " including waiting). Image size: " + std::to_string(result.sizeBytes) + " bytes.");
    pulledContainer.pullBackoff = Duration(0);
    after(p, ctx_.options.containerStartTime, "start " + pulledContainer.name, [this, index](PodRuntime& q) { run(q, index); });
  });
}

void Kubelet::pullFailed(PodRuntime& pod, std::size_t index, const std::string& error) {
  Container& c = pod.containers[index];
  c.reason = "ErrImagePull";
  c.message = error;
  event(pod, index, true, "Failed", "Failed to pull image \"" + c.image + "\": " + error);
  event(pod, index, true, "Failed", "Error: ErrImagePull");
  writeStatus(pod);
  c.pullBackoff = nextBackoff(c.pullBackoff);
  after(pod, 1s, "backoff " + c.name, [this, index](PodRuntime& p) {
    Container& waiting = p.containers[index];
    if (waiting.reason != "ErrImagePull") return;
    waiting.reason = "ImagePullBackOff";
    waiting.message = "Back-off pulling image \"" + waiting.image + "\"";
    event(p, index, false, "BackOff", waiting.message);
    event(p, index, true, "Failed", "Error: ImagePullBackOff");
    writeStatus(p);
  });
  after(pod, c.pullBackoff, "retry pull " + c.name, [this, index](PodRuntime& p) { prepare(p, index); });
}

void Kubelet::run(PodRuntime& pod, std::size_t index) {
  Container& c = pod.containers[index];
  if (c.everRan) ++c.restartCount;
  const int thisRun = ++c.run;
  c.containerId = "containerd://" + hex64(fnv1a64(pod.uid + "/" + c.name + "/" + std::to_string(c.restartCount))) +
                  hex64(fnv1a64(c.name + std::to_string(++containerIds_))) + hex64(fnv1a64(pod.uid)) +
                  hex64(fnv1a64(pod.uid + c.name));
  if (c.imageId.empty() && !c.normalized.empty()) {
    auto ref = kube::parseImageReference(c.image);
    ImagePull result = ctx_.images != nullptr && ref ? ctx_.images->pull(*ref) : ImagePull{};
    if (ref) c.imageId = ref->repository() + "@" + (result.found ? result.digest : std::string());
  }
  event(pod, index, false, "Created", "Created container " + c.name);
  event(pod, index, false, "Started", "Started container " + c.name);
  c.state = Container::State::Running;
  c.reason.clear();
  c.message.clear();
  c.startedAt = now();
  c.startedTime = ctx_.loop.clock().now();
  c.started = true;
  c.everRan = true;
  const ObjectPtr seen = current(pod);
  const Json& annotations = memberOr(memberOr(*seen, "metadata", kEmptyObjectJson), "annotations", kEmptyObjectJson);
  const VirtualTime at = ctx_.loop.clock().now();
  if (c.init) {
    after(pod, ctx_.options.initContainerRunTime, "complete " + c.name, [this, index, thisRun](PodRuntime& p) {
      if (p.containers[index].run == thisRun) exited(p, index, 0);
    });
  } else {
    const bool neverReadyByFault = ctx_.faults.podFault(PodFault::Kind::NeverReady, *seen, c.image, at) != nullptr;
    if (annotations.value(kNeverReady, "") == "true" || neverReadyByFault) {
      c.ready = false;
      if (c.hasReadinessProbe) {
        after(pod, std::max<Duration>(c.probeDelay, 1s), "probe " + c.name, [this, index](PodRuntime& p) {
          event(p, index, true, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503");
        });
      }
      if (neverReadyByFault && annotations.value(kNeverReady, "") != "true") probeUntilReady(pod, index, thisRun);
    } else {
      Duration delay = durationAnnotation(annotations, kReadyAfter).value_or(c.probeDelay);
      if (delay <= Duration(0)) {
        c.ready = true;
      } else {
        after(pod, delay, "ready " + c.name, [this, index, thisRun](PodRuntime& p) {
          Container& ready = p.containers[index];
          if (ready.state != Container::State::Running || ready.run != thisRun) return;
          ready.ready = true;
          writeStatus(p);
        });
      }
    }
    std::optional<Duration> crash = durationAnnotation(annotations, kCrashAfter);
    if (const PodFault* f = ctx_.faults.podFault(PodFault::Kind::Crash, *seen, c.image, at)) crash = f->crashAfter;
    if (pod.restartPolicy != "Always") {
      Duration runTime = durationAnnotation(annotations, kRunTime).value_or(ctx_.options.jobRunTime);
      int code = 0;
      if (auto it = annotations.find(kExitCode); it != annotations.end() && it->is_string()) {
        try {
          code = std::stoi(it->get<std::string>());
        } catch (...) {
          code = 0;
        }
      }
      if (!crash || *crash >= runTime) {
        after(pod, runTime, "exit " + c.name, [this, index, code, thisRun](PodRuntime& p) {
          if (p.containers[index].run == thisRun) exited(p, index, code);
        });
      }
    }
    if (crash) {
      after(pod, *crash, "crash " + c.name, [this, index, thisRun](PodRuntime& p) {
        if (p.containers[index].run == thisRun) exited(p, index, 1);
      });
    }
  }
  writeStatus(pod);
}

void Kubelet::probeUntilReady(PodRuntime& pod, std::size_t index, int run) {
  constexpr Duration kProbePeriod = std::chrono::seconds(10);  // readinessProbe.periodSeconds' default
  after(pod, kProbePeriod, "readiness probe " + pod.containers[index].name, [this, index, run](PodRuntime& p) {
    Container& c = p.containers[index];
    if (c.state != Container::State::Running || c.run != run) return;
    if (ctx_.faults.podFault(PodFault::Kind::NeverReady, *current(p), c.image, ctx_.loop.clock().now()) != nullptr) return probeUntilReady(p, index, run);
    c.ready = true;
    writeStatus(p);
  });
}

void Kubelet::exited(PodRuntime& pod, std::size_t index, int exitCode) {
  Container& c = pod.containers[index];
  if (c.state != Container::State::Running) return;
  c.state = Container::State::Terminated;
  c.exitCode = exitCode;
  c.reason = exitCode == 0 ? "Completed" : "Error";
  c.finishedAt = now();
  c.ready = false;
  c.started = false;
  if (c.init && exitCode == 0) {
    c.ready = true;
    std::size_t next = index + 1;
    if (next < pod.containers.size() && pod.containers[next].init) {
      prepare(pod, next);
    } else {
      for (std::size_t i = next; i < pod.containers.size(); ++i) prepare(pod, i);
    }
    writeStatus(pod);
    return;
  }
  const bool restart = pod.restartPolicy == "Always" || (pod.restartPolicy == "OnFailure" && exitCode != 0) ||
                       (c.init && exitCode != 0 && pod.restartPolicy != "Never");
  if (!restart) {
    writeStatus(pod);
    return;
  }
  c.lastState = Json{{"terminated",
                      {{"exitCode", exitCode},
                       {"reason", c.reason},
                       {"startedAt", c.startedAt},
                       {"finishedAt", c.finishedAt},
                       {"containerID", c.containerId}}}};
  if (ctx_.loop.clock().now() - c.startedTime >= 2 * kMaxBackoff) c.crashBackoff = Duration(0);
  const Duration delay = c.crashBackoff;
  c.crashBackoff = nextBackoff(c.crashBackoff);
  if (delay == Duration(0)) {
    writeStatus(pod);
    after(pod, Duration(0), "restart " + c.name, [this, index](PodRuntime& p) {
      event(p, index, false, "Pulled", "Container image \"" + p.containers[index].image + "\" already present on machine");
      run(p, index);
    });
    return;
  }
  c.state = Container::State::Waiting;
  c.reason = "CrashLoopBackOff";
  const std::string who = c.name + " pod=" + pod.key.name + "_" + pod.key.ns + "(" + pod.uid + ")";
  c.message = "back-off " + seconds(delay) + " restarting failed container=" + who;
  event(pod, index, true, "BackOff", "Back-off restarting failed container " + c.name + " in pod " + pod.key.name + "_" + pod.key.ns +
                                  "(" + pod.uid + ")");
  writeStatus(pod);
  after(pod, delay, "restart " + c.name, [this, index](PodRuntime& p) {
    event(p, index, false, "Pulled", "Container image \"" + p.containers[index].image + "\" already present on machine");
    run(p, index);
  });
}

void Kubelet::kill(PodRuntime& pod) {
  pod.killing = true;
  for (auto id : pod.timers) ctx_.loop.cancel(id);
  pod.timers.clear();
  for (std::size_t index = 0; index < pod.containers.size(); ++index) {
    const Container& c = pod.containers[index];
    if (c.state == Container::State::Running) event(pod, index, false, "Killing", "Stopping container " + c.name);
  }
  auto current = ctx_.store.find(pod.key);
  std::int64_t grace = current ? intField(*current, {"metadata"_key, "deletionGracePeriodSeconds"_key}, 30) : 0;
  Duration delay = std::min<Duration>(std::chrono::seconds(grace), ctx_.options.podShutdownTime);
  const kube::ObjectKey key = pod.key;
  const std::string uid = pod.uid;
  ctx_.loop.after(delay, 40, "kubelet " + key.name + " stopped", [this, key, uid] {
    auto stored = ctx_.store.find(key);
    if (!stored || (*stored)["metadata"].value("uid", "") != uid) return;
    DeleteOptions now;
    now.gracePeriodSeconds = 0;
    try {
      ctx_.store.removeShared("", "Pod", key.ns, key.name, now);
    } catch (const ApiError&) {
    }
  });
}

bool Kubelet::initDone(const PodRuntime& pod) const {
  return std::all_of(pod.containers.begin(), pod.containers.end(), [](const Container& c) {
    return !c.init || (c.state == Container::State::Terminated && c.exitCode == 0);
  });
}

void Kubelet::writeStatus(PodRuntime& pod) {
  auto current = ctx_.store.find(pod.key);
  if (!current || (*current)["metadata"].value("uid", "") != pod.uid) return;
  const Json& old = objectAt((*current), {"status"});
  // Phase, as the kubelet's getPhase derives it.
  std::string phase;
  std::size_t neverStarted = 0, running = 0, stopped = 0, succeeded = 0;
  bool initFailed = false;
  for (const auto& c : pod.containers) {
    if (c.init) {
      initFailed = initFailed || (c.state == Container::State::Terminated && c.exitCode != 0 && pod.restartPolicy == "Never");
      continue;
    }
    if (c.state == Container::State::Running) ++running;
    else if (c.state == Container::State::Terminated || (c.state == Container::State::Waiting && c.everRan)) {
      ++stopped;
      if (c.state == Container::State::Terminated && c.exitCode == 0) ++succeeded;
    } else {
      ++neverStarted;
    }
  }
  const bool initialized = initDone(pod);
  if (initFailed) phase = "Failed";
  else if (!initialized || neverStarted > 0) phase = "Pending";
  else if (running > 0) phase = "Running";
  else if (pod.restartPolicy == "Always") phase = "Running";
  else if (stopped == succeeded) phase = "Succeeded";
  else if (pod.restartPolicy == "OnFailure") phase = "Running";
  else phase = "Failed";

  std::string unready, uninitialized;
  for (const auto& c : pod.containers) {
    if (c.init && !(c.state == Container::State::Terminated && c.exitCode == 0)) uninitialized += (uninitialized.empty() ? "" : " ") + c.name;
    if (!c.init && !c.ready) unready += (unready.empty() ? "" : " ") + c.name;
  }
  const bool terminal = phase == "Succeeded" || phase == "Failed";
  JsonObjectBuilder status(12);
  status.add("phase", phase);
  Json conditions = Json::array();
  Json containerStatuses = Json::array();
  Json initContainerStatuses = Json::array();
  const std::string t = now();
  auto condition = [&](const char* type, bool value, const std::string& reason, const std::string& message) {
    const char* statusText = value ? "True" : "False";
    const Json* before = findCondition(old, type);
    JsonObjectBuilder c(6);
    c.add("lastProbeTime", nullptr);
    c.add("lastTransitionTime", before != nullptr && before->value("status", "") == statusText ? before->value("lastTransitionTime", t) : t);
    if (!message.empty()) c.add("message", message);
    if (!reason.empty()) c.add("reason", reason);
    c.add("status", statusText).add("type", type);
    conditions.push_back(std::move(c).build());
  };
  condition("PodReadyToStartContainers", !terminal, "", "");
  condition("Initialized", initialized, initialized ? (terminal && phase == "Succeeded" ? "PodCompleted" : "") : "ContainersNotInitialized",
            initialized ? "" : "containers with incomplete status: [" + uninitialized + "]");
  const bool ready = unready.empty() && initialized && !terminal;
  const std::string notReadyReason = phase == "Succeeded" ? "PodCompleted" : (!initialized ? "ContainersNotInitialized" : "ContainersNotReady");
  const std::string notReadyMessage =
      phase == "Succeeded" ? "" : (!initialized ? "containers with incomplete status: [" + uninitialized + "]"
                                                : "containers with unready status: [" + unready + "]");
  condition("Ready", ready, ready ? "" : notReadyReason, ready ? "" : notReadyMessage);
  condition("ContainersReady", ready, ready ? "" : notReadyReason, ready ? "" : notReadyMessage);
  if (const Json* scheduled = findCondition(old, "PodScheduled")) conditions.push_back(*scheduled);
  status.add("conditions", std::move(conditions));
  if (!pod.hostIp.empty()) {
    status.add("hostIP", pod.hostIp).add("hostIPs", Json::array({JsonObjectBuilder(1).add("ip", pod.hostIp).build()}));
  }
  if (!pod.podIp.empty()) {
    status.add("podIP", pod.podIp).add("podIPs", Json::array({JsonObjectBuilder(1).add("ip", pod.podIp).build()}));
  }
  status.add("startTime", pod.startTime);
  if (const Json* qos = findMember(old, "qosClass"_key)) status.add("qosClass", *qos);
  for (const auto& c : pod.containers) {
    Json state;
    if (c.state == Container::State::Running) {
      state = JsonObjectBuilder(1).add("running", JsonObjectBuilder(1).add("startedAt", c.startedAt).build()).build();
    } else if (c.state == Container::State::Terminated) {
      state = JsonObjectBuilder(1)
                  .add("terminated", JsonObjectBuilder(5)
                                         .add("containerID", c.containerId)
                                         .add("exitCode", c.exitCode)
                                         .add("finishedAt", c.finishedAt)
                                         .add("reason", c.reason)
                                         .add("startedAt", c.startedAt)
                                         .build())
                  .build();
    } else {
      JsonObjectBuilder waiting(2);
      if (!c.message.empty()) waiting.add("message", c.message);
      waiting.add("reason", c.reason);
      state = JsonObjectBuilder(1).add("waiting", std::move(waiting).build()).build();
    }
    JsonObjectBuilder s(9);
    if (!c.containerId.empty()) s.add("containerID", c.containerId);
    s.add("image", c.normalized.empty() ? c.image : c.normalized)
        .add("imageID", c.imageId)
        .add("lastState", c.lastState)
        .add("name", c.name)
        .add("ready", c.ready)
        .add("restartCount", c.restartCount)
        .add("started", c.started)
        .add("state", std::move(state));
    (c.init ? initContainerStatuses : containerStatuses).push_back(std::move(s).build());
  }
  if (!containerStatuses.empty()) status.add("containerStatuses", std::move(containerStatuses));
  if (!initContainerStatuses.empty()) status.add("initContainerStatuses", std::move(initContainerStatuses));
  ctx_.store.writeStatus(pod.key, std::move(status).build());
}

}  // namespace gs::fake
