#include <catch2/catch.hpp>

#include <optional>

#include "cluster_fixture.hpp"
#include "fakecluster/eviction.hpp"
#include "fakecluster/object_util.hpp"

using namespace gs;
using namespace gs::fake;
using namespace gs::test;
using namespace std::chrono_literals;

namespace {

Json podTemplate(const std::string& app, const std::string& image, const char* restartPolicy = nullptr) {
  Json spec{{"containers", Json::array({Json{{"name", "main"}, {"image", image}}})}};
  if (restartPolicy != nullptr) spec["restartPolicy"] = restartPolicy;
  return Json{{"metadata", {{"labels", {{"app", app}}}}}, {"spec", spec}};
}

Json statefulSet(const std::string& name, int replicas, const std::string& image) {
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "StatefulSet"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec",
               {{"replicas", replicas},
                {"serviceName", name},
                {"selector", {{"matchLabels", {{"app", name}}}}},
                {"template", podTemplate(name, image)},
                {"volumeClaimTemplates",
                 Json::array({Json{{"metadata", {{"name", "data"}}},
                                   {"spec", {{"accessModes", Json::array({"ReadWriteOnce"})},
                                             {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}}})}}}};
}

Json job(const std::string& name, Json extra = Json::object(), Json annotations = Json::object()) {
  Json tmpl = podTemplate(name, "busybox:1.36", "Never");
  tmpl["metadata"]["annotations"] = annotations;
  Json spec{{"template", tmpl}};
  spec.update(extra);
  return Json{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", {{"name", name}, {"namespace", "default"}}}, {"spec", spec}};
}

std::string conditionReason(const Json& object, const char* type) {
  const Json* c = conditionOf(object, type);
  return c == nullptr ? "" : c->value("reason", "");
}

int codeOf(const std::function<void()>& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const ApiError& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  return 0;
}

}  // namespace

TEST_CASE("a fresh cluster has namespaces, nodes, default service accounts and the kubernetes Service", "[fakecluster][cluster]") {
  ClusterWorld w;
  CHECK(w.list("", "Namespace", "").size() == 4);
  CHECK(w.list("", "Node", "").size() == 3);
  const Json node = w.get("", "Node", "node-1", "");
  for (const char* type : {"MemoryPressure", "DiskPressure", "PIDPressure"}) CHECK(conditionOf(node, type)->value("status", "") == "False");
  CHECK(conditionOf(node, "Ready")->value("reason", "") == "KubeletReady");
  CHECK(w.get("", "ServiceAccount", "default", "kube-system")["metadata"]["name"] == "default");
  CHECK(w.get("", "Service", "kubernetes")["spec"]["clusterIP"] == "10.96.0.1");
  w.runFor(1s);
  // The API server's endpoints stay as it wrote them: the endpoint controllers leave a
  // Service without a selector alone.
  const Json endpoints = w.get("", "Endpoints", "kubernetes");
  CHECK(endpoints["subsets"] == Json::parse(R"([{"addresses":[{"ip":"172.18.0.2"}],"ports":[{"name":"https","port":6443,"protocol":"TCP"}]}])"));
  CHECK(endpoints["metadata"]["labels"]["endpointslice.kubernetes.io/skip-mirror"] == "true");
  const Json slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=kubernetes");
  REQUIRE(slices.size() == 1);
  CHECK(slices[0]["metadata"]["name"] == "kubernetes");
  CHECK(slices[0]["endpoints"][0]["addresses"][0] == "172.18.0.2");
  CHECK(slices[0]["endpoints"][0]["conditions"]["ready"] == true);
  Json ns = w.cluster.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team-a"}}}});
  // The namespace strategy's label (NetworkPolicy namespaceSelectors use it) and finalizer.
  CHECK(ns["metadata"]["labels"]["kubernetes.io/metadata.name"] == "team-a");
  CHECK(ns["spec"]["finalizers"] == Json::array({"kubernetes"}));
  ns["metadata"]["labels"] = {{"team", "a"}};
  ns["spec"]["finalizers"] = Json::array();
  ns = w.cluster.update(ns);
  CHECK(ns["metadata"]["labels"] == Json{{"kubernetes.io/metadata.name", "team-a"}, {"team", "a"}});
  CHECK(ns["spec"]["finalizers"] == Json::array({"kubernetes"}));
  w.runFor(1s);
  CHECK(w.get("", "ConfigMap", "kube-root-ca.crt", "team-a")["data"].contains("ca.crt"));
  // The namespace controller sweeps a deleted namespace's contents a moment later, so a
  // client deleting a bundle that lists its Namespace first still finds the rest.
  w.cluster.create(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "settings"}, {"namespace", "team-a"}}}});
  w.cluster.remove("", "Namespace", "", "team-a");
  CHECK(w.get("", "Namespace", "team-a", "")["status"]["phase"] == "Terminating");
  CHECK(w.cluster.remove("", "ConfigMap", "team-a", "settings")["metadata"]["name"] == "settings");
  w.runFor(3s);
  CHECK(w.list("", "ConfigMap", "team-a").empty());
  CHECK(w.list("", "Namespace", "").size() == 4);  // team-a went with its last object
}

