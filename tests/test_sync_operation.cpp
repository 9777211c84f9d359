#include <catch2/catch.hpp>

#include <map>

#include "cluster_fixture.hpp"
#include "sim/sync/apply.hpp"
#include "sim/sync/sync_operation.hpp"

using namespace gs;
using namespace gs::sync;
using namespace std::chrono_literals;

namespace {

Json withWave(Json o, int wave) {
  o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = std::to_string(wave);
  return o;
}

Json configMap(const std::string& name) {
  return Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", {{"k", "v"}}}};
}

Json service(const std::string& name) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata", {{"name", name}}},
              {"spec", {{"selector", {{"app", name}}}, {"ports", Json::array({Json{{"port", 80}}})}}}};
}

struct SyncWorld {
  test::ClusterWorld w;
  EventLog log;

  // Compares, syncs, runs the loop until the operation ends; returns its state.
  OperationState sync(const std::vector<Json>& desired, SyncOptions options = {}) {
    CompareOptions compare;
    auto comparison = compareApp(desired, trackedObjects(w.cluster, "app", options.tracking), compare);
    SyncOperation op({w.loop, w.cluster, &log}, "app", "default", desired, comparison, "abc123", options);
    op.start();
    for (int i = 0; i < 100000 && op.running(); ++i) w.loop.step();
    return op.state();
  }
  Comparison compare(const std::vector<Json>& desired) {
    return compareApp(desired, trackedObjects(w.cluster, "app", TrackingMethod::Annotation), CompareOptions{});
  }
  std::vector<std::pair<double, std::string>> applies() {
    std::vector<std::pair<double, std::string>> out;
    for (const auto& e : log.events()) {
      if (e.type == "sync.wave") out.emplace_back(e.at.sinceStart.count() / 1000.0, e.details.dump());
    }
    return out;
  }
};

}  // namespace

TEST_CASE("sync: waves apply in order, each after the previous one is healthy and the 2 s delay", "[sync][operation]") {
  SyncWorld s;
  const std::vector<Json> desired = {withWave(service("web"), 1), test::deploymentManifest("web", "nginx:1.27", 2), withWave(configMap("settings"), -1)};
  auto state = s.sync(desired);
  REQUIRE(state.phase == OperationPhase::Succeeded);
  REQUIRE(state.resources.size() == 3);
  CHECK(state.resources[0].key.kind == "ConfigMap");
  CHECK(state.resources[0].wave == -1);
  CHECK(state.resources[1].key.kind == "Deployment");
  CHECK(state.resources[2].key.kind == "Service");
  auto waves = s.applies();
  REQUIRE(waves.size() == 3);
  CHECK(waves[0].first == 0.0);
  CHECK(waves[1].first == 2.0);  // the ConfigMap has no health to wait for: just the delay
  CHECK(waves[2].first > 4.0);   // the Deployment had to become available first
  // Applied objects carry the tracking id and the last-applied configuration.
  Json web = s.w.get("apps", "Deployment", "web");
  CHECK(web["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"] == "app:apps/Deployment:default/web");
  CHECK(web["metadata"]["annotations"].contains(kLastAppliedAnnotation));
  s.w.runFor(1min);
  auto after = s.compare(desired);
  CHECK(after.sync == SyncStatus::Synced);
  CHECK(after.health.status == HealthStatus::Healthy);
}

TEST_CASE("sync: within a wave, kinds go in dependency order", "[sync][operation]") {
  SyncWorld s;
  Json ns{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}};
  Json sa{{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "runner"}}}};
  auto state = s.sync({test::deploymentManifest("a", "nginx", 1), service("b"), sa, configMap("c"), ns});
  REQUIRE(state.phase == OperationPhase::Succeeded);
  std::vector<std::string> kinds;
  for (const auto& r : state.resources) kinds.push_back(r.key.kind);
  CHECK(kinds == std::vector<std::string>{"Namespace", "ServiceAccount", "ConfigMap", "Service", "Deployment"});
}

TEST_CASE("sync: a second sync of a synced app writes nothing", "[sync][operation]") {
  SyncWorld s;
  const std::vector<Json> desired = {test::deploymentManifest("web", "nginx:1.27", 2), configMap("settings")};
  const auto first = s.sync(desired);
  REQUIRE(first.phase == OperationPhase::Succeeded);
  CHECK(first.message == "successfully synced (all tasks run)");  // the one wave applied, nothing awaited
  s.w.runFor(1min);
  const auto writesBefore = s.w.cluster.store().writes();
  const Json webBefore = s.w.get("apps", "Deployment", "web");
  REQUIRE(s.sync(desired).phase == OperationPhase::Succeeded);
  CHECK(s.w.cluster.store().writes() == writesBefore);
  CHECK(s.w.get("apps", "Deployment", "web")["metadata"]["resourceVersion"] == webBefore["metadata"]["resourceVersion"]);
}

