#include <catch2/catch.hpp>

#include "cluster_fixture.hpp"
#include "fakecluster/image_resolver.hpp"
#include "sim/core/yaml.hpp"
#include "sim/sync/app_controller.hpp"

using namespace gs;
using namespace gs::sync;
using namespace std::chrono_literals;

namespace {

std::string deployYaml(const std::string& image, int replicas) { return toYaml(test::deploymentManifest("web", image, replicas)); }

// A deployment repo, a fake cluster, and one application's controller wired together.
struct AppWorld {
  test::ClusterWorld w;
  git::Workspace workspace{w.clock};
  render::RenderCache renders;
  Rng rng{42};
  EventLog log;
  std::unique_ptr<LiveCache> live;  // optional: the shared watch-fed live state and its fast path
  std::unique_ptr<AppController> controller;

  explicit AppWorld(std::optional<AutomatedPolicy> automated, RetryPolicy retry = {},
                    std::function<void(Application&)> customize = {}, kube::ImageResolver* images = nullptr, bool liveCache = false) {
    if (liveCache) live = std::make_unique<LiveCache>(w.cluster, TrackingMethod::Annotation);
    if (images != nullptr) w.cluster.setImageResolver(images);
    workspace.createRepo("deploy", {{"apps/web/deploy.yaml", deployYaml("nginx:1.27", 2)},
                                    {"apps/web/settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: a}\n"}});
    Application app;
    app.name = "web";
    app.repo = "deploy";
    app.path = "apps/web";
    app.targetRevision = "main";
    app.automated = automated;
    app.retry = retry;
    app.retryGiven = retry.limit != 0;
    if (customize) customize(app);
    controller = std::make_unique<AppController>(AppController::Context{w.loop, w.cluster, workspace, renders, rng, &log, live.get()}, app);
    w.cluster.store().subscribe([this](const fake::WatchEvent& e) {
      if (e.object) controller->notifyLiveChange(*e.object);
    });
    controller->start();
  }

  std::string commit(const std::string& path, const std::string& content, const std::string& message) {
    git::CommitRequest r;
    r.changes.push_back({path, content});
    r.message = message;
    r.author.time = w.clock.unixSeconds();
    auto outcome = workspace.clone("dev", "deploy").commitAndPush(r);
    REQUIRE(outcome.remote.ok());
    return outcome.sha;
  }
  int count(const std::string& type) {
    int n = 0;
    for (const auto& e : log.events()) n += e.type == type ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("controller: auto-sync deploys the target revision and a pushed commit, via the webhook", "[sync][controller]") {
  AppWorld a(AutomatedPolicy{});
  a.w.runFor(1min);
  CHECK(a.controller->status().sync == SyncStatus::Synced);
  CHECK(a.controller->status().health.status == HealthStatus::Healthy);
  CHECK(a.controller->status().history.size() == 1);
  const std::string sha = a.commit("apps/web/deploy.yaml", deployYaml("nginx:1.28", 2), "bump nginx");
  a.w.runFor(1min);
  CHECK(a.controller->status().lastSyncedRevision == sha);
  CHECK(a.controller->status().sync == SyncStatus::Synced);
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28");
  CHECK(a.controller->status().history.size() == 2);
}

TEST_CASE("controller: without automated sync the app reports OutOfSync until someone syncs", "[sync][controller]") {
  AppWorld a(std::nullopt);
  a.w.runFor(1min);
  CHECK(a.controller->status().sync == SyncStatus::OutOfSync);
  CHECK(a.controller->status().health.status == HealthStatus::Missing);
  a.controller->sync();
  a.w.runFor(1min);
  CHECK(a.controller->status().sync == SyncStatus::Synced);
  CHECK(a.controller->status().health.status == HealthStatus::Healthy);
}

TEST_CASE("controller: self-heal reverts drift after its backoff, without it the drift stays", "[sync][controller]") {
  AppWorld heal(AutomatedPolicy{false, true, false});
  heal.w.runFor(1min);
  REQUIRE(heal.controller->status().sync == SyncStatus::Synced);
  heal.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 5}}}}, fake::PatchType::Merge);
  heal.w.runFor(1s);  // the live change is noticed, and healed at once (the operation's first heal)
  CHECK(heal.w.get("apps", "Deployment", "web")["spec"]["replicas"] == 2);
  heal.w.runFor(1min);
  CHECK(heal.controller->status().sync == SyncStatus::Synced);
  CHECK(heal.count("self-heal.scheduled") == 1);

  AppWorld noHeal(AutomatedPolicy{});
  noHeal.w.runFor(1min);
  noHeal.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 5}}}}, fake::PatchType::Merge);
  noHeal.w.runFor(10min);
  CHECK(noHeal.w.get("apps", "Deployment", "web")["spec"]["replicas"] == 5);
  CHECK(noHeal.controller->status().sync == SyncStatus::OutOfSync);
  CHECK(noHeal.count("auto-sync.skipped") >= 1);
}