TEST_CASE("StatefulSet: ordered creation, claims per pod, rolling update from the highest ordinal", "[fakecluster][statefulset]") {
  ClusterWorld w;
  w.cluster.create(statefulSet("db", 3, "postgres:16"));
  w.runFor(1s);
  // OrderedReady: db-1 waits for db-0 to be Running and Ready.
  CHECK(w.list("", "Pod").size() == 1);
  w.runFor(30s);
  auto pods = w.list("", "Pod", "default", "app=db");
  REQUIRE(pods.size() == 3);
  CHECK(pods[0]["metadata"]["name"] == "db-0");
  CHECK(pods[0]["spec"]["hostname"] == "db-0");
  CHECK(pods[0]["spec"]["subdomain"] == "db");
  Json claim = w.get("", "PersistentVolumeClaim", "data-db-0");
  CHECK(claim["status"]["phase"] == "Bound");
  CHECK(claim["spec"]["volumeName"] == "pvc-" + claim["metadata"]["uid"].get<std::string>());
  Json set = w.get("apps", "StatefulSet", "db");
  CHECK(set["status"]["readyReplicas"] == 3);
  CHECK(set["status"]["currentRevision"] == set["status"]["updateRevision"]);
  const std::string firstRevision = set["status"]["currentRevision"];
  auto events = w.eventsFor("db");
  CHECK(events[0] == "SuccessfulCreate: create Claim data-db-0 Pod db-0 in StatefulSet db success");
  CHECK(events[1] == "SuccessfulCreate: create Pod db-0 in StatefulSet db successful");
  // Update: db-2 goes first.
  set["spec"]["template"]["spec"]["containers"][0]["image"] = "postgres:17";
  w.cluster.update(set);
  w.runFor(1s);
  set = w.get("apps", "StatefulSet", "db");
  CHECK(set["status"]["updateRevision"] != firstRevision);
  CHECK(set["status"]["currentRevision"] == firstRevision);
  CHECK(w.get("", "Pod", "db-0")["metadata"]["labels"]["controller-revision-hash"] == firstRevision);
  w.runFor(60s);
  set = w.get("apps", "StatefulSet", "db");
  CHECK(set["status"]["currentRevision"] == set["status"]["updateRevision"]);
  CHECK(set["status"]["updatedReplicas"] == 3);
  CHECK(w.get("", "Pod", "db-0")["spec"]["containers"][0]["image"] == "postgres:17");
  // Most of a StatefulSet's spec is immutable, with the real message.
  set["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "2Gi";
  std::string message;
  CHECK(codeOf([&] { w.cluster.update(set); }, &message) == 422);
  CHECK(message ==
        "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', "
        "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
  // Scale down: highest ordinal first.
  set = w.get("apps", "StatefulSet", "db");
  set["spec"]["replicas"] = 1;
  w.cluster.update(set);
  w.runFor(500ms);
  CHECK(w.get("", "Pod", "db-2")["metadata"].contains("deletionTimestamp"));
  CHECK(w.get("", "Pod", "db-1")["metadata"].contains("deletionTimestamp") == false);  // one at a time
  w.runFor(10s);
  CHECK(w.list("", "Pod", "default", "app=db").size() == 1);
}

TEST_CASE("StatefulSet: OnDelete, minReadySeconds, claim metadata, retention on scale-down, revisions as a 1.32 cluster keeps them",
          "[fakecluster][statefulset]") {
  ClusterWorld w;
  Json set = statefulSet("db", 2, "postgres:16");
  set["metadata"]["annotations"] = Json{{"kubernetes.io/change-cause", "first"}};
  set["spec"]["minReadySeconds"] = 20;
  set["spec"]["updateStrategy"] = Json{{"type", "OnDelete"}};
  set["spec"]["persistentVolumeClaimRetentionPolicy"] = Json{{"whenScaled", "Delete"}};
  set["spec"]["volumeClaimTemplates"][0]["metadata"]["labels"] = Json{{"tier", "storage"}};
  set["spec"]["volumeClaimTemplates"][0]["metadata"]["annotations"] = Json{{"note", "keep"}};
  w.cluster.create(set);
  // OrderedReady with minReadySeconds: db-1 waits until db-0 has been ready for 20 s.
  auto db0Ready = [&] { return w.list("", "Pod", "default", "app=db").size() == 1 && podReady(w.get("", "Pod", "db-0")); };
  int seconds = 0;
  while (seconds < 60 && !db0Ready()) {
    w.runFor(1s);
    ++seconds;
  }
  REQUIRE(podReady(w.get("", "Pod", "db-0")));
  w.runFor(15s);
  CHECK(w.list("", "Pod", "default", "app=db").size() == 1);
  CHECK(w.get("apps", "StatefulSet", "db")["status"]["availableReplicas"] == 0);
  w.runFor(10s);
  CHECK(w.list("", "Pod", "default", "app=db").size() == 2);
  // A claim carries its template's metadata and the selector's labels.
  const Json claim = w.get("", "PersistentVolumeClaim", "data-db-0");
  CHECK(claim["metadata"]["labels"] == Json{{"app", "db"}, {"tier", "storage"}});
  CHECK(claim["metadata"]["annotations"]["note"] == "keep");
  // A revision: the template's labels, controller.kubernetes.io/hash, its owner's annotations.
  const Json revisions = w.list("apps", "ControllerRevision");
  REQUIRE(revisions.size() == 1);
  const std::string firstRevision = revisions[0]["metadata"]["name"];
  CHECK(revisions[0]["metadata"]["labels"]["app"] == "db");
  CHECK(firstRevision == "db-" + revisions[0]["metadata"]["labels"]["controller.kubernetes.io/hash"].get<std::string>());
  CHECK(revisions[0]["metadata"]["annotations"]["kubernetes.io/change-cause"] == "first");
  // OnDelete: a new template reaches a pod only when the pod is deleted; the recreated pod runs it.
  w.runFor(30s);
  set = w.get("apps", "StatefulSet", "db");
  set["spec"]["template"]["spec"]["containers"][0]["image"] = "postgres:17";
  w.cluster.update(set);
  w.runFor(5s);
  CHECK(w.get("", "Pod", "db-1")["spec"]["containers"][0]["image"] == "postgres:16");
  w.cluster.remove("", "Pod", "default", "db-1");
  w.runFor(60s);
  CHECK(w.get("", "Pod", "db-1")["spec"]["containers"][0]["image"] == "postgres:17");
  set = w.get("apps", "StatefulSet", "db");
  CHECK(set["status"]["updatedReplicas"] == 1);
  CHECK(set["status"]["currentReplicas"] == 1);
  CHECK(set["status"]["currentRevision"] == firstRevision);  // OnDelete never completes a rollout
  // A terminating pod still counts as a replica, not as current or updated.
  Json held = w.get("", "Pod", "db-0");
  held["metadata"]["finalizers"] = Json::array({"example.com/hold"});
  w.cluster.update(held);
  w.cluster.remove("", "Pod", "default", "db-0");
  w.runFor(1s);
  set = w.get("apps", "StatefulSet", "db");
  CHECK(set["status"]["replicas"] == 2);
  CHECK_FALSE(set["status"].contains("currentReplicas"));
  held = w.get("", "Pod", "db-0");
  held["metadata"]["finalizers"] = Json::array();
  w.cluster.update(held);
  w.runFor(60s);
  // whenScaled: Delete: the claim of a scaled-down pod goes with it.
  set = w.get("apps", "StatefulSet", "db");
  set["spec"]["replicas"] = 1;
  w.cluster.update(set);
  w.runFor(30s);
  CHECK(w.list("", "Pod", "default", "app=db").size() == 1);
  CHECK(codeOf([&] { w.get("", "PersistentVolumeClaim", "data-db-1"); }) == 404);
  CHECK(w.get("", "PersistentVolumeClaim", "data-db-0")["metadata"].contains("ownerReferences") == false);
}

TEST_CASE("DaemonSet: one pod per node, pinned by node affinity, rolled one node at a time", "[fakecluster][daemonset]") {
  ClusterWorld w;
  Json ds{{"apiVersion", "apps/v1"},
          {"kind", "DaemonSet"},
          {"metadata", {{"name", "agent"}, {"namespace", "default"}}},
          {"spec", {{"selector", {{"matchLabels", {{"app", "agent"}}}}}, {"template", podTemplate("agent", "fluent-bit:3.0")}}}};
  w.cluster.create(ds);
  w.runFor(10s);
  auto pods = w.list("", "Pod", "default", "app=agent");
  REQUIRE(pods.size() == 3);
  std::set<std::string> nodes;
  for (const auto& p : pods) nodes.insert(p["spec"]["nodeName"].get<std::string>());
  CHECK(nodes == std::set<std::string>{"node-1", "node-2", "node-3"});
  Json stored = w.get("apps", "DaemonSet", "agent");
  CHECK(stored["status"]["desiredNumberScheduled"] == 3);
  CHECK(stored["status"]["numberReady"] == 3);
  CHECK(stored["status"]["updatedNumberScheduled"] == 3);
  stored["spec"]["template"]["spec"]["containers"][0]["image"] = "fluent-bit:3.1";
  w.cluster.update(stored);
  w.runFor(500ms);
  // maxUnavailable 1: one old pod is replaced at a time.
  std::size_t terminatingPods = 0;
  for (const auto& p : w.list("", "Pod", "default", "app=agent")) terminatingPods += p["metadata"].contains("deletionTimestamp") ? 1 : 0;
  CHECK(terminatingPods == 1);
  w.runFor(60s);
  stored = w.get("apps", "DaemonSet", "agent");
  CHECK(stored["status"]["updatedNumberScheduled"] == 3);
  CHECK(stored["status"]["numberAvailable"] == 3);
}

TEST_CASE("DaemonSet: rollingUpdate with maxSurge starts each node's new pod beside the old one, which goes once the new one is available", "[fakecluster][daemonset]") {
  ClusterWorld w;
  Json ds{{"apiVersion", "apps/v1"},
          {"kind", "DaemonSet"},
          {"metadata", {{"name", "agent"}, {"namespace", "default"}}},
          {"spec",
           {{"selector", {{"matchLabels", {{"app", "agent"}}}}},
            {"updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 1}, {"maxUnavailable", 0}}}}},
            {"template", podTemplate("agent", "fluent-bit:3.0")}}}};
  w.cluster.create(ds);
  w.runFor(10s);
  REQUIRE(w.list("", "Pod", "default", "app=agent").size() == 3);
  Json stored = w.get("apps", "DaemonSet", "agent");
  stored["spec"]["template"]["spec"]["containers"][0]["image"] = "fluent-bit:3.1";
  w.cluster.update(stored);
  w.runFor(500ms);
  // A node running its old and its new pod reports the old one (the oldest): not updated.
  CHECK(w.list("", "Pod", "default", "app=agent").size() == 4);
  CHECK_FALSE(w.get("apps", "DaemonSet", "agent")["status"].contains("updatedNumberScheduled"));
  CHECK(w.get("apps", "DaemonSet", "agent")["status"]["numberReady"] == 3);
  // Every node keeps a ready pod all along, and no more than one node runs two pods.
  bool nodeWithoutReadyPod = false;
  std::size_t mostPods = 0;
  auto id = w.cluster.store().subscribe([&](const WatchEvent&) {
    std::map<std::string, int> readyByNode;
    std::size_t live = 0;
    w.cluster.store().forEach("", "Pod", "default", [&](const ObjectPtr& p) {
      if ((*p)["metadata"]["labels"].value("app", "") != "agent" || (*p)["metadata"].contains("deletionTimestamp")) return;
      ++live;
      if (podReady(*p)) ++readyByNode[(*p)["spec"].value("nodeName", "")];
    });
    nodeWithoutReadyPod = nodeWithoutReadyPod || readyByNode.size() < 3;
    mostPods = std::max(mostPods, live);
  });
  w.runFor(90s);
  w.cluster.store().unsubscribe(id);
  CHECK_FALSE(nodeWithoutReadyPod);
  CHECK(mostPods == 4);
  stored = w.get("apps", "DaemonSet", "agent");
  CHECK(stored["status"]["updatedNumberScheduled"] == 3);
  CHECK(stored["status"]["numberAvailable"] == 3);
  auto pods = w.list("", "Pod", "default", "app=agent");
  REQUIRE(pods.size() == 3);
  for (const auto& p : pods) CHECK(p["spec"]["containers"][0]["image"] == "fluent-bit:3.1");
}

TEST_CASE("Job: ttlSecondsAfterFinished deletes a finished Job and its pods that long after it finished", "[fakecluster][job]") {
  ClusterWorld w;
  w.cluster.create(job("migrate", Json{{"ttlSecondsAfterFinished", 60}}));
  w.cluster.create(job("keep"));
  int waited = 0;
  while (waited < 120 && jobFinishedAs(w.get("batch", "Job", "migrate")).empty()) {
    w.runFor(1s);
    ++waited;
  }
  REQUIRE(jobFinishedAs(w.get("batch", "Job", "migrate")) == "Complete");
  w.runFor(50s);
  CHECK(codeOf([&] { w.get("batch", "Job", "migrate"); }) == 0);  // not yet
  w.runFor(20s);
  CHECK(codeOf([&] { w.get("batch", "Job", "migrate"); }) == 404);
  CHECK(w.list("", "Pod", "default", "job-name=migrate").empty());
  CHECK(jobFinishedAs(w.get("batch", "Job", "keep")) == "Complete");  // no TTL: it stays
}

TEST_CASE("Job: runs to completion with the conditions of a 1.32 cluster", "[fakecluster][job]") {
  ClusterWorld w;
  w.cluster.create(job("migrate", Json{{"completions", 2}, {"parallelism", 1}}));
  Json stored = w.get("batch", "Job", "migrate");
  CHECK(stored["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"] == stored["metadata"]["uid"]);
  CHECK(stored["spec"]["template"]["metadata"]["labels"]["job-name"] == "migrate");
  w.runFor(5s);
  stored = w.get("batch", "Job", "migrate");
  CHECK(stored["status"]["active"] == 1);
  w.runFor(30s);
  stored = w.get("batch", "Job", "migrate");
  CHECK(stored["status"]["succeeded"] == 2);
  CHECK(conditionReason(stored, "Complete") == "CompletionsReached");
  CHECK(conditionReason(stored, "SuccessCriteriaMet") == "CompletionsReached");
  CHECK(stored["status"].contains("completionTime"));
  // The job controller stamps lastProbeTime too (a pod condition's stays null).
  CHECK(conditionOf(stored, "Complete")->value("lastProbeTime", Json()) == conditionOf(stored, "Complete")->value("lastTransitionTime", Json()));
  CHECK(conditionOf(stored, "Complete")->value("lastProbeTime", Json()).is_string());
  for (const auto& pod : w.list("", "Pod", "default", "job-name=migrate")) {
    CHECK(pod["status"]["phase"] == "Succeeded");
    CHECK(pod["metadata"].value("finalizers", Json::array()).empty());
  }
  // A Job's template is immutable.
  stored["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:1.37";
  CHECK(codeOf([&] { w.cluster.update(stored); }) == 422);
}

TEST_CASE("Job: failing pods are retried with backoff until backoffLimit, then Failed", "[fakecluster][job]") {
  ClusterWorld w;
  w.cluster.create(job("flaky", Json{{"backoffLimit", 2}}, Json{{"sim.gitops-sim.io/exit-code", "1"}}));
  w.runFor(10min);
  Json stored = w.get("batch", "Job", "flaky");
  CHECK(stored["status"]["failed"] == 3);
  CHECK(conditionReason(stored, "Failed") == "BackoffLimitExceeded");
  CHECK(conditionOf(stored, "Failed")->value("message", "") == "Job has reached the specified backoff limit");
  auto events = w.eventsFor("flaky");
  CHECK(events.back() == "BackoffLimitExceeded: Job has reached the specified backoff limit");
}

TEST_CASE("Job: activeDeadlineSeconds fails a Job that runs too long", "[fakecluster][job]") {
  ClusterWorld w;
  w.cluster.create(job("long", Json{{"activeDeadlineSeconds", 10}}, Json{{"sim.gitops-sim.io/run-time", "1h"}}));
  w.runFor(30s);
  Json stored = w.get("batch", "Job", "long");
  CHECK(conditionReason(stored, "Failed") == "DeadlineExceeded");
  CHECK(conditionOf(stored, "Failed")->value("message", "") == "Job was active longer than specified deadline");
}

TEST_CASE("Job: suspend deletes the active pods and stops the clock, resuming starts pods and the deadline again", "[fakecluster][job]") {
  ClusterWorld w;
  w.cluster.create(job("held", Json{{"suspend", true}, {"activeDeadlineSeconds", 20}}, Json{{"sim.gitops-sim.io/run-time", "1h"}}));
  w.runFor(60s);
  Json stored = w.get("batch", "Job", "held");
  CHECK(w.list("", "Pod", "default", "job-name=held").empty());
  CHECK_FALSE(stored["status"].contains("startTime"));
  CHECK(conditionReason(stored, "Suspended") == "JobSuspended");
  CHECK(conditionOf(stored, "Suspended")->value("status", "") == "True");
  CHECK(conditionOf(stored, "Failed") == nullptr);  // no deadline while suspended
  CHECK(w.eventsFor("held").back() == "Suspended: Job suspended");
  stored["spec"]["suspend"] = false;
  w.cluster.update(stored);
  w.runFor(5s);
  stored = w.get("batch", "Job", "held");
  CHECK(stored["status"]["active"] == 1);
  CHECK(conditionReason(stored, "Suspended") == "JobResumed");
  CHECK(conditionOf(stored, "Suspended")->value("status", "") == "False");
  CHECK(stored["status"].contains("startTime"));
  auto events = w.eventsFor("held");
  CHECK(std::find(events.begin(), events.end(), "Resumed: Job resumed") != events.end());
  // Suspended again while running: the pod goes; resumed, the deadline counts from then.
  stored["spec"]["suspend"] = true;
  w.cluster.update(stored);
  w.runFor(40s);
  stored = w.get("batch", "Job", "held");
  CHECK_FALSE(stored["status"].contains("active"));
  CHECK(conditionOf(stored, "Failed") == nullptr);
  CHECK(w.list("", "Pod", "default", "job-name=held").empty());
  stored["spec"]["suspend"] = false;
  w.cluster.update(stored);
  w.runFor(10s);
  CHECK(conditionOf(w.get("batch", "Job", "held"), "Failed") == nullptr);
  w.runFor(20s);
  CHECK(conditionReason(w.get("batch", "Job", "held"), "Failed") == "DeadlineExceeded");
}

TEST_CASE("Job: Indexed completion runs one pod per index, named, annotated and told its index", "[fakecluster][job]") {
  ClusterWorld w;
  w.cluster.create(job("shards", Json{{"completionMode", "Indexed"}, {"completions", 3}, {"parallelism", 2}}, Json{{"sim.gitops-sim.io/run-time", "10s"}}));
  w.runFor(5s);
  auto pods = w.list("", "Pod", "default", "job-name=shards");
  REQUIRE(pods.size() == 2);
  std::set<std::string> indexes;
  for (const auto& pod : pods) {
    const std::string index = pod["metadata"]["annotations"].value("batch.kubernetes.io/job-completion-index", "");
    indexes.insert(index);
    CHECK(pod["metadata"]["labels"].value("batch.kubernetes.io/job-completion-index", "") == index);
    CHECK(pod["metadata"]["name"].get<std::string>().starts_with("shards-" + index + "-"));
    CHECK(pod["spec"]["hostname"] == "shards-" + index);
    const Json& env = pod["spec"]["containers"][0]["env"];
    REQUIRE(env.is_array());
    CHECK(env.back()["name"] == "JOB_COMPLETION_INDEX");
    CHECK(env.back()["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  }
  CHECK(indexes == std::set<std::string>{"0", "1"});
  w.runFor(15s);
  Json stored = w.get("batch", "Job", "shards");
  CHECK(stored["status"]["completedIndexes"] == "0-1");
  CHECK(stored["status"]["active"] == 1);
  w.runFor(30s);
  stored = w.get("batch", "Job", "shards");
  CHECK(stored["status"]["completedIndexes"] == "0-2");
  CHECK(stored["status"]["succeeded"] == 3);
  CHECK(conditionReason(stored, "Complete") == "CompletionsReached");
  // The API's rules: Indexed needs completions (defaulted to 1 only when parallelism is
  // unset too); the mode is immutable.
  std::string message;
  CHECK(codeOf([&] { w.cluster.create(job("nocount", Json{{"completionMode", "Indexed"}, {"parallelism", 2}})); }, &message) == 422);
  CHECK_THAT(message, Catch::Contains("spec.completions: Required value: when completion mode is Indexed"));
  CHECK(codeOf([&] { w.cluster.create(job("odd", Json{{"completionMode", "Sharded"}})); }, &message) == 422);
  CHECK_THAT(message, Catch::Contains("spec.completionMode: Unsupported value: \"Sharded\""));
  stored["spec"]["completionMode"] = "NonIndexed";
  CHECK(codeOf([&] { w.cluster.update(stored); }, &message) == 422);
  CHECK_THAT(message, Catch::Contains("spec.completionMode: Invalid value: \"NonIndexed\": field is immutable"));
}

TEST_CASE("Job: podFailurePolicy fails the Job on a FailJob exit code and does not count an ignored one", "[fakecluster][job]") {
  ClusterWorld w;
  const Json policy = Json::parse(R"({"rules": [
      {"action": "Ignore", "onExitCodes": {"operator": "In", "values": [42]}},
      {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [3]}}]})");
  w.cluster.create(job("fatal", Json{{"podFailurePolicy", policy}}, Json{{"sim.gitops-sim.io/exit-code", "3"}}));
  w.runFor(20s);
  Json stored = w.get("batch", "Job", "fatal");
  CHECK(stored["status"]["failed"] == 1);  // backoffLimit 6 is not waited for
  REQUIRE(conditionReason(stored, "Failed") == "PodFailurePolicy");
  const std::string message = conditionOf(stored, "Failed")->value("message", "");
  CHECK_THAT(message, Catch::StartsWith("Container main for pod default/fatal-") && Catch::EndsWith(" failed with exit code 3 matching FailJob rule at index 1"));
  CHECK(w.eventsFor("fatal").back() == "PodFailurePolicy: " + message);

  w.cluster.create(job("flaky", Json{{"podFailurePolicy", policy}, {"backoffLimit", 1}}, Json{{"sim.gitops-sim.io/exit-code", "42"}}));
  w.runFor(2min);
  stored = w.get("batch", "Job", "flaky");
  CHECK_FALSE(stored["status"].contains("failed"));
  CHECK(conditionOf(stored, "Failed") == nullptr);
  CHECK(w.list("", "Pod", "default", "job-name=flaky").size() >= 3);  // retried past backoffLimit 1
  // The policy needs restartPolicy Never.
  Json onFailure = job("restarts", Json{{"podFailurePolicy", policy}});
  onFailure["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure";
  std::string error;
  CHECK(codeOf([&] { w.cluster.create(onFailure); }, &error) == 422);
  CHECK_THAT(error, Catch::Contains("only \"Never\" is supported when podFailurePolicy is specified"));
}

TEST_CASE("Job: a suspended Job that never started may change its pods' scheduling directives, nothing else of the template", "[fakecluster][job]") {
  ClusterWorld w;
  w.cluster.create(job("queued", Json{{"suspend", true}}));
  w.runFor(2s);
  Json stored = w.get("batch", "Job", "queued");
  stored["spec"]["template"]["spec"]["nodeSelector"] = Json{{"pool", "gpu"}};
  stored["spec"]["template"]["metadata"]["labels"]["kueue.x-k8s.io/flavor"] = "gpu";
  CHECK(codeOf([&] { w.cluster.update(stored); }) == 0);
  stored = w.get("batch", "Job", "queued");
  stored["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:1.37";
  CHECK(codeOf([&] { w.cluster.update(stored); }) == 422);
}

TEST_CASE("Deployment: Recreate stops every old pod before starting new ones", "[fakecluster][deployment]") {
  ClusterWorld w;
  Json d = deploymentManifest("batch", "nginx:1.26", 3);
  d["spec"]["strategy"] = Json{{"type", "Recreate"}};
  w.cluster.create(d);
  w.runFor(20s);
  d = w.get("apps", "Deployment", "batch");
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27";
  w.cluster.update(d);
  bool overlapped = false;
  auto id = w.cluster.store().subscribe([&](const WatchEvent&) {
    std::set<std::string> images;
    w.cluster.store().forEach("", "Pod", "default", [&](const ObjectPtr& p) {
      if ((*p)["metadata"]["labels"].value("app", "") == "batch") images.insert((*p)["spec"]["containers"][0]["image"].get<std::string>());
    });
    overlapped = overlapped || images.size() > 1;
  });
  w.runFor(30s);
  w.cluster.store().unsubscribe(id);
  CHECK_FALSE(overlapped);
  d = w.get("apps", "Deployment", "batch");
  CHECK(d["status"]["updatedReplicas"] == 3);
  CHECK(d["status"]["availableReplicas"] == 3);
}

TEST_CASE("Deployment: an image that never arrives ends in ProgressDeadlineExceeded", "[fakecluster][deployment]") {
  ClusterWorld w;
  w.cluster.create(deploymentManifest("web", "nginx:1.26", 2));
  w.runFor(20s);
  PodFault missing;
  missing.kind = PodFault::Kind::ImagePullFails;
  missing.image = "nginx:9.9";
  w.cluster.faults().add(missing);
  Json d = w.get("apps", "Deployment", "web");
  d["spec"]["progressDeadlineSeconds"] = 60;
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:9.9";
  w.cluster.update(d);
  w.runFor(30s);
  d = w.get("apps", "Deployment", "web");
  CHECK(conditionReason(d, "Progressing") == "ReplicaSetUpdated");
  CHECK(conditionReason(d, "Available") == "MinimumReplicasAvailable");  // the old pods still serve
  w.runFor(60s);
  d = w.get("apps", "Deployment", "web");
  const Json* progressing = conditionOf(d, "Progressing");
  REQUIRE(progressing != nullptr);
  CHECK(progressing->value("status", "") == "False");
  CHECK(progressing->value("reason", "") == "ProgressDeadlineExceeded");
  CHECK(progressing->value("message", "").find("has timed out progressing.") != std::string::npos);
  CHECK(d["status"]["unavailableReplicas"] == 1);
}

TEST_CASE("Deployment: paused deployments scale but do not roll out", "[fakecluster][deployment]") {
  ClusterWorld w;
  w.cluster.create(deploymentManifest("web", "nginx:1.26", 2));
  w.runFor(20s);
  Json d = w.get("apps", "Deployment", "web");
  d["spec"]["paused"] = true;
  d = w.cluster.update(d);
  w.runFor(1s);
  d = w.get("apps", "Deployment", "web");
  CHECK(conditionReason(d, "Progressing") == "DeploymentPaused");
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27";
  d["spec"]["replicas"] = 4;
  w.cluster.update(d);
  w.runFor(20s);
  auto sets = w.list("apps", "ReplicaSet", "default", "app=web");
  CHECK(sets.size() == 1);
  CHECK(sets[0]["spec"]["replicas"] == 4);
  d = w.get("apps", "Deployment", "web");
  d["spec"]["paused"] = false;
  w.cluster.update(d);
  w.runFor(60s);
  d = w.get("apps", "Deployment", "web");
  CHECK(w.list("apps", "ReplicaSet", "default", "app=web").size() == 2);
  CHECK(d["status"]["updatedReplicas"] == 4);
  CHECK(conditionReason(d, "Progressing") == "NewReplicaSetAvailable");
}

namespace {

// Two web pods serving a named port 8080, behind a Service "web" on port 80.
void webBehindService(ClusterWorld& w, Json serviceLabels = Json::object()) {
  Json d = deploymentManifest("web", "nginx:1.27", 2);
  d["spec"]["template"]["spec"]["containers"][0]["ports"] = Json::array({Json{{"name", "http"}, {"containerPort", 8080}}});
  w.cluster.create(d);
  Json service{{"apiVersion", "v1"},
               {"kind", "Service"},
               {"metadata", {{"name", "web"}, {"namespace", "default"}}},
               {"spec", {{"selector", {{"app", "web"}}}, {"ports", Json::array({Json{{"port", 80}, {"targetPort", "http"}}})}}}};
  if (!serviceLabels.empty()) service["metadata"]["labels"] = std::move(serviceLabels);
  w.cluster.create(service);
}

}  // namespace

TEST_CASE("Endpoints follow ready pods of a Service's selector", "[fakecluster][endpoints]") {
  ClusterWorld w;
  webBehindService(w);
  w.runFor(1s);
  Json endpoints = w.get("", "Endpoints", "web");
  // The pods have IPs but are not ready yet.
  REQUIRE(endpoints["subsets"].size() == 1);
  CHECK(endpoints["subsets"][0]["notReadyAddresses"].size() == 2);
  CHECK_FALSE(endpoints["subsets"][0].contains("addresses"));
  w.runFor(20s);
  endpoints = w.get("", "Endpoints", "web");
  REQUIRE(endpoints["subsets"].size() == 1);
  CHECK(endpoints["subsets"][0]["addresses"].size() == 2);
  CHECK(endpoints["subsets"][0]["ports"][0]["port"] == 8080);
  CHECK(endpoints["subsets"][0]["addresses"][0]["targetRef"]["kind"] == "Pod");
  Json svc = w.get("", "Service", "web");
  CHECK(svc["spec"]["clusterIP"].get<std::string>().rfind("10.", 0) == 0);
  CHECK(svc["spec"]["clusterIPs"][0] == svc["spec"]["clusterIP"]);
}

TEST_CASE("EndpointSlices follow a Service's pods as the EndpointSlice controller keeps them", "[fakecluster][endpoints]") {
  ClusterWorld w;
  webBehindService(w, Json{{"team", "a"}});
  w.runFor(1s);
  Json slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=web");
  REQUIRE(slices.size() == 1);
  Json slice = slices[0];
  const Json svc = w.get("", "Service", "web");
  CHECK(slice["metadata"]["name"].get<std::string>().rfind("web-", 0) == 0);
  CHECK(slice["metadata"]["generateName"] == "web-");
  CHECK(slice["metadata"]["labels"] ==
        Json{{"endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io"}, {"kubernetes.io/service-name", "web"}, {"team", "a"}});
  CHECK(slice["metadata"]["ownerReferences"][0]["uid"] == svc["metadata"]["uid"]);
  CHECK(slice["metadata"]["ownerReferences"][0]["controller"] == true);
  CHECK(slice["metadata"]["generation"].is_number_integer());
  CHECK(slice["addressType"] == "IPv4");
  CHECK(slice["ports"] == Json::parse(R"([{"name":"","port":8080,"protocol":"TCP"}])"));
  // The pods have IPs but are not ready yet: they are endpoints that are not ready.
  REQUIRE(slice["endpoints"].size() == 2);
  CHECK(slice["endpoints"][0]["conditions"] == Json{{"ready", false}, {"serving", false}, {"terminating", false}});
  CHECK(slice["endpoints"][0]["targetRef"]["kind"] == "Pod");
  CHECK(slice["endpoints"][0]["nodeName"].is_string());
  CHECK(slice["endpoints"][0]["addresses"][0].get<std::string>().rfind("10.244.", 0) == 0);
  CHECK(slice["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] == svc["metadata"]["creationTimestamp"]);
  w.runFor(20s);
  slice = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=web")[0];
  CHECK(slice["endpoints"][0]["conditions"] == Json{{"ready", true}, {"serving", true}, {"terminating", false}});
  CHECK(slice["endpoints"][1]["conditions"]["ready"] == true);
  // The trigger time is now the later of the pods' Ready transitions that changed.
  const Json pods = w.list("", "Pod", "default", "app=web");
  std::string readyAt;
  for (const auto& condition : pods[0]["status"]["conditions"]) {
    if (condition["type"] == "Ready") readyAt = condition["lastTransitionTime"].get<std::string>();
  }
  CHECK(slice["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] == readyAt);
  // Endpoints carry it too.
  CHECK(w.get("", "Endpoints", "web")["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] == readyAt);
  // A deleted slice comes back; scaled to zero, one placeholder stays.
  const std::string first = slice["metadata"]["name"].get<std::string>();
  w.cluster.store().remove("discovery.k8s.io", "EndpointSlice", "default", first);
  w.runFor(1s);
  slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=web");
  REQUIRE(slices.size() == 1);
  CHECK(slices[0]["metadata"]["name"] != first);
  CHECK(slices[0]["endpoints"].size() == 2);
  Json scaled = w.get("apps", "Deployment", "web");
  scaled["spec"]["replicas"] = 0;
  w.cluster.update(scaled);
  w.runFor(60s);
  slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=web");
  REQUIRE(slices.size() == 1);
  CHECK(slices[0].contains("endpoints"));
  CHECK(slices[0]["endpoints"].is_null());
  CHECK(slices[0]["ports"].is_null());
  // The Service's slices go with it; a Service without a selector gets none.
  w.cluster.store().remove("", "Service", "default", "web");
  w.cluster.create(Json{{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", {{"name", "external"}, {"namespace", "default"}}},
                        {"spec", {{"ports", Json::array({Json{{"port", 80}}})}}}});
  w.runFor(5s);
  CHECK(w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name notin (kubernetes)").empty());
}

TEST_CASE("a headless Service's slices are labelled headless and name pods by hostname", "[fakecluster][endpoints]") {
  ClusterWorld w;
  Json pod = Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"db-0","namespace":"default","labels":{"app":"db"}},
      "spec":{"hostname":"db-0","subdomain":"db","containers":[{"name":"db","image":"postgres:16"}]}})");
  w.cluster.create(pod);
  w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"db","namespace":"default"},
      "spec":{"clusterIP":"None","selector":{"app":"db"},"ports":[{"name":"pg","port":5432}]}})"));
  w.runFor(30s);
  Json slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=db");
  REQUIRE(slices.size() == 1);
  CHECK(slices[0]["metadata"]["labels"]["service.kubernetes.io/headless"] == "");
  CHECK(slices[0]["endpoints"][0]["hostname"] == "db-0");
  CHECK(slices[0]["ports"][0]["name"] == "pg");
  CHECK(w.get("", "Endpoints", "db")["metadata"]["labels"]["service.kubernetes.io/headless"] == "");
}

TEST_CASE("Endpoints written for a Service without a selector are mirrored to EndpointSlices", "[fakecluster][endpoints]") {
  ClusterWorld w;
  w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"db","namespace":"default"},
      "spec":{"ports":[{"name":"pg","port":5432}]}})"));
  Json endpoints = w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Endpoints",
      "metadata":{"name":"db","namespace":"default","labels":{"team":"data"},
                  "annotations":{"note":"external","kubectl.kubernetes.io/last-applied-configuration":"{}"}},
      "subsets":[{"addresses":[{"ip":"192.168.0.10"},{"ip":"192.168.0.11"}],"notReadyAddresses":[{"ip":"192.168.0.12"}],
                  "ports":[{"name":"pg","port":5432,"protocol":"TCP"}]},
                 {"addresses":[{"ip":"fd00::10"}],"ports":[{"name":"pg","port":5432,"protocol":"TCP"}]}]})"));
  w.runFor(1s);
  Json slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=db");
  REQUIRE(slices.size() == 2);  // one per address family
  std::sort(slices.begin(), slices.end(), [](const Json& a, const Json& b) { return a["addressType"] < b["addressType"]; });
  const Json v4 = slices[0];
  CHECK(v4["addressType"] == "IPv4");
  CHECK(v4["metadata"]["name"].get<std::string>().rfind("db-", 0) == 0);
  CHECK(v4["metadata"]["labels"] == Json{{"endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io"},
                                         {"kubernetes.io/service-name", "db"},
                                         {"team", "data"}});
  CHECK(v4["metadata"]["annotations"] == Json{{"note", "external"}});
  CHECK(v4["metadata"]["ownerReferences"][0]["kind"] == "Endpoints");
  CHECK(v4["metadata"]["ownerReferences"][0]["uid"] == endpoints["metadata"]["uid"]);
  CHECK(v4["ports"] == Json::parse(R"([{"name":"pg","port":5432,"protocol":"TCP"}])"));
  CHECK(v4["endpoints"] == Json::parse(R"([{"addresses":["192.168.0.10"],"conditions":{"ready":true}},
      {"addresses":["192.168.0.11"],"conditions":{"ready":true}},{"addresses":["192.168.0.12"],"conditions":{"ready":false}}])"));
  CHECK(slices[1]["addressType"] == "IPv6");
  CHECK(slices[1]["endpoints"][0]["addresses"][0] == "fd00::10");

  // A change to the Endpoints reaches its slice; a slice edited behind the controller's
  // back is put back.
  endpoints = w.get("", "Endpoints", "db");
  endpoints["subsets"] = Json::parse(R"([{"addresses":[{"ip":"192.168.0.20"}],"ports":[{"name":"pg","port":5432,"protocol":"TCP"}]}])");
  w.cluster.update(endpoints);
  w.runFor(1s);
  slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=db");
  REQUIRE(slices.size() == 1);
  CHECK(slices[0]["metadata"]["name"] == v4["metadata"]["name"]);  // the IPv4 slice is kept, the IPv6 one deleted
  CHECK(slices[0]["endpoints"] == Json::parse(R"([{"addresses":["192.168.0.20"],"conditions":{"ready":true}}])"));
  Json edited = slices[0];
  edited["endpoints"] = Json::array();
  w.cluster.update(edited);
  w.runFor(1s);
  CHECK(w.get("discovery.k8s.io", "EndpointSlice", slices[0]["metadata"]["name"].get<std::string>())["endpoints"].size() == 1);

  // skip-mirror, or a selector on the Service, ends the mirroring.
  endpoints = w.get("", "Endpoints", "db");
  endpoints["metadata"]["labels"]["endpointslice.kubernetes.io/skip-mirror"] = "true";
  w.cluster.update(endpoints);
  w.runFor(1s);
  CHECK(w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=db").empty());
  endpoints = w.get("", "Endpoints", "db");
  endpoints["metadata"]["labels"].erase("endpointslice.kubernetes.io/skip-mirror");
  w.cluster.update(endpoints);
  w.runFor(1s);
  CHECK(w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=db").size() == 1);
  Json svc = w.get("", "Service", "db");
  svc["spec"]["selector"] = {{"app", "db"}};
  w.cluster.update(svc);
  w.runFor(1s);
  slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=db");
  REQUIRE(slices.size() == 1);  // the EndpointSlice controller's placeholder: no pod is selected
  CHECK(slices[0]["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io");
}

TEST_CASE("Endpoints without a Service are not mirrored", "[fakecluster][endpoints]") {
  ClusterWorld w;
  w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"orphan","namespace":"default"},
      "subsets":[{"addresses":[{"ip":"10.1.2.3"}],"ports":[{"port":80}]}]})"));
  w.runFor(1s);
  CHECK(w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=orphan").empty());
  // The Service arriving later starts the mirroring.
  w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"orphan","namespace":"default"},
      "spec":{"ports":[{"port":80}]}})"));
  w.runFor(1s);
  const Json slices = w.list("discovery.k8s.io", "EndpointSlice", "default", "kubernetes.io/service-name=orphan");
  REQUIRE(slices.size() == 1);
  CHECK(slices[0]["ports"] == Json::parse(R"([{"name":"","port":80,"protocol":"TCP"}])"));
}

TEST_CASE("client writes fail by fault rule, controllers can be stalled", "[fakecluster][faults]") {
  ClusterWorld w;
  WriteFault conflict;
  conflict.verb = "update";
  conflict.kind = "Deployment";
  conflict.code = 409;
  conflict.times = 1;
  w.cluster.faults().add(conflict);
  Json d = w.cluster.create(deploymentManifest("web", "nginx:1.27", 1));
  std::string message;
  CHECK(codeOf([&] { w.cluster.update(d); }, &message) == 409);
  CHECK(message.find("the object has been modified") != std::string::npos);
  CHECK(codeOf([&] { w.cluster.update(d); }) == 0);  // the rule fired its one time
  WriteFault outage;
  outage.code = 503;
  outage.until = w.clock.now() + 10s;
  w.cluster.faults().add(outage);
  CHECK(codeOf([&] { w.cluster.create(deploymentManifest("other", "nginx:1.27", 1)); }) == 503);
  w.runFor(11s);
  CHECK(codeOf([&] { w.cluster.create(deploymentManifest("other", "nginx:1.27", 1)); }) == 0);
  // A stalled deployment controller leaves a new Deployment without ReplicaSets.
  w.cluster.stallController("deployment-controller", w.clock.now() + 60s);
  w.cluster.create(deploymentManifest("late", "nginx:1.27", 1));
  w.runFor(30s);
  CHECK(w.list("apps", "ReplicaSet", "default", "app=late").empty());
  w.runFor(40s);
  CHECK(w.list("apps", "ReplicaSet", "default", "app=late").size() == 1);
}

TEST_CASE("admission rejects what a real API server rejects, with its messages", "[fakecluster][admission]") {
  ClusterWorld w;
  std::string message;
  Json d = deploymentManifest("web", "nginx:1.27", 1);
  d["spec"]["template"]["metadata"]["labels"]["app"] = "other";
  CHECK(codeOf([&] { w.cluster.create(d); }, &message) == 422);
  CHECK(message ==
        "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: "
        "`selector` does not match template `labels`");
  d = deploymentManifest("web", "", 1);
  CHECK(codeOf([&] { w.cluster.create(d); }, &message) == 422);
  CHECK(message == "Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value");
  Json j = job("j");
  j["spec"]["template"]["spec"].erase("restartPolicy");
  CHECK(codeOf([&] { w.cluster.create(j); }, &message) == 422);
  CHECK(message == "Job.batch \"j\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
  Json svc{{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "s"}, {"namespace", "default"}}},
           {"spec", {{"ports", Json::array({Json{{"port", 80}}})}}}};
  Json stored = w.cluster.create(svc);
  stored["spec"]["clusterIP"] = "10.96.0.99";
  stored["spec"]["clusterIPs"] = Json::array({"10.96.0.99"});
  CHECK(codeOf([&] { w.cluster.update(stored); }, &message) == 422);
  CHECK(message.find("spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set") != std::string::npos);
  // Leaving clusterIP out of an update keeps the allocated one.
  Json again = w.get("", "Service", "s");
  const std::string ip = again["spec"]["clusterIP"];
  again["spec"].erase("clusterIP");
  again["spec"].erase("clusterIPs");
  CHECK(w.cluster.update(again)["spec"]["clusterIP"] == ip);
}

