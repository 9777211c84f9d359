#include <catch2/catch.hpp>

#include "sim/diff/diff.hpp"

using namespace gs;
using namespace gs::diff;

namespace {

Json deployment(const char* specJson) {
  Json d = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"}})");
  d["spec"] = Json::parse(specJson);
  return d;
}

std::vector<std::string> paths(const DiffResult& r) {
  std::vector<std::string> out;
  for (const auto& c : r.changes) out.push_back(std::string(changeKindName(c.kind)) + " " + c.path);
  return out;
}

Json withLastApplied(Json live, const Json& applied) {
  live["metadata"]["annotations"][std::string("kubectl.kubernetes.io/last-applied-configuration")] = applied.dump();
  return live;
}

}  // namespace

TEST_CASE("identical objects are in sync, fast and full verdicts agree", "[diff][compare]") {
  Json d = deployment(R"({"replicas":2,"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  auto pd = prepareDesired(d);
  auto pl = prepareLive(d);
  CHECK(inSync(pd, pl));
  CHECK_FALSE(diffPrepared(pd, pl).modified);
}

TEST_CASE("a last-applied cache reuses a prepared annotation only for the same object and text", "[diff][compare]") {
  Json desired = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  Json live = deployment(R"({"replicas":7,"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  Json appliedWithReplicas = deployment(R"({"replicas":4,"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  DiffOptions cached;
  cached.lastAppliedCache = std::make_shared<LastAppliedCache>();
  const auto pd = prepareDesired(desired, cached);
  const auto verdicts = [&](const Json& liveObject) {
    const bool withCache = inSync(pd, prepareLive(liveObject, cached));
    const bool without = inSync(pd, prepareLive(liveObject));
    CHECK(withCache == without);
    return withCache;
  };
  const Json withReplicas = withLastApplied(live, appliedWithReplicas);
  CHECK_FALSE(verdicts(withReplicas));
  CHECK_FALSE(verdicts(withReplicas));  // a hit: the same verdict
  CHECK(prepareLive(withReplicas, cached).lastAppliedTree() == prepareLive(withReplicas, cached).lastAppliedTree());
  // New text for the same object: prepared again (replicas no longer last-applied: in sync).
  CHECK(verdicts(withLastApplied(live, desired)));
  // The same text on another object is prepared for that object, not taken from the first.
  Json other = withReplicas;
  other["metadata"]["name"] = "api";
  Json otherDesired = desired;
  otherDesired["metadata"]["name"] = "api";
  CHECK(prepareLive(other, cached).lastAppliedTree() != prepareLive(withReplicas, cached).lastAppliedTree());
  CHECK_FALSE(inSync(prepareDesired(otherDesired), prepareLive(other, cached)));
  // A corrupt annotation still fails, cache or not.
  Json corrupt = live;
  corrupt["metadata"]["annotations"][std::string("kubectl.kubernetes.io/last-applied-configuration")] = "{not json";
  CHECK_THROWS(prepareLive(corrupt, cached));
  CHECK_THROWS(prepareLive(corrupt, cached));
}

TEST_CASE("scalar change reports path, old and new value", "[diff][compare]") {
  auto r = diffObjects(deployment(R"({"replicas":3})"), deployment(R"({"replicas":2})"));
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].path == "/spec/replicas");
  CHECK(r.changes[0].kind == ChangeKind::Changed);
  CHECK(r.changes[0].live == 2);
  CHECK(r.changes[0].desired == 3);
  CHECK(r.predictedLive["spec"]["replicas"] == 3);
}

TEST_CASE("fields only in live are drift only when last-applied had them", "[diff][compare]") {
  Json desired = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  Json live = deployment(R"({"replicas":7,"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  CHECK_FALSE(diffObjects(desired, live).modified);  // HPA-owned replicas
  // Last-applied had replicas 4: the user removed it; the server default (1) comes back.
  Json applied = deployment(R"({"replicas":4,"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  auto r = diffObjects(desired, withLastApplied(live, applied));
  CHECK(paths(r) == std::vector<std::string>{"changed /spec/replicas"});
  CHECK(r.changes[0].desired == 1);
  // Same, but live already holds the default: nothing to do.
  Json liveAtDefault = deployment(R"({"replicas":1,"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  CHECK_FALSE(diffObjects(desired, withLastApplied(liveAtDefault, applied)).modified);
}

TEST_CASE("a removed field without a default is reported removed", "[diff][compare]") {
  Json desired = deployment(R"({"minReadySeconds":null})");
  desired["spec"].erase("minReadySeconds");
  Json applied = deployment(R"({"minReadySeconds":5})");
  Json live = withLastApplied(deployment(R"({"minReadySeconds":5})"), applied);
  auto r = diffObjects(desired, live);
  CHECK(paths(r) == std::vector<std::string>{"removed /spec/minReadySeconds"});
  CHECK_FALSE(r.predictedLive["spec"].contains("minReadySeconds"));
  // Two-way (no annotation): not drift.
  CHECK_FALSE(diffObjects(desired, deployment(R"({"minReadySeconds":5})")).modified);
  // --two-way ignores the annotation.
  DiffOptions twoWay;
  twoWay.threeWay = false;
  CHECK_FALSE(diffObjects(desired, live, twoWay).modified);
}

TEST_CASE("keyed lists compare by key, and Git's order counts", "[diff][compare]") {
  Json desired = deployment(R"({"template":{"spec":{"containers":[
      {"name":"a","image":"x:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
      {"name":"b","image":"y:1"}]}}})");
  // kubectl apply's patch carries $setElementOrder: live in another order is a change
  // (of the whole list, which apply puts in Git's order).
  Json reordered = deployment(R"({"template":{"spec":{"containers":[
      {"name":"b","image":"y:1"},
      {"name":"a","image":"x:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}}})");
  CHECK(paths(diffObjects(desired, reordered)) == std::vector<std::string>{"changed /spec/template/spec/containers"});
  Json envReordered = desired;
  std::swap(envReordered["spec"]["template"]["spec"]["containers"][0]["env"][0], envReordered["spec"]["template"]["spec"]["containers"][0]["env"][1]);
  CHECK(paths(diffObjects(desired, envReordered)) == std::vector<std::string>{"changed /spec/template/spec/containers[name=a]/env"});

  // Elements are matched by key wherever they sit: a container only live has (injected
  // by a webhook) keeps its place and shifts the others.
  Json changed = deployment(R"({"template":{"spec":{"containers":[
      {"name":"istio-proxy","image":"proxy:1"},
      {"name":"a","image":"x:1","env":[{"name":"A","value":"1"},{"name":"B","value":"3"}]},
      {"name":"b","image":"y:1"}]}}})");
  auto r = diffObjects(desired, changed);
  CHECK(paths(r) == std::vector<std::string>{"changed /spec/template/spec/containers[name=a]/env[name=B]/value"});
  CHECK(r.changes[0].pointer == "/spec/template/spec/containers/1/env/1/value");
  CHECK(r.predictedLive["spec"]["template"]["spec"]["containers"][1]["env"][1]["value"] == "2");
}