TEST_CASE("controller: the live-cache fast path reports every drift, revert and deletion as a full comparison does", "[sync][controller]") {
  // Two objects (every change walks them all), and 34 (a change to one or two objects
  // re-checks only those).
  const int extra = GENERATE(0, 32);
  AppWorld a(AutomatedPolicy{}, {}, {}, nullptr, /*liveCache=*/true);
  a.w.runFor(1min);
  if (extra > 0) {
    std::string many;
    for (int i = 0; i < extra; ++i) many += "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra-" + std::to_string(i) + "}\ndata: {i: '" + std::to_string(i) + "'}\n---\n";
    a.commit("apps/web/extra.yaml", many, "more objects");
    a.w.runFor(1min);
  }
  REQUIRE(a.controller->status().sync == SyncStatus::Synced);
  REQUIRE(a.controller->comparison().resources.size() == static_cast<std::size_t>(2 + extra));
  auto fullComparison = [&] {
    const auto desired = a.renders.render(a.workspace.server("deploy"), a.controller->status().revision, "apps/web", {});
    return compareApp(*desired, trackedObjects(a.w.cluster, "web", TrackingMethod::Annotation), CompareOptions{});
  };
  auto refreshAndCompare = [&](SyncStatus expected) {
    a.controller->refresh("test");
    const Comparison full = fullComparison();
    CHECK(a.controller->status().sync == expected);
    CHECK(full.sync == expected);
    CHECK(a.controller->status().health.status == full.health.status);
    REQUIRE(a.controller->comparison().resources.size() == full.resources.size());
    for (std::size_t i = 0; i < full.resources.size(); ++i) {
      CHECK(a.controller->comparison().resources[i].key == full.resources[i].key);
      CHECK(a.controller->comparison().resources[i].status == full.resources[i].status);
    }
  };
  refreshAndCompare(SyncStatus::Synced);
  refreshAndCompare(SyncStatus::Synced);  // nothing changed: the kept verdicts
  // Drift on one object, then the same content written back (a new version, equal content).
  a.w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"data", {{"mode", "b"}}}}, fake::PatchType::Merge);
  refreshAndCompare(SyncStatus::OutOfSync);
  CHECK(a.controller->comparison().find(kube::ObjectKey{"", "ConfigMap", "default", "settings"})->status == SyncStatus::OutOfSync);
  a.w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"data", {{"mode", "a"}}}}, fake::PatchType::Merge);
  refreshAndCompare(SyncStatus::Synced);
  // A change the comparison ignores (an annotation nobody declared) keeps the app Synced.
  a.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"metadata", {{"annotations", {{"note", "x"}}}}}}, fake::PatchType::Merge);
  refreshAndCompare(SyncStatus::Synced);
  // A drift that makes a Deployment unhealthy, then its repair: health follows.
  a.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"template", {{"spec", {{"containers", Json::array({Json{{"name", "web"}, {"image", "nginx:broken"}}})}}}}}}}}, fake::PatchType::Strategic);
  refreshAndCompare(SyncStatus::OutOfSync);
  refreshAndCompare(SyncStatus::OutOfSync);  // nothing changed: the last full comparison is kept
  // While OutOfSync, another object drifts, and the rollout moves on: compared again.
  a.w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"data", {{"mode", "b"}}}}, fake::PatchType::Merge);
  a.w.runFor(5s);
  refreshAndCompare(SyncStatus::OutOfSync);
  CHECK(a.controller->comparison().find(kube::ObjectKey{"", "ConfigMap", "default", "settings"})->status == SyncStatus::OutOfSync);
  a.w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"data", {{"mode", "a"}}}}, fake::PatchType::Merge);
  refreshAndCompare(SyncStatus::OutOfSync);
  CHECK(a.controller->comparison().find(kube::ObjectKey{"", "ConfigMap", "default", "settings"})->status == SyncStatus::Synced);
  a.w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"metadata", {{"labels", {{"seen", "yes"}}}}}}, fake::PatchType::Merge);
  refreshAndCompare(SyncStatus::OutOfSync);
  // A deleted object is Missing; the app's health is its live resources' (Argo CD 3): the
  // Deployment rolling out to a broken image.
  a.w.cluster.remove("", "ConfigMap", "default", "settings");
  refreshAndCompare(SyncStatus::OutOfSync);
  CHECK(a.controller->comparison().find(kube::ObjectKey{"", "ConfigMap", "default", "settings"})->health->status == HealthStatus::Missing);
  CHECK(a.controller->status().health.status == HealthStatus::Progressing);
}