TEST_CASE("admission checks names by kind, labels, annotations and sizes as apimachinery does", "[fakecluster][admission]") {
  ClusterWorld w;
  std::string message;
  auto object = [](const char* apiVersion, const char* kind, const std::string& name, Json metadata = Json::object()) {
    metadata["name"] = name;
    return Json{{"apiVersion", apiVersion}, {"kind", kind}, {"metadata", metadata}};
  };
  // RBAC names are path segments (system:metrics-server, as add-ons name theirs).
  Json role = object("rbac.authorization.k8s.io/v1", "ClusterRole", "system:metrics-server");
  CHECK(codeOf([&] { w.cluster.create(role); }) == 0);
  CHECK(codeOf([&] { w.cluster.create(object("rbac.authorization.k8s.io/v1", "ClusterRole", "a/b")); }, &message) == 422);
  CHECK(message == "ClusterRole.rbac.authorization.k8s.io \"a/b\" is invalid: metadata.name: Invalid value: \"a/b\": may not contain '/'");
  // Others are RFC 1123 subdomains; a Service's name is a DNS-1035 label.
  CHECK(codeOf([&] { w.cluster.create(object("v1", "ConfigMap", "system:x")); }, &message) == 422);
  CHECK(message == "ConfigMap \"system:x\" is invalid: metadata.name: Invalid value: \"system:x\": a lowercase RFC 1123 subdomain must consist of "
                   "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
                   "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  Json svc = object("v1", "Service", "1web");
  svc["spec"] = {{"ports", Json::array({Json{{"port", 80}}})}};
  CHECK(codeOf([&] { w.cluster.create(svc); }, &message) == 422);
  CHECK(message.find("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and "
                     "end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')") !=
        std::string::npos);
  CHECK(codeOf([&] { w.cluster.create(object("v1", "Namespace", "team.a")); }, &message) == 422);
  CHECK(message == "Namespace \"team.a\" is invalid: metadata.name: Invalid value: \"team.a\": must not contain dots");
  // Label keys and values, annotation keys.
  Json labelled = object("v1", "ConfigMap", "labelled", Json{{"labels", {{"Bad Key", "x"}, {"a", "bad value!"}, {"example.com/ok", "fine"}}}});
  CHECK(codeOf([&] { w.cluster.create(labelled); }, &message) == 422);
  CHECK(message.find("metadata.labels: Invalid value: \"Bad Key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must "
                     "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                     "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')") != std::string::npos);
  CHECK(message.find("metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric") !=
        std::string::npos);
  CHECK(message.find("example.com/ok") == std::string::npos);
  Json longValue = object("v1", "ConfigMap", "long", Json{{"labels", {{"a", std::string(64, 'x')}}}});
  CHECK(codeOf([&] { w.cluster.create(longValue); }, &message) == 422);
  CHECK(message.find(": must be no more than 63 characters") != std::string::npos);
  Json badAnnotation = object("v1", "ConfigMap", "noted", Json{{"annotations", {{"bad key/x/y", "v"}, {"Example.com/Mixed-Case", "ok"}}}});
  CHECK(codeOf([&] { w.cluster.create(badAnnotation); }, &message) == 422);
  CHECK(message.find("metadata.annotations: Invalid value: \"bad key/x/y\": a qualified name must consist of") != std::string::npos);
  CHECK(message.find("Mixed-Case") == std::string::npos);  // annotation keys are checked lower-cased
  // 256 KiB of annotations in all (client-side apply's last-applied copy of a big CRD).
  Json big = object("v1", "ConfigMap", "big", Json{{"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", std::string(262145, 'x')}}}});
  CHECK(codeOf([&] { w.cluster.create(big); }, &message) == 422);
  CHECK(message == "ConfigMap \"big\" is invalid: metadata.annotations: Too long: must have at most 262144 bytes");
  // A ConfigMap's data is at most 1 MiB.
  Json huge = object("v1", "ConfigMap", "huge");
  huge["data"] = {{"blob", std::string(1024 * 1024, 'x')}};
  CHECK(codeOf([&] { w.cluster.create(huge); }, &message) == 422);
  CHECK(message == "ConfigMap \"huge\" is invalid: : Too long: must have at most 1048576 bytes");  // the field is the whole object
  huge["data"]["blob"] = std::string(1000 * 1000, 'x');
  CHECK(codeOf([&] { w.cluster.create(huge); }) == 0);
  // A template's labels are checked too; a ClusterIP Service takes no nodePort.
  Json d = deploymentManifest("tmpl", "nginx:1.27", 1);
  d["spec"]["template"]["metadata"]["labels"]["bad key"] = "x";
  CHECK(codeOf([&] { w.cluster.create(d); }, &message) == 422);
  CHECK(message.find("spec.template.metadata.labels: Invalid value: \"bad key\"") != std::string::npos);
  Json nodePort = object("v1", "Service", "front-end");
  nodePort["metadata"]["namespace"] = "default";
  nodePort["spec"] = {{"type", "ClusterIP"}, {"ports", Json::array({Json{{"port", 80}, {"nodePort", 30001}}})}};
  CHECK(codeOf([&] { w.cluster.create(nodePort); }, &message) == 422);
  CHECK(message == "Service \"front-end\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
}

TEST_CASE("a pod's spec is immutable but for images, tolerations added and scheduling gates removed", "[fakecluster][admission]") {
  ClusterWorld w;
  w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},
      "spec":{"schedulingGates":[{"name":"wait"}],"containers":[{"name":"c","image":"nginx:1.26"}]}})"));
  std::string message;
  w.runFor(5s);
  Json pod = w.get("", "Pod", "p");
  // Scheduling gates keep it off every node (kubectl shows SchedulingGated).
  CHECK_FALSE(pod["spec"].contains("nodeName"));
  REQUIRE(conditionOf(pod, "PodScheduled") != nullptr);
  CHECK(conditionOf(pod, "PodScheduled")->value("reason", "") == "SchedulingGated");
  CHECK(conditionOf(pod, "PodScheduled")->value("message", "") == "Scheduling is blocked due to non-empty scheduling gates");
  pod["spec"]["containers"][0]["env"] = Json::array({Json{{"name", "A"}, {"value", "1"}}});
  CHECK(codeOf([&] { w.cluster.update(pod); }, &message) == 422);
  CHECK(message.rfind("Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`", 0) == 0);
  pod = w.get("", "Pod", "p");
  pod["spec"]["containers"][0]["image"] = "nginx:1.27";
  pod["spec"]["tolerations"].push_back(Json{{"key", "dedicated"}, {"operator", "Exists"}});
  pod["spec"]["schedulingGates"] = Json::array();
  CHECK(codeOf([&] { w.cluster.update(pod); }) == 0);
  pod = w.get("", "Pod", "p");
  CHECK(pod["spec"]["containers"][0]["image"] == "nginx:1.27");
  w.runFor(5s);
  pod = w.get("", "Pod", "p");
  CHECK(pod["spec"].contains("nodeName"));  // the last gate gone, it is scheduled
  CHECK(conditionOf(pod, "PodScheduled")->value("status", "") == "True");
  pod["spec"]["tolerations"] = Json::array();  // removing one is not allowed
  CHECK(codeOf([&] { w.cluster.update(pod); }) == 422);
}

