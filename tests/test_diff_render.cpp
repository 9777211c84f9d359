#include <catch2/catch.hpp>

#include "sim/core/manifest.hpp"
#include "sim/diff/line_diff.hpp"
#include "sim/diff/object_set.hpp"
#include "sim/diff/render.hpp"

using namespace gs;
using namespace gs::diff;

TEST_CASE("unifiedDiff produces diff -u hunks", "[diff][render]") {
  CHECK(unifiedDiff("a\nb\nc\n", "a\nb\nc\n").empty());
  CHECK(unifiedDiff("a\nb\nc\n", "a\nB\nc\n") == "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  CHECK(unifiedDiff("", "x\n") == "@@ -0,0 +1,1 @@\n+x\n");
  std::string before, after;
  for (int i = 0; i < 20; ++i) {
    before += "l" + std::to_string(i) + "\n";
    after += (i == 2 || i == 17 ? "X" : "l") + std::to_string(i) + "\n";
  }
  auto out = unifiedDiff(before, after);
  CHECK(out.find("@@ -1,6 +1,6 @@") != std::string::npos);
  CHECK(out.find("@@ -15,6 +15,6 @@") != std::string::npos);
  CHECK(unifiedDiff("a\n", "b\n", UnifiedDiffOptions{3, true}).find("\x1b[31m-a") != std::string::npos);
}

TEST_CASE("unifiedDiff: common leading lines, then only one side left", "[diff][render]") {
  // The shortcut for a shared start and a one-sided rest must give diff -u's answer.
  CHECK(unifiedDiff("a\nb\n", "a\nb\nc\nd\n") == "@@ -1,2 +1,4 @@\n a\n b\n+c\n+d\n");
  CHECK(unifiedDiff("a\nb\nc\nd\n", "a\nb\n") == "@@ -1,4 +1,2 @@\n a\n b\n-c\n-d\n");
  CHECK(unifiedDiff("x\ny\n", "") == "@@ -1,2 +0,0 @@\n-x\n-y\n");
  // Repeated lines: the added copy is the last one (Myers' choice, as before the shortcut).
  CHECK(unifiedDiff("a\na\n", "a\na\na\n") == "@@ -1,2 +1,3 @@\n a\n a\n+a\n");
  CHECK(unifiedDiff("p\na\nb\nq\n", "p\nb\na\nq\n") == "@@ -1,4 +1,4 @@\n p\n-a\n b\n+a\n q\n");
}

TEST_CASE("set diff: pairing, to-create, extra and duplicates", "[diff][render]") {
  auto desired = parseManifests(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v2}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: new}\n---\n"
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n",
      "d.yaml");
  auto live = parseManifests(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {k: v1}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old, namespace: default}\n---\n"
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: team, labels: {kubernetes.io/metadata.name: team}}\n",
      "l.yaml");
  auto diffs = diffManifestSets(desired, live, {});
  REQUIRE(diffs.size() == 4);
  std::map<std::string, ObjectStatus> status;
  for (const auto& d : diffs) status[d.key.name] = d.status;
  CHECK(status["a"] == ObjectStatus::Modified);
  CHECK(status["new"] == ObjectStatus::ToCreate);
  CHECK(status["old"] == ObjectStatus::Extra);
  CHECK(status["team"] == ObjectStatus::InSync);

  auto text = renderText(diffs);
  CHECK(text.find("diff -u -N live/v1.ConfigMap.default.a merged/v1.ConfigMap.default.a") != std::string::npos);
  CHECK(text.find("-  k: v1\n+  k: v2\n") != std::string::npos);
  CHECK(text.find("# 4 objects: 1 in sync, 1 modified, 1 to create, 1 extra") != std::string::npos);

  auto json = renderJson(diffs);
  CHECK(json["summary"]["modified"] == 1);
  auto patches = renderPatches(diffs);
  CHECK(patches.size() == 3);

  auto twice = parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
                              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n",
                              "twice.yaml");
  CHECK_THROWS_AS(diffManifestSets(twice, live, {}), Error);
}

TEST_CASE("text output masks Secret values like kubectl diff and lists extras briefly", "[diff][render]") {
  auto desired = parseManifests("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {user: admin, pw: new}\n", "d.yaml");
  auto live = parseManifests(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ntype: Opaque\ndata: {user: YWRtaW4=, pw: b2xk}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-root-ca.crt, namespace: default}\n",
      "l.yaml");
  auto diffs = diffManifestSets(desired, live, {});
  auto text = renderText(diffs);
  CHECK(text.find("b2xk") == std::string::npos);
  // Quoted as kubectl's YAML writer quotes them: single quotes for a leading '*'.
  CHECK(text.find("-  pw: '*** (before)'") != std::string::npos);
  CHECK(text.find("+  pw: '*** (after)'") != std::string::npos);
  CHECK(text.find("  user: '***'") != std::string::npos);
  CHECK(text.find("# extra: ConfigMap default/kube-root-ca.crt") != std::string::npos);
  CHECK(text.find("# 2 objects: 0 in sync, 1 modified, 0 to create, 1 extra") != std::string::npos);
  TextRenderOptions show;
  show.showSecrets = true;
  CHECK(renderText(diffs, show).find("b2xk") != std::string::npos);
  auto json = renderJson(diffs, true);
  CHECK(json.dump().find("b2xk") == std::string::npos);
}

