#include <catch2/catch.hpp>

#include <map>

#include "cluster_fixture.hpp"
#include "fakecluster/object_util.hpp"

using namespace gs;
using namespace gs::fake;
using namespace gs::test;
using namespace std::chrono_literals;

namespace {

Json podManifest(const std::string& name, const std::string& image, Json annotations = Json::object()) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"app", name}}}, {"annotations", annotations}}},
              {"spec", {{"containers", Json::array({Json{{"name", "app"}, {"image", image}}})}}}};
}

const Json& containerStatus(const Json& pod) { return pod["status"]["containerStatuses"][0]; }
std::string waitingReason(const Json& pod) { return containerStatus(pod)["state"].value("/waiting/reason"_json_pointer, ""); }

// A resolver that knows one repository only.
class OnlyResolver final : public ImageResolver {
 public:
  ImagePull pull(const kube::ImageReference& image) override {
    if (image.repository() != "docker.io/library/nginx") return ImagePull{};
    return PermissiveImageResolver().pull(image);
  }
};

}  // namespace

TEST_CASE("kubelet: a pod is scheduled, pulled, started and ready, with the real status shape and events", "[fakecluster][kubelet]") {
  ClusterWorld w;
  w.cluster.create(podManifest("web", "nginx:1.27"));
  w.runFor(1s);
  Json pod = w.get("", "Pod", "web");
  CHECK(pod["spec"]["nodeName"] == "node-1");
  CHECK(pod["status"]["phase"] == "Pending");
  CHECK(waitingReason(pod) == "ContainerCreating");
  w.runFor(5s);
  pod = w.get("", "Pod", "web");
  CHECK(pod["status"]["phase"] == "Running");
  CHECK(pod["status"]["qosClass"] == "BestEffort");
  CHECK(pod["status"]["podIP"].get<std::string>().rfind("10.244.1.", 0) == 0);
  CHECK(pod["status"]["hostIP"] == "172.18.0.2");
  const Json& s = containerStatus(pod);
  CHECK(s["ready"] == true);
  CHECK(s["started"] == true);
  CHECK(s["restartCount"] == 0);
  CHECK(s["image"] == "docker.io/library/nginx:1.27");
  CHECK(s["imageID"].get<std::string>().rfind("docker.io/library/nginx@sha256:", 0) == 0);
  CHECK(s["containerID"].get<std::string>().rfind("containerd://", 0) == 0);
  std::vector<std::string> types;
  for (const auto& c : pod["status"]["conditions"]) {
    types.push_back(c["type"]);
    CHECK(c["status"] == "True");
  }
  CHECK(types == std::vector<std::string>{"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"});
  auto events = w.eventsFor("web");
  REQUIRE(events.size() == 5);
  CHECK(events[0] == "Scheduled: Successfully assigned default/web to node-1");
  CHECK(events[1] == "Pulling: Pulling image \"nginx:1.27\"");
  CHECK(events[2].rfind("Pulled: Successfully pulled image \"nginx:1.27\" in 2s (2s including waiting). Image size: ", 0) == 0);
  CHECK(events[3] == "Created: Created container app");
  CHECK(events[4] == "Started: Started container app");
}