TEST_CASE("pods run as a ServiceAccount that must exist, and tolerate unready nodes for 300 s", "[fakecluster][admission]") {
  ClusterWorld w;
  w.runFor(1s);
  Json pod = w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},
      "spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}})"));
  CHECK(pod["spec"]["serviceAccountName"] == "default");
  CHECK(pod["spec"]["serviceAccount"] == "default");
  CHECK(pod["spec"]["tolerations"] == Json::parse(R"([
      {"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},
      {"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}])"));
  // A Deployment naming an account that is not there yet: FailedCreate until it is.
  Json d = deploymentManifest("api", "nginx:1.27", 2);
  d["spec"]["template"]["spec"]["serviceAccountName"] = "api";
  w.cluster.create(d);
  w.runFor(5s);
  CHECK(w.list("", "Pod", "default", "app=api").empty());
  const Json rs = w.list("apps", "ReplicaSet", "default", "app=api").at(0);
  REQUIRE(conditionOf(rs, "ReplicaFailure") != nullptr);
  CHECK_THAT(conditionOf(rs, "ReplicaFailure")->value("message", ""),
             Catch::Matches("pods \"api-[a-z0-9]+-[a-z0-9]{5}\" is forbidden: error looking up service account default/api: serviceaccount \"api\" not found"));
  w.cluster.create(Json{{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "api"}, {"namespace", "default"}}}});
  w.runFor(30s);  // the ReplicaSet controller's retry finds it
  CHECK(w.list("", "Pod", "default", "app=api").size() == 2);
  CHECK(conditionOf(w.list("apps", "ReplicaSet", "default", "app=api").at(0), "ReplicaFailure") == nullptr);
}