TEST_CASE("controller: a new render keeps the prepared state of unchanged objects and compares changed ones again", "[sync][controller]") {
  // Each commit below is compared before its sync, then after: against a full comparison
  // every time. Objects come before the others (shifting every position), change, and
  // change back to what an older render had.
  // Without automated sync, so that a refresh compares and nothing else.
  AppWorld a(std::nullopt, {}, {}, nullptr, /*liveCache=*/true);
  auto syncNow = [&] {
    a.controller->sync(std::nullopt, "test");
    a.w.runFor(1min);
  };
  syncNow();
  REQUIRE(a.controller->status().sync == SyncStatus::Synced);
  auto refreshAndCompare = [&](SyncStatus expected, std::size_t resources) {
    a.controller->refresh("test");
    const auto desired = a.renders.render(a.workspace.server("deploy"), a.controller->status().revision, "apps/web", {});
    const Comparison full = compareApp(*desired, trackedObjects(a.w.cluster, "web", TrackingMethod::Annotation), CompareOptions{});
    CHECK(a.controller->status().sync == expected);
    CHECK(full.sync == expected);
    CHECK(a.controller->status().health.status == full.health.status);
    REQUIRE(full.resources.size() == resources);
    REQUIRE(a.controller->comparison().resources.size() == full.resources.size());
    for (std::size_t i = 0; i < full.resources.size(); ++i) {
      INFO(full.resources[i].key.str());
      CHECK(a.controller->comparison().resources[i].key == full.resources[i].key);
      CHECK(a.controller->comparison().resources[i].status == full.resources[i].status);
      CHECK(a.controller->comparison().resources[i].requiresPruning == full.resources[i].requiresPruning);
    }
  };
  const kube::ObjectKey settings{"", "ConfigMap", "default", "settings"};
  const std::string settingsA = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: a}\n";
  const std::string settingsB = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: b}\n";
  a.commit("apps/web/settings.yaml", settingsB, "mode b");
  refreshAndCompare(SyncStatus::OutOfSync, 2);
  CHECK(a.controller->comparison().find(settings)->status == SyncStatus::OutOfSync);
  syncNow();
  refreshAndCompare(SyncStatus::Synced, 2);
  a.commit("apps/web/0-first.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aaa}\ndata: {count: '1'}\n", "one more, first");
  refreshAndCompare(SyncStatus::OutOfSync, 3);
  CHECK(a.controller->comparison().find(kube::ObjectKey{"", "ConfigMap", "default", "aaa"})->status == SyncStatus::OutOfSync);
  CHECK(a.controller->comparison().find(settings)->status == SyncStatus::Synced);
  syncNow();
  refreshAndCompare(SyncStatus::Synced, 3);
  // Back to the first render's settings: not the previous render's, so compared again.
  a.commit("apps/web/settings.yaml", settingsA, "mode a again");
  refreshAndCompare(SyncStatus::OutOfSync, 3);
  CHECK(a.controller->comparison().find(settings)->status == SyncStatus::OutOfSync);
  syncNow();
  refreshAndCompare(SyncStatus::Synced, 3);
  // Drift under an unchanged desired object, then a render that changes another one.
  a.w.cluster.patch("", "ConfigMap", "default", "aaa", Json{{"data", {{"count", "2"}}}}, fake::PatchType::Merge);
  a.commit("apps/web/settings.yaml", settingsB, "mode b again");
  refreshAndCompare(SyncStatus::OutOfSync, 3);
  CHECK(a.controller->comparison().find(kube::ObjectKey{"", "ConfigMap", "default", "aaa"})->status == SyncStatus::OutOfSync);
  syncNow();
  refreshAndCompare(SyncStatus::Synced, 3);
  // An object gone from Git: extra until pruned (a sync without prune keeps it).
  a.commit("apps/web/0-first.yaml", "", "drop aaa");
  refreshAndCompare(SyncStatus::OutOfSync, 3);
  CHECK(a.controller->comparison().find(kube::ObjectKey{"", "ConfigMap", "default", "aaa"})->requiresPruning);
}

