#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

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
  // Every part of the id must match: the group, kind, namespace and name, exactly.
  for (const char* id : {"guestbook:/ConfigMap:default/settings-x", "guestbook:/ConfigMap:other/settings", "guestbook:apps/ConfigMap:default/settings",
                         "guestbook:/Secret:default/settings", "guestbook:/ConfigMap:default/setting", "guestbook:/ConfigMap:default",
                         "guestbook:/ConfigMap", "guestbook", "other:/ConfigMap:default/settings:"}) {
    Json tampered = cm;
    tampered["metadata"]["annotations"][kTrackingAnnotation] = id;
    CHECK_FALSE(owningApp(tampered, TrackingMethod::Annotation).has_value());
  }
  // A cluster-wide object's id carries the app's destination namespace (Argo CD 3), and
  // any namespace there names it, as isSelfReferencedObj accepts.
  Json role{{"apiVersion", "rbac.authorization.k8s.io/v1"}, {"kind", "ClusterRole"}, {"metadata", {{"name", "reader"}}}};
  CHECK(trackingId("guestbook", role, "shop") == "guestbook:rbac.authorization.k8s.io/ClusterRole:shop/reader");
  setTracking(role, "guestbook", TrackingMethod::Annotation, "shop");
  CHECK(owningApp(role, TrackingMethod::Annotation) == "guestbook");
  for (const char* id : {"guestbook:rbac.authorization.k8s.io/ClusterRole:/reader", "guestbook:rbac.authorization.k8s.io/ClusterRole:other/reader"}) {
    role["metadata"]["annotations"][kTrackingAnnotation] = id;
    CHECK(owningApp(role, TrackingMethod::Annotation) == "guestbook");
  }
  for (const char* id : {"guestbook:rbac.authorization.k8s.io/ClusterRole:shop/writer", "guestbook:rbac.authorization.k8s.io/ClusterRole:reader"}) {
    role["metadata"]["annotations"][kTrackingAnnotation] = id;
    CHECK_FALSE(owningApp(role, TrackingMethod::Annotation).has_value());
  }
  Json labelled = configMap("x", "1");
  setTracking(labelled, "guestbook", TrackingMethod::Label);
  CHECK(labelled["metadata"]["labels"]["app.kubernetes.io/instance"] == "guestbook");
  CHECK(owningApp(labelled, TrackingMethod::Label) == "guestbook");
  CHECK_FALSE(owningApp(labelled, TrackingMethod::Annotation).has_value());
}

TEST_CASE("compare: synced and healthy after a rollout, drift, missing and extra objects are OutOfSync", "[sync][compare]") {
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
  // The diff text prints the drifted object and counts the one still in sync.
  CHECK_THAT(outOfSyncDiff(result), Catch::EndsWith("# 2 objects: 1 in sync, 1 modified, 0 to create, 0 extra\n"));

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
  // Argo CD 3: a missing resource leaves the app's health to the live ones (OutOfSync
  // already says it is missing); the Deployment still scales.
  CHECK(result.health.status == HealthStatus::Progressing);
  // Only when nothing of the app is live is the app Missing.
  result = compareApp({configMap("feature-flags", "on")}, {}, options);
  CHECK(result.health.status == HealthStatus::Missing);
  // A resource waiting to be pruned counts: a Degraded one no longer in Git makes the app Degraded.
  Json broken = w.get("apps", "Deployment", "web");
  broken["status"]["conditions"] = Json::array({Json{{"type", "Progressing"}, {"status", "False"}, {"reason", "ProgressDeadlineExceeded"}, {"message", "stuck"}}});
  broken["status"]["observedGeneration"] = broken["metadata"]["generation"];
  std::vector<Json> liveNow = trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation);
  for (auto& o : liveNow) {
    if (o["kind"] == "Deployment") o["status"] = broken["status"];
  }
  result = compareApp({configMap("settings", "off")}, liveNow, options);
  CHECK(result.find(kube::ObjectKey{"apps", "Deployment", "default", "web"})->requiresPruning);
  CHECK(result.health.status == HealthStatus::Degraded);
  // argocd.argoproj.io/ignore-healthcheck: the resource has no health and counts for nothing.
  for (auto& o : liveNow) {
    if (o["kind"] == "Deployment") o["metadata"]["annotations"]["argocd.argoproj.io/ignore-healthcheck"] = "true";
  }
  result = compareApp({configMap("settings", "off")}, liveNow, options);
  CHECK_FALSE(result.find(kube::ObjectKey{"apps", "Deployment", "default", "web"})->health.has_value());
  CHECK(result.health.status == HealthStatus::Healthy);
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