TEST_CASE("a legacy service-account token Secret is filled in, and goes with its account", "[fakecluster][serviceaccount]") {
  ClusterWorld w;
  w.cluster.create(Json{{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "admin-user"}, {"namespace", "default"}}}});
  w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/service-account-token",
      "metadata":{"name":"admin-user","namespace":"default","annotations":{"kubernetes.io/service-account.name":"admin-user"}}})"));
  w.runFor(1s);
  const Json secret = w.get("", "Secret", "admin-user");
  CHECK(secret["data"]["namespace"] == "ZGVmYXVsdA==");  // "default"
  CHECK(secret["data"].contains("ca.crt"));
  const std::string token = secret["data"]["token"];
  CHECK(token.size() > 100);
  CHECK(secret["metadata"]["annotations"]["kubernetes.io/service-account.uid"] == w.get("", "ServiceAccount", "admin-user")["metadata"]["uid"]);
  // Deleting the account deletes its token.
  w.cluster.remove("", "ServiceAccount", "default", "admin-user");
  w.runFor(1s);
  CHECK(w.list("", "Secret", "default").empty());
}

TEST_CASE("a claim a running pod uses stays Terminating until the pod is gone", "[fakecluster][storage]") {
  ClusterWorld w;
  Json claim = w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"default"},
      "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}})"));
  CHECK(claim["metadata"]["finalizers"] == Json::array({"kubernetes.io/pvc-protection"}));
  w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"db","namespace":"default"},
      "spec":{"containers":[{"name":"c","image":"postgres:16"}],"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"data"}}]}})"));
  w.runFor(30s);
  REQUIRE(w.get("", "Pod", "db")["status"]["phase"] == "Running");
  w.cluster.remove("", "PersistentVolumeClaim", "default", "data");
  w.runFor(10s);
  claim = w.get("", "PersistentVolumeClaim", "data");  // still there: the pod uses it
  CHECK(claim["metadata"].contains("deletionTimestamp"));
  CHECK(claim["metadata"]["finalizers"] == Json::array({"kubernetes.io/pvc-protection"}));
  w.cluster.remove("", "Pod", "default", "db");
  w.runFor(60s);  // the pod stops within its grace period, then the claim goes
  CHECK(w.list("", "PersistentVolumeClaim", "default").empty());
  // A claim nobody uses goes at once.
  w.cluster.create(Json::parse(R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"idle","namespace":"default"},
      "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}})"));
  w.cluster.remove("", "PersistentVolumeClaim", "default", "idle");
  w.runFor(1s);
  CHECK(w.list("", "PersistentVolumeClaim", "default").empty());
}

TEST_CASE("a Job's pods go with the Job: the tracking finalizer of an orphan pod is dropped", "[fakecluster][job]") {
  ClusterWorld w;
  Json j = job("long");
  j["spec"]["template"]["spec"]["containers"][0]["args"] = Json::array({"sleep", "3600"});
  w.cluster.create(j);
  w.runFor(5s);
  auto pods = w.list("", "Pod", "default", "job-name=long");
  REQUIRE(pods.size() == 1);
  CHECK(pods[0]["metadata"]["finalizers"] == Json::array({"batch.kubernetes.io/job-tracking"}));
  w.cluster.remove("batch", "Job", "default", "long");  // background: the collector deletes the pod
  w.runFor(60s);
  CHECK(w.list("", "Pod", "default", "job-name=long").empty());
}

TEST_CASE("quantities are stored in the API server's canonical form", "[fakecluster][admission]") {
  ClusterWorld w;
  Json d = deploymentManifest("sized", "nginx:1.27", 1);
  d["spec"]["template"]["spec"]["containers"][0]["resources"] = Json::parse(
      R"({"requests":{"cpu":"0.5","memory":"1024Mi","ephemeral-storage":"2e3"},"limits":{"cpu":2,"memory":"1.5Gi"}})");
  WriteOptions client;  // as kubectl writes (the cluster's own controllers skip decoding)
  client.fieldValidation = FieldValidation::Strict;
  const Json stored = w.cluster.create(d, client);
  const Json& resources = stored["spec"]["template"]["spec"]["containers"][0]["resources"];
  CHECK(resources["requests"]["cpu"] == "500m");
  CHECK(resources["requests"]["memory"] == "1Gi");
  CHECK(resources["requests"]["ephemeral-storage"] == "2e3");  // an exponent keeps its format
  CHECK(resources["limits"]["cpu"] == "2");
  CHECK(resources["limits"]["memory"] == "1536Mi");
}

TEST_CASE("updates are defaulted before they are validated: an exported StatefulSet reapplies", "[fakecluster][admission]") {
  ClusterWorld w;
  w.cluster.create(statefulSet("db", 1, "postgres:16"));
  // As `kubectl get -o yaml` shows it (the claim template with its server-set fields), and
  // as generators write it (creationTimestamp: null): the same spec, not a forbidden change.
  Json exported = w.get("apps", "StatefulSet", "db");
  Json& claim = exported["spec"]["volumeClaimTemplates"][0];
  CHECK(claim["kind"] == "PersistentVolumeClaim");
  CHECK(claim["status"]["phase"] == "Pending");
  claim["metadata"]["creationTimestamp"] = nullptr;
  exported["spec"]["template"]["metadata"]["creationTimestamp"] = nullptr;
  const Json updated = w.cluster.update(exported);
  CHECK_FALSE(updated["spec"]["volumeClaimTemplates"][0]["metadata"].contains("creationTimestamp"));
  CHECK_FALSE(updated["spec"]["template"]["metadata"].contains("creationTimestamp"));
  // The manifest without them: defaulting fills them in again before the comparison.
  Json bare = statefulSet("db", 2, "postgres:16");
  CHECK(w.cluster.update(bare)["spec"]["replicas"] == 2);
  // A real change to a claim template is still refused.
  bare["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "2Gi";
  std::string message;
  CHECK(codeOf([&] { w.cluster.update(bare); }, &message) == 422);
  CHECK(message.find("updates to statefulset spec for fields other than") != std::string::npos);
}

TEST_CASE("claims are provisioned from their StorageClass, a missing class leaves them Pending until it appears", "[fakecluster][volumes]") {
  ClusterWorld w;
  auto claim = [](const std::string& name, std::optional<std::string> storageClass) {
    Json c{{"apiVersion", "v1"},
           {"kind", "PersistentVolumeClaim"},
           {"metadata", {{"name", name}, {"namespace", "default"}}},
           {"spec", {{"accessModes", Json::array({"ReadWriteOnce"})}, {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}};
    if (storageClass) c["spec"]["storageClassName"] = *storageClass;
    return c;
  };
  // kind's default class is there from the start; a claim naming none gets it.
  const Json standard = w.get("storage.k8s.io", "StorageClass", "standard", "");
  CHECK(standard["provisioner"] == "rancher.io/local-path");
  CHECK(w.cluster.create(claim("plain", std::nullopt))["spec"]["storageClassName"] == "standard");
  // Copied from a cloud cluster: its class does not exist here.
  w.cluster.create(claim("cloud", std::string("premium-rwo")));
  // No class at all: only a pre-made volume could bind it.
  w.cluster.create(claim("static", std::string("")));
  w.runFor(5s);
  // kind's class waits for a consumer.
  CHECK(w.get("", "PersistentVolumeClaim", "plain")["status"]["phase"] == "Pending");
  CHECK(w.eventsFor("plain").back() == "WaitForFirstConsumer: waiting for first consumer to be created before binding");
  CHECK(w.get("", "PersistentVolumeClaim", "cloud")["status"]["phase"] == "Pending");
  CHECK(w.get("", "PersistentVolumeClaim", "static")["status"]["phase"] == "Pending");
  const auto cloudEvents = w.eventsFor("cloud");
  REQUIRE_FALSE(cloudEvents.empty());
  CHECK(cloudEvents.back() == "ProvisioningFailed: storageclass.storage.k8s.io \"premium-rwo\" not found");
  CHECK(w.eventsFor("static").back() == "FailedBinding: no persistent volumes available for this claim and no storage class is set");
  // The class appears: the waiting claim is provisioned with its provisioner and policy.
  w.cluster.create(Json{{"apiVersion", "storage.k8s.io/v1"},
                        {"kind", "StorageClass"},
                        {"metadata", {{"name", "premium-rwo"}}},
                        {"provisioner", "pd.csi.storage.gke.io"},
                        {"reclaimPolicy", "Retain"}});
  w.runFor(5s);
  const Json cloud = w.get("", "PersistentVolumeClaim", "cloud");
  REQUIRE(cloud["status"]["phase"] == "Bound");
  const Json volume = w.get("", "PersistentVolume", cloud["spec"]["volumeName"].get<std::string>(), "");
  CHECK(volume["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == "pd.csi.storage.gke.io");
  CHECK(volume["spec"]["persistentVolumeReclaimPolicy"] == "Retain");
  // Retained: deleting the claim releases the volume instead of deleting it.
  w.cluster.remove("", "PersistentVolumeClaim", "default", "cloud");
  w.runFor(1s);
  CHECK(w.get("", "PersistentVolume", volume["metadata"]["name"].get<std::string>(), "")["status"]["phase"] == "Released");
  // Without a default class, a claim that names none gets none.
  w.cluster.remove("storage.k8s.io", "StorageClass", "", "standard");
  CHECK_FALSE(w.cluster.create(claim("later", std::nullopt))["spec"].contains("storageClassName"));
}

TEST_CASE("a claim's size: grown only when bound and its class allows expansion, never below its capacity", "[fakecluster][volumes]") {
  ClusterWorld w;
  w.cluster.create(Json{{"apiVersion", "storage.k8s.io/v1"},
                        {"kind", "StorageClass"},
                        {"metadata", {{"name", "expandable"}}},
                        {"provisioner", "ebs.csi.aws.com"},
                        {"volumeBindingMode", "Immediate"},
                        {"allowVolumeExpansion", true}});
  auto claim = [](const std::string& name, const std::string& storageClass, const std::string& size) {
    return Json{{"apiVersion", "v1"},
                {"kind", "PersistentVolumeClaim"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"spec", {{"accessModes", Json::array({"ReadWriteOnce"})}, {"storageClassName", storageClass}, {"resources", {{"requests", {{"storage", size}}}}}}}};
  };
  auto resize = [&](const std::string& name, const std::string& size) {
    Json c = w.get("", "PersistentVolumeClaim", name);
    c["spec"]["resources"]["requests"]["storage"] = size;
    c["metadata"].erase("resourceVersion");
    std::string message;
    const int code = codeOf([&] { w.cluster.update(c); }, &message);
    return std::pair{code, message};
  };
  w.cluster.create(claim("data", "expandable", "1Gi"));
  w.cluster.create(claim("waiting", "standard", "1Gi"));  // kind's class: waits for a pod
  w.runFor(2s);
  REQUIRE(w.get("", "PersistentVolumeClaim", "data")["status"]["phase"] == "Bound");
  // A Pending claim's spec is fixed: a smaller or larger request changes it.
  auto [code, message] = resize("waiting", "2Gi");
  CHECK(code == 422);
  CHECK_THAT(message, Catch::Contains("spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
  // Bound, and its class allows it: the volume grows at once.
  std::tie(code, message) = resize("data", "5Gi");
  CHECK(code == 0);
  w.runFor(1s);
  const Json grown = w.get("", "PersistentVolumeClaim", "data");
  CHECK(grown["status"]["capacity"]["storage"] == "5Gi");
  CHECK(w.get("", "PersistentVolume", grown["spec"]["volumeName"].get<std::string>(), "")["spec"]["capacity"]["storage"] == "5Gi");
  const auto events = w.eventsFor("data");
  REQUIRE(events.size() >= 2);
  CHECK(events[events.size() - 2] == "Resizing: External resizer is resizing volume " + grown["spec"]["volumeName"].get<std::string>());
  CHECK(events.back() == "VolumeResizeSuccessful: Resize volume succeeded");
  // Shrinking to or below what the volume holds is refused; so is any other spec change.
  std::tie(code, message) = resize("data", "2Gi");
  CHECK(code == 422);
  CHECK_THAT(message, Catch::Contains("spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"));
  CHECK(w.get("", "PersistentVolumeClaim", "data")["spec"]["resources"]["requests"]["storage"] == "5Gi");
  Json modes = w.get("", "PersistentVolumeClaim", "data");
  modes["spec"]["accessModes"] = Json::array({"ReadWriteMany"});
  CHECK(codeOf([&] { w.cluster.update(modes); }) == 422);
  // kind's class does not allow expansion: a bound claim of it cannot grow (403).
  w.cluster.remove("storage.k8s.io", "StorageClass", "", "expandable");
  std::tie(code, message) = resize("data", "10Gi");
  CHECK(code == 403);
  CHECK(message == "persistentvolumeclaims \"data\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc "
                   "must support resize");
}

TEST_CASE("a Service may ask for its cluster IP and node ports: free and in range, as the allocators require", "[fakecluster][admission]") {
  ClusterWorld w;
  auto service = [](const std::string& name, const std::string& ip, Json ports = Json::array({Json{{"port", 80}}}), std::string type = "ClusterIP") {
    return Json{{"apiVersion", "v1"},
                {"kind", "Service"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"spec", {{"type", type}, {"clusterIP", ip}, {"clusterIPs", Json::array({ip})}, {"ports", std::move(ports)}}}};
  };
  std::string message;
  // Copied from a cluster with the same service CIDR: the address is kept.
  CHECK(w.cluster.create(service("web", "10.96.200.17"))["spec"]["clusterIP"] == "10.96.200.17");
  CHECK(codeOf([&] { w.cluster.create(service("web3", "10.96.200.17")); }, &message) == 422);
  CHECK(message == "Service \"web3\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.200.17\"}: failed to allocate IP 10.96.200.17: "
                   "provided IP is already allocated");
  CHECK(codeOf([&] { w.cluster.create(service("kube", "10.96.0.1")); }) == 422);  // the kubernetes Service's
  // From a cluster with another range.
  CHECK(codeOf([&] { w.cluster.create(service("web2", "192.168.1.1")); }, &message) == 422);
  CHECK(message == "Service \"web2\" is invalid: spec.clusterIPs: Invalid value: []string{\"192.168.1.1\"}: failed to allocate IP 192.168.1.1: "
                   "the provided IP (192.168.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12");
  CHECK(codeOf([&] { w.cluster.create(service("net", "10.96.0.0")); }) == 422);  // the network address
  CHECK(codeOf([&] { w.cluster.create(service("bad", "10.96.300.1")); }, &message) == 422);
  CHECK(message.find("spec.clusterIPs[0]: Invalid value: \"10.96.300.1\": must be a valid IP address") != std::string::npos);
  CHECK(w.cluster.create(service("headless", "None"))["spec"]["clusterIP"] == "None");
  // Node ports.
  const Json asked = Json::array({Json{{"port", 80}, {"nodePort", 30080}}});
  CHECK(w.cluster.create(service("np", "", asked, "NodePort"))["spec"]["ports"][0]["nodePort"] == 30080);
  CHECK(codeOf([&] { w.cluster.create(service("np2", "", asked, "NodePort")); }, &message) == 422);
  CHECK(message == "Service \"np2\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
  CHECK(codeOf([&] { w.cluster.create(service("np3", "", Json::array({Json{{"port", 80}, {"nodePort", 80}}}), "NodePort")); }, &message) == 422);
  CHECK(message == "Service \"np3\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
                   "The range of valid ports is 30000-32767");
  // Refused creates reserve nothing; a deleted Service frees its address and ports.
  CHECK_FALSE(w.cluster.store().tryGet("", "Service", "default", "web3"));
  w.cluster.remove("", "Service", "default", "web");
  w.cluster.remove("", "Service", "default", "np");
  CHECK(w.cluster.create(service("web3", "10.96.200.17"))["spec"]["clusterIP"] == "10.96.200.17");
  CHECK(w.cluster.create(service("np2", "", asked, "NodePort"))["spec"]["ports"][0]["nodePort"] == 30080);
}

TEST_CASE("the garbage collector deletes objects whose owners are absent, and drops absent owners next to present ones", "[fakecluster][gc]") {
  ClusterWorld w;
  auto configMap = [](const std::string& name, Json owners) {
    Json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "default"}}}, {"data", {{"k", "v"}}}};
    if (!owners.empty()) cm["metadata"]["ownerReferences"] = std::move(owners);
    return cm;
  };
  auto ref = [](const std::string& kind, const std::string& name, const std::string& uid) {
    return Json{{"apiVersion", kind == "ReplicaSet" ? "apps/v1" : "v1"}, {"kind", kind}, {"name", name}, {"uid", uid}};
  };
  const Json owner = w.cluster.create(configMap("owner", Json::array()));
  const std::string ownerUid = owner["metadata"]["uid"];
  // A pod copied from another cluster: its ReplicaSet's uid exists nowhere here. The
  // create succeeds; the collector deletes the pod right after.
  Json pod{{"apiVersion", "v1"},
           {"kind", "Pod"},
           {"metadata", {{"name", "copied"}, {"namespace", "default"}}},
           {"spec", {{"containers", Json::array({Json{{"name", "nginx"}, {"image", "nginx:1.27"}}})}}}};
  pod["metadata"]["ownerReferences"] = Json::array({ref("ReplicaSet", "web-7d4b9c8f5d", "0b7f8f8e-2d2a-4c1e-9d65-1c6f0c1c2a11")});
  pod["spec"]["nodeName"] = "node-1";
  const Json created = w.cluster.create(pod);
  CHECK(created["metadata"]["name"] == "copied");
  // An owner named by a uid that belongs to another object is absent too.
  w.cluster.create(configMap("misnamed", Json::array({ref("ConfigMap", "someone-else", ownerUid)})));
  // One owner present, one absent: the absent reference goes, the object stays.
  w.cluster.create(configMap("half", Json::array({ref("ConfigMap", "owner", ownerUid), ref("ConfigMap", "gone", "no-such-uid")})));
  // A present owner: nothing happens.
  w.cluster.create(configMap("owned", Json::array({ref("ConfigMap", "owner", ownerUid)})));
  // An absent owner and a finalizer: deleted, and lingers until the finalizer goes.
  Json held = configMap("held", Json::array({ref("ConfigMap", "gone", "no-such-uid")}));
  held["metadata"]["finalizers"] = Json::array({"example.com/hold"});
  w.cluster.create(held);
  w.runFor(1s);
  CHECK_FALSE(w.cluster.store().tryGet("", "Pod", "default", "copied"));
  CHECK_FALSE(w.cluster.store().tryGet("", "ConfigMap", "default", "misnamed"));
  const Json half = w.get("", "ConfigMap", "half");
  REQUIRE(half["metadata"]["ownerReferences"].size() == 1);
  CHECK(half["metadata"]["ownerReferences"][0]["uid"] == ownerUid);
  CHECK(w.get("", "ConfigMap", "owned")["metadata"]["ownerReferences"].size() == 1);
  CHECK(w.get("", "ConfigMap", "held")["metadata"].contains("deletionTimestamp"));
  // A reference changed later to an absent owner is collected the same way.
  Json owned = w.get("", "ConfigMap", "owned");
  owned["metadata"]["ownerReferences"][0]["uid"] = "stale-uid";
  w.cluster.update(owned);
  w.runFor(1s);
  CHECK_FALSE(w.cluster.store().tryGet("", "ConfigMap", "default", "owned"));
  CHECK(w.get("", "ConfigMap", "owner")["data"]["k"] == "v");
}

TEST_CASE("pods bound to a node that does not exist stay Pending until the pod garbage collector deletes them", "[fakecluster][gc]") {
  ClusterWorld w;
  auto pod = [](const std::string& name, const std::string& node) {
    return Json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"spec", {{"nodeName", node}, {"containers", Json::array({Json{{"name", "nginx"}, {"image", "nginx:1.27"}}})}}}};
  };
  w.runFor(5s);
  const auto from = w.cluster.store().resourceVersion();
  w.cluster.create(pod("orphan", "kind-worker"));  // a node of the cluster it was copied from
  w.cluster.create(pod("deleted", "kind-worker"));
  w.runFor(5s);
  CHECK(w.get("", "Pod", "orphan")["status"]["phase"] == "Pending");
  CHECK_FALSE(w.get("", "Pod", "orphan")["status"].contains("containerStatuses"));  // no kubelet ran it
  w.cluster.remove("", "Pod", "default", "deleted");  // no kubelet confirms: it lingers
  // Created at 5 s: the collector's check at 20 s sees the node missing; the first check
  // after the 40 s quarantine (60 s) deletes.
  w.runUntilSeconds(59);
  CHECK(w.get("", "Pod", "orphan")["status"]["phase"] == "Pending");
  CHECK(w.get("", "Pod", "deleted")["metadata"].contains("deletionTimestamp"));
  w.runUntilSeconds(61);
  CHECK_FALSE(w.cluster.store().tryGet("", "Pod", "default", "orphan"));
  CHECK_FALSE(w.cluster.store().tryGet("", "Pod", "default", "deleted"));
  // Marked Failed with the collector's condition before it went.
  bool markedFailed = false;
  for (const auto& e : w.cluster.store().watch(from, "", "Pod")) {
    const Json& p = *e.object;
    if (p["metadata"]["name"] != "orphan" || p["status"].value("phase", "") != "Failed") continue;
    const Json* condition = conditionOf(p, "DisruptionTarget");
    REQUIRE(condition != nullptr);
    CHECK((*condition)["reason"] == "DeletionByPodGC");
    CHECK((*condition)["message"] == "PodGC: node no longer exists");
    markedFailed = true;
  }
  CHECK(markedFailed);

  // A Node deleted under running pods: they are collected, and their ReplicaSet replaces
  // them on the nodes left.
  w.cluster.create(deploymentManifest("web", "nginx:1.27", 6));
  w.runFor(30s);
  std::size_t onNode2 = 0;
  for (const auto& p : w.list("", "Pod", "default", "app=web")) onNode2 += p["spec"]["nodeName"] == "node-2" ? 1 : 0;
  REQUIRE(onNode2 > 0);
  w.cluster.remove("", "Node", "", "node-2");
  w.runFor(90s);
  const Json pods = w.list("", "Pod", "default", "app=web");
  CHECK(pods.size() == 6);
  for (const auto& p : pods) {
    CHECK(p["spec"]["nodeName"] != "node-2");
    CHECK(p["status"]["phase"] == "Running");
  }
}

TEST_CASE("deleting a Deployment garbage-collects its ReplicaSets and pods", "[fakecluster][gc]") {
  ClusterWorld w;
  w.cluster.create(deploymentManifest("web", "nginx:1.27", 3));
  w.runFor(20s);
  REQUIRE(w.list("", "Pod", "default", "app=web").size() == 3);
  w.cluster.remove("apps", "Deployment", "default", "web");
  CHECK(w.list("apps", "ReplicaSet", "default", "app=web").empty());
  // Pods on nodes linger for their grace period until their kubelet stops them.
  for (const auto& pod : w.list("", "Pod", "default", "app=web")) CHECK(pod["metadata"].contains("deletionTimestamp"));
  w.runFor(5s);
  CHECK(w.list("", "Pod", "default", "app=web").empty());
}

TEST_CASE("watch ends with a BOOKMARK when asked, repeated events aggregate", "[fakecluster][watch]") {
  ClusterWorld w;
  const auto from = w.cluster.store().resourceVersion();
  w.cluster.create(deploymentManifest("web", "nginx:1.27", 1));
  auto events = w.cluster.store().watch(from, "apps", "Deployment", true);
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == WatchEvent::Type::Added);
  CHECK(events[1].type == WatchEvent::Type::Bookmark);
  CHECK((*events[1].object)["metadata"]["resourceVersion"] == std::to_string(w.cluster.store().resourceVersion()));
  CHECK((*events[1].object)["kind"] == "Deployment");
  // The same Warning again and again is one Event with a count.
  Json pod = w.cluster.create(Json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}, {"namespace", "default"}}},
                                   {"spec", {{"containers", Json::array({Json{{"name", "c"}, {"image", "nginx"}}})}}}});
  for (int i = 0; i < 3; ++i) w.cluster.events().warning(pod, "kubelet", "BackOff", "Back-off restarting failed container c");
  std::size_t backoffs = 0;
  for (const auto& e : w.list("", "Event")) {
    if (e["reason"] == "BackOff") {
      ++backoffs;
      CHECK(e["count"] == 3);
      CHECK(e["involvedObject"]["uid"] == pod["metadata"]["uid"]);
      CHECK(e["source"]["component"] == "kubelet");
    }
  }
  CHECK(backoffs == 1);
}