TEST_CASE("controller: a full comparison taking the slots' preparations shows the diffs a fresh one does", "[sync][controller]") {
  // After a walk that stopped at the first out-of-sync object, the comparison reuses what
  // the slots prepared, but only for the very objects they were prepared from: drift,
  // deletion and a new render must each show exactly the diff compareApp finds alone.
  AppWorld a(std::nullopt, {}, {}, nullptr, /*liveCache=*/true);
  a.controller->sync(std::nullopt, "test");
  a.w.runFor(1min);
  REQUIRE(a.controller->status().sync == SyncStatus::Synced);
  auto sameAsFresh = [&](std::size_t outOfSync) {
    a.controller->refresh("test");
    const auto desired = a.renders.render(a.workspace.server("deploy"), a.controller->status().revision, "apps/web", {});
    const Comparison fresh = compareApp(*desired, trackedObjects(a.w.cluster, "web", TrackingMethod::Annotation), CompareOptions{});
    std::size_t count = 0;
    for (const auto& r : fresh.resources) count += r.status == SyncStatus::OutOfSync ? 1 : 0;
    CHECK(count == outOfSync);
    CHECK(a.controller->status().sync == fresh.sync);
    CHECK(outOfSyncDiff(a.controller->comparison()) == outOfSyncDiff(fresh));
  };
  // Drift on the first object (the walk stops there) and on a later one.
  a.w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"data", {{"mode", "drifted"}}}}, fake::PatchType::Merge);
  sameAsFresh(1);
  a.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 5}}}}, fake::PatchType::Merge);
  sameAsFresh(2);
  // A new render: one object changed, one added (to create), the drift still there.
  a.commit("apps/web/deploy.yaml", deployYaml("nginx:1.28", 3), "v1.28");
  a.commit("apps/web/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {k: v}\n", "extra");
  sameAsFresh(3);
  // A live object deleted behind the controller's back: its slot's live side is gone.
  a.w.cluster.remove("", "ConfigMap", "default", "settings");
  a.w.runFor(1s);
  sameAsFresh(3);
}

TEST_CASE("controller: rollback syncs a history entry and turns automated sync off", "[sync][controller]") {
  AppWorld a(AutomatedPolicy{});
  a.w.runFor(1min);
  const int first = a.controller->status().history.front().id;
  a.commit("apps/web/deploy.yaml", deployYaml("nginx:1.28", 2), "bump nginx");
  a.w.runFor(1min);
  REQUIRE(a.controller->status().history.size() == 2);
  a.controller->rollback(first);
  a.w.runFor(1min);
  CHECK_FALSE(a.controller->app().automated.has_value());
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27");
  // Git still says 1.28: the app is OutOfSync, and nothing syncs it back.
  CHECK(a.controller->status().sync == SyncStatus::OutOfSync);
  a.w.runFor(10min);
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27");
  CHECK_THROWS_WITH(a.controller->rollback(99), Catch::Contains("no history entry 99"));
}

TEST_CASE("controller: self-heal backs off through a drift fight as Argo CD 3 does, and a new revision starts over", "[sync][controller]") {
  AppWorld a(AutomatedPolicy{false, true, false});
  a.w.runFor(1min);
  // The waits each heal announced, in order.
  const auto waits = [&] {
    std::vector<Duration> out;
    for (const auto& e : a.log.events()) {
      if (e.type == "self-heal.scheduled") out.push_back(parseDuration(e.details.value("after", "")));
    }
    return out;
  };
  const auto drift = [&](int replicas) {
    a.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", replicas}}}}, fake::PatchType::Merge);
    a.w.runFor(1s);  // noticed
  };
  drift(5);
  REQUIRE(waits() == std::vector<Duration>{Duration::zero()});  // the first heal: at once
  // Each heal carries the count on: the next waits 2 s from the end of the last sync, the
  // one after 6 s, always less the time since that sync ended.
  drift(6);
  REQUIRE(waits().size() == 2);
  CHECK(waits()[1] > Duration::zero());
  CHECK(waits()[1] <= std::chrono::seconds(2));
  a.w.runFor(3s);
  REQUIRE(a.w.get("apps", "Deployment", "web")["spec"]["replicas"] == 2);
  drift(7);
  REQUIRE(waits().size() == 3);
  CHECK(waits()[2] > std::chrono::seconds(2));
  CHECK(waits()[2] <= std::chrono::seconds(6));
  // Long after the last heal the backoff has passed: at once again, count or not.
  a.w.runFor(10min);
  drift(8);
  REQUIRE(waits().size() == 4);
  CHECK(waits()[3] == Duration::zero());
  a.w.runFor(1s);
  drift(9);
  CHECK(waits().back() > std::chrono::seconds(6));  // the fifth heal: 18 s from the end of the fourth
  a.w.runFor(1min);
  // A new revision's automated sync starts the count over.
  a.commit("apps/web/deploy.yaml", deployYaml("nginx:1.28", 2), "bump nginx");
  a.w.runFor(1min);
  drift(10);
  a.w.runFor(1s);
  drift(11);
  CHECK(waits().back() <= std::chrono::seconds(2));
  CHECK(a.controller->selfHealWait() <= std::chrono::seconds(6));
}