namespace {

void requireSameComparison(const Comparison& got, const Comparison& want) {
  CHECK(toString(got.sync) == std::string(toString(want.sync)));
  CHECK(got.health == want.health);
  REQUIRE(got.resources.size() == want.resources.size());
  for (std::size_t i = 0; i < got.resources.size(); ++i) {
    const ResourceStatus& a = got.resources[i];
    const ResourceStatus& b = want.resources[i];
    INFO(b.key.str());
    CHECK(a.key == b.key);
    CHECK(a.apiVersion == b.apiVersion);
    CHECK(a.status == b.status);
    CHECK(a.requiresPruning == b.requiresPruning);
    CHECK(a.hook == b.hook);
    CHECK(a.health == b.health);
    CHECK(a.diff.modified == b.diff.modified);
    CHECK(a.diff.normalizedLive == b.diff.normalizedLive);
    CHECK(a.diff.predictedLive == b.diff.predictedLive);
    CHECK(a.diff.changes.size() == b.diff.changes.size());
  }
  CHECK(outOfSyncDiff(got) == outOfSyncDiff(want));
}

// The live objects that differ between two listings of the same keys.
std::vector<const Json*> changedBetween(const std::vector<Json>& before, const std::vector<Json>& after) {
  std::vector<const Json*> changed;
  for (const auto& a : after) {
    auto same = std::find_if(before.begin(), before.end(), [&](const Json& b) { return kube::objectKeyOf(b) == kube::objectKeyOf(a); });
    REQUIRE(same != before.end());
    if (*same != a) changed.push_back(&a);
  }
  return changed;
}

}  // namespace

TEST_CASE("compare: re-comparing only the changed live objects equals comparing everything", "[sync][compare]") {
  test::ClusterWorld w;
  const std::vector<Json> desired = {test::deploymentManifest("web", "nginx:1.27", 2), configMap("settings", "1"), configMap("flags", "on")};
  for (const auto& o : desired) applyAsApp(w, o, "guestbook");
  applyAsApp(w, configMap("leftover", "x"), "guestbook");  // no longer in Git: requires pruning
  w.runFor(std::chrono::minutes(1));
  CompareOptions options;
  std::vector<Json> live = trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation);
  Comparison kept = compareApp(desired, live, options);
  CHECK(kept.sync == SyncStatus::OutOfSync);

  // A sequence of live changes: a scale (drift, then a rollout writing status after
  // status), a ConfigMap edit and its undoing, the leftover's edit, then the Deployment
  // put back as Git has it. After each, the kept comparison brought up to date from the
  // changed objects alone must be the full comparison.
  const std::vector<std::function<void()>> changes = {
      [&] { w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 5}}}}, fake::PatchType::Merge); },
      [&] { w.runFor(std::chrono::seconds(2)); },
      [&] { w.runFor(std::chrono::seconds(5)); },
      [&] { w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"data", {{"k", "2"}}}}, fake::PatchType::Merge); },
      [&] { w.cluster.patch("", "ConfigMap", "default", "leftover", Json{{"data", {{"k", "y"}}}}, fake::PatchType::Merge); },
      [&] { w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"data", {{"k", "1"}}}}, fake::PatchType::Merge); },
      [&] { w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 2}}}}, fake::PatchType::Merge); },
      [&] { w.runFor(std::chrono::minutes(1)); },
  };
  auto pointers = [](const std::vector<Json>& objects) {
    std::vector<const Json*> out;
    for (const auto& o : objects) out.push_back(&o);
    return out;
  };
  int recompared = 0;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    INFO("change " << i);
    changes[i]();
    std::vector<Json> now = trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation);
    const Comparison full = compareApp(desired, now, options);
    const auto partial = recompareChanged(kept, desired, pointers(now), changedBetween(live, now), options);
    REQUIRE(partial.has_value());
    requireSameComparison(*partial, full);
    ++recompared;
    kept = *partial;
    live = std::move(now);
  }
  CHECK(recompared == static_cast<int>(changes.size()));
  CHECK(kept.find(kube::ObjectKey{"", "ConfigMap", "default", "leftover"})->requiresPruning);

  // New commits edit desired objects (a ConfigMap value, then the image and a drifted
  // ConfigMap together): only those names are compared again.
  std::vector<Json> next = desired;
  for (const auto& [edited, commit] : std::vector<std::pair<std::vector<std::size_t>, std::function<void()>>>{
           {{1}, [&] { next[1] = configMap("settings", "3"); }},
           {{0, 2}, [&] { next[0] = test::deploymentManifest("web", "nginx:1.28", 2); next[2] = configMap("flags", "off"); }}}) {
    commit();
    std::vector<const Json*> changedDesired;
    for (std::size_t i : edited) changedDesired.push_back(&next[i]);
    const Comparison full = compareApp(next, live, options);
    const auto partial = recompareChanged(kept, next, pointers(live), changedDesired, options);
    REQUIRE(partial.has_value());
    requireSameComparison(*partial, full);
    CHECK(partial->sync == SyncStatus::OutOfSync);
    kept = *partial;
  }

  // A live object that turned into a hook pairs differently: that needs a full comparison.
  w.cluster.patch("", "ConfigMap", "default", "flags", Json{{"metadata", {{"annotations", {{"argocd.argoproj.io/hook", "PreSync"}}}}}},
                  fake::PatchType::Merge);
  std::vector<Json> now = trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation);
  CHECK_FALSE(recompareChanged(kept, next, pointers(now), changedBetween(live, now), options).has_value());
}