TEST_CASE("added and removed keyed elements patch correctly", "[diff][compare]") {
  Json desired = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"c","image":"z:1"}]}}})");
  Json applied = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:1"}]}}})");
  Json live = withLastApplied(
      deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:1"},{"name":"istio-proxy","image":"p"}]}}})"),
      applied);
  auto r = diffObjects(desired, live);
  CHECK(paths(r) == std::vector<std::string>{"removed /spec/template/spec/containers[name=b]",
                                             "added /spec/template/spec/containers[name=c]"});
  const Json& cs = r.predictedLive["spec"]["template"]["spec"]["containers"];
  REQUIRE(cs.size() == 3);
  CHECK(cs[0]["name"] == "a");
  CHECK(cs[1]["name"] == "istio-proxy");  // injected by a webhook, never in Git: kept
  CHECK(cs[2]["name"] == "c");
  CHECK(cs[2]["imagePullPolicy"] == "IfNotPresent");  // predicted with the server's defaults
}

TEST_CASE("ports key on port and protocol", "[diff][compare]") {
  Json svc = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"dns","namespace":"default"},
    "spec":{"ports":[{"name":"dns","port":53,"protocol":"UDP"},{"name":"dns-tcp","port":53}]}})");
  Json live = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"dns","namespace":"default"},
    "spec":{"clusterIP":"10.0.0.10","ports":[{"name":"dns","port":53,"protocol":"UDP","targetPort":"53"},
                                              {"name":"dns-tcp","port":53,"protocol":"TCP","targetPort":53}]}})");
  CHECK_FALSE(diffObjects(svc, live).modified);
  live["spec"]["ports"][0]["targetPort"] = 5353;
  auto r = diffObjects(svc, live);
  CHECK(paths(r) == std::vector<std::string>{});  // targetPort never declared nor last-applied
  svc["spec"]["ports"][0]["targetPort"] = 53;
  r = diffObjects(svc, live);
  CHECK(paths(r) == std::vector<std::string>{"changed /spec/ports[port=53,protocol=UDP]/targetPort"});
}