TEST_CASE("sync: a manifest copied from a cluster, resourceVersion and all, is created as kubectl apply creates it", "[sync][apply]") {
  SyncWorld s;
  Json cm = configMap("settings");
  cm["metadata"]["resourceVersion"] = "4711";  // the API server refuses a create that carries one; kubectl drops it first
  REQUIRE(s.sync({cm}).phase == OperationPhase::Succeeded);
  const Json live = s.w.get("", "ConfigMap", "settings");
  CHECK(live["data"] == Json{{"k", "v"}});
  CHECK(live["metadata"]["resourceVersion"] != "4711");
}

TEST_CASE("sync: client-side apply removes what Git dropped and keeps what others set", "[sync][apply]") {
  SyncWorld s;
  Json cm = configMap("settings");
  cm["metadata"]["labels"] = {{"team", "a"}, {"tier", "web"}};
  cm["data"]["old"] = "1";
  REQUIRE(s.sync({cm}).phase == OperationPhase::Succeeded);
  // Another actor adds an annotation; Git drops a label and a key.
  s.w.cluster.patch("", "ConfigMap", "default", "settings", Json{{"metadata", {{"annotations", {{"owner", "ops"}}}}}}, fake::PatchType::Merge);
  cm["metadata"]["labels"].erase("tier");
  cm["data"].erase("old");
  REQUIRE(s.sync({cm}).phase == OperationPhase::Succeeded);
  Json live = s.w.get("", "ConfigMap", "settings");
  CHECK(live["metadata"]["labels"] == Json{{"team", "a"}});
  CHECK(live["data"] == Json{{"k", "v"}});
  CHECK(live["metadata"]["annotations"]["owner"] == "ops");
  // A container Git removed goes; the one it kept stays.
  Json d = test::deploymentManifest("web", "nginx:1.27", 1);
  d["spec"]["template"]["spec"]["containers"].push_back(Json{{"name", "sidecar"}, {"image", "busybox"}});
  REQUIRE(s.sync({d}).phase == OperationPhase::Succeeded);
  REQUIRE(s.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"].size() == 2);
  REQUIRE(s.sync({test::deploymentManifest("web", "nginx:1.27", 1)}).phase == OperationPhase::Succeeded);
  auto containers = s.w.get("apps", "Deployment", "web")["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 1);
  CHECK(containers[0]["name"] == "web");
}

TEST_CASE("client-side apply: the three-way patch, and reapplying what was applied last", "[sync][apply]") {
  Json desired = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web","tier":"a"}},
    "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"web:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
    {"name":"side","image":"side:1"}]}}}})");
  const Json first = clientSideApplied(Json(), desired);
  const std::string lastApplied = first["metadata"]["annotations"][kLastAppliedAnnotation];
  Json withoutAnnotation = first;
  withoutAnnotation["metadata"].erase("annotations");
  CHECK(Json::parse(lastApplied) == withoutAnnotation);
  // Live drifted: a field Git sets changed, a field nobody applied was added.
  Json live = first;
  live["spec"]["replicas"] = 5;
  live["metadata"]["labels"]["added"] = "by-hand";
  live["spec"]["template"]["spec"]["containers"][0]["env"].push_back(Json{{"name", "C"}, {"value", "3"}});
  const Json healed = clientSideApplied(live, desired);
  CHECK(healed["spec"]["replicas"] == 2);
  CHECK(healed["metadata"]["labels"]["added"] == "by-hand");
  CHECK(healed["spec"]["template"]["spec"]["containers"][0]["env"].size() == 3);
  CHECK(healed["metadata"]["annotations"][kLastAppliedAnnotation] == lastApplied);
  // Git drops a label, an env var and a container: each goes, what others set stays.
  Json next = desired;
  next["metadata"]["labels"].erase("tier");
  next["spec"]["template"]["spec"]["containers"][0]["env"].erase(1);
  next["spec"]["template"]["spec"]["containers"].erase(1);
  const Json moved = clientSideApplied(live, next);
  CHECK(moved["metadata"]["labels"] == Json{{"app", "web"}, {"added", "by-hand"}});
  CHECK(moved["spec"]["template"]["spec"]["containers"].size() == 1);
  CHECK(moved["spec"]["template"]["spec"]["containers"][0]["env"] == Json::parse(R"([{"name":"A","value":"1"},{"name":"C","value":"3"}])"));
  // Git reorders env: apply puts live in Git's order, the entry only live has (C) where it stood.
  Json swapped = desired;
  std::swap(swapped["spec"]["template"]["spec"]["containers"][0]["env"][0], swapped["spec"]["template"]["spec"]["containers"][0]["env"][1]);
  const Json reordered = clientSideApplied(live, swapped);
  CHECK(reordered["spec"]["template"]["spec"]["containers"][0]["env"] ==
        Json::parse(R"([{"name":"B","value":"2"},{"name":"A","value":"1"},{"name":"C","value":"3"}])"));
  // The same last-applied content written differently (no shortcut, parsed) gives the
  // same result as the compact text the engine writes, even with a duplicated merge key.
  for (const Json& target : {desired, next}) {
    Json duplicated = target;
    duplicated["spec"]["template"]["spec"]["containers"][0]["env"].push_back(
        Json{{"name", "A"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}});
    Json compact = live;
    compact["metadata"]["annotations"][kLastAppliedAnnotation] = clientSideApplied(Json(), duplicated)["metadata"]["annotations"][kLastAppliedAnnotation];
    Json pretty = compact;
    pretty["metadata"]["annotations"][kLastAppliedAnnotation] = Json::parse(compact["metadata"]["annotations"][kLastAppliedAnnotation].get<std::string>()).dump(2);
    CHECK(clientSideApplied(compact, duplicated) == clientSideApplied(pretty, duplicated));
  }
}