TEST_CASE("controller: an object a directory holds twice is kept once, its last copy, with Argo CD's warning", "[sync][controller]") {
  AppWorld a(AutomatedPolicy{});
  a.w.runFor(1min);
  a.commit("apps/web/z-copy.yaml", deployYaml("nginx:1.27", 3), "the same Deployment again, scaled");
  a.w.runFor(1min);
  CHECK(a.controller->status().sync == SyncStatus::Synced);
  CHECK(a.controller->status().error.empty());
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["replicas"] == 3);  // the later file's copy
  bool warned = false;
  for (const auto& e : a.log.events()) {
    if (e.type == "app.warning") {
      warned = true;
      CHECK(e.details["message"] == "Resource apps/Deployment/default/web appeared 2 times among application resources.");
    }
  }
  CHECK(warned);
}

TEST_CASE("controller: through a Git outage drift is still seen and self-healed from the last revision's cached render", "[sync][controller]") {
  AppWorld a(AutomatedPolicy{false, true, false});
  a.w.runFor(1min);
  a.workspace.setUnavailable("deploy", a.w.clock.now() + 10min, "git down");
  a.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 5}}}}, fake::PatchType::Merge);
  a.w.runFor(5s);
  // The live change compares with the revision already resolved (a full SHA: no
  // ls-remote) and its cached manifests: healed, the outage notwithstanding.
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["replicas"] == 2);
  const auto failedFor = [&](const std::string& reason) {
    int n = 0;
    for (const auto& e : a.log.events()) n += e.type == "refresh.failed" && e.details.value("reason", "") == reason ? 1 : 0;
    return n;
  };
  CHECK(failedFor("live-change") == 0);
  // The refresh after the sync resolves the target revision again (CompareWithLatest...),
  // and so does a poll: both need the remote, and fail.
  CHECK(failedFor("after-sync") == 1);
  a.w.runFor(4min);
  CHECK(failedFor("poll") >= 1);
}

TEST_CASE("controller: an object another app's tracking claims raises Argo CD's SharedResourceWarning, once", "[sync][controller]") {
  AppWorld a(std::nullopt);  // no automated sync: the object stays the other app's
  a.w.cluster.create(Json{{"apiVersion", "v1"},
                          {"kind", "ConfigMap"},
                          {"metadata", {{"name", "settings"}, {"namespace", "default"}, {"annotations", {{kTrackingAnnotation, "other:/ConfigMap:default/settings"}}}}},
                          {"data", {{"mode", "a"}}}});
  a.controller->refresh();
  a.w.runFor(10min);
  a.controller->refresh();
  int warnings = 0;
  for (const auto& e : a.log.events()) {
    if (e.type != "app.warning") continue;
    ++warnings;
    CHECK(e.details["type"] == "SharedResourceWarning");
    CHECK(e.details["message"] == "ConfigMap/settings is part of applications argocd/web and other");
  }
  CHECK(warnings == 1);
}