TEST_CASE("quantities and int-or-string compare by value", "[diff][compare]") {
  Json d = deployment(R"({"strategy":{"rollingUpdate":{"maxSurge":"1"}},"template":{"spec":{"containers":[
      {"name":"a","image":"x:1","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":0.5}}}]}}})");
  Json l = deployment(R"({"strategy":{"rollingUpdate":{"maxSurge":1}},"template":{"spec":{"containers":[
      {"name":"a","image":"x:1","resources":{"limits":{"cpu":"1000m","memory":"1024Mi"},"requests":{"cpu":"500m"}}}]}}})");
  CHECK_FALSE(diffObjects(d, l).modified);
  l["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"] = "2Gi";
  auto r = diffObjects(d, l);
  CHECK(paths(r) == std::vector<std::string>{"changed /spec/template/spec/containers[name=a]/resources/limits/memory"});
  // Outside quantity fields, strings are strings.
  Json cm1 = Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default"},"data":{"v":"1"}})");
  Json cm2 = cm1;
  cm2["data"]["v"] = "1.0";
  CHECK(diffObjects(cm1, cm2).modified);
}

TEST_CASE("a ResourceList value compares as the API server stores it, rounded up to thousandths", "[diff][compare]") {
  Json d = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1","resources":{"requests":{"cpu":"100u"}}}],
      "volumes":[{"name":"v","emptyDir":{"sizeLimit":"100u"}}]}}})");
  Json l = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1","resources":{"requests":{"cpu":"1m"}}}],
      "volumes":[{"name":"v","emptyDir":{"sizeLimit":"100u"}}]}}})");
  CHECK_FALSE(diffObjects(d, l).modified);
  l["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "2m";
  CHECK(paths(diffObjects(d, l)) == std::vector<std::string>{"changed /spec/template/spec/containers[name=a]/resources/requests/cpu"});
  // A plain quantity field is not rounded.
  l["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "1m";
  l["spec"]["template"]["spec"]["volumes"][0]["emptyDir"]["sizeLimit"] = "1m";
  CHECK(paths(diffObjects(d, l)) == std::vector<std::string>{"changed /spec/template/spec/volumes[name=v]/emptyDir/sizeLimit"});
}

TEST_CASE("null, empty and missing", "[diff][compare]") {
  Json d = deployment(R"({"template":{"metadata":{"annotations":{}},"spec":{"volumes":[],"containers":[{"name":"a","image":"x:1","args":null}]}}})");
  Json l = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1"}]}}})");
  CHECK_FALSE(diffObjects(d, l).modified);
  // A null where Go has a plain bool decodes to false, which its encoder omits: Argo CD's
  // remarshal leaves the manifest without the field, so live's value is no drift unless
  // last-applied declared it.
  Json wantsRemoval = deployment(R"({"paused":null})");
  Json paused = deployment(R"({"paused":true})");
  CHECK_FALSE(diffObjects(wantsRemoval, paused).modified);
  auto r = diffObjects(wantsRemoval, withLastApplied(paused, paused));
  CHECK(paths(r) == std::vector<std::string>{"removed /spec/paused"});
}

