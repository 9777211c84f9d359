#include <catch2/catch.hpp>

#include "cluster_fixture.hpp"
#include <set>

#include "fakecluster/object_util.hpp"

using namespace gs;
using namespace gs::fake;
using namespace gs::test;
using namespace std::chrono_literals;

namespace {

const Json* condition(const Json& object, const char* type) { return findCondition(object["status"], type); }

std::vector<Json> replicaSetsOf(ClusterWorld& w, const std::string& app) {
  std::vector<Json> out;
  for (const auto& rs : w.list("apps", "ReplicaSet", "default", "app=" + app)) out.push_back(rs);
  return out;
}

}  // namespace

TEST_CASE("a new Deployment gets one ReplicaSet, its pods run and its status converges", "[fakecluster][deployment]") {
  ClusterWorld w;
  w.cluster.create(deploymentManifest("web", "nginx:1.27", 3));
  w.runFor(30s);
  Json d = w.get("apps", "Deployment", "web");
  CHECK(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1");
  CHECK(d["status"]["observedGeneration"] == 1);
  CHECK(d["status"]["replicas"] == 3);
  CHECK(d["status"]["updatedReplicas"] == 3);
  CHECK(d["status"]["readyReplicas"] == 3);
  CHECK(d["status"]["availableReplicas"] == 3);
  CHECK_FALSE(d["status"].contains("unavailableReplicas"));
  // Conditions in the order and with the words a real cluster uses.
  REQUIRE(d["status"]["conditions"].size() == 2);
  CHECK(d["status"]["conditions"][0]["type"] == "Available");
  CHECK(d["status"]["conditions"][0]["reason"] == "MinimumReplicasAvailable");
  CHECK(d["status"]["conditions"][0]["message"] == "Deployment has minimum availability.");
  CHECK(d["status"]["conditions"][1]["type"] == "Progressing");
  CHECK(d["status"]["conditions"][1]["reason"] == "NewReplicaSetAvailable");
  auto sets = replicaSetsOf(w, "web");
  REQUIRE(sets.size() == 1);
  const Json& rs = sets[0];
  const std::string hash = rs["metadata"]["labels"]["pod-template-hash"];
  CHECK(rs["metadata"]["name"] == "web-" + hash);
  CHECK(d["status"]["conditions"][1]["message"] == "ReplicaSet \"web-" + hash + "\" has successfully progressed.");
  CHECK(rs["spec"]["selector"]["matchLabels"]["pod-template-hash"] == hash);
  CHECK(rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "3");
  CHECK(rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] == "4");
  CHECK(rs["metadata"]["ownerReferences"][0]["kind"] == "Deployment");
  CHECK(rs["metadata"]["ownerReferences"][0]["controller"] == true);
  CHECK(rs["status"]["readyReplicas"] == 3);
  auto pods = w.list("", "Pod", "default", "app=web");
  REQUIRE(pods.size() == 3);
  for (const auto& pod : pods) {
    CHECK(pod["metadata"]["name"].get<std::string>().rfind("web-" + hash + "-", 0) == 0);
    CHECK(pod["status"]["phase"] == "Running");
    CHECK(podReady(pod));
    CHECK_FALSE(pod["spec"]["nodeName"].get<std::string>().empty());
    CHECK(pod["status"]["containerStatuses"][0]["image"] == "docker.io/library/nginx:1.27");
    CHECK(pod["status"]["containerStatuses"][0]["state"].contains("running"));
    CHECK(pod["status"]["conditions"].size() == 5);
  }
  auto events = w.eventsFor("web");
  REQUIRE_FALSE(events.empty());
  CHECK(events[0] == "ScalingReplicaSet: Scaled up replica set web-" + hash + " from 0 to 3");
}