TEST_CASE("controller: a self-heal pending when a rollback turns automated sync off does not undo the rollback", "[sync][controller]") {
  AppWorld a(AutomatedPolicy{false, true, false});
  a.w.runFor(1min);
  const int first = a.controller->status().history.front().id;
  a.commit("apps/web/deploy.yaml", deployYaml("nginx:1.28", 2), "bump nginx");
  a.w.runFor(1min);
  REQUIRE(a.controller->status().history.size() == 2);
  a.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 5}}}}, fake::PatchType::Merge);
  a.w.runFor(1s);  // drift noticed: the operation's first self-heal is at once
  REQUIRE(a.count("self-heal.scheduled") == 1);
  REQUIRE(a.count("sync.requested") == 3);
  a.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 6}}}}, fake::PatchType::Merge);
  a.w.runFor(1s);  // drift again: this heal waits out 2 s from the end of the last one
  REQUIRE(a.count("self-heal.scheduled") == 2);
  REQUIRE(a.count("sync.requested") == 3);
  a.controller->rollback(first);
  a.w.runFor(1min);
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27");
  CHECK(a.count("sync.requested") == 4);  // the first sync, the bump, the heal, the rollback: no self-heal after it
}

TEST_CASE("controller: a failed sync is retried with backoff, Git outages fail the refresh", "[sync][controller]") {
  RetryPolicy retry;
  retry.limit = 2;
  AppWorld a(AutomatedPolicy{}, retry);
  a.w.runFor(1min);
  // An invalid manifest: the API server refuses it, every attempt.
  a.commit("apps/web/bad.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec: {}\n", "broken manifest");
  a.w.runFor(3s);
  // While retries last the operation is Running and says when it tries again (Argo CD's
  // words, Go's time.Kitchen); a sync asked for meanwhile is refused.
  REQUIRE(a.count("sync.retry") == 1);
  CHECK(a.controller->status().operation->phase == OperationPhase::Running);
  CHECK_THAT(a.controller->status().operation->message, Catch::EndsWith(". Retrying attempt #1 at 12:01AM."));
  a.controller->sync();
  CHECK(a.count("sync.refused") == 1);
  a.w.runFor(1min);
  CHECK(a.count("sync.retry") == 2);
  CHECK(a.controller->status().operation->phase == OperationPhase::Failed);
  CHECK_THAT(a.controller->status().operation->message, Catch::EndsWith(" (retried 2 times)."));
  CHECK_THAT(a.controller->status().operation->message, !Catch::Contains("Retrying"));
  CHECK(RetryPolicy{}.backoff(1) == 5s);
  CHECK(RetryPolicy{}.backoff(3) == 20s);
  CHECK(RetryPolicy{}.backoff(20) == 3min);

  a.workspace.setUnavailable("deploy", a.w.clock.now() + 10min, "git down");
  a.controller->refresh();
  CHECK_THAT(a.controller->status().error, Catch::Contains("git down"));

  // Without a retry policy an automated sync still retries, 5 times (Argo CD's default);
  // then, selfHeal or not, the failed revision is not synced again automatically.
  AutomatedPolicy heal;
  heal.selfHeal = true;
  AppWorld b(heal);
  b.w.runFor(1min);
  b.commit("apps/web/bad.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec: {}\n", "broken manifest");
  b.w.runFor(30min);
  CHECK(b.count("sync.retry") == 5);
  CHECK(b.controller->status().operation->phase == OperationPhase::Failed);
  CHECK(b.count("sync.requested") == 1 + 1 + 5);  // the first sync, the bad revision's, its retries
  CHECK(b.count("auto-sync.skipped") > 0);
  CHECK(b.controller->status().history.size() == 1);  // failed syncs are not recorded
}

namespace {

// Every image exists except tags ending in "-broken".
class BrokenTags final : public kube::ImageResolver {
 public:
  kube::ImagePull pull(const kube::ImageReference& image) override {
    if (image.tag.size() > 7 && image.tag.compare(image.tag.size() - 7, 7, "-broken") == 0) {
      kube::ImagePull r;
      r.error = kube::imageNotFoundMessage(image);
      return r;
    }
    return fake::PermissiveImageResolver().pull(image);
  }
};

std::string deployWithDeadline(const std::string& image) {
  Json d = test::deploymentManifest("web", image, 2);
  d["spec"]["progressDeadlineSeconds"] = 60;
  return toYaml(d);
}

}  // namespace