TEST_CASE("zero values of omitempty fields are left out of a manifest, as the API server never stores them", "[diff][compare]") {
  Json d = deployment(R"({"minReadySeconds":0,"paused":false,"template":{"spec":{"hostNetwork":false,"priorityClassName":"",
      "containers":[{"name":"a","image":"x:1","env":[{"name":"HTTP_PROXY","value":""}],
      "readinessProbe":{"initialDelaySeconds":0,"tcpSocket":{"port":8080}}}]}}})");
  Json l = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1","env":[{"name":"HTTP_PROXY"}],
      "readinessProbe":{"tcpSocket":{"port":8080}}}]}}})");
  CHECK_FALSE(diffObjects(d, withLastApplied(l, d)).modified);
  CHECK_FALSE(diffObjects(d, l).modified);
  // A pointer field keeps its zero: replicas 0 is a value, and live's 3 is drift.
  d["spec"]["replicas"] = 0;
  l["spec"]["replicas"] = 3;
  CHECK(paths(diffObjects(d, l)) == std::vector<std::string>{"changed /spec/replicas"});
  // So does a field without omitempty (a container port's number), and a live value
  // that is not zero is drift against an omitted zero declared in last-applied.
  Json hostNetwork = l;
  hostNetwork["spec"]["replicas"] = 0;
  hostNetwork["spec"]["template"]["spec"]["hostNetwork"] = true;
  CHECK(paths(diffObjects(d, withLastApplied(hostNetwork, d))) == std::vector<std::string>{"removed /spec/template/spec/hostNetwork"});
}

TEST_CASE("atomic lists compare by index and length", "[diff][compare]") {
  Json d = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1","args":["--a","--b"]}]}}})");
  Json l = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1","args":["--a","--c"]}]}}})");
  CHECK(paths(diffObjects(d, l)) == std::vector<std::string>{"changed /spec/template/spec/containers[name=a]/args/1"});
  Json shorter = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1","args":["--a"]}]}}})");
  CHECK(paths(diffObjects(d, shorter)) == std::vector<std::string>{"changed /spec/template/spec/containers[name=a]/args"});
}

TEST_CASE("custom resources: no defaults, lists by index", "[diff][compare]") {
  Json d = Json::parse(R"({"apiVersion":"monitoring.coreos.com/v1","kind":"ServiceMonitor","metadata":{"name":"m","namespace":"default"},
    "spec":{"endpoints":[{"port":"web"},{"port":"metrics"}]}})");
  Json l = d;
  l["spec"]["jobLabel"] = "app";  // outside any list, set by someone else: not drift
  CHECK_FALSE(diffObjects(d, l).modified);
  // Nor inside a list element: Argo CD strips from live what last-applied lacks, into
  // list elements by index (gitops-engine's RemoveListFields), before its merge patch.
  l["spec"]["endpoints"][0]["interval"] = "30s";
  CHECK_FALSE(diffObjects(d, l).modified);
  // A field last-applied declared, that Git no longer has, is drift there too.
  Json applied = d;
  applied["spec"]["endpoints"][0]["interval"] = "30s";
  CHECK(paths(diffObjects(d, withLastApplied(l, applied))) == std::vector<std::string>{"removed /spec/endpoints/0/interval"});
  // A live element beyond Git's is drift (the merge patch writes Git's list).
  Json longer = l;
  longer["spec"]["endpoints"].push_back(Json{{"port", "extra"}});
  CHECK(diffObjects(d, longer).modified);
  l["spec"]["endpoints"][0].erase("interval");
  std::swap(l["spec"]["endpoints"][0], l["spec"]["endpoints"][1]);
  auto r = diffObjects(d, l);
  CHECK(paths(r) == std::vector<std::string>{"changed /spec/endpoints/0/port", "changed /spec/endpoints/1/port"});
  // For custom resources an empty map is not "missing": `automated: {}` switches auto-sync on.
  Json app = Json::parse(R"({"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":{"name":"a","namespace":"argocd"},
    "spec":{"syncPolicy":{"automated":{}}}})");
  Json appLive = app;
  appLive["spec"]["syncPolicy"].erase("automated");
  CHECK(paths(diffObjects(app, appLive)) == std::vector<std::string>{"added /spec/syncPolicy/automated"});
}

