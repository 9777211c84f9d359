#include <catch2/catch.hpp>

#include "sim/kube/validate.hpp"

using namespace gs;
using namespace gs::kube;

namespace {

Json deployment() {
  return Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
    "spec":{"containers":[{"name":"web","image":"web:1","env":[{"name":"A","value":"1"}],"ports":[{"containerPort":80}]}]}}}})");
}

// The pointer and message of the first problem found, or "" for a valid object.
std::string issueOf(const Json& object) {
  auto issue = validateObject(object);
  return issue ? issue->pointer + ": " + issue->message : "";
}

}  // namespace

TEST_CASE("validateObject names the offending field by JSON pointer", "[kube][validate]") {
  CHECK(issueOf(deployment()).empty());
  Json d = deployment();
  d["metadata"]["labels"]["a/b~c"] = 1;
  CHECK(issueOf(d) == "/metadata/labels/a~1b~0c: labels values must be strings, found number (quote it: \"1\")");
  d = deployment();
  d["spec"]["replicas"] = "two";
  CHECK(issueOf(d) == "/spec/replicas: must be an integer, found string \"two\"");
  d = deployment();
  d["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = 7;
  CHECK(issueOf(d) == "/spec/template/spec/containers/0/env/0/value: env values must be strings, found number (quote it: \"7\")");
  d = deployment();
  d["spec"]["template"]["spec"]["containers"].push_back(Json{{"image", "side:1"}});
  CHECK(issueOf(d) == "/spec/template/spec/containers/1: missing 'name', the key that identifies items of this list");
  d = deployment();
  d["spec"]["template"]["spec"]["containers"] = Json{{"name", "web"}};
  CHECK(issueOf(d) == "/spec/template/spec/containers: must be a list, found object");
  d = deployment();
  d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = Json::array();
  CHECK(issueOf(d).starts_with("/spec/template/spec/containers/0/ports/0/containerPort: "));
  d = deployment();
  d["spec"] = "none";
  CHECK(issueOf(d) == "/spec: must be a map, found string");
  const Json configMap{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}}}, {"data", {{"", true}}}};
  CHECK(issueOf(configMap) == "/data/: data values must be strings, found boolean (quote it: \"true\")");
}

TEST_CASE("validateObject checks the JSON type of every typed scalar field, whatever its name's length", "[kube][validate]") {
  // Integer and boolean fields of each name length the checks know (3 to 29 bytes), and
  // look-alike names of the same lengths that are not typed.
  const std::vector<std::pair<std::string, const char*>> typed = {
      {"tty", "true or false"}, {"stdin", "true or false"}, {"paused", "true or false"}, {"fsGroup", "an integer"},
      {"hostPort", "an integer"}, {"runAsUser", "an integer"}, {"readOnly", "true or false"}, {"nodePort", "an integer"},
      {"defaultMode", "an integer"}, {"hostNetwork", "true or false"}, {"containerPort", "an integer"},
      {"terminationGracePeriodSeconds", "an integer"}, {"automountServiceAccountToken", "true or false"},
      {"publishNotReadyAddresses", "true or false"}, {"successfulJobsHistoryLimit", "an integer"}};
  for (const auto& [field, expected] : typed) {
    Json d = deployment();
    d["spec"]["template"]["spec"][field] = Json::array({"x"});
    INFO(field);
    CHECK(issueOf(d) == "/spec/template/spec/" + field + ": must be " + expected + ", found array [\"x\"]");
  }
  for (const char* untyped : {"ttz", "hostPorts", "containerPorts", "pause", "runAsUserX"}) {
    Json d = deployment();
    d["spec"]["template"]["metadata"]["annotations"] = Json::object();
    d["spec"]["template"]["spec"]["containers"][0]["resources"] = Json{{untyped, "anything"}};
    INFO(untyped);
    CHECK(issueOf(d).empty());
  }
}

TEST_CASE("validation of shapes only leaves wrongly typed scalars to the API server", "[kube][validate]") {
  gs::Json d = gs::Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"tier":1}},
    "spec":{"replicas":"2","template":{"spec":{"containers":[{"name":"web","image":"nginx","env":[{"name":"A","value":1}]}]}}}})");
  CHECK(gs::kube::validateObject(d).has_value());
  CHECK_FALSE(gs::kube::validateObject(d, false).has_value());
  d["spec"]["template"]["spec"]["containers"] = gs::Json{{"name", "web"}};
  REQUIRE(gs::kube::validateObject(d, false).has_value());
  CHECK(gs::kube::validateObject(d, false)->pointer == "/spec/template/spec/containers");
  d["metadata"]["labels"] = gs::Json::array({"a"});
  CHECK(gs::kube::validateObject(d, false)->pointer == "/metadata/labels");
}
