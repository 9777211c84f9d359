#include <catch2/catch.hpp>

#include "sim/diff/diff.hpp"
#include "sim/diff/ignore.hpp"
#include "sim/diff/managed_fields.hpp"

using namespace gs;
using namespace gs::diff;

TEST_CASE("pointer paths with keyed selectors parse", "[diff][ignore]") {
  auto p = parseIgnorePath("/spec/template/spec/containers[name=web]/image");
  REQUIRE(p.steps.size() == 6);
  CHECK(p.steps[4].kind == PathStep::Select);
  CHECK(p.steps[4].selectField == "name");
  CHECK(p.steps[4].selectValue == "web");
  CHECK(p.steps[5].key == "image");
  auto escaped = parseIgnorePath("/metadata/annotations/example.com~1owner");
  CHECK(escaped.steps.back().key == "example.com/owner");
}

TEST_CASE("jq paths parse to the same steps", "[diff][ignore]") {
  auto jq = parseIgnorePath(R"(.spec.template.spec.containers[] | select(.name == "web") | .image)");
  auto ptr = parseIgnorePath("/spec/template/spec/containers[name=web]/image");
  REQUIRE(jq.steps.size() == ptr.steps.size());
  for (std::size_t i = 0; i < jq.steps.size(); ++i) {
    CHECK(jq.steps[i].kind == ptr.steps[i].kind);
    CHECK(jq.steps[i].key == ptr.steps[i].key);
    CHECK(jq.steps[i].selectValue == ptr.steps[i].selectValue);
  }
  auto quoted = parseIgnorePath(R"(.metadata.annotations["example.com/owner"])");
  CHECK(quoted.steps.back().key == "example.com/owner");
}

TEST_CASE("invalid ignore paths are errors with the reason", "[diff][ignore]") {
  for (const char* bad : {"spec/replicas", "/spec/containers[name=web", ".spec | select(.a == 1)", ".spec.x[", "", "."}) {
    INFO(bad);
    CHECK_THROWS_AS(parseIgnorePath(bad), Error);
  }
  CHECK_THROWS_AS(parseIgnoreRule(Json{{"kind", "Deployment"}, {"jsonPointer", Json::array({"/a"})}}), Error);
  CHECK_THROWS_AS(parseIgnoreRule(Json{{"kind", "Deployment"}}), Error);
}

TEST_CASE("removePath removes keys, indexes and selected elements", "[diff][ignore]") {
  Json v = Json::parse(R"({"spec":{"replicas":3,"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}],"args":["1","2"]}})");
  removePath(v, parseIgnorePath("/spec/replicas"));
  removePath(v, parseIgnorePath("/spec/containers[name=b]/image"));
  removePath(v, parseIgnorePath("/spec/args/0"));
  CHECK(v == Json::parse(R"({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b"}],"args":["2"]}})"));
  removePath(v, parseIgnorePath(R"(.spec.containers[] | select(.name == "a"))"));
  CHECK(v["spec"]["containers"] == Json::parse(R"([{"name":"b"}])"));
  removePath(v, parseIgnorePath("/does/not/exist"));
}

TEST_CASE("scoped rules apply only to matching objects", "[diff][ignore]") {
  auto rule = parseIgnoreRule(Json::parse(R"({"group":"apps","kind":"Deployment","name":"web","jsonPointers":["/spec/replicas"]})"));
  CHECK(rule.appliesTo(kube::ObjectKey{"apps", "Deployment", "default", "web"}));
  CHECK_FALSE(rule.appliesTo(kube::ObjectKey{"apps", "Deployment", "default", "api"}));
  CHECK_FALSE(rule.appliesTo(kube::ObjectKey{"apps", "StatefulSet", "default", "web"}));
  auto any = parseIgnoreRule(Json::parse(R"({"kind":"*","jqPathExpressions":[".metadata.labels"]})"));
  CHECK(any.appliesTo(kube::ObjectKey{"", "ConfigMap", "x", "y"}));
}

TEST_CASE("an ignore rule hides drift in the diff", "[diff][ignore]") {
  Json d = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
    "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","image":"a:1"}]}}}})");
  Json l = d;
  l["spec"]["replicas"] = 5;
  l["spec"]["template"]["spec"]["containers"][0]["image"] = "a:2";
  CHECK(diffObjects(d, l).changes.size() == 2);
  DiffOptions options;
  options.ignore.push_back(parseIgnoreRule(Json("/spec/replicas")));
  CHECK(diffObjects(d, l, options).changes.size() == 1);
  options.ignore.push_back(parseIgnoreRule(Json(".spec.template.spec.containers[] | select(.name == \"web\") | .image")));
  CHECK_FALSE(diffObjects(d, l, options).modified);
}

TEST_CASE("identity fields cannot be ignored", "[diff][ignore]") {
  for (const char* path : {"/apiVersion", "/kind", "/metadata/name", ".metadata.namespace", "/metadata"}) {
    INFO(path);
    CHECK_THROWS_WITH(parseIgnorePath(path), Catch::Contains("identify the object"));
  }
  CHECK_NOTHROW(parseIgnorePath("/metadata/labels"));
}