TEST_CASE("reordered atomic lists predict desired's list, not a blend", "[diff][compare]") {
  Json d = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1",
      "envFrom":[{"configMapRef":{"name":"cm"}},{"secretRef":{"name":"s"}}]}]}}})");
  Json l = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1",
      "envFrom":[{"secretRef":{"name":"s"}},{"configMapRef":{"name":"cm"}}]}]}}})");
  auto r = diffObjects(d, l);
  CHECK(r.modified);
  CHECK(r.predictedLive["spec"]["template"]["spec"]["containers"][0]["envFrom"] ==
        d["spec"]["template"]["spec"]["containers"][0]["envFrom"]);
}

TEST_CASE("duplicate keys in keyed lists still pair up", "[diff][compare]") {
  Json d = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1","env":[{"name":"X","value":"1"},{"name":"X","value":"2"}]}]}}})");
  CHECK_FALSE(diffObjects(d, d).modified);
  Json l = d;
  l["spec"]["template"]["spec"]["containers"][0]["env"][1]["value"] = "3";
  CHECK(paths(diffObjects(d, l)) == std::vector<std::string>{"changed /spec/template/spec/containers[name=a]/env[name=X#2]/value"});
}

TEST_CASE("missing live or desired object", "[diff][compare]") {
  Json d = deployment(R"({"replicas":1})");
  auto create = diffObjects(d, nullptr);
  CHECK(create.modified);
  CHECK(create.normalizedLive.is_null());
  CHECK(create.predictedLive["spec"]["replicas"] == 1);
  auto extra = diffObjects(nullptr, d);
  CHECK_FALSE(extra.modified);
  CHECK(extra.predictedLive.is_null());
}

TEST_CASE("JSON patch applied to normalized live gives predicted live", "[diff][compare]") {
  Json desired = deployment(R"({"replicas":4,"template":{"metadata":{"labels":{"v":"2"}},"spec":{"containers":[
      {"name":"a","image":"x:2","env":[{"name":"N","value":"1"}]},{"name":"z","image":"z:1"}]}}})");
  Json applied = deployment(R"({"replicas":3,"template":{"spec":{"containers":[
      {"name":"a","image":"x:1","env":[{"name":"O","value":"0"}]},{"name":"b","image":"b:1"},{"name":"c","image":"c:1"}]}}})");
  Json live = withLastApplied(deployment(R"({"replicas":3,"template":{"spec":{"containers":[
      {"name":"c","image":"c:1"},{"name":"a","image":"x:1","env":[{"name":"O","value":"0"}]},{"name":"b","image":"b:1"}]}}})"), applied);
  auto r = diffObjects(desired, live);
  Json patched = r.normalizedLive.patch(toJsonPatch(r.changes));
  CHECK(patched == r.predictedLive);
  const Json& cs = patched["spec"]["template"]["spec"]["containers"];
  REQUIRE(cs.size() == 2);
  CHECK(cs[0]["name"] == "a");
  CHECK(cs[0]["image"] == "x:2");
  CHECK(cs[1]["name"] == "z");
  // And the predicted object is in sync with desired.
  auto again = diffObjects(desired, patched);
  CHECK_FALSE(again.modified);
}

TEST_CASE("tolerations are a list apply replaces whole: order counts and an extra toleration is drift", "[diff][compare]") {
  Json d = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1"}],"tolerations":[
      {"key":"a","operator":"Exists","effect":"NoSchedule"},{"key":"b","value":"1","effect":"NoExecute"}]}}})");
  Json same = d;
  CHECK_FALSE(diffObjects(d, same).modified);
  // No patch strategy: kubectl apply writes Git's list over a different one (reflect.DeepEqual).
  Json reordered = deployment(R"({"template":{"spec":{"containers":[{"name":"a","image":"x:1"}],"tolerations":[
      {"key":"b","value":"1","effect":"NoExecute"},{"key":"a","operator":"Exists","effect":"NoSchedule"}]}}})");
  CHECK(diffObjects(d, reordered).modified);
  Json extra = d;
  extra["spec"]["template"]["spec"]["tolerations"].push_back(Json{{"operator", "Exists"}});
  auto r = diffObjects(d, extra);
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].path == "/spec/template/spec/tolerations");
}

