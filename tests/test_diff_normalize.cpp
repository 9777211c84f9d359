#include <catch2/catch.hpp>

#include "sim/core/base64.hpp"
#include "sim/diff/normalize.hpp"

using namespace gs;
using namespace gs::diff;

TEST_CASE("dropStatus removes status only", "[diff][normalize]") {
  Json o = {{"kind", "Pod"}, {"status", {{"phase", "Running"}}}, {"spec", Json::object()}};
  dropStatus(o);
  CHECK(o == Json{{"kind", "Pod"}, {"spec", Json::object()}});
}

TEST_CASE("dropServerMetadata removes what the server owns", "[diff][normalize]") {
  Json o = Json::parse(R"({"metadata":{"name":"a","namespace":"n","uid":"u","resourceVersion":"1","generation":2,
    "creationTimestamp":"t","managedFields":[],"selfLink":"/x","deletionTimestamp":"t","deletionGracePeriodSeconds":30,
    "labels":{"a":"b"}}})");
  dropServerMetadata(o);
  CHECK(o == Json::parse(R"({"metadata":{"name":"a","namespace":"n","labels":{"a":"b"}}})"));
}

TEST_CASE("dropBookkeepingAnnotations keeps user annotations", "[diff][normalize]") {
  Json o = Json::parse(R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}",
    "deployment.kubernetes.io/revision":"3","team":"x"}}})");
  dropBookkeepingAnnotations(o);
  CHECK(o == Json::parse(R"({"metadata":{"annotations":{"team":"x"}}})"));
  Json only = Json::parse(R"({"metadata":{"annotations":{"deployment.kubernetes.io/revision":"3"}}})");
  dropBookkeepingAnnotations(only);
  CHECK(only == Json::parse(R"({"metadata":{}})"));
}

TEST_CASE("Secret stringData folds into base64 data", "[diff][normalize]") {
  Json s = Json::parse(R"({"kind":"Secret","data":{"a":"b2xk","keep":"eA=="},"stringData":{"a":"new","pw":"hunter2"}})");
  foldSecretStringData(s);
  CHECK(s == Json::parse(R"({"kind":"Secret","data":{"a":"bmV3","keep":"eA==","pw":"aHVudGVyMg=="}})"));
  CHECK(gs::base64Encode("") == "");
  CHECK(gs::base64Encode("f") == "Zg==");
  CHECK(gs::base64Encode("fo") == "Zm8=");
  CHECK(gs::base64Encode("foo") == "Zm9v");
  Json cm = Json::parse(R"({"kind":"ConfigMap","stringData":{"a":"b"}})");
  foldSecretStringData(cm);
  CHECK(cm.contains("stringData"));
}

TEST_CASE("namespaces: cluster-scoped kinds drop it, namespaced ones get the default", "[diff][normalize]") {
  Json ns = Json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","namespace":"x"}})");
  normalizeNamespace(ns, "default");
  CHECK_FALSE(ns["metadata"].contains("namespace"));
  Json cm = Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})");
  normalizeNamespace(cm, "prod");
  CHECK(cm["metadata"]["namespace"] == "prod");
  Json declared = Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"dev"}})");
  normalizeNamespace(declared, "prod");
  CHECK(declared["metadata"]["namespace"] == "dev");
}

TEST_CASE("lastAppliedOf parses the annotation and rejects a corrupt one", "[diff][normalize]") {
  Json live = Json::parse(R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"spec\":{\"replicas\":2}}\n"}}})");
  auto la = lastAppliedOf(live);
  REQUIRE(la.has_value());
  CHECK((*la)["spec"]["replicas"] == 2);
  Json broken = Json::parse(R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{not json"}}})");
  CHECK_THROWS_WITH(lastAppliedOf(broken), Catch::Contains("not a JSON object"));
  CHECK_FALSE(lastAppliedOf(Json::object()).has_value());
}

TEST_CASE("Argo CD's tracking annotation is bookkeeping", "[diff][normalize]") {
  Json o = Json::parse(R"({"metadata":{"annotations":{"argocd.argoproj.io/tracking-id":"app:apps/Deployment:ns/web","team":"x"}}})");
  dropBookkeepingAnnotations(o);
  CHECK(o == Json::parse(R"({"metadata":{"annotations":{"team":"x"}}})"));
}

TEST_CASE("aggregated ClusterRoles can leave their rules out", "[diff][normalize]") {
  Json agg = Json::parse(R"({"kind":"ClusterRole","aggregationRule":{"clusterRoleSelectors":[]},"rules":[{"verbs":["get"]}]})");
  dropAggregatedRules(agg);
  CHECK_FALSE(agg.contains("rules"));
  Json plain = Json::parse(R"({"kind":"ClusterRole","rules":[{"verbs":["get"]}]})");
  dropAggregatedRules(plain);
  CHECK(plain.contains("rules"));
}