TEST_CASE("ignoreDifferences scoping follows Argo CD: missing group is the core group, globs", "[diff][ignore]") {
  auto noGroup = parseIgnoreRule(Json::parse(R"({"kind":"Deployment","jsonPointers":["/spec/replicas"]})"));
  CHECK_FALSE(noGroup.appliesTo(kube::ObjectKey{"apps", "Deployment", "default", "web"}));
  auto glob = parseIgnoreRule(Json::parse(R"({"group":"*.k8s.io","kind":"Ingress*","jsonPointers":["/spec"]})"));
  CHECK(glob.appliesTo(kube::ObjectKey{"networking.k8s.io", "Ingress", "default", "web"}));
  CHECK(glob.appliesTo(kube::ObjectKey{"networking.k8s.io", "IngressClass", "", "nginx"}));
  CHECK_FALSE(glob.appliesTo(kube::ObjectKey{"apps", "Ingress", "default", "web"}));
  CHECK_THROWS_WITH(parseIgnoreRule(Json::parse(R"({"group":"apps","jsonPointers":["/spec/replicas"]})")), Catch::Contains("kind"));
}

TEST_CASE("jq paths: unbalanced input is rejected, nested select fields work", "[diff][ignore]") {
  CHECK_THROWS_AS(parseIgnorePath(".spec.metrics[] | select(.type =="), Error);
  CHECK_THROWS_AS(parseIgnorePath(".spec.metrics[] | select(.type == \"x\""), Error);
  Json v = Json::parse(R"({"spec":{"metrics":[{"resource":{"name":"cpu","target":1}},{"resource":{"name":"memory","target":2}}]}})");
  removePath(v, parseIgnorePath(R"(.spec.metrics[] | select(.resource.name == "memory") | .resource.target)"));
  CHECK(v["spec"]["metrics"][0]["resource"].contains("target"));
  CHECK_FALSE(v["spec"]["metrics"][1]["resource"].contains("target"));
}

TEST_CASE("jq select conditions: !=, startswith, endswith, contains, test", "[diff][ignore]") {
  const Json containers = Json::parse(R"({"c":[{"name":"app-web","image":"a"},{"name":"istio-proxy","image":"b"},{"name":"app-job","image":"c"},{"image":"d"}]})");
  auto imagesLeft = [&](const char* path) {
    Json v = containers;
    removePath(v, parseIgnorePath(path));
    std::string left;
    for (const auto& c : v["c"]) left += c.contains("image") ? c["image"].get<std::string>() : "-";
    return left;
  };
  CHECK(imagesLeft(R"(.c[] | select(.name | startswith("app-")) | .image)") == "-b-d");
  CHECK(imagesLeft(R"(.c[] | select(.name | endswith("proxy")) | .image)") == "a-cd");
  CHECK(imagesLeft(R"(.c[] | select(.name | contains("-j")) | .image)") == "ab-d");
  CHECK(imagesLeft(R"(.c[] | select(.name | test("^app-(web|job)$")) | .image)") == "-b-d");
  CHECK(imagesLeft(R"(.c[] | select(.name != "istio-proxy") | .image)") == "-b--");
  CHECK_THROWS_WITH(parseIgnorePath(R"(.c[] | select(.name | ascii_downcase))"), Catch::Contains("select() supports"));
  CHECK_THROWS_WITH(parseIgnorePath(R"(.c[] | select(.name | test("(")))"), Catch::Contains("valid regular expression"));
}

TEST_CASE("managedFieldsManagers ignores what those managers own in live", "[diff][ignore]") {
  Json desired = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
    "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","image":"a:1"},{"name":"log","image":"l:1"}]}}}})");
  Json live = desired;
  live["spec"]["replicas"] = 5;
  live["spec"]["template"]["spec"]["containers"][0]["image"] = "a:2";
  live["spec"]["template"]["spec"]["containers"][1]["image"] = "l:2";
  live["metadata"]["managedFields"] = Json::parse(R"([
    {"manager":"argocd-controller","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{}}}},
    {"manager":"rollout-operator","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{
      "f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{"f:image":{}}}}}}}}])");
  CHECK(diffObjects(desired, live).changes.size() == 3);
  DiffOptions options;
  options.ignore.push_back(parseIgnoreRule(Json::parse(R"({"group":"apps","kind":"Deployment","managedFieldsManagers":["rollout-operator"]})")));
  auto r = diffObjects(desired, live, options);
  REQUIRE(r.changes.size() == 1);
  CHECK(r.changes[0].path == "/spec/template/spec/containers[name=log]/image");
  // A rule scoped to another kind does not apply.
  DiffOptions other;
  other.ignore.push_back(parseIgnoreRule(Json::parse(R"({"group":"apps","kind":"StatefulSet","managedFieldsManagers":["rollout-operator"]})")));
  CHECK(diffObjects(desired, live, other).changes.size() == 3);
}

TEST_CASE("removeOwnedFields follows FieldsV1: members, keyed elements, set values, whole nodes", "[diff][ignore]") {
  Json v = Json::parse(R"({"metadata":{"labels":{"a":"1","b":"2"},"finalizers":["x","y"]},"spec":{"ports":[{"port":80,"name":"http"},{"port":443,"name":"https"}]}})");
  removeOwnedFields(v, Json::parse(R"({"f:metadata":{"f:labels":{".":{},"f:a":{}},"f:finalizers":{"v:\"x\"":{}}},
    "f:spec":{"f:ports":{"k:{\"port\":443}":{".":{},"f:name":{}},"k:{\"port\":80}":{"f:name":{}}}}})"));
  CHECK(v == Json::parse(R"({"metadata":{"finalizers":["y"]},"spec":{"ports":[{"port":80}]}})"));
}