TEST_CASE("the same seed gives the same cluster history", "[fakecluster][determinism]") {
  auto run = [] {
    ClusterWorld w;
    w.cluster.create(deploymentManifest("web", "nginx:1.27", 5));
    w.runFor(30s);
    Json d = w.get("apps", "Deployment", "web");
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28";
    w.cluster.update(d);
    w.runFor(60s);
    std::string log;
    for (const auto& e : w.cluster.store().watch(0)) {
      log += std::string(watchEventTypeName(e.type)) + " " + e.object->dump() + "\n";
    }
    return log;
  };
  const std::string first = run();
  CHECK(first == run());
  CHECK(first.size() > 10000);
}

namespace {

// The ControllerRevisions of `owner` by revision number -> name.
std::map<std::int64_t, std::string> revisionsOf(ClusterWorld& w, const std::string& owner) {
  std::map<std::int64_t, std::string> out;
  for (const auto& r : w.list("apps", "ControllerRevision")) {
    if (r["metadata"]["ownerReferences"][0]["name"] == owner) out[r["revision"].get<std::int64_t>()] = r["metadata"]["name"].get<std::string>();
  }
  return out;
}

// What `kubectl rollout undo` does for DaemonSets and StatefulSets: the revision's data as a
// strategic merge patch.
void undoTo(ClusterWorld& w, const std::string& kind, const std::string& owner, const std::string& revision) {
  const Json data = w.get("apps", "ControllerRevision", revision)["data"];
  CHECK(data["spec"]["template"]["$patch"] == "replace");
  w.cluster.patch("apps", kind, "default", owner, data, PatchType::Strategic);
}

}  // namespace

TEST_CASE("DaemonSet and StatefulSet history: ControllerRevisions, undo renumbers, revisionHistoryLimit prunes",
          "[fakecluster][daemonset][statefulset]") {
  ClusterWorld w;
  for (const std::string kind : {"DaemonSet", "StatefulSet"}) {
    const std::string owner = kind == "DaemonSet" ? "agent" : "db";
    Json spec{{"selector", {{"matchLabels", {{"app", owner}}}}}, {"template", podTemplate(owner, "img:1")}, {"revisionHistoryLimit", 2}};
    if (kind == "StatefulSet") {
      spec["replicas"] = 2;
      spec["serviceName"] = owner;
    }
    w.cluster.create(Json{{"apiVersion", "apps/v1"}, {"kind", kind}, {"metadata", {{"name", owner}, {"namespace", "default"}}}, {"spec", spec}});
    w.runFor(30s);
    auto setImage = [&](const std::string& image) {
      Json stored = w.get("apps", kind, owner);
      stored["spec"]["template"]["spec"]["containers"][0]["image"] = image;
      w.cluster.update(stored);
      w.runFor(120s);
    };
    setImage("img:2");
    auto revisions = revisionsOf(w, owner);
    REQUIRE(revisions.size() == 2);
    REQUIRE(revisions.contains(1));
    const std::string first = revisions[1];
    // An undo brings back revision 1's template; its revision becomes number 3.
    undoTo(w, kind, owner, first);
    w.runFor(120s);
    revisions = revisionsOf(w, owner);
    CHECK(revisions.size() == 2);
    CHECK(revisions[3] == first);
    Json stored = w.get("apps", kind, owner);
    CHECK(stored["spec"]["template"]["spec"]["containers"][0]["image"] == "img:1");
    CHECK_FALSE(stored["spec"]["template"].contains("$patch"));
    for (const auto& pod : w.list("", "Pod", "default", "app=" + owner)) {
      CHECK(pod["spec"]["containers"][0]["image"] == "img:1");
      CHECK(first.ends_with(pod["metadata"]["labels"]["controller-revision-hash"].get<std::string>()));
    }
    // Two more templates: with revisionHistoryLimit 2 only the newest unused ones stay.
    setImage("img:3");
    setImage("img:4");
    revisions = revisionsOf(w, owner);
    CHECK(revisions.size() == 3);  // the current one and two old ones
    CHECK(revisions.rbegin()->first == 5);
    CHECK_FALSE(revisions.contains(2));
  }
}

