// Decoding built-in objects into their Go types (sim/kube/typed_decode.hpp): the errors a
// real API server answers for wrongly typed values, with Go's exact wording, and the
// unknown fields its strict decoder reports and drops.
#include <catch2/catch.hpp>

#include "sim/kube/api_types.hpp"
#include "sim/kube/typed_decode.hpp"

using gs::Json;
using namespace gs::kube;

namespace {

Json deployment() {
  return Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
    "spec":{"containers":[{"name":"web","image":"nginx:1.27","env":[{"name":"A","value":"1"}],
    "resources":{"limits":{"cpu":"500m","memory":"128Mi"}}}]}}}})");
}

TypedDecodeResult decodeAs(Json& object, const char* group, const char* version, const char* kind) {
  const ApiStruct* shape = apiStructFor(group, version, kind);
  REQUIRE(shape != nullptr);
  return decodeTyped(object, *shape);
}

std::string errorOf(Json object, const char* group = "apps", const char* version = "v1", const char* kind = "Deployment") {
  return decodeAs(object, group, version, kind).error;
}

}  // namespace

TEST_CASE("api types: every served built-in kind has its Go struct, custom kinds have none") {
  CHECK(apiStructFor("apps", "v1", "Deployment")->goName == "v1.Deployment");
  CHECK(apiStructFor("", "v1", "Event")->field("involvedObject") != nullptr);
  CHECK(apiStructFor("events.k8s.io", "v1", "Event")->field("note") != nullptr);
  CHECK(apiStructFor("autoscaling", "v2", "HorizontalPodAutoscaler")->goName == "v2.HorizontalPodAutoscaler");
  CHECK(apiStructFor("apiextensions.k8s.io", "v1", "CustomResourceDefinition") != nullptr);
  CHECK(apiStructFor("example.com", "v1", "Widget") == nullptr);
  const ApiStruct* spec = apiStructFor("", "v1", "Pod")->field("spec")->type->structType;
  CHECK(spec->shortName == "PodSpec");
  CHECK(spec->field("containers")->type->goName == "[]v1.Container");
  CHECK(spec->field("nodeSelector")->type->goName == "map[string]string");
  CHECK(spec->field("overhead")->type->goName == "v1.ResourceList");
}

TEST_CASE("typed decode: a well-typed object decodes unchanged") {
  Json object = deployment();
  const Json before = object;
  const auto result = decodeAs(object, "apps", "v1", "Deployment");
  CHECK(result.error.empty());
  CHECK(result.unknownFields.empty());
  CHECK(object == before);
}

TEST_CASE("typed decode: wrongly typed values get Go's message, naming the innermost struct and the field path") {
  Json d = deployment();
  d["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = 1;
  CHECK(errorOf(d) == "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string");
  d = deployment();
  d["spec"]["replicas"] = "3";
  CHECK(errorOf(d) == "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
  d["spec"]["replicas"] = 3000000000LL;
  CHECK(errorOf(d) == "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32");
  d["spec"]["replicas"] = 1.5;
  CHECK(errorOf(d) == "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
  d = deployment();
  d["spec"]["template"]["spec"]["containers"] = Json{{"name", "web"}};
  CHECK(errorOf(d) == "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container");
  // Named string types print their Go name, also through pointers and slices.
  d = deployment();
  d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = 1;
  CHECK(errorOf(d) == "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.imagePullPolicy of type v1.PullPolicy");
  d = deployment();
  d["spec"]["strategy"] = Json{{"type", true}};
  CHECK(errorOf(d) == "json: cannot unmarshal bool into Go struct field DeploymentStrategy.spec.strategy.type of type v1.DeploymentStrategyType");
  Json svc = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ipFamilies":[4],"ports":[{"port":80}]}})");
  CHECK(decodeAs(svc, "", "v1", "Service").error == "json: cannot unmarshal number into Go struct field ServiceSpec.spec.ipFamilies of type v1.IPFamily");
  d = deployment();
  d["metadata"]["labels"]["tier"] = true;
  CHECK(errorOf(d) == "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string");
  d = deployment();
  d["spec"]["template"] = "web";
  CHECK(errorOf(d) == "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec");
  d = deployment();
  d["spec"]["paused"] = "true";
  CHECK(errorOf(d) == "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool");
}

TEST_CASE("typed decode: integer fields take integral numbers, which become integers") {
  Json d = deployment();
  d["spec"]["replicas"] = 3.0;
  CHECK(errorOf(d).empty());
  auto result = decodeAs(d, "apps", "v1", "Deployment");
  CHECK(result.error.empty());
  CHECK(d["spec"]["replicas"].is_number_integer());
  CHECK(d["spec"]["replicas"] == 3);
  d["spec"]["replicas"] = nullptr;  // null is every type's zero value
  CHECK(errorOf(d).empty());
}

TEST_CASE("typed decode: the first error in key order is reported, unless a custom decoder stops decoding later") {
  Json d = deployment();
  d["spec"]["replicas"] = "3";
  d["spec"]["paused"] = "yes";
  CHECK(errorOf(d) == "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool");
  // int-or-string, quantities and times decode themselves; their errors end decoding.
  Json s = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web","labels":{"a":1}},
    "spec":{"ports":[{"port":80,"targetPort":true}]}})");
  CHECK(errorOf(s, "", "v1", "Service") == "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32");
  s["spec"]["ports"][0]["targetPort"] = "http";
  CHECK(errorOf(s, "", "v1", "Service") == "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string");
  s["metadata"]["labels"]["a"] = "1";
  s["spec"]["ports"][0]["targetPort"] = 8080.0;
  CHECK(errorOf(s, "", "v1", "Service").empty());
  d = deployment();
  d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] = "lots";
  CHECK(errorOf(d) == "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] = 0.5;
  CHECK(errorOf(d).empty());
  d["metadata"]["creationTimestamp"] = 5;
  CHECK(errorOf(d) == "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string");
}