TEST_CASE("cluster-scoped objects: stray namespaces dropped, custom resources scoped by live", "[diff][render]") {
  auto desired = parseManifests(
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r, namespace: ext-dns}\nrules: []\n---\n"
      "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: le}\nspec: {acme: {email: a@b.c}}\n---\n"
      "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {secretName: c}\n",
      "d.yaml");
  auto live = parseManifests(
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules: []\n---\n"
      "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: le}\nspec: {acme: {email: a@b.c}}\n---\n"
      "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: edge}\nspec: {secretName: c}\n",
      "l.yaml");
  DiffOptions options;
  options.defaultNamespace = "edge";
  auto diffs = diffManifestSets(desired, live, options);
  REQUIRE(diffs.size() == 3);
  for (const auto& d : diffs) {
    INFO(d.key.str());
    CHECK(d.status == ObjectStatus::InSync);
    if (d.key.kind != "Certificate") CHECK(d.key.ns.empty());
  }
  // Declaring the cluster-scoped custom resource twice is caught even after the first
  // one paired with live.
  auto twice = desired;
  twice.push_back(desired[1]);
  CHECK_THROWS_WITH(diffManifestSets(twice, live, options), Catch::Contains("declared twice"));
}

TEST_CASE("invalid field types are input errors naming the field's line", "[diff][render]") {
  auto desired = parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  DEBUG: yes\n", "cm.yaml");
  try {
    diffManifestSets(desired, {}, {});
    FAIL("non-string ConfigMap data accepted");
  } catch (const Error& e) {
    CHECK(e.where().line == 5);
    CHECK(e.keyPath() == "/data/DEBUG");
    CHECK_THAT(e.what(), Catch::Contains("must be strings"));
  }
  auto badSpec = parseManifests("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: oops\n", "d.yaml");
  CHECK_THROWS_WITH(diffManifestSets(badSpec, {}, {}), Catch::Contains("d.yaml:4"));
  auto badContainers = parseManifests(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: {name: x}\n", "c.yaml");
  CHECK_THROWS_WITH(diffManifestSets(badContainers, {}, {}), Catch::Contains("must be a list"));
}

TEST_CASE("hooks are skipped, generateName without hook is rejected", "[diff][render]") {
  auto desired = parseManifests(
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  annotations: {argocd.argoproj.io/hook: PreSync}\n"
      "spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: 'm:1'}]}}}\n---\n"
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: seed-\n  annotations: {helm.sh/hook: post-install}\n"
      "spec: {template: {spec: {restartPolicy: Never, containers: [{name: s, image: 's:1'}]}}}\n",
      "hooks.yaml");
  auto diffs = diffManifestSets(desired, {}, {});
  REQUIRE(diffs.size() == 2);
  for (const auto& d : diffs) CHECK(d.status == ObjectStatus::Skipped);
  CHECK(renderText(diffs).find("# skipped: batch/Job default/migrate-*") != std::string::npos);
  auto plain = parseManifests("apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: x-\n", "gen.yaml");
  CHECK_THROWS_WITH(diffManifestSets(plain, {}, {}), Catch::Contains("generateName"));
}

TEST_CASE("finalizers merge as a set, nested scalar types are validated", "[diff][render]") {
  auto desired = parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, finalizers: [example.com/a]}\n", "d.yaml");
  auto live = parseManifests(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default, finalizers: [foregroundDeletion, example.com/a]}\n", "l.yaml");
  CHECK(diffManifestSets(desired, live, {})[0].status == ObjectStatus::InSync);
  auto removed = parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, finalizers: []}\n", "d.yaml");
  CHECK(diffManifestSets(removed, live, {})[0].status == ObjectStatus::InSync);  // never declared: not ours to remove

  auto expectInvalid = [](const char* text, const char* pointer) {
    auto ms = parseManifests(text, "bad.yaml");
    try {
      diffManifestSets(ms, {}, {});
      FAIL("accepted: " << text);
    } catch (const Error& e) {
      CHECK(e.keyPath() == pointer);
    }
  };
  expectInvalid("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: '3'\n", "/spec/replicas");
  expectInvalid("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata:\n      annotations: {prometheus.io/scrape: true}\n",
                "/spec/template/metadata/annotations/prometheus.io~1scrape");
  expectInvalid("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, env: [{name: A, value: 1}]}]\n",
                "/spec/containers/0/env/0/value");
  expectInvalid("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {gpu: yes}\n  containers: []\n",
                "/spec/nodeSelector/gpu");
  expectInvalid("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i, stdin: 'yes'}]\n",
                "/spec/containers/0/stdin");
}