TEST_CASE("sync: prune removes what Git dropped (reverse waves, or last), without prune it is skipped", "[sync][operation]") {
  SyncWorld s;
  REQUIRE(s.sync({withWave(configMap("early"), -1), withWave(configMap("late"), 1), configMap("kept")}).phase == OperationPhase::Succeeded);
  // Git drops both; prune is off: they stay and are reported.
  auto skipped = s.sync({configMap("kept")});
  REQUIRE(skipped.phase == OperationPhase::Succeeded);
  int pruneSkipped = 0;
  for (const auto& r : skipped.resources) pruneSkipped += r.status == "PruneSkipped" ? 1 : 0;
  CHECK(pruneSkipped == 2);
  CHECK(s.compare({configMap("kept")}).sync == SyncStatus::OutOfSync);
  // With prune: the wave-1 object goes first (reverse order of creation).
  SyncOptions prune;
  prune.prune = true;
  auto pruned = s.sync({configMap("kept")}, prune);
  REQUIRE(pruned.phase == OperationPhase::Succeeded);
  std::vector<std::string> order;
  for (const auto& r : pruned.resources) {
    if (r.status == "Pruned") order.push_back(r.key.name);
  }
  CHECK(order == std::vector<std::string>{"late", "early"});
  CHECK(s.compare({configMap("kept")}).sync == SyncStatus::Synced);

  // PruneLast: after every apply wave.
  REQUIRE(s.sync({withWave(configMap("old"), -5), configMap("kept")}).phase == OperationPhase::Succeeded);
  prune.pruneLast = true;
  auto last = s.sync({withWave(configMap("new"), 3), configMap("kept")}, prune);
  REQUIRE(last.phase == OperationPhase::Succeeded);
  CHECK(last.resources.back().key.name == "old");
  CHECK(last.resources.back().status == "Pruned");
  CHECK(last.resources.back().wave == 4);

  // Per-object sync-options on the live object: PruneLast=true and Prune=false.
  auto withOptions = [](Json o, const char* options) {
    o["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] = options;
    return o;
  };
  REQUIRE(s.sync({withOptions(withWave(configMap("one-last"), -5), "PruneLast=true"), withOptions(configMap("never"), "Prune=false"),
                  withWave(configMap("new"), 3), configMap("kept")})
              .phase == OperationPhase::Succeeded);
  prune.pruneLast = false;
  auto own = s.sync({withWave(configMap("new"), 3), configMap("kept")}, prune);
  REQUIRE(own.phase == OperationPhase::Succeeded);
  CHECK(own.resources.back().key.name == "one-last");
  CHECK(own.resources.back().wave == 4);
  for (const auto& r : own.resources) {
    if (r.key.name == "never") CHECK(r.message == "ignored (no prune)");
  }
  CHECK(s.w.get("", "ConfigMap", "never")["data"].is_object());  // still there

  // The last wave counts the prunes, as they stand after the swap: a PruneLast object goes
  // after a pruned object whose wave is later than every applied one (waves 0 "never",
  // 1, 3 "new" and 5 "far" swap to 5, 3, 1 and 0; 5 + 1 for the PruneLast one).
  REQUIRE(s.sync({withOptions(withWave(configMap("last-one"), 1), "PruneLast=true"), withWave(configMap("far"), 5), configMap("kept")})
              .phase == OperationPhase::Succeeded);
  auto after = s.sync({configMap("kept")}, prune);
  REQUIRE(after.phase == OperationPhase::Succeeded);
  std::vector<std::pair<std::string, int>> prunedWaves;
  for (const auto& r : after.resources) {
    if (r.status == "Pruned") prunedWaves.emplace_back(r.key.name, r.wave);
  }
  CHECK(prunedWaves == std::vector<std::pair<std::string, int>>{{"far", 0}, {"new", 1}, {"last-one", 6}});
}

TEST_CASE("sync: the next wave waits until what the last one pruned is gone", "[sync][operation]") {
  SyncWorld s;
  Json held = configMap("held");
  held["metadata"]["finalizers"] = Json::array({"example.com/hold"});
  REQUIRE(s.sync({held, withWave(configMap("after"), 1)}).phase == OperationPhase::Succeeded);
  // Git drops the held ConfigMap (wave 0) and changes the wave 1 one.
  Json after = withWave(configMap("after"), 1);
  after["data"]["k"] = "v2";
  SyncOptions prune;
  prune.prune = true;
  CompareOptions compare;
  auto comparison = compareApp({after}, trackedObjects(s.w.cluster, "app", prune.tracking), compare);
  SyncOperation op({s.w.loop, s.w.cluster, &s.log}, "app", "default", {after}, comparison, "abc123", prune);
  op.start();
  s.w.runFor(30s);
  // Still terminating (its finalizer holds it): wave 1 has not been applied.
  CHECK(op.running());
  CHECK(s.w.get("", "ConfigMap", "after")["data"]["k"] == "v");
  Json release = s.w.get("", "ConfigMap", "held");
  release["metadata"].erase("finalizers");
  s.w.cluster.update(release);
  for (int i = 0; i < 1000 && op.running(); ++i) s.w.loop.step();
  CHECK(op.state().phase == OperationPhase::Succeeded);
  CHECK(s.w.get("", "ConfigMap", "after")["data"]["k"] == "v2");
}

TEST_CASE("sync: an empty desired set is synced as any other: with prune it removes every resource", "[sync][operation]") {
  // Only automated sync refuses to wipe an app out (allowEmpty, the app controller's guard);
  // a sync someone asks for does what it is told, as in Argo CD.
  SyncWorld s;
  REQUIRE(s.sync({configMap("a")}).phase == OperationPhase::Succeeded);
  auto kept = s.sync({});
  CHECK(kept.phase == OperationPhase::Succeeded);
  CHECK_NOTHROW(s.w.get("", "ConfigMap", "a"));  // without prune: PruneSkipped
  SyncOptions prune;
  prune.prune = true;
  auto wiped = s.sync({}, prune);
  CHECK(wiped.phase == OperationPhase::Succeeded);
  CHECK_THROWS(s.w.get("", "ConfigMap", "a"));
}

TEST_CASE("sync: a wave that goes Degraded fails the operation, and later waves are not applied", "[sync][operation]") {
  SyncWorld s;
  class Nothing final : public kube::ImageResolver {
   public:
    kube::ImagePull pull(const kube::ImageReference& image) override {
      kube::ImagePull r;
      r.error = kube::imageNotFoundMessage(image);
      return r;
    }
  } nothing;
  s.w.cluster.setImageResolver(&nothing);
  Json d = test::deploymentManifest("web", "registry.example.com/web:missing", 1);
  d["spec"]["progressDeadlineSeconds"] = 30;
  auto state = s.sync({d, withWave(service("web"), 1)});
  CHECK(state.phase == OperationPhase::Failed);
  // gitops-engine's words; the resource's result carries its health message.
  CHECK(state.message == "one or more synchronization tasks completed unsuccessfully");
  bool found = false;
  for (const auto& r : state.resources) {
    if (r.key.kind != "Deployment") continue;
    found = true;
    CHECK(r.status == "Synced");
    CHECK(r.hookPhase == "Failed");
    CHECK(r.message == "Deployment \"web\" exceeded its progress deadline");
  }
  CHECK(found);
  CHECK(state.resources.size() == 1);
  CHECK_THROWS(s.w.get("", "Service", "web"));
}

TEST_CASE("sync: sync waves and kind order helpers", "[sync][operation]") {
  CHECK(syncWave(withWave(configMap("a"), -3)) == -3);
  CHECK(syncWave(configMap("a")) == 0);
  Json bad = configMap("a");
  bad["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = "soon";
  CHECK(syncWave(bad) == 0);
  // strconv.Atoi's rules: an optional sign and digits, nothing else.
  const auto waveOf = [&](const std::string& text) {
    bad["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = text;
    return syncWave(bad);
  };
  CHECK(waveOf("+4") == 4);
  CHECK(waveOf("-12") == -12);
  CHECK(waveOf("") == 0);
  CHECK(waveOf(" 4") == 0);
  CHECK(waveOf("4 ") == 0);
  CHECK(waveOf("+-4") == 0);
  CHECK(waveOf("2x") == 0);
  CHECK(waveOf("99999999999") == 0);
  // A sync-wave that is not a number gives way to Helm's hook weight, as any missing one does.
  bad["metadata"]["annotations"]["helm.sh/hook-weight"] = "7";
  CHECK(waveOf("soon") == 7);
  CHECK(waveOf("-1") == -1);
  bad["metadata"]["annotations"].erase("argocd.argoproj.io/sync-wave");
  CHECK(syncWave(bad) == 7);
  CHECK(syncKindOrder("Namespace") < syncKindOrder("Deployment"));
  CHECK(syncKindOrder("CustomResourceDefinition") < syncKindOrder("ClusterRole"));
  CHECK(syncKindOrder("Widget") == 0);
  CHECK(syncKindOrder("Ingress") < syncKindOrder("Widget"));
}

namespace {

Json hookJob(const std::string& name, const std::string& hook, const std::string& deletePolicy = {}, int exitCode = 0) {
  Json container{{"name", "run"}, {"image", "busybox"}};
  Json podSpec{{"restartPolicy", "Never"}, {"containers", Json::array({container})}};
  Json podMeta{{"annotations", {{"sim.gitops-sim.io/exit-code", std::to_string(exitCode)}}}};
  Json job{{"apiVersion", "batch/v1"}, {"kind", "Job"}};
  job["metadata"] = Json{{"name", name}, {"annotations", {{"argocd.argoproj.io/hook", hook}}}};
  job["spec"] = Json{{"backoffLimit", 0}, {"template", {{"metadata", podMeta}, {"spec", podSpec}}}};
  if (!deletePolicy.empty()) job["metadata"]["annotations"]["argocd.argoproj.io/hook-delete-policy"] = deletePolicy;
  return job;
}

}  // namespace

TEST_CASE("sync: a Namespace or CRD in a later wave or phase moves to the first task that needs it", "[sync][operation]") {
  SyncWorld s;
  // The app's namespace and a CRD both come in wave 5; a wave -1 ConfigMap in the
  // namespace and a wave 2 custom resource need them first.
  Json ns = withWave(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}}, 5);
  Json cm = withWave(configMap("settings"), -1);
  cm["metadata"]["namespace"] = "team";
  Json crd{{"apiVersion", "apiextensions.k8s.io/v1"},
           {"kind", "CustomResourceDefinition"},
           {"metadata", {{"name", "widgets.example.com"}}},
           {"spec",
            {{"group", "example.com"},
             {"scope", "Namespaced"},
             {"names", {{"kind", "Widget"}, {"plural", "widgets"}, {"singular", "widget"}, {"listKind", "WidgetList"}}},
             {"versions", Json::array({Json{{"name", "v1"},
                                            {"served", true},
                                            {"storage", true},
                                            {"schema", {{"openAPIV3Schema", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}}})}}}};
  crd = withWave(crd, 5);
  Json widget = withWave(Json{{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "w"}}}, {"spec", {{"size", 1}}}}, 2);
  auto state = s.sync({widget, crd, ns, cm});
  REQUIRE(state.phase == OperationPhase::Succeeded);
  std::vector<std::pair<std::string, int>> order;
  for (const auto& r : state.resources) order.emplace_back(r.key.kind, r.wave);
  CHECK(order == std::vector<std::pair<std::string, int>>{{"Namespace", -1}, {"ConfigMap", -1}, {"CustomResourceDefinition", 2}, {"Widget", 2}});
  CHECK_NOTHROW(s.w.get("", "ConfigMap", "settings", "team"));
  CHECK_NOTHROW(s.w.get("example.com", "Widget", "w"));

  // The phase moves too: a PreSync hook in a namespace the app creates in the Sync phase.
  SyncWorld h;
  Json job = hookJob("prepare", "PreSync");
  job["metadata"]["namespace"] = "jobs";
  Json jobsNs{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "jobs"}}}};
  auto hooked = h.sync({job, jobsNs, configMap("c")});
  REQUIRE(hooked.phase == OperationPhase::Succeeded);
  REQUIRE(hooked.resources.size() == 3);
  CHECK(hooked.resources[0].key.kind == "Namespace");
  CHECK(hooked.resources[0].phase == "PreSync");
  CHECK(hooked.resources[1].key.name == "prepare");
}

