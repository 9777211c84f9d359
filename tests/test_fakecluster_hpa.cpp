#include <catch2/catch.hpp>

#include "cluster_fixture.hpp"

using namespace gs;
using namespace std::chrono_literals;

namespace {
Json hpa(int minReplicas, int maxReplicas, const std::string& target = "web") {
  return Json{{"apiVersion", "autoscaling/v2"},
              {"kind", "HorizontalPodAutoscaler"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}}},
              {"spec", {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", target}}}, {"minReplicas", minReplicas}, {"maxReplicas", maxReplicas}}}};
}
const Json* condition(const Json& object, const std::string& type) {
  for (const auto& c : object["status"]["conditions"]) {
    if (c["type"] == type) return &c;
  }
  return nullptr;
}
}  // namespace

TEST_CASE("hpa controller: keeps the target within min..max and reports its conditions", "[fakecluster][hpa]") {
  test::ClusterWorld w;
  w.cluster.create(test::deploymentManifest("web", "nginx:1.27", 1));
  w.cluster.create(hpa(3, 5));
  w.runFor(10s);
  CHECK(w.get("apps", "Deployment", "web")["spec"]["replicas"] == 3);
  Json h = w.get("autoscaling", "HorizontalPodAutoscaler", "web");
  CHECK(h["status"]["desiredReplicas"] == 3);
  CHECK(h["status"]["currentReplicas"] == 3);
  REQUIRE(condition(h, "ScalingActive") != nullptr);
  CHECK((*condition(h, "ScalingActive"))["reason"] == "ValidMetricFound");
  CHECK((*condition(h, "ScalingLimited"))["reason"] == "DesiredWithinRange");
  // Scaled above the maximum by hand: brought back down.
  Json d = w.get("apps", "Deployment", "web");
  d["spec"]["replicas"] = 9;
  w.cluster.update(d);
  w.runFor(10s);
  CHECK(w.get("apps", "Deployment", "web")["spec"]["replicas"] == 5);
  const auto events = w.eventsFor("web");
  CHECK(std::any_of(events.begin(), events.end(), [](const std::string& e) { return e.find("SuccessfulRescale: New size: 5") != std::string::npos; }));
}

TEST_CASE("hpa controller: a missing target is FailedGetScale", "[fakecluster][hpa]") {
  test::ClusterWorld w;
  w.cluster.create(hpa(1, 3, "nothing"));
  w.runFor(5s);
  Json h = w.get("autoscaling", "HorizontalPodAutoscaler", "web");
  REQUIRE(condition(h, "AbleToScale") != nullptr);
  CHECK((*condition(h, "AbleToScale"))["status"] == "False");
  CHECK((*condition(h, "AbleToScale"))["reason"] == "FailedGetScale");
}

TEST_CASE("managed fields: the HPA's scale is kube-controller-manager's until another manager writes the replicas", "[fakecluster][hpa]") {
  test::ClusterWorld w;
  w.cluster.create(hpa(3, 5));
  w.cluster.create(test::deploymentManifest("web", "nginx:1.27", 1));
  w.runFor(10s);
  CHECK_FALSE(w.get("apps", "Deployment", "web")["metadata"].contains("managedFields"));  // tracking is off
  w.cluster.store().setFieldManagerTracking(true);
  w.cluster.remove("autoscaling", "HorizontalPodAutoscaler", "default", "web");
  w.cluster.remove("apps", "Deployment", "default", "web");
  w.runFor(10s);
  w.cluster.create(test::deploymentManifest("web", "nginx:1.27", 1));
  CHECK_FALSE(w.get("apps", "Deployment", "web")["metadata"].contains("managedFields"));  // nobody asked to track it
  w.cluster.create(hpa(3, 5));
  w.runFor(10s);
  Json d = w.get("apps", "Deployment", "web");
  REQUIRE(d["metadata"]["managedFields"].size() == 1);
  const Json& hpaEntry = d["metadata"]["managedFields"][0];
  CHECK(hpaEntry["manager"] == "kube-controller-manager");
  CHECK(hpaEntry["operation"] == "Update");
  CHECK(hpaEntry["fieldsV1"] == Json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  // An untracked write (a controller of the fake) leaves ownership alone; a tracked one
  // takes the fields it changed.
  d["spec"]["replicas"] = 4;
  d["spec"]["template"]["metadata"]["labels"]["tier"] = "web";
  fake::WriteOptions edit;
  edit.ownership = fake::WriteOptions::Ownership::IfTracked;
  edit.fieldManager = "kubectl-edit";
  w.cluster.update(d, edit);
  const Json managed = w.get("apps", "Deployment", "web")["metadata"]["managedFields"];
  REQUIRE(managed.size() == 1);  // kube-controller-manager owned nothing else: its entry goes
  CHECK(managed[0]["manager"] == "kubectl-edit");
  CHECK(managed[0]["fieldsV1"]["f:spec"].contains("f:replicas"));
  CHECK(managed[0]["fieldsV1"]["f:spec"]["f:template"]["f:metadata"]["f:labels"].contains("f:tier"));
}