TEST_CASE("HPA metric targets compare as quantities, webhooks key by name", "[diff][compare]") {
  Json hpa = Json::parse(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h","namespace":"default"},
    "spec":{"metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"512Mi"}}}]}})");
  Json hpaLive = hpa;
  hpaLive["spec"]["metrics"][0]["resource"]["target"]["averageValue"] = "0.5Gi";
  CHECK_FALSE(diffObjects(hpa, hpaLive).modified);
  Json hooks = Json::parse(R"({"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"v"},
    "webhooks":[{"name":"a.example.com","sideEffects":"None"},{"name":"b.example.com","sideEffects":"None"}]})");
  Json swapped = hooks;
  std::swap(swapped["webhooks"][0], swapped["webhooks"][1]);
  CHECK(paths(diffObjects(hooks, swapped)) == std::vector<std::string>{"changed /webhooks"});  // Git's order counts
  Json edited = hooks;
  edited["webhooks"][1]["sideEffects"] = "Some";
  auto r = diffObjects(hooks, edited);
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].path == "/webhooks[name=b.example.com]/sideEffects");
}

TEST_CASE("a corrupt last-applied annotation is an error, not a silent two-way diff", "[diff][compare]") {
  Json d = deployment(R"({"replicas":1})");
  Json l = d;
  l["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{\"apiVersion\":\"apps/v1\",\"kind";
  CHECK_THROWS_AS(diffObjects(d, l), Error);
  DiffOptions twoWay;
  twoWay.threeWay = false;
  CHECK_FALSE(diffObjects(d, l, twoWay).modified);
}

TEST_CASE("a Secret's base64 wrapped over lines equals the unwrapped text the server stores", "[diff][compare]") {
  Json d = Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"tls","namespace":"default"},
      "data":{"tls.crt":"QUJD\nREVG\r\nR0g=\n"}})");
  Json l = d;
  l["data"]["tls.crt"] = "QUJDREVGR0g=";
  CHECK_FALSE(diffObjects(d, l).modified);
  l["data"]["tls.crt"] = "QUJDREVGR0k=";
  CHECK(diffObjects(d, l).modified);
}

TEST_CASE("a top-level map Git dropped but last-applied still has is drift in live (argo-cd#3150)", "[diff][compare]") {
  // Git ships `data: {}` (remarshalled away), last-applied keeps "data":{}: kubectl's
  // three-way patch deletes data, so live's data (filled by the app) is drift.
  Json desired = Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"state","namespace":"default"},"data":{}})");
  Json live = Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"state","namespace":"default"},"data":{"s":"1"}})");
  Json applied = desired;
  auto r = diffObjects(desired, withLastApplied(live, applied));
  CHECK(paths(r) == std::vector<std::string>{"removed /data"});
  CHECK_FALSE(diffObjects(desired, live).modified);  // no last-applied: nothing deletes it
  // The same deep in a pod template: Helm's `nodeSelector: {}`, pinned live by hand.
  Json d = deployment(R"({"template":{"spec":{"nodeSelector":{},"containers":[{"name":"a","image":"x:1"}]}}})");
  Json l = deployment(R"({"template":{"spec":{"nodeSelector":{"node.kubernetes.io/instance-type":"m5.large"},"containers":[{"name":"a","image":"x:1"}]}}})");
  CHECK(paths(diffObjects(d, withLastApplied(l, d))) == std::vector<std::string>{"removed /spec/template/spec/nodeSelector"});
  // A map an ignore rule empties stays (Argo CD normalizes after remarshalling).
  DiffOptions options;
  options.ignore.push_back(parseIgnoreRule(Json("/data/s")));
  Json one = Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"state","namespace":"default"},"data":{"s":"1"}})");
  Json liveMore = Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"state","namespace":"default"},"data":{"s":"2","t":"3"}})");
  CHECK_FALSE(diffObjects(one, withLastApplied(liveMore, one), options).modified);
}