TEST_CASE("sync: a kind the cluster does not serve in its apiVersion fails the sync before anything is applied", "[sync][operation]") {
  SyncWorld s;
  Json widget{{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "w"}}}, {"spec", {{"size", 1}}}};
  Json ingress{{"apiVersion", "networking.k8s.io/v1beta1"}, {"kind", "Ingress"}, {"metadata", {{"name", "web"}}},
               {"spec", {{"rules", Json::array({Json{{"host", "a.example.com"}}})}}}};
  Json gadget{{"apiVersion", "apps/v1"}, {"kind", "Gadget"}, {"metadata", {{"name", "g"}}}};
  auto state = s.sync({withWave(configMap("first"), -1), widget, ingress, gadget});
  CHECK(state.phase == OperationPhase::Failed);
  CHECK(state.message == "one or more synchronization tasks are not valid");
  CHECK_THROWS(s.w.get("", "ConfigMap", "first"));  // nothing applied, not even wave -1
  std::map<std::string, std::string> messages;
  for (const auto& r : state.resources) {
    CHECK(r.status == "SyncFailed");
    messages[r.key.kind] = r.message;
  }
  // A group/version the server does not serve at all (the Ingress's was removed in 1.22),
  // or a kind its group/version does not have.
  CHECK(messages == std::map<std::string, std::string>{{"Widget", "the server could not find the requested resource"},
                                                       {"Ingress", "the server could not find the requested resource"},
                                                       {"Gadget", "Gadget.apps \"\" not found"}});

  // SkipDryRunOnMissingResource lets the sync start; the apply itself then fails at its wave.
  SyncWorld skip;
  widget["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] = "SkipDryRunOnMissingResource=true";
  auto skipped = skip.sync({withWave(configMap("first"), -1), widget});
  CHECK(skipped.phase == OperationPhase::Failed);
  CHECK_THAT(skipped.message, Catch::StartsWith("one or more objects failed to apply"));
  CHECK_NOTHROW(skip.w.get("", "ConfigMap", "first"));
  // The same for the whole app, and an HPA in autoscaling/v1 is served as well as v2.
  SyncWorld app;
  SyncOptions options;
  options.skipDryRunOnMissingResource = true;
  widget["metadata"].erase("annotations");
  CHECK(app.sync({withWave(configMap("first"), -1), widget}, options).message != "one or more synchronization tasks are not valid");
  Json hpa{{"apiVersion", "autoscaling/v1"},
           {"kind", "HorizontalPodAutoscaler"},
           {"metadata", {{"name", "web"}}},
           {"spec", {{"maxReplicas", 3}, {"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}}}}};
  SyncWorld v1;
  CHECK(v1.sync({hpa}).message != "one or more synchronization tasks are not valid");
}

TEST_CASE("sync hooks: PreSync runs and completes before the resources, PostSync after them", "[sync][hooks]") {
  SyncWorld s;
  auto state = s.sync({hookJob("migrate", "PreSync"), test::deploymentManifest("web", "nginx:1.27", 1), hookJob("smoke-test", "PostSync")});
  REQUIRE(state.phase == OperationPhase::Succeeded);
  // gitops-engine's words: the last step only found the PostSync hook done.
  CHECK(state.message == "successfully synced (no more tasks)");
  REQUIRE(state.resources.size() == 3);
  CHECK(state.resources[0].phase == "PreSync");
  CHECK(state.resources[0].key.name == "migrate");
  CHECK(state.resources[0].hookPhase == "Succeeded");
  CHECK(state.resources[1].key.kind == "Deployment");
  CHECK(state.resources[2].phase == "PostSync");
  auto waves = s.applies();
  REQUIRE(waves.size() == 3);
  CHECK(waves[1].first >= 5.0);   // the migration Job ran its 5 s first
  CHECK(waves[2].first > waves[1].first);
  CHECK(state.finishedAt - state.startedAt >= std::chrono::seconds(10));  // and the smoke test its own
  // The Jobs stay (no delete policy), are not compared and are never pruned.
  CHECK_NOTHROW(s.w.get("batch", "Job", "migrate"));
  auto comparison = s.compare({hookJob("migrate", "PreSync"), test::deploymentManifest("web", "nginx:1.27", 1)});
  for (const auto& r : comparison.resources) CHECK_FALSE(r.requiresPruning);
}

TEST_CASE("sync hooks: a failed hook fails the sync, SyncFail hooks run, delete policies are honoured", "[sync][hooks]") {
  SyncWorld s;
  auto state = s.sync({hookJob("migrate", "PreSync", "HookFailed", 3), test::deploymentManifest("web", "nginx:1.27", 1),
                       hookJob("notify", "SyncFail")});
  CHECK(state.phase == OperationPhase::Failed);
  CHECK(state.message == "one or more synchronization tasks completed unsuccessfully");
  CHECK(state.resources.front().key.name == "migrate");
  CHECK(state.resources.front().hookPhase == "Failed");
  CHECK_THAT(state.resources.front().message, Catch::Contains("backoff limit"));
  // The log names the task that failed.
  bool logged = false;
  for (const auto& e : s.log.events()) {
    if (e.type == "sync.finished" && e.details.contains("failed")) {
      logged = true;
      CHECK_THAT(e.details["failed"][0].get<std::string>(), Catch::StartsWith("hook batch/Job default/migrate failed: "));
    }
  }
  CHECK(logged);
  CHECK_THROWS(s.w.get("apps", "Deployment", "web"));      // never applied
  CHECK_THROWS(s.w.get("batch", "Job", "migrate"));        // HookFailed: deleted
  CHECK_NOTHROW(s.w.get("batch", "Job", "notify"));        // the SyncFail hook ran
  CHECK(state.resources.back().phase == "SyncFail");

  SyncWorld ok;
  auto done = ok.sync({hookJob("migrate", "PreSync", "HookSucceeded"), configMap("c")});
  REQUIRE(done.phase == OperationPhase::Succeeded);
  CHECK_THROWS(ok.w.get("batch", "Job", "migrate"));  // HookSucceeded: deleted

  // BeforeHookCreation (the default): the next sync replaces the old Job.
  SyncWorld again;
  REQUIRE(again.sync({hookJob("migrate", "PreSync"), configMap("c")}).phase == OperationPhase::Succeeded);
  const std::string uid = again.w.get("batch", "Job", "migrate")["metadata"]["uid"];
  again.w.runFor(1min);
  REQUIRE(again.sync({hookJob("migrate", "PreSync"), configMap("c")}).phase == OperationPhase::Succeeded);
  CHECK(again.w.get("batch", "Job", "migrate")["metadata"]["uid"] != uid);
}

TEST_CASE("sync hooks: a generateName hook is named as gitops-engine names it, so each operation gets its own", "[sync][hooks]") {
  SyncWorld s;
  Json hook = hookJob("", "PreSync,PostSync");
  hook["metadata"].erase("name");
  hook["metadata"]["generateName"] = "db-migrate-";
  s.w.runFor(90s);
  auto state = s.sync({hook, configMap("c")});
  REQUIRE(state.phase == OperationPhase::Succeeded);
  // generateName + the revision's first 7 characters (all of "abc123": it has fewer than
  // 8) + the phase + the operation's start in Unix seconds, lower case.
  const std::int64_t started = s.w.clock.epochSeconds() + state.startedAt.sinceStart.count() / 1000;
  CHECK(started == s.w.clock.epochSeconds() + 90);
  const std::string pre = "db-migrate-abc123-presync-" + std::to_string(started);
  const std::string post = "db-migrate-abc123-postsync-" + std::to_string(started);
  Json created = s.w.get("batch", "Job", pre);
  CHECK(created["metadata"]["generateName"] == "db-migrate-");
  CHECK_NOTHROW(s.w.get("batch", "Job", post));
  REQUIRE(state.resources.size() == 3);
  CHECK(state.resources.front().key.name == pre);
  CHECK(state.resources.back().key.name == post);
  // The next operation starts later: new names, and the old runs stay (BeforeHookCreation
  // deletes only a hook of the same name).
  s.w.runFor(1min);
  REQUIRE(s.sync({hook, configMap("c")}).phase == OperationPhase::Succeeded);
  CHECK_NOTHROW(s.w.get("batch", "Job", pre));
  CHECK(s.w.list("batch", "Job").size() == 4);
}

TEST_CASE("sync hooks: parsing of hook and delete-policy annotations, Helm's included", "[sync][hooks]") {
  auto spec = hookSpecOf(hookJob("x", "PreSync,PostSync", "HookSucceeded,BeforeHookCreation"));
  CHECK(spec.phases == std::set<SyncPhase>{SyncPhase::PreSync, SyncPhase::PostSync});
  CHECK(spec.deleteOnSuccess);
  CHECK(spec.beforeHookCreation);
  CHECK_FALSE(hookSpecOf(configMap("c")).isHook());
  Json helm = configMap("h");
  helm["metadata"]["annotations"]["helm.sh/hook"] = "pre-upgrade";
  CHECK(hookSpecOf(helm).phases == std::set<SyncPhase>{SyncPhase::PreSync});
  Json skip = configMap("s");
  skip["metadata"]["annotations"]["argocd.argoproj.io/hook"] = "Skip";
  CHECK(hookSpecOf(skip).skip);
  // Skip with another type is that hook (gitops-engine: Skip only when it is the one type).
  skip["metadata"]["annotations"]["argocd.argoproj.io/hook"] = "Skip,PreSync";
  CHECK_FALSE(hookSpecOf(skip).skip);
  CHECK(hookSpecOf(skip).phases == std::set<SyncPhase>{SyncPhase::PreSync});
  // Any other Helm hook but crd-install is a hook that never runs (a chart's test Pod).
  helm["metadata"]["annotations"]["helm.sh/hook"] = "test";
  CHECK(hookSpecOf(helm).isHook());
  CHECK(hookSpecOf(helm).phases.empty());
  helm["metadata"]["annotations"]["helm.sh/hook"] = "crd-install";
  CHECK_FALSE(hookSpecOf(helm).isHook());
  // An unknown Argo CD hook type makes a hook too, and the Helm annotation is then ignored.
  helm["metadata"]["annotations"]["argocd.argoproj.io/hook"] = "presync";
  helm["metadata"]["annotations"]["helm.sh/hook"] = "pre-install";
  CHECK(hookSpecOf(helm).isHook());
  CHECK(hookSpecOf(helm).phases == std::set<SyncPhase>{SyncPhase::PreSync});
}

TEST_CASE("sync hooks: a Helm test hook is neither applied nor compared, Helm weights order hooks", "[sync][hooks]") {
  SyncWorld s;
  Json test = configMap("chart-test");
  test["metadata"]["annotations"]["helm.sh/hook"] = "test";
  Json early = hookJob("early", "PreSync"), late = hookJob("late", "PreSync");
  for (Json* hook : {&early, &late}) {
    (*hook)["metadata"]["annotations"].erase("argocd.argoproj.io/hook");
    (*hook)["metadata"]["annotations"]["helm.sh/hook"] = "pre-install,pre-upgrade";
  }
  early["metadata"]["annotations"]["helm.sh/hook-weight"] = "-5";
  late["metadata"]["annotations"]["helm.sh/hook-weight"] = "5";
  auto state = s.sync({test, late, early, configMap("c")});
  REQUIRE(state.phase == OperationPhase::Succeeded);
  CHECK_THROWS(s.w.get("", "ConfigMap", "chart-test"));
  REQUIRE(state.resources.size() == 3);
  CHECK(state.resources[0].key.name == "early");
  CHECK(state.resources[0].wave == -5);
  CHECK(state.resources[1].key.name == "late");
  CHECK(state.resources[1].wave == 5);
  CHECK(s.compare({test, late, early, configMap("c")}).sync == SyncStatus::Synced);
}

TEST_CASE("sync options: RespectIgnoreDifferences keeps ignored live fields, Replace drops what others set", "[sync][operation]") {
  SyncWorld s;
  const Json d = test::deploymentManifest("web", "nginx:1.27", 2);
  REQUIRE(s.sync({d}).phase == OperationPhase::Succeeded);
  // An autoscaler sets replicas; someone else adds a label.
  s.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"spec", {{"replicas", 6}}}, {"metadata", {{"labels", {{"owner", "ops"}}}}}},
                    fake::PatchType::Merge);
  Json changed = test::deploymentManifest("web", "nginx:1.28", 2);
  SyncOptions respect;
  respect.respectIgnored.push_back(diff::parseIgnoreRule(Json{{"group", "apps"}, {"kind", "Deployment"}, {"jsonPointers", {"/spec/replicas"}}}));
  REQUIRE(s.sync({changed}, respect).phase == OperationPhase::Succeeded);
  Json live = s.w.get("apps", "Deployment", "web");
  CHECK(live["spec"]["replicas"] == 6);  // kept
  CHECK(live["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28");
  CHECK(live["metadata"]["labels"]["owner"] == "ops");  // apply keeps what others set
  // Without the option the sync puts Git's value back.
  REQUIRE(s.sync({changed}).phase == OperationPhase::Succeeded);
  CHECK(s.w.get("apps", "Deployment", "web")["spec"]["replicas"] == 2);
  // Replace: the object is exactly what Git says; other actors' fields are gone.
  SyncOptions replace;
  replace.replace = true;
  REQUIRE(s.sync({changed}, replace).phase == OperationPhase::Succeeded);
  CHECK_FALSE(s.w.get("apps", "Deployment", "web")["metadata"].contains("labels"));
  CHECK_FALSE(s.w.get("apps", "Deployment", "web")["metadata"]["annotations"].contains("kubectl.kubernetes.io/last-applied-configuration"));  // kubectl replace saves no configuration
  // The same from the manifest's own sync-options.
  REQUIRE(s.sync({changed}).phase == OperationPhase::Succeeded);
  s.w.cluster.patch("apps", "Deployment", "default", "web", Json{{"metadata", {{"labels", {{"owner", "ops"}}}}}}, fake::PatchType::Merge);
  Json own = changed;
  own["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] = "Replace=true";
  REQUIRE(s.sync({own}).phase == OperationPhase::Succeeded);
  CHECK_FALSE(s.w.get("apps", "Deployment", "web")["metadata"].contains("labels"));
}

TEST_CASE("sync: an unknown field is dropped by the API server, Validate or not, and the app stays OutOfSync, a wrongly typed value fails",
          "[sync][apply]") {
  Json typo = test::deploymentManifest("web", "nginx:1.27", 2);
  typo["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always";
  for (bool validate : {true, false}) {
    SyncWorld s;
    SyncOptions options;
    options.validate = validate;
    CHECK(s.sync({typo}, options).phase == OperationPhase::Succeeded);
    const Json live = s.w.get("apps", "Deployment", "web");
    CHECK_FALSE(live["spec"]["template"]["spec"]["containers"][0].contains("imagePullPolicyy"));
    // The field stays in Git, so the app never looks synced: Argo CD's well-known symptom.
    CHECK(s.compare({typo}).sync == SyncStatus::OutOfSync);
  }
  // A value of the wrong type is refused by decoding: the resource fails with the server's message.
  Json wrong = test::deploymentManifest("web", "nginx:1.27", 2);
  wrong["spec"]["template"]["spec"]["containers"][0]["args"] = Json::array({"--port", 8080});
  SyncWorld s;
  const auto state = s.sync({wrong});
  CHECK(state.phase == OperationPhase::Failed);
  REQUIRE(state.resources.size() == 1);
  CHECK(state.resources[0].status == "SyncFailed");
  CHECK(state.resources[0].message ==
        "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field "
        "Container.spec.template.spec.containers.args of type string");
  CHECK(state.message == "one or more objects failed to apply, reason: " + state.resources[0].message);
  CHECK_FALSE(s.w.cluster.store().find(kube::ObjectKey{"apps", "Deployment", "default", "web"}));
  // The comparison takes wrongly typed values as they are, as Argo CD's does (the diff
  // CLI, like kubectl, refuses them); a value of the wrong shape is still an error.
  Json unquoted = test::deploymentManifest("web", "nginx:1.27", 2);
  unquoted["spec"]["replicas"] = "2";
  unquoted["metadata"]["labels"] = Json{{"tier", 1}};
  unquoted["spec"]["template"]["spec"]["containers"][0]["env"] = Json::array({Json{{"name", "PORT"}, {"value", 8080}}});
  CHECK(s.compare({unquoted}).sync == SyncStatus::OutOfSync);
  Json misshapen = test::deploymentManifest("web", "nginx:1.27", 2);
  misshapen["spec"]["template"]["spec"]["containers"] = Json{{"name", "web"}};
  CHECK_THROWS(s.compare({misshapen}));
}