TEST_CASE("a cordoned node keeps its DaemonSet pod and takes no other new pods", "[fakecluster][daemonset][scheduler]") {
  ClusterWorld w;
  w.cluster.create(Json{{"apiVersion", "apps/v1"},
                        {"kind", "DaemonSet"},
                        {"metadata", {{"name", "agent"}, {"namespace", "default"}}},
                        {"spec", {{"selector", {{"matchLabels", {{"app", "agent"}}}}}, {"template", podTemplate("agent", "fluent-bit:3.0")}}}});
  w.runFor(10s);
  Json node = w.cluster.store().get("", "Node", "", "node-1");
  node["spec"]["unschedulable"] = true;  // kubectl cordon
  w.cluster.update(node);
  w.runFor(10s);
  auto onNode1 = [&](const std::string& app) {
    std::size_t n = 0;
    for (const auto& p : w.list("", "Pod", "default", "app=" + app)) n += p["spec"].value("nodeName", "") == "node-1" ? 1 : 0;
    return n;
  };
  // The DaemonSet's pods tolerate node.kubernetes.io/unschedulable: its pod stays.
  CHECK(w.list("", "Pod", "default", "app=agent").size() == 3);
  CHECK(onNode1("agent") == 1);
  CHECK(w.get("apps", "DaemonSet", "agent")["status"]["desiredNumberScheduled"] == 3);
  Json d{{"apiVersion", "apps/v1"},
         {"kind", "Deployment"},
         {"metadata", {{"name", "web"}, {"namespace", "default"}}},
         {"spec", {{"replicas", 6}, {"selector", {{"matchLabels", {{"app", "web"}}}}}, {"template", podTemplate("web", "nginx:1.27")}}}};
  w.cluster.create(d);
  w.runFor(30s);
  CHECK(w.list("", "Pod", "default", "app=web").size() == 6);
  CHECK(onNode1("web") == 0);
  // A NoSchedule taint added later keeps new pods off but lets the running one stay,
  // counted misscheduled; a NoExecute taint evicts it.
  node = w.cluster.store().get("", "Node", "", "node-2");
  node["spec"]["taints"] = Json::array({Json{{"key", "dedicated"}, {"value", "db"}, {"effect", "NoSchedule"}}});
  w.cluster.update(node);
  w.runFor(10s);
  Json ds = w.get("apps", "DaemonSet", "agent");
  CHECK(w.list("", "Pod", "default", "app=agent").size() == 3);
  CHECK(ds["status"]["desiredNumberScheduled"] == 2);
  CHECK(ds["status"]["currentNumberScheduled"] == 2);
  CHECK(ds["status"]["numberMisscheduled"] == 1);
  node = w.cluster.store().get("", "Node", "", "node-2");
  node["spec"]["taints"][0]["effect"] = "NoExecute";
  w.cluster.update(node);
  w.runFor(30s);
  ds = w.get("apps", "DaemonSet", "agent");
  CHECK(w.list("", "Pod", "default", "app=agent").size() == 2);
  CHECK(ds["status"]["numberMisscheduled"] == 0);
}

namespace {

// A policy/v1 PodDisruptionBudget over the pods labelled app=<app>; `bound` is
// {"minAvailable": ...} or {"maxUnavailable": ...}.
Json budgetManifest(const std::string& name, const std::string& app, Json bound) {
  Json spec = std::move(bound);
  spec["selector"] = Json{{"matchLabels", {{"app", app}}}};
  return Json{{"apiVersion", "policy/v1"}, {"kind", "PodDisruptionBudget"}, {"metadata", {{"name", name}, {"namespace", "default"}}}, {"spec", spec}};
}

}  // namespace