// maxSurge 25% of 10 rounds up to 3, maxUnavailable rounds down to 2: at most 13 pods,
// at least 8 available. The new set starts at 3 (13 - 10), the old one drops to 8
// (10 available - 8), which frees room for 2 more new pods (5, 8). When those 5 become
// ready together, 13 are available: the old set drops by 5 to 3, the new one grows to
// 10 (13 - 3), and when those are ready the old set goes to 0. This is the arithmetic
// of NewRSNewReplicas and scaleDownOldReplicaSetsForRollingUpdate in
// pkg/controller/deployment/rolling.go, for pods that start in the same second.
TEST_CASE("rolling update 10 replicas, maxSurge 25% / maxUnavailable 25%: the real controller's ReplicaSet sizes",
          "[fakecluster][deployment][rollout]") {
  ClusterWorld w;
  w.cluster.create(deploymentManifest("web", "registry.example.com/web:v1", 10));
  w.runFor(60s);
  auto first = replicaSetsOf(w, "web");
  REQUIRE(first.size() == 1);
  const std::string oldName = first[0]["metadata"]["name"];
  // Record (new, old) spec.replicas every time a ReplicaSet's size changes.
  std::vector<std::pair<std::int64_t, std::int64_t>> sizes;
  std::map<std::string, std::int64_t> current{{oldName, 10}};
  std::string newName;
  auto id = w.cluster.store().subscribe([&](const WatchEvent& e) {
    const Json& o = *e.object;
    if (o["kind"] != "ReplicaSet" || e.type == WatchEvent::Type::Deleted) return;
    const std::string name = o["metadata"]["name"];
    std::int64_t replicas = o["spec"]["replicas"];
    if (name != oldName) newName = name;
    std::int64_t total = 0, available = 0;
    w.cluster.store().forEach("apps", "ReplicaSet", "default", [&](const ObjectPtr& rs) {
      total += (*rs)["spec"].value("replicas", 0);
      available += (*rs)["status"].value("availableReplicas", 0);
    });
    CHECK(total <= 13);      // 10 + maxSurge
    CHECK(available >= 8);   // 10 - maxUnavailable
    if (current.contains(name) && current[name] == replicas) return;
    current[name] = replicas;
    sizes.emplace_back(newName.empty() ? 0 : current[newName], current[oldName]);
  });
  Json d = w.get("apps", "Deployment", "web");
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.example.com/web:v2";
  w.cluster.update(d);
  w.runFor(120s);
  w.cluster.store().unsubscribe(id);
  std::vector<std::pair<std::int64_t, std::int64_t>> expected{{3, 10}, {3, 8}, {5, 8}, {5, 3}, {10, 3}, {10, 0}};
  std::string seen;
  for (auto [n, o] : sizes) seen += "(" + std::to_string(n) + "," + std::to_string(o) + ")";
  INFO("sizes (new,old): " << seen);
  CHECK(sizes == expected);
  Json after = w.get("apps", "Deployment", "web");
  CHECK(after["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2");
  CHECK(after["status"]["updatedReplicas"] == 10);
  CHECK(after["status"]["availableReplicas"] == 10);
  CHECK(after["status"]["replicas"] == 10);
  CHECK(condition(after, "Progressing")->value("reason", "") == "NewReplicaSetAvailable");
  auto events = w.eventsFor("web");
  CHECK(std::find(events.begin(), events.end(), "ScalingReplicaSet: Scaled down replica set " + oldName + " from 10 to 8") != events.end());
  CHECK(std::find(events.begin(), events.end(), "ScalingReplicaSet: Scaled down replica set " + oldName + " from 3 to 0") != events.end());
  CHECK(std::find(events.begin(), events.end(), "ScalingReplicaSet: Scaled up replica set " + newName + " from 5 to 10") != events.end());
  CHECK(w.list("", "Pod", "default", "app=web").size() == 10);
}

TEST_CASE("Deployment: revisionHistoryLimit keeps that many old ReplicaSets, revisions count up", "[fakecluster][deployment]") {
  ClusterWorld w;
  Json d = deploymentManifest("web", "nginx:1.25", 2);
  d["spec"]["revisionHistoryLimit"] = 1;
  w.cluster.create(d);
  w.runFor(20s);
  for (const char* image : {"nginx:1.26", "nginx:1.27", "nginx:1.28"}) {
    d = w.get("apps", "Deployment", "web");
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image;
    w.cluster.update(d);
    w.runFor(60s);
  }
  d = w.get("apps", "Deployment", "web");
  CHECK(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "4");
  auto sets = replicaSetsOf(w, "web");
  REQUIRE(sets.size() == 2);  // the current one and one old
  std::set<std::string> revisions;
  for (const auto& rs : sets) revisions.insert(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"].get<std::string>());
  CHECK(revisions == std::set<std::string>{"3", "4"});
  // Rolling back to the previous template reuses its ReplicaSet under a new revision.
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27";
  w.cluster.update(d);
  w.runFor(60s);
  sets = replicaSetsOf(w, "web");
  REQUIRE(sets.size() == 2);
  for (const auto& rs : sets) {
    if (rs["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27") {
      CHECK(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "5");
      CHECK(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "3");
      CHECK(rs["spec"]["replicas"] == 2);
    }
  }
}

TEST_CASE("Deployment: a rollback whose template round-tripped through a client reuses the old ReplicaSet",
          "[fakecluster][deployment]") {
  // `kubectl rollout undo` copies the old ReplicaSet's template back from Go structs, so it
  // carries `creationTimestamp: null` and `resources: {}`: the real controller compares
  // typed templates and finds the old ReplicaSet; so must the fake one.
  ClusterWorld w;
  Json d = deploymentManifest("web", "nginx:1.27", 3);
  w.cluster.create(d);
  w.runFor(30s);
  d = w.get("apps", "Deployment", "web");
  d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28";
  w.cluster.update(d);
  w.runFor(60s);
  auto sets = replicaSetsOf(w, "web");
  REQUIRE(sets.size() == 2);
  Json first;
  for (const auto& rs : sets) {
    if (rs["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27") first = rs;
  }
  REQUIRE(first.is_object());
  Json restored = first["spec"]["template"];
  restored["metadata"]["labels"].erase("pod-template-hash");
  restored["metadata"]["creationTimestamp"] = nullptr;
  restored["spec"]["containers"][0]["resources"] = Json::object();
  d = w.get("apps", "Deployment", "web");
  d["spec"]["template"] = restored;
  w.cluster.update(d);
  w.runFor(60s);
  sets = replicaSetsOf(w, "web");
  REQUIRE(sets.size() == 2);  // no third ReplicaSet for the same template
  for (const auto& rs : sets) {
    const auto& annotations = rs["metadata"]["annotations"];
    if (rs["metadata"]["name"] == first["metadata"]["name"]) {
      CHECK(annotations["deployment.kubernetes.io/revision"] == "3");
      CHECK(annotations["deployment.kubernetes.io/revision-history"] == "1");
      CHECK(rs["spec"]["replicas"] == 3);
    } else {
      CHECK(rs["spec"]["replicas"] == 0);
    }
  }
  d = w.get("apps", "Deployment", "web");
  CHECK(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3");
  CHECK(d["status"]["updatedReplicas"] == 3);
}

TEST_CASE("semanticallyEqual: null, {} and [] count as absent, nothing else does", "[fakecluster][deployment]") {
  const Json plain = Json::parse(R"({"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"a","image":"x"}]}})");
  const Json roundTripped = Json::parse(
      R"({"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"name":"a","image":"x","resources":{}}],"volumes":[]}})");
  CHECK(semanticallyEqual(plain, roundTripped));
  CHECK(semanticallyEqual(roundTripped, plain));
  Json other = roundTripped;
  other["spec"]["containers"][0]["resources"]["limits"]["cpu"] = "1";
  CHECK_FALSE(semanticallyEqual(plain, other));
  other = plain;
  other["spec"]["containers"][0]["image"] = "y";
  CHECK_FALSE(semanticallyEqual(plain, other));
  other = plain;
  other["spec"]["hostNetwork"] = false;  // a scalar is never "absent"
  CHECK_FALSE(semanticallyEqual(plain, other));
  other = plain;
  other["spec"]["containers"].push_back(Json{{"name", "b"}});
  CHECK_FALSE(semanticallyEqual(plain, other));
  other = plain;
  other["metadata"]["labels"]["pod-template-hash"] = "abc";
  CHECK_FALSE(semanticallyEqual(plain["metadata"]["labels"], other["metadata"]["labels"]));
  CHECK(semanticallyEqual(plain["metadata"]["labels"], other["metadata"]["labels"], "pod-template-hash"));
}
