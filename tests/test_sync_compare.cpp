#include <catch2/catch.hpp>

#include "cluster_fixture.hpp"
#include "sim/sync/compare.hpp"

using namespace gs;
using namespace gs::sync;

namespace {

Json configMap(const std::string& name, const std::string& value) {
  return Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "default"}}}, {"data", {{"k", value}}}};
}

// Creates `object` in the cluster as the app's (as a sync would).
void applyAsApp(test::ClusterWorld& w, Json object, const std::string& app, TrackingMethod method = TrackingMethod::Annotation) {
  setTracking(object, app, method);
  w.cluster.create(object);
}

}  // namespace

TEST_CASE("tracking: ids name the object, and a copied annotation does not claim an object", "[sync][tracking]") {
  Json cm = configMap("settings", "1");
  CHECK(trackingId("guestbook", cm) == "guestbook:/ConfigMap:default/settings");
  CHECK(trackingId("guestbook", test::deploymentManifest("web", "nginx", 1)) == "guestbook:apps/Deployment:default/web");
  setTracking(cm, "guestbook", TrackingMethod::Annotation);
  CHECK(owningApp(cm, TrackingMethod::Annotation) == "guestbook");
  Json copy = cm;
  copy["metadata"]["name"] = "settings-copy";  // the annotation came along with a copy
  CHECK_FALSE(owningApp(copy, TrackingMethod::Annotation).has_value());
  Json labelled = configMap("x", "1");
  setTracking(labelled, "guestbook", TrackingMethod::Label);
  CHECK(labelled["metadata"]["labels"]["app.kubernetes.io/instance"] == "guestbook");
  CHECK(owningApp(labelled, TrackingMethod::Label) == "guestbook");
  CHECK_FALSE(owningApp(labelled, TrackingMethod::Annotation).has_value());
}

TEST_CASE("compare: synced and healthy after a rollout; drift, missing and extra objects are OutOfSync", "[sync][compare]") {
  test::ClusterWorld w;
  const std::vector<Json> desired = {test::deploymentManifest("web", "nginx:1.27", 2), configMap("settings", "1")};
  for (const auto& o : desired) applyAsApp(w, o, "guestbook");
  w.cluster.create(configMap("not-ours", "x"));  // untracked: never part of the app
  w.runFor(std::chrono::minutes(1));

  auto live = trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation);
  CHECK(live.size() == 2);
  CompareOptions options;
  auto result = compareApp(desired, live, options);
  CHECK(result.sync == SyncStatus::Synced);
  CHECK(result.health.status == HealthStatus::Healthy);
  REQUIRE(result.resources.size() == 2);

  // Someone scales the Deployment by hand: drift.
  w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 5}}}}, fake::PatchType::Merge);
  w.runFor(std::chrono::seconds(1));
  result = compareApp(desired, trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation), options);
  CHECK(result.sync == SyncStatus::OutOfSync);
  const auto* web = result.find(kube::ObjectKey{"apps", "Deployment", "default", "web"});
  REQUIRE(web != nullptr);
  CHECK(web->status == SyncStatus::OutOfSync);
  CHECK(web->diff.modified);
  CHECK(result.health.status == HealthStatus::Progressing);  // scaling up

  // Git gains an object that is not created yet, and drops the ConfigMap.
  std::vector<Json> next = {test::deploymentManifest("web", "nginx:1.27", 5), configMap("feature-flags", "on")};
  result = compareApp(next, trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation), options);
  const auto* flags = result.find(kube::ObjectKey{"", "ConfigMap", "default", "feature-flags"});
  REQUIRE(flags != nullptr);
  CHECK(flags->status == SyncStatus::OutOfSync);
  CHECK(flags->health == Health{HealthStatus::Missing, ""});
  const auto* settings = result.find(kube::ObjectKey{"", "ConfigMap", "default", "settings"});
  REQUIRE(settings != nullptr);
  CHECK(settings->requiresPruning);
  CHECK(result.find(kube::ObjectKey{"", "ConfigMap", "default", "not-ours"}) == nullptr);
  CHECK(result.sync == SyncStatus::OutOfSync);
  CHECK(result.health.status == HealthStatus::Missing);
}

TEST_CASE("compare: ignoreDifferences and fields only the cluster sets are not drift", "[sync][compare]") {
  test::ClusterWorld w;
  const std::vector<Json> desired = {test::deploymentManifest("web", "nginx:1.27", 2)};
  applyAsApp(w, desired[0], "guestbook");
  w.runFor(std::chrono::minutes(1));
  // An HPA-like actor changes replicas: drift, unless ignored.
  w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 4}}}}, fake::PatchType::Merge);
  w.runFor(std::chrono::minutes(1));
  CompareOptions options;
  CHECK(compareApp(desired, trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation), options).sync == SyncStatus::OutOfSync);
  options.diff.ignore.push_back(diff::parseIgnoreRule(Json{{"group", "apps"}, {"kind", "Deployment"}, {"jsonPointers", {"/spec/replicas"}}}));
  auto result = compareApp(desired, trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation), options);
  CHECK(result.sync == SyncStatus::Synced);
  CHECK(result.health.status == HealthStatus::Healthy);
}