TEST_CASE("controller: failed-deploy policy previous-sync re-syncs the last healthy revision", "[sync][controller][rollback]") {
  BrokenTags images;
  AppWorld a(AutomatedPolicy{false, true, false}, {},
             [](Application& app) {
               app.rollback = RollbackPolicy::PreviousSync;
               app.degradedGracePeriod = 30s;
             },
             &images);
  a.commit("apps/web/deploy.yaml", deployWithDeadline("nginx:1.27"), "deadline 60s");
  a.w.runFor(2min);
  REQUIRE(a.controller->status().health.status == HealthStatus::Healthy);
  const std::string good = a.controller->status().lastSyncedRevision;
  REQUIRE(a.controller->status().history.back().healthy);
  const std::string bad = a.commit("apps/web/deploy.yaml", deployWithDeadline("nginx:1.28-broken"), "broken image");
  a.w.runFor(5min);  // 60 s progress deadline, 30 s grace, then the rollback
  CHECK(a.count("rollback") == 1);
  CHECK(a.controller->status().lastSyncedRevision == good);
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27");
  CHECK(a.controller->status().health.status == HealthStatus::Healthy);
  CHECK(a.controller->status().sync == SyncStatus::OutOfSync);  // Git still says the broken image
  a.w.runFor(10min);  // self-heal does not put the broken revision back
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27");
  // A fix in Git is deployed normally.
  a.commit("apps/web/deploy.yaml", deployWithDeadline("nginx:1.29"), "fixed image");
  a.w.runFor(2min);
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.29");
  CHECK(a.controller->status().sync == SyncStatus::Synced);
  (void)bad;
}

TEST_CASE("controller: failed-deploy policy git-revert commits a revert and converges through Git", "[sync][controller][rollback]") {
  BrokenTags images;
  AppWorld a(AutomatedPolicy{}, {},
             [](Application& app) {
               app.rollback = RollbackPolicy::GitRevert;
               app.degradedGracePeriod = 30s;
             },
             &images);
  a.commit("apps/web/deploy.yaml", deployWithDeadline("nginx:1.27"), "deadline 60s");
  a.w.runFor(2min);
  REQUIRE(a.controller->status().health.status == HealthStatus::Healthy);
  const std::string bad = a.commit("apps/web/deploy.yaml", deployWithDeadline("nginx:1.28-broken"), "broken image");
  a.w.runFor(5min);
  CHECK(a.count("rollback") == 1);
  auto head = a.workspace.server("deploy").commitInfo("main");
  CHECK(head.authorName == "gitops-sim-rollback");
  CHECK(head.message == "Revert \"broken image\"\n\nThis reverts commit " + bad + ".\n");
  CHECK(a.workspace.server("deploy").isAncestor(bad, "main"));  // history kept
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27");
  CHECK(a.controller->status().lastSyncedRevision == head.sha);
  CHECK(a.controller->status().sync == SyncStatus::Synced);
  CHECK(a.controller->status().health.status == HealthStatus::Healthy);
}

TEST_CASE("controller: a restart mid-sync resumes the operation from the Application record without running a hook twice", "[sync][controller][restart]") {
  AppWorld a(AutomatedPolicy{});
  a.w.runFor(1min);
  REQUIRE(a.controller->status().sync == SyncStatus::Synced);
  a.commit("apps/web/migrate.yaml",
           "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    argocd.argoproj.io/hook: PreSync\nspec:\n"
           "  backoffLimit: 0\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: run\n        image: busybox\n",
           "add a migration hook");
  a.commit("apps/web/deploy.yaml", deployYaml("nginx:1.28", 2), "bump nginx");
  a.w.runFor(3s);  // the sync is waiting for the migration Job (5 s)
  AppRecord record = a.controller->record();
  REQUIRE(record.status.operation.has_value());
  REQUIRE(record.status.operation->phase == OperationPhase::Running);
  const std::string uid = a.w.get("batch", "Job", "migrate")["metadata"]["uid"];

  // The controller dies; a new one takes over from the Application record.
  a.controller.reset();
  a.controller = std::make_unique<AppController>(AppController::Context{a.w.loop, a.w.cluster, a.workspace, a.renders, a.rng, &a.log}, record);
  a.controller->start();
  a.w.runFor(2min);
  CHECK(a.count("sync.resumed") == 1);
  CHECK(a.w.get("batch", "Job", "migrate")["metadata"]["uid"] == uid);  // not created again
  CHECK(a.controller->status().operation->phase == OperationPhase::Succeeded);
  CHECK(a.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28");
  CHECK(a.controller->status().sync == SyncStatus::Synced);
  std::size_t migrations = 0;
  for (const auto& r : a.controller->status().operation->resources) migrations += r.key.name == "migrate" ? 1 : 0;
  CHECK(migrations == 1);
}