TEST_CASE("typed decode: []byte fields are base64, checked as Go decodes them") {
  Json secret = Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"ok":"aGVsbG8=","bad":"abc!"}})");
  CHECK(errorOf(secret, "", "v1", "Secret") == "illegal base64 data at input byte 3");
  secret["data"]["bad"] = "aGVsbG8";  // unpadded
  CHECK(errorOf(secret, "", "v1", "Secret") == "illegal base64 data at input byte 4");
  secret["data"]["bad"] = "aGVs\nbG8=";  // line breaks are skipped
  CHECK(errorOf(secret, "", "v1", "Secret").empty());
  secret["data"]["bad"] = 5;
  CHECK(errorOf(secret, "", "v1", "Secret") == "json: cannot unmarshal number into Go struct field Secret.data of type []uint8");
}

TEST_CASE("typed decode: unknown fields are reported with their paths and dropped") {
  Json d = deployment();
  d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always";
  d["spec"]["strategy"] = Json{{"rollingUpdate", {{"maxSurge", 1}, {"maxSurgeUnits", 2}}}};
  d["spex"] = Json::object();
  const auto result = decodeAs(d, "apps", "v1", "Deployment");
  CHECK(result.error.empty());
  CHECK(result.unknownFields == std::vector<std::string>{"unknown field \"spec.strategy.rollingUpdate.maxSurgeUnits\"",
                                                          "unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"",
                                                          "unknown field \"spex\""});
  CHECK_FALSE(d.contains("spex"));
  CHECK_FALSE(d["spec"]["template"]["spec"]["containers"][0].contains("imagePullPolicyy"));
  CHECK(d["spec"]["strategy"]["rollingUpdate"] == Json{{"maxSurge", 1}});
  // Fields of embedded free-form JSON (a CRD's schema defaults, RawExtension) are anyone's.
  Json crd = Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
    "spec":{"group":"example.com","names":{"kind":"Widget","plural":"widgets"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,
    "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","default":{"anything":1},"x-kubernetes-preserve-unknown-fields":true}}}}}]}})");
  const auto crdResult = decodeAs(crd, "apiextensions.k8s.io", "v1", "CustomResourceDefinition");
  CHECK(crdResult.error.empty());
  CHECK(crdResult.unknownFields.empty());
  // A map's keys are path segments like field names.
  crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["typ"] = "object";
  CHECK(decodeAs(crd, "apiextensions.k8s.io", "v1", "CustomResourceDefinition").unknownFields ==
        std::vector<std::string>{"unknown field \"spec.versions[0].schema.openAPIV3Schema.properties.spec.typ\""});
}

TEST_CASE("typed decode: ResourceList values are rounded up to thousandths, other quantities are not") {
  Json object = Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i",
    "resources":{"requests":{"cpu":"100u","memory":"0.5"},"limits":{"cpu":"1001u","memory":"1Gi"}}}],
    "volumes":[{"name":"v","emptyDir":{"sizeLimit":"100u"}}]}})");
  REQUIRE(decodeAs(object, "", "v1", "Pod").error.empty());
  const Json& resources = object["spec"]["containers"][0]["resources"];
  CHECK(resources["requests"]["cpu"] == "1m");
  CHECK(resources["requests"]["memory"] == "500m");
  CHECK(resources["limits"]["cpu"] == "2m");
  CHECK(resources["limits"]["memory"] == "1Gi");
  CHECK(object["spec"]["volumes"][0]["emptyDir"]["sizeLimit"] == "100u");  // a plain Quantity field
}

TEST_CASE("typed decode: []byte values are stored as Go encodes them again, without line breaks") {
  Json object = Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"QUJD\nREVG\r\n"}})");
  REQUIRE(decodeAs(object, "", "v1", "Secret").error.empty());
  CHECK(object["data"]["a"] == "QUJDREVG");
}

TEST_CASE("typed decode: zero scalars of omitempty fields are left out, pointers and required fields keep theirs") {
  Json object = deployment();
  object["spec"]["minReadySeconds"] = 0;
  object["spec"]["paused"] = false;
  object["spec"]["revisionHistoryLimit"] = 0;  // *int32: kept
  object["spec"]["template"]["spec"]["hostNetwork"] = false;
  object["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = "";
  object["spec"]["template"]["spec"]["containers"][0]["ports"] = Json::parse(R"([{"containerPort":0,"hostPort":0}])");
  REQUIRE(decodeAs(object, "apps", "v1", "Deployment").error.empty());
  CHECK_FALSE(object["spec"].contains("minReadySeconds"));
  CHECK_FALSE(object["spec"].contains("paused"));
  CHECK(object["spec"]["revisionHistoryLimit"] == 0);
  CHECK_FALSE(object["spec"]["template"]["spec"].contains("hostNetwork"));
  CHECK(object["spec"]["template"]["spec"]["containers"][0]["env"][0] == Json{{"name", "A"}});
  CHECK(object["spec"]["template"]["spec"]["containers"][0]["ports"][0] == Json{{"containerPort", 0}});  // containerPort has no omitempty
}