TEST_CASE("PodDisruptionBudget: the disruption controller's status, and the Eviction API enforcing it", "[fakecluster][disruption]") {
  ClusterWorld w;
  w.cluster.create(deploymentManifest("web", "nginx:1.27", 3));
  w.runFor(30s);
  w.cluster.create(budgetManifest("web-pdb", "web", {{"minAvailable", 2}}));
  w.runFor(1s);
  Json status = w.get("policy", "PodDisruptionBudget", "web-pdb")["status"];
  CHECK(status["expectedPods"] == 3);
  CHECK(status["currentHealthy"] == 3);
  CHECK(status["desiredHealthy"] == 2);
  CHECK(status["disruptionsAllowed"] == 1);
  CHECK(findCondition(status, "DisruptionAllowed")->value("reason", "") == "SufficientPods");
  std::vector<std::string> pods;
  for (const auto& p : w.list("", "Pod", "default", "app=web")) pods.push_back(p["metadata"]["name"].get<std::string>());
  REQUIRE(pods.size() == 3);
  evictPod(w.cluster, "default", pods[0], {});
  // The evicted pod lingers for its grace period, marked as evicted.
  const Json evicted = w.get("", "Pod", pods[0]);
  CHECK(evicted["metadata"].contains("deletionTimestamp"));
  const Json* target = conditionOf(evicted, "DisruptionTarget");
  REQUIRE(target != nullptr);
  CHECK((*target)["reason"] == "EvictionByEvictionAPI");
  CHECK((*target)["message"] == "Eviction API: evicting");
  status = w.get("policy", "PodDisruptionBudget", "web-pdb")["status"];
  CHECK(status["disruptionsAllowed"] == 0);  // counted at once, before the controller looks again
  CHECK(status["disruptedPods"].contains(pods[0]));
  // A second eviction at the same instant finds the disruption already spent (the
  // controller has not looked again, so its counts are still those before the first).
  try {
    evictPod(w.cluster, "default", pods[1], {});
    FAIL("the second eviction should have been refused");
  } catch (const ApiError& e) {
    CHECK(e.code() == 429);
    CHECK(e.reason() == "TooManyRequests");
    CHECK(std::string(e.what()) == "Cannot evict pod as it would violate the pod's disruption budget.");
    CHECK(e.status()["details"]["causes"][0]["message"] == "The disruption budget web-pdb needs 2 healthy pods and has 3 currently");
  }
  CHECK_FALSE(w.get("", "Pod", pods[1]).contains("/metadata/deletionTimestamp"_json_pointer));
  // The replacement becomes ready: one disruption is allowed again.
  w.runFor(60s);
  status = w.get("policy", "PodDisruptionBudget", "web-pdb")["status"];
  CHECK(status["currentHealthy"] == 3);
  CHECK(status["disruptionsAllowed"] == 1);
  CHECK_FALSE(status.contains("disruptedPods"));
  evictPod(w.cluster, "default", pods[1], {});
  // maxUnavailable as a percentage of the Deployment's scale.
  Json pdb = w.get("policy", "PodDisruptionBudget", "web-pdb");
  pdb["spec"].erase("minAvailable");
  pdb["spec"]["maxUnavailable"] = "50%";
  w.cluster.update(pdb);
  w.runFor(60s);
  status = w.get("policy", "PodDisruptionBudget", "web-pdb")["status"];
  CHECK(status["expectedPods"] == 3);
  CHECK(status["desiredHealthy"] == 1);  // 3 - ceil(1.5)
  CHECK(status["disruptionsAllowed"] == 2);
  // A second budget over the same pods: the Eviction API cannot choose.
  Json other = pdb;
  other["metadata"] = Json{{"name", "other"}, {"namespace", "default"}};
  other.erase("status");
  w.cluster.create(other);
  w.runFor(1s);
  const std::string third = w.list("", "Pod", "default", "app=web")[0]["metadata"]["name"].get<std::string>();
  try {
    evictPod(w.cluster, "default", third, {});
    FAIL("an eviction under two budgets should have been refused");
  } catch (const ApiError& e) {
    CHECK(e.code() == 500);
  }
  // A bare pod under a maxUnavailable budget: no controller to take the scale from.
  w.cluster.create(Json{{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", {{"name", "lone"}, {"namespace", "default"}, {"labels", {{"app", "lone"}}}}},
                        {"spec", {{"containers", Json::array({Json{{"name", "c"}, {"image", "busybox"}}})}}}});
  w.cluster.create(budgetManifest("lone", "lone", {{"maxUnavailable", 1}}));
  w.runFor(10s);
  const Json loneStatus = w.get("policy", "PodDisruptionBudget", "lone")["status"];
  const Json* failed = findCondition(loneStatus, "DisruptionAllowed");
  REQUIRE(failed != nullptr);
  CHECK(failed->value("reason", "") == "SyncFailed");
  CHECK(failed->value("message", "") == "found no controllers for pod \"lone\"");
  CHECK_THROWS_AS(evictPod(w.cluster, "default", "lone", {}), ApiError);
  CHECK_THROWS_AS(evictPod(w.cluster, "default", "missing", {}), ApiError);
}

TEST_CASE("Eviction API: unready pods under a budget, IfHealthyBudget and AlwaysAllow", "[fakecluster][disruption]") {
  ClusterWorld w;
  PodFault neverReady;
  neverReady.kind = PodFault::Kind::NeverReady;
  neverReady.image = "slow:1";
  w.cluster.faults().add(neverReady);
  w.cluster.create(deploymentManifest("slow", "slow:1", 2));
  w.cluster.create(budgetManifest("slow", "slow", {{"minAvailable", 1}}));
  w.runFor(30s);
  const Json status = w.get("policy", "PodDisruptionBudget", "slow")["status"];
  CHECK(status["currentHealthy"] == 0);
  CHECK(status["disruptionsAllowed"] == 0);
  const std::string pod = w.list("", "Pod", "default", "app=slow")[0]["metadata"]["name"].get<std::string>();
  // IfHealthyBudget (the default): the budget is not met, so even an unready pod needs a
  // disruption, and there is none.
  try {
    evictPod(w.cluster, "default", pod, {});
    FAIL("the eviction should have been refused");
  } catch (const ApiError& e) {
    CHECK(e.code() == 429);
    CHECK(e.status()["details"]["causes"][0]["message"] == "The disruption budget slow needs 1 healthy pods and has 0 currently");
  }
  // AlwaysAllow: unready pods may always go.
  Json pdb = w.get("policy", "PodDisruptionBudget", "slow");
  pdb["spec"]["unhealthyPodEvictionPolicy"] = "AlwaysAllow";
  w.cluster.update(pdb);
  w.runFor(1s);
  evictPod(w.cluster, "default", pod, {});
  CHECK(w.get("", "Pod", pod).contains("/metadata/deletionTimestamp"_json_pointer));
  CHECK(w.get("policy", "PodDisruptionBudget", "slow")["status"]["disruptionsAllowed"] == 0);  // nothing spent
}

namespace {

Json podWithClaim(const std::string& name, const std::string& claim) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec",
               {{"containers", Json::array({Json{{"name", "app"}, {"image", "nginx:1.27"}}})},
                {"volumes", Json::array({Json{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", claim}}}}})}}}};
}

Json claimOf(const std::string& name, const std::string& storageClass) {
  return Json{{"apiVersion", "v1"},
              {"kind", "PersistentVolumeClaim"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec", {{"accessModes", Json::array({"ReadWriteOnce"})}, {"resources", {{"requests", {{"storage", "1Gi"}}}}}, {"storageClassName", storageClass}}}};
}

}  // namespace

TEST_CASE("WaitForFirstConsumer: a claim is provisioned on the node the scheduler picks for its first pod, and its pods stay there",
          "[fakecluster][volumes][scheduler]") {
  ClusterWorld w;
  w.cluster.create(claimOf("data", "standard"));
  w.runFor(5s);
  REQUIRE(w.get("", "PersistentVolumeClaim", "data")["status"]["phase"] == "Pending");
  w.cluster.create(podWithClaim("first", "data"));
  w.runFor(10s);
  const Json claim = w.get("", "PersistentVolumeClaim", "data");
  REQUIRE(claim["status"]["phase"] == "Bound");
  const Json pod = w.get("", "Pod", "first");
  const std::string node = pod["spec"]["nodeName"];
  REQUIRE_FALSE(node.empty());
  CHECK(claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == node);
  CHECK(claim["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] == "rancher.io/local-path");
  const Json volume = w.get("", "PersistentVolume", claim["spec"]["volumeName"].get<std::string>(), "");
  CHECK(volume["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0] ==
        Json{{"key", "kubernetes.io/hostname"}, {"operator", "In"}, {"values", Json::array({node})}});
  CHECK(pod["status"]["phase"] == "Running");
  // Every later pod of the claim goes to the volume's node, however busy it is.
  for (int i = 0; i < 3; ++i) w.cluster.create(podWithClaim("more-" + std::to_string(i), "data"));
  w.runFor(5s);
  for (int i = 0; i < 3; ++i) CHECK(w.get("", "Pod", "more-" + std::to_string(i))["spec"]["nodeName"] == node);
  // With that node cordoned, a new pod fits nowhere.
  Json cordoned = w.get("", "Node", node, "");
  cordoned["spec"]["unschedulable"] = true;
  w.cluster.update(cordoned);
  w.cluster.create(podWithClaim("stuck", "data"));
  w.runFor(5s);
  CHECK(w.get("", "Pod", "stuck")["spec"].value("nodeName", "") == "");
  CHECK(w.eventsFor("stuck").back() ==
        "FailedScheduling: 0/3 nodes are available: 2 node(s) had volume node affinity conflict, 1 node(s) were unschedulable. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
}

TEST_CASE("scheduler: a pod whose claim is missing or unbound with an Immediate class stays Pending with the real message",
          "[fakecluster][volumes][scheduler]") {
  ClusterWorld w;
  w.cluster.create(podWithClaim("orphan", "nope"));
  w.cluster.create(claimOf("static", ""));  // no class: nothing will provision it
  w.cluster.create(podWithClaim("waiting", "static"));
  w.runFor(5s);
  const std::string preemption = ". preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
  CHECK(w.eventsFor("orphan").back() == "FailedScheduling: 0/3 nodes are available: persistentvolumeclaim \"nope\" not found" + preemption);
  CHECK(w.get("", "Pod", "orphan")["status"]["conditions"][0]["reason"] == "Unschedulable");
  CHECK(w.eventsFor("waiting").back() == "FailedScheduling: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims" + preemption);
  // The claim appears (an Immediate class): the pod is scheduled.
  w.cluster.create(Json{{"apiVersion", "storage.k8s.io/v1"}, {"kind", "StorageClass"}, {"metadata", {{"name", "fast"}}}, {"provisioner", "example.com/fast"}});
  w.cluster.create(claimOf("nope", "fast"));
  w.runFor(10s);
  CHECK(w.get("", "PersistentVolumeClaim", "nope")["status"]["phase"] == "Bound");
  CHECK_FALSE(w.get("", "Pod", "orphan")["spec"].value("nodeName", "").empty());
}

TEST_CASE("pod priority: from the pod's PriorityClass or the global default, a missing class is 403 and its ReplicaSet retries",
          "[fakecluster][priority]") {
  ClusterWorld w;
  // Every cluster has the two system classes.
  CHECK(w.get("scheduling.k8s.io", "PriorityClass", "system-cluster-critical", "")["value"] == 2000000000);
  CHECK(w.get("scheduling.k8s.io", "PriorityClass", "system-node-critical", "")["value"] == 2000001000);
  Json pod = podWithClaim("plain", "x");
  pod["spec"].erase("volumes");
  const Json plain = w.cluster.create(pod);
  CHECK(plain["spec"]["priority"] == 0);
  CHECK(plain["spec"]["preemptionPolicy"] == "PreemptLowerPriority");
  CHECK_FALSE(plain["spec"].contains("priorityClassName"));
  pod["metadata"]["name"] = "critical";
  pod["spec"]["priorityClassName"] = "system-cluster-critical";
  CHECK(w.cluster.create(pod)["spec"]["priority"] == 2000000000);
  // Copied from a cluster whose class is not here: the pod is refused...
  pod["metadata"]["name"] = "high";
  pod["spec"]["priorityClassName"] = "high-priority";
  std::string message;
  CHECK(codeOf([&] { w.cluster.create(pod); }, &message) == 403);
  CHECK(message == "pods \"high\" is forbidden: no PriorityClass with name high-priority was found");
  // ... and so are a Deployment's pods, until the class appears.
  Json d = test::deploymentManifest("web", "nginx:1.27", 2);
  d["metadata"]["namespace"] = "default";
  d["spec"]["template"]["spec"]["priorityClassName"] = "high-priority";
  w.cluster.create(d);
  w.runFor(10s);
  CHECK(w.list("", "Pod", "default", "app=web").empty());
  const Json rs = w.list("apps", "ReplicaSet", "default", "app=web").at(0);
  const Json* failure = nullptr;
  for (const auto& c : rs["status"]["conditions"]) {
    if (c["type"] == "ReplicaFailure") failure = &c;
  }
  REQUIRE(failure != nullptr);
  CHECK((*failure)["reason"] == "FailedCreate");
  CHECK_THAT((*failure)["message"].get<std::string>(), Catch::Matchers::Contains("no PriorityClass with name high-priority was found"));
  Json high{{"apiVersion", "scheduling.k8s.io/v1"}, {"kind", "PriorityClass"}, {"metadata", {{"name", "high-priority"}}}, {"value", 1000000}};
  w.cluster.create(high);
  w.runFor(30s);
  const auto pods = w.list("", "Pod", "default", "app=web");
  REQUIRE(pods.size() == 2);
  CHECK(pods[0]["spec"]["priority"] == 1000000);
  // A global default applies to pods that name no class; a second default is refused.
  Json fallback{{"apiVersion", "scheduling.k8s.io/v1"}, {"kind", "PriorityClass"}, {"metadata", {{"name", "fallback"}}}, {"value", 100}, {"globalDefault", true}};
  w.cluster.create(fallback);
  pod["metadata"]["name"] = "defaulted";
  pod["spec"].erase("priorityClassName");
  const Json defaulted = w.cluster.create(pod);
  CHECK(defaulted["spec"]["priorityClassName"] == "fallback");
  CHECK(defaulted["spec"]["priority"] == 100);
  fallback["metadata"]["name"] = "another";
  CHECK(codeOf([&] { w.cluster.create(fallback); }, &message) == 403);
  CHECK(message == "priorityclasses.scheduling.k8s.io \"another\" is forbidden: PriorityClass fallback is already marked as default. Only one default can exist");
  // A pod may not claim a priority of its own.
  pod["metadata"]["name"] = "cheat";
  pod["spec"]["priority"] = 5;
  CHECK(codeOf([&] { w.cluster.create(pod); }, &message) == 403);
  CHECK(message == "pods \"cheat\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 100 "
                   "from the given PriorityClass name");
  // PriorityClasses are validated as the server validates them.
  Json reserved{{"apiVersion", "scheduling.k8s.io/v1"}, {"kind", "PriorityClass"}, {"metadata", {{"name", "system-mine"}}}, {"value", 5}};
  CHECK(codeOf([&] { w.cluster.create(reserved); }, &message) == 422);
  CHECK_THAT(message, Catch::Matchers::Contains("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved"));
  Json huge{{"apiVersion", "scheduling.k8s.io/v1"}, {"kind", "PriorityClass"}, {"metadata", {{"name", "huge"}}}, {"value", 2000000000}};
  CHECK(codeOf([&] { w.cluster.create(huge); }, &message) == 422);
  CHECK_THAT(message, Catch::Matchers::Contains("value: Forbidden: maximum allowed value of a user defined priority is 1000000000"));
  high = w.get("scheduling.k8s.io", "PriorityClass", "high-priority", "");
  high["value"] = 7;
  CHECK(codeOf([&] { w.cluster.update(high); }, &message) == 422);
  CHECK_THAT(message, Catch::Matchers::Contains("value: Forbidden: may not be changed in an update."));
}

TEST_CASE("APIService: Available once its Service has ready endpoints, with the aggregator's reasons until then", "[fakecluster][apiservice]") {
  ClusterWorld w;
  auto available = [&](const std::string& name) {
    const Json a = w.get("apiregistration.k8s.io", "APIService", name, "");
    for (const auto& c : a["status"]["conditions"]) {
      if (c["type"] == "Available") return c["status"].get<std::string>() + "/" + c["reason"].get<std::string>() + ": " + c["message"].get<std::string>();
    }
    return std::string("none");
  };
  w.cluster.create(Json{{"apiVersion", "apiregistration.k8s.io/v1"},
                        {"kind", "APIService"},
                        {"metadata", {{"name", "v1.local.example.com"}}},
                        {"spec", {{"group", "local.example.com"}, {"version", "v1"}, {"groupPriorityMinimum", 100}, {"versionPriority", 100}}}});
  w.cluster.create(Json{{"apiVersion", "apiregistration.k8s.io/v1"},
                        {"kind", "APIService"},
                        {"metadata", {{"name", "v1beta1.metrics.k8s.io"}}},
                        {"spec",
                         {{"group", "metrics.k8s.io"},
                          {"version", "v1beta1"},
                          {"groupPriorityMinimum", 100},
                          {"versionPriority", 100},
                          {"service", {{"namespace", "default"}, {"name", "metrics-server"}}}}}});
  w.runFor(1s);
  CHECK(available("v1.local.example.com") == "True/Local: Local APIServices are always available");
  CHECK(available("v1beta1.metrics.k8s.io") == "False/ServiceNotFound: service/metrics-server in \"default\" is not present");
  w.cluster.create(Json{{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", {{"name", "metrics-server"}, {"namespace", "default"}}},
                        {"spec", {{"selector", {{"app", "metrics-server"}}}, {"ports", Json::array({Json{{"name", "https"}, {"port", 443}, {"targetPort", 10250}}})}}}});
  w.runFor(1s);
  CHECK(available("v1beta1.metrics.k8s.io") == "False/MissingEndpoints: endpoints for service/metrics-server in \"default\" have no addresses with port name \"https\"");
  Json d = test::deploymentManifest("metrics-server", "registry.k8s.io/metrics-server/metrics-server:v0.7.2", 1);
  d["metadata"]["namespace"] = "default";
  w.cluster.create(d);
  w.runFor(30s);
  CHECK(available("v1beta1.metrics.k8s.io") == "True/Passed: all checks passed");
}

TEST_CASE("ResourceQuota and LimitRange: defaults fill containers in, quotas refuse what would exceed them, usage is kept current",
          "[fakecluster][quota]") {
  ClusterWorld w;
  w.cluster.create(Json{{"apiVersion", "v1"},
                        {"kind", "ResourceQuota"},
                        {"metadata", {{"name", "compute"}, {"namespace", "default"}}},
                        {"spec", {{"hard", {{"pods", "4"}, {"requests.cpu", "1"}, {"limits.memory", "1Gi"}}}}}});
  Json pod = podWithClaim("solo", "x");
  pod["spec"].erase("volumes");
  // Created in the same instant as the quota, before the controller saw it: not limited.
  pod["metadata"]["name"] = "early";
  w.cluster.create(pod);
  pod["metadata"]["name"] = "solo";
  w.runFor(1s);
  const Json counted = w.get("", "ResourceQuota", "compute");
  CHECK(counted["status"]["hard"] == Json{{"limits.memory", "1Gi"}, {"pods", "4"}, {"requests.cpu", "1"}});
  CHECK(counted["status"]["used"] == Json{{"limits.memory", "0"}, {"pods", "1"}, {"requests.cpu", "0"}});
  std::string message;
  // A pod must state what the quota limits.
  CHECK(codeOf([&] { w.cluster.create(pod); }, &message) == 403);
  CHECK(message == "pods \"solo\" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app");
  // A LimitRange fills it in (defaultRequest defaults to default).
  w.cluster.create(Json{{"apiVersion", "v1"},
                        {"kind", "LimitRange"},
                        {"metadata", {{"name", "defaults"}, {"namespace", "default"}}},
                        {"spec", {{"limits", Json::array({Json{{"type", "Container"}, {"default", {{"cpu", "400m"}, {"memory", "256Mi"}}}}})}}}});
  const Json solo = w.cluster.create(pod);
  CHECK(solo["spec"]["containers"][0]["resources"] ==
        Json{{"limits", {{"cpu", "400m"}, {"memory", "256Mi"}}}, {"requests", {{"cpu", "400m"}, {"memory", "256Mi"}}}});
  CHECK(solo["metadata"]["annotations"]["kubernetes.io/limit-ranger"] ==
        "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app");
  CHECK(w.get("", "ResourceQuota", "compute")["status"]["used"] == Json{{"limits.memory", "256Mi"}, {"pods", "2"}, {"requests.cpu", "400m"}});
  // A Deployment of three: the third pod would take requests.cpu over 1.
  Json d = test::deploymentManifest("web", "nginx:1.27", 3);
  d["metadata"]["namespace"] = "default";
  w.cluster.create(d);
  w.runFor(10s);
  CHECK(w.list("", "Pod", "default", "app=web").size() == 1);
  const auto events = w.eventsFor(w.list("apps", "ReplicaSet", "default", "app=web").at(0)["metadata"]["name"].get<std::string>());
  REQUIRE_FALSE(events.empty());
  CHECK_THAT(events.back(), Catch::Matchers::Contains("is forbidden: exceeded quota: compute, requested: requests.cpu=400m, used: requests.cpu=800m, "
                                                      "limited: requests.cpu=1"));
  // Deleting the standalone pod frees room: the ReplicaSet's retry gets its pod.
  w.cluster.remove("", "Pod", "default", "solo", [] {
    DeleteOptions o;
    o.gracePeriodSeconds = 0;
    return o;
  }());
  w.runFor(60s);
  CHECK(w.list("", "Pod", "default", "app=web").size() == 2);
  CHECK(w.get("", "ResourceQuota", "compute")["status"]["used"]["requests.cpu"] == "800m");
}

TEST_CASE("LimitRange: a container's requests and limits outside min and max are refused with LimitRanger's messages", "[fakecluster][quota]") {
  ClusterWorld w;
  w.cluster.create(Json{{"apiVersion", "v1"},
                        {"kind", "LimitRange"},
                        {"metadata", {{"name", "bounds"}, {"namespace", "default"}}},
                        {"spec",
                         {{"limits", Json::array({Json{{"type", "Container"},
                                                       {"min", {{"cpu", "100m"}}},
                                                       {"max", {{"cpu", "1"}, {"memory", "1Gi"}}},
                                                       {"default", {{"cpu", "500m"}, {"memory", "512Mi"}}}}})}}}});
  Json pod = podWithClaim("fits", "x");
  pod["spec"].erase("volumes");
  const Json fits = w.cluster.create(pod);  // the defaults are within bounds
  CHECK(fits["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "500m");
  std::string message;
  pod["metadata"]["name"] = "greedy";
  pod["spec"]["containers"][0]["resources"] = Json{{"limits", {{"cpu", "2"}, {"memory", "2Gi"}}}, {"requests", {{"cpu", "500m"}}}};
  CHECK(codeOf([&] { w.cluster.create(pod); }, &message) == 403);
  CHECK(message == "pods \"greedy\" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, "
                   "maximum memory usage per Container is 1Gi, but limit is 2Gi]");
  pod["metadata"]["name"] = "tiny";
  pod["spec"]["containers"][0]["resources"] = Json{{"requests", {{"cpu", "50m"}}}};
  CHECK(codeOf([&] { w.cluster.create(pod); }, &message) == 403);
  CHECK(message == "pods \"tiny\" is forbidden: minimum cpu usage per Container is 100m, but request is 50m");
}

TEST_CASE("LoadBalancer Services: no node ports when allocateLoadBalancerNodePorts is false, a health check port with a Local policy", "[fakecluster][admission]") {
  ClusterWorld w;
  auto lb = [](const std::string& name, Json extra) {
    Json spec{{"type", "LoadBalancer"}, {"ports", Json::array({Json{{"port", 80}}})}};
    for (auto& [k, v] : extra.items()) spec[k] = v;
    return Json{{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", name}, {"namespace", "default"}}}, {"spec", spec}};
  };
  const Json plain = w.cluster.create(lb("plain", Json::object()));
  CHECK(plain["spec"]["ports"][0].contains("nodePort"));
  CHECK_FALSE(plain["spec"].contains("healthCheckNodePort"));
  const Json noPorts = w.cluster.create(lb("no-ports", Json{{"allocateLoadBalancerNodePorts", false}}));
  CHECK_FALSE(noPorts["spec"]["ports"][0].contains("nodePort"));
  const Json local = w.cluster.create(lb("local", Json{{"externalTrafficPolicy", "Local"}}));
  REQUIRE(local["spec"].contains("healthCheckNodePort"));
  const int health = local["spec"]["healthCheckNodePort"].get<int>();
  CHECK(health >= 30000);
  CHECK(health <= 32767);
  CHECK(health != local["spec"]["ports"][0]["nodePort"].get<int>());
  // Kept when an update leaves it out.
  Json again = w.get("", "Service", "local");
  again["spec"].erase("healthCheckNodePort");
  CHECK(w.cluster.update(again)["spec"]["healthCheckNodePort"] == health);
}