TEST_CASE("compare: an in-sync verdict without diffs is a base for re-comparing what drifts", "[sync][compare]") {
  // What the app controller's fast path keeps when an app is in sync: every resource
  // Synced, with its health and no diff. A drift, then a commit, re-compare from it.
  test::ClusterWorld w;
  const std::vector<Json> desired = {test::deploymentManifest("web", "nginx:1.27", 2), configMap("settings", "1"), configMap("flags", "on")};
  for (const auto& o : desired) applyAsApp(w, o, "guestbook");
  w.runFor(std::chrono::minutes(1));
  CompareOptions options;
  std::vector<Json> live = trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation);
  const Comparison full = compareApp(desired, live, options);
  REQUIRE(full.sync == SyncStatus::Synced);
  Comparison verdict;
  verdict.sync = full.sync;
  verdict.health = full.health;
  for (const auto& r : full.resources) {
    ResourceStatus bare;
    bare.key = r.key;
    bare.apiVersion = r.apiVersion;
    bare.health = r.health;
    verdict.resources.push_back(std::move(bare));
  }
  auto pointers = [](const std::vector<Json>& objects) {
    std::vector<const Json*> out;
    for (const auto& o : objects) out.push_back(&o);
    return out;
  };
  // The same as compareApp wherever it shows: statuses, health, and the diff text of
  // what is out of sync (Synced resources' diffs are read by nobody).
  auto requireSameVerdicts = [](const Comparison& got, const Comparison& want) {
    CHECK(got.sync == want.sync);
    CHECK(got.health == want.health);
    REQUIRE(got.resources.size() == want.resources.size());
    for (std::size_t i = 0; i < got.resources.size(); ++i) {
      CHECK(got.resources[i].key == want.resources[i].key);
      CHECK(got.resources[i].status == want.resources[i].status);
      CHECK(got.resources[i].requiresPruning == want.resources[i].requiresPruning);
      CHECK(got.resources[i].health == want.resources[i].health);
    }
    CHECK(outOfSyncDiff(got) == outOfSyncDiff(want));
  };
  w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"data", {{"k", "drifted"}}}}, fake::PatchType::Merge);
  std::vector<Json> now = trackedObjects(w.cluster, "guestbook", TrackingMethod::Annotation);
  const auto drifted = recompareChanged(verdict, desired, pointers(now), changedBetween(live, now), options);
  REQUIRE(drifted.has_value());
  requireSameVerdicts(*drifted, compareApp(desired, now, options));
  CHECK(drifted->sync == SyncStatus::OutOfSync);

  std::vector<Json> next = desired;
  next[2] = configMap("flags", "off");
  const auto committed = recompareChanged(verdict, next, pointers(live), {&next[2]}, options);
  REQUIRE(committed.has_value());
  requireSameVerdicts(*committed, compareApp(next, live, options));
  CHECK(committed->sync == SyncStatus::OutOfSync);
}