TEST_CASE("kubelet: container events name their container in involvedObject.fieldPath", "[fakecluster][kubelet]") {
  ClusterWorld w;
  // Two containers with the same image are pulled at the same time: two Pulling events with
  // the same message, one per container (client-go keys its aggregation by field path).
  w.cluster.create(Json{{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", {{"name", "two"}, {"namespace", "default"}}},
                        {"spec",
                         {{"initContainers", Json::array({Json{{"name", "setup"}, {"image", "busybox:1.36"}}})},
                          {"containers", Json::array({Json{{"name", "a"}, {"image", "nginx:1.27"}}, Json{{"name", "b"}, {"image", "nginx:1.27"}}})}}}});
  w.runFor(30s);
  std::map<std::string, std::vector<std::string>> byPath;  // fieldPath -> reasons
  const Json events = w.cluster.list("", "Event", "default");
  for (const auto& e : events["items"]) {
    if (e["involvedObject"]["name"] != "two") continue;
    if (e["source"]["component"] == "kubelet") {
      CHECK(e["count"] == 1);
      byPath[e["involvedObject"].value("fieldPath", "<none>")].push_back(e["reason"]);
    } else {
      CHECK_FALSE(e["involvedObject"].contains("fieldPath"));  // the scheduler's event is about the pod
    }
  }
  const std::vector<std::string> lifecycle{"Pulling", "Pulled", "Created", "Started"};
  CHECK(byPath["spec.initContainers{setup}"] == lifecycle);
  CHECK(byPath["spec.containers{a}"] == lifecycle);
  CHECK(byPath["spec.containers{b}"] == lifecycle);
  CHECK(byPath.size() == 3);
}

TEST_CASE("kubelet: a missing image goes ErrImagePull -> ImagePullBackOff with 10s doubling backoff", "[fakecluster][kubelet]") {
  ClusterWorld w;
  OnlyResolver resolver;
  w.cluster.setImageResolver(&resolver);
  w.cluster.create(podManifest("app", "ghcr.io/acme/app:v9"));
  w.runFor(2500ms);
  Json pod = w.get("", "Pod", "app");
  CHECK(pod["status"]["phase"] == "Pending");
  CHECK(waitingReason(pod) == "ErrImagePull");
  CHECK(containerStatus(pod)["state"]["waiting"]["message"] ==
        "rpc error: code = NotFound desc = failed to pull and unpack image \"ghcr.io/acme/app:v9\": failed to resolve reference "
        "\"ghcr.io/acme/app:v9\": ghcr.io/acme/app:v9: not found");
  w.runFor(1s);
  pod = w.get("", "Pod", "app");
  CHECK(waitingReason(pod) == "ImagePullBackOff");
  CHECK(containerStatus(pod)["state"]["waiting"]["message"] == "Back-off pulling image \"ghcr.io/acme/app:v9\"");
  const Json* ready = conditionOf(pod, "Ready");
  REQUIRE(ready != nullptr);
  CHECK(ready->value("reason", "") == "ContainersNotReady");
  CHECK(ready->value("message", "") == "containers with unready status: [app]");
  // Pulls start at 0s, fail at 2s; retry after 10s (12s, fails at 14s), after 20s (34s),
  // after 40s (76s): three attempts by 63.5s.
  auto pulls = [&] {
    std::size_t n = 0;
    for (const auto& e : w.eventsFor("app")) n += e.rfind("Pulling:", 0) == 0 ? 1 : 0;
    return n;
  };
  w.runFor(60s);
  const Json events = w.list("", "Event");
  std::int64_t pullingCount = 0;
  for (const auto& e : events) {
    if (e["reason"] == "Pulling") pullingCount = e["count"];
  }
  CHECK(pulls() == 1);       // one aggregated Event...
  CHECK(pullingCount == 3);  // ...seen three times
}

TEST_CASE("kubelet: a malformed image reference is InvalidImageName and never pulled", "[fakecluster][kubelet]") {
  ClusterWorld w;
  w.cluster.create(podManifest("bad", "nginx:Invalid Tag"));
  w.runFor(30s);
  Json pod = w.get("", "Pod", "bad");
  CHECK(waitingReason(pod) == "InvalidImageName");
  CHECK(containerStatus(pod)["state"]["waiting"]["message"] ==
        "Failed to apply default image tag \"nginx:Invalid Tag\": couldn't parse image reference \"nginx:Invalid Tag\": invalid "
        "reference format");
  for (const auto& e : w.eventsFor("bad")) CHECK(e.rfind("Pulling:", 0) != 0);
}

TEST_CASE("kubelet: a crashing container goes CrashLoopBackOff with restartCount and 10s doubling to 5 min", "[fakecluster][kubelet]") {
  ClusterWorld w;
  w.cluster.create(podManifest("crash", "nginx:1.27", Json{{"sim.gitops-sim.io/crash-after", "1s"}}));
  // Started at 3s; crashes at 4s and restarts at once (restart 1); crashes at 5s, back-off
  // 10s; restarts at 15s (2), crashes at 16s, back-off 20s ...
  w.runFor(4500ms);
  Json pod = w.get("", "Pod", "crash");
  CHECK(containerStatus(pod)["restartCount"] == 1);
  CHECK(containerStatus(pod)["state"].contains("running"));
  CHECK(containerStatus(pod)["lastState"]["terminated"]["exitCode"] == 1);
  CHECK(containerStatus(pod)["lastState"]["terminated"]["reason"] == "Error");
  w.runFor(1s);
  pod = w.get("", "Pod", "crash");
  CHECK(pod["status"]["phase"] == "Running");
  CHECK(waitingReason(pod) == "CrashLoopBackOff");
  const std::string uid = pod["metadata"]["uid"];
  CHECK(containerStatus(pod)["state"]["waiting"]["message"] ==
        "back-off 10s restarting failed container=app pod=crash_default(" + uid + ")");
  w.runFor(11s);  // 16.5s: restarted at 15s, crashed at 16s, back-off 20s
  pod = w.get("", "Pod", "crash");
  CHECK(containerStatus(pod)["restartCount"] == 2);
  CHECK(containerStatus(pod)["state"]["waiting"]["message"] ==
        "back-off 20s restarting failed container=app pod=crash_default(" + uid + ")");
  w.runFor(30min);
  pod = w.get("", "Pod", "crash");
  CHECK(containerStatus(pod)["state"]["waiting"]["message"] ==
        "back-off 5m0s restarting failed container=app pod=crash_default(" + uid + ")");
  auto events = w.eventsFor("crash");
  CHECK(std::find(events.begin(), events.end(),
                  "BackOff: Back-off restarting failed container app in pod crash_default(" + uid + ")") != events.end());
}

TEST_CASE("kubelet: fault rules make pulls fail, containers crash or never become ready", "[fakecluster][kubelet][faults]") {
  ClusterWorld w;
  PodFault neverReady;
  neverReady.kind = PodFault::Kind::NeverReady;
  neverReady.pod = "slow*";
  w.cluster.faults().add(neverReady);
  PodFault pullFails;
  pullFails.kind = PodFault::Kind::ImagePullFails;
  pullFails.image = "nginx:broken";
  auto id = w.cluster.faults().add(pullFails);
  w.cluster.create(podManifest("slow-1", "nginx:1.27"));
  w.cluster.create(podManifest("pull", "nginx:broken"));
  w.runFor(10s);
  Json slow = w.get("", "Pod", "slow-1");
  CHECK(slow["status"]["phase"] == "Running");
  CHECK_FALSE(podReady(slow));
  CHECK(waitingReason(w.get("", "Pod", "pull")) == "ImagePullBackOff");
  // Clearing the fault lets the next retry succeed.
  w.cluster.faults().clear(id);
  w.runFor(60s);
  CHECK(podReady(w.get("", "Pod", "pull")));
}

TEST_CASE("kubelet: deleting a running pod stops it within the grace period", "[fakecluster][kubelet]") {
  ClusterWorld w;
  w.cluster.create(podManifest("web", "nginx:1.27"));
  w.runFor(10s);
  Json marked = w.cluster.remove("", "Pod", "default", "web");
  CHECK(marked["metadata"]["deletionGracePeriodSeconds"] == 30);
  CHECK(marked["metadata"].contains("deletionTimestamp"));
  w.runFor(500ms);
  CHECK(w.get("", "Pod", "web")["metadata"].contains("deletionTimestamp"));  // still stopping
  auto events = w.eventsFor("web");
  CHECK(events.back() == "Killing: Stopping container app");
  w.runFor(2s);
  CHECK_THROWS_AS(w.get("", "Pod", "web"), ApiError);
}

TEST_CASE("scheduler: a pod no node fits stays Pending with the real FailedScheduling message", "[fakecluster][scheduler]") {
  ClusterWorld w;
  Json pod = podManifest("picky", "nginx:1.27");
  pod["spec"]["nodeSelector"] = Json{{"disktype", "ssd"}};
  w.cluster.create(pod);
  w.runFor(5s);
  Json stored = w.get("", "Pod", "picky");
  const Json* scheduled = conditionOf(stored, "PodScheduled");
  REQUIRE(scheduled != nullptr);
  CHECK(scheduled->value("status", "") == "False");
  CHECK(scheduled->value("reason", "") == "Unschedulable");
  CHECK(scheduled->value("message", "") ==
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 "
        "Preemption is not helpful for scheduling.");
  // Labelling a node lets it in.
  Json node = w.cluster.get("", "Node", "", "node-2");
  node["metadata"]["labels"]["disktype"] = "ssd";
  w.cluster.update(node);
  w.runFor(5s);
  CHECK(w.get("", "Pod", "picky")["spec"]["nodeName"] == "node-2");
}

TEST_CASE("pods get the QoS class of their resources", "[fakecluster][store]") {
  ClusterWorld w;
  Json burstable = podManifest("burstable", "nginx:1.27");
  burstable["spec"]["containers"][0]["resources"] = Json{{"requests", {{"cpu", "100m"}}}};
  Json guaranteed = podManifest("guaranteed", "nginx:1.27");
  guaranteed["spec"]["containers"][0]["resources"] = Json{{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}};
  CHECK(w.cluster.create(burstable)["status"]["qosClass"] == "Burstable");
  CHECK(w.cluster.create(guaranteed)["status"]["qosClass"] == "Guaranteed");
  w.runFor(10s);
  CHECK(w.get("", "Pod", "guaranteed")["status"]["qosClass"] == "Guaranteed");  // the kubelet keeps it
}
