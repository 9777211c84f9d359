// Strategic merge patch (sim/kube/strategic_merge.hpp) on a Deployment's schema: each rule
// as the API server (and kyaml, for the patch-first order) applies it, nested several
// levels deep, and the inputs left untouched.
#include <catch2/catch.hpp>

#include "sim/kube/schema.hpp"
#include "sim/kube/strategic_merge.hpp"

using namespace gs;
using gs::kube::ListOrder;

namespace {

const kube::FieldSchema* deployment() { return kube::schemaFor("apps", "Deployment"); }

const Json kLive = Json::parse(R"({
  "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}, "finalizers": ["a", "b", "c"]},
  "spec": {"replicas": 2, "template": {"spec": {
    "containers": [
      {"name": "web", "image": "web:1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "ports": [{"containerPort": 80}]},
      {"name": "sidecar", "image": "proxy:1", "args": ["--a", "--b"]}
    ],
    "volumes": [{"name": "data", "emptyDir": {}}]
  }}}
})");

Json merge(const char* patch, ListOrder order = ListOrder::AppendNew) {
  return kube::strategicMerge(kLive, Json::parse(patch), deployment(), order);
}

}  // namespace

TEST_CASE("strategic merge: maps merge, null deletes, other values replace", "[kube][patch]") {
  const Json before = kLive;
  const Json out = merge(R"({"metadata": {"labels": {"tier": null, "new": "x"}}, "spec": {"replicas": 5, "paused": true}})");
  CHECK(out["metadata"]["labels"] == Json::parse(R"({"app": "web", "new": "x"})"));
  CHECK(out["spec"]["replicas"] == 5);
  CHECK(out["spec"]["paused"] == true);
  CHECK(out["spec"]["template"] == kLive["spec"]["template"]);
  CHECK(kLive == before);  // the original is not changed
  // A map patched onto a missing field starts from an empty map.
  CHECK(merge(R"({"spec": {"strategy": {"type": "Recreate"}}})")["spec"]["strategy"] == Json::parse(R"({"type": "Recreate"})"));
  // A patch that is not a map replaces the value outright.
  CHECK(kube::strategicMerge(kLive, Json(7), deployment()) == 7);
}

TEST_CASE("strategic merge: keyed lists merge element by element, deep inside", "[kube][patch]") {
  const Json out = merge(R"({"spec": {"template": {"spec": {"containers": [
    {"name": "web", "image": "web:2", "env": [{"name": "B", "value": "20"}, {"name": "C", "value": "3"}]},
    {"name": "new", "image": "new:1"}
  ]}}}})");
  const Json& containers = out["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 3);
  CHECK(containers[0]["name"] == "web");  // AppendNew: the original order, new ones last
  CHECK(containers[0]["image"] == "web:2");
  CHECK(containers[0]["ports"] == kLive["spec"]["template"]["spec"]["containers"][0]["ports"]);
  CHECK(containers[0]["env"] == Json::parse(R"([{"name": "A", "value": "1"}, {"name": "B", "value": "20"}, {"name": "C", "value": "3"}])"));
  CHECK(containers[1] == kLive["spec"]["template"]["spec"]["containers"][1]);
  CHECK(containers[2] == Json::parse(R"({"name": "new", "image": "new:1"})"));
}

TEST_CASE("strategic merge: kustomize's order puts the patch's elements first", "[kube][patch]") {
  const Json out = merge(R"({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "proxy:2"}, {"name": "new"}]}}}})",
                         ListOrder::PatchFirst);
  const Json& containers = out["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 3);
  CHECK(containers[0] == Json::parse(R"({"name": "sidecar", "image": "proxy:2", "args": ["--a", "--b"]})"));
  CHECK(containers[1] == Json::parse(R"({"name": "new"})"));
  CHECK(containers[2] == kLive["spec"]["template"]["spec"]["containers"][0]);
}

TEST_CASE("strategic merge: kubectl apply's order is the manifest's, with the server's own elements where they stood", "[kube][patch]") {
  // The manifest swaps its two containers and env entries; "istio" (only live has it) stays first.
  Json live = kLive;
  auto& containers = live["spec"]["template"]["spec"]["containers"];
  containers.insert(containers.begin(), Json::parse(R"({"name": "istio", "image": "proxy:9"})"));
  const Json patch = Json::parse(R"({"spec": {"template": {"spec": {"containers": [
      {"name": "sidecar", "image": "proxy:1"},
      {"name": "web", "image": "web:1", "env": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]}]}}}})");
  const Json out = kube::strategicMerge(live, patch, deployment(), ListOrder::GitOrder);
  const Json& merged = out["spec"]["template"]["spec"]["containers"];
  REQUIRE(merged.size() == 3);
  CHECK(merged[0]["name"] == "istio");
  CHECK(merged[1]["name"] == "sidecar");
  CHECK(merged[2]["name"] == "web");
  CHECK(merged[2]["env"][0]["name"] == "B");
  CHECK(merged[2]["env"][1]["name"] == "A");
  // The same order from an explicit directive, as kubectl sends it to a served cluster.
  const Json directed = kube::strategicMerge(live, Json::parse(R"({"spec": {"template": {"spec": {
      "$setElementOrder/containers": [{"name": "istio"}, {"name": "sidecar"}, {"name": "web"}],
      "containers": [{"name": "sidecar", "image": "proxy:2"}]}}}})"), deployment());
  const Json& ordered = directed["spec"]["template"]["spec"]["containers"];
  REQUIRE(ordered.size() == 3);
  CHECK(ordered[1] == Json::parse(R"({"name": "sidecar", "image": "proxy:2", "args": ["--a", "--b"]})"));
  CHECK(ordered[2]["name"] == "web");
}

TEST_CASE("strategic merge: $patch directives in maps and lists", "[kube][patch]") {
  // delete: an element of a keyed list, and a whole map.
  Json out = merge(R"({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}, "selector": {"$patch": "delete"}}})");
  CHECK(out["spec"]["template"]["spec"]["containers"].size() == 1);
  CHECK_FALSE(out["spec"].contains("selector"));
  out = merge(R"({"spec": {"template": {"$patch": "delete"}}})");
  CHECK_FALSE(out["spec"].contains("template"));
  // replace: a map is replaced by the patch's other fields; a list by the patch's other elements.
  out = merge(R"({"metadata": {"labels": {"$patch": "replace", "only": "this"}}})");
  CHECK(out["metadata"]["labels"] == Json::parse(R"({"only": "this"})"));
  out = merge(R"({"spec": {"template": {"spec": {"volumes": [{"name": "cache"}, {"$patch": "replace"}]}}}})");
  CHECK(out["spec"]["template"]["spec"]["volumes"] == Json::parse(R"([{"name": "cache"}])"));
  // The whole value: replaced or deleted.
  CHECK(kube::strategicMerge(kLive, Json::parse(R"({"$patch": "replace", "a": 1})"), deployment()) == Json::parse(R"({"a": 1})"));
  CHECK(kube::strategicMerge(kLive, Json::parse(R"({"$patch": "delete"})"), deployment()).is_null());
}

TEST_CASE("strategic merge: primitive lists and ignored directives", "[kube][patch]") {
  Json out = merge(R"({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"], "$setElementOrder/finalizers": ["c", "a"]}})");
  CHECK(out["metadata"]["finalizers"] == Json::parse(R"(["a", "c"])"));
  // Finalizers merge as a set (patchStrategy merge on a primitive list): new ones are appended.
  out = merge(R"({"metadata": {"finalizers": ["z", "a"]}})");
  CHECK(out["metadata"]["finalizers"] == Json::parse(R"(["a", "b", "c", "z"])"));
  // A list without a merge strategy (a container's args) is replaced whole.
  out = merge(R"({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "args": ["--c"]}]}}}})");
  CHECK(out["spec"]["template"]["spec"]["containers"][1]["args"] == Json::parse(R"(["--c"])"));
  // A non-map element matches no keyed element: it is appended as it is.
  out = merge(R"({"spec": {"template": {"spec": {"containers": ["web"]}}}})");
  CHECK(out["spec"]["template"]["spec"]["containers"].size() == 3);
}

TEST_CASE("schema: a field is found by a member key's text as by any copy of it", "[kube][schema]") {
  // Member keys from the shared table are looked up by address; copies and names outside
  // the table by text. Every field of every level of a Pod's schema, and names that are
  // no field (in the shared table and not), must give the same answer both ways.
  const kube::FieldSchema* pod = kube::schemaFor("", "Pod");
  REQUIRE(pod != nullptr);
  const std::vector<std::string> names = {"metadata", "spec", "status", "containers", "initContainers", "ports", "env", "volumes",
                                          "tolerations", "labels", "annotations", "resources", "limits", "name", "image", "kind",
                                          "apiVersion", "finalizers", "ownerReferences", "conditions", "not-a-field", "zzz", ""};
  Json object = Json::object();
  for (const auto& n : names) object[n] = 1;
  std::vector<const kube::FieldSchema*> levels = {pod, pod->field(std::string_view("spec")), pod->field(std::string_view("metadata")),
                                                  pod->field(std::string_view("status"))};
  levels.push_back(levels[1]->field(std::string_view("containers"))->element());
  REQUIRE(levels[1] != nullptr);
  REQUIRE(levels[4] != nullptr);
  for (const kube::FieldSchema* level : levels) {
    if (level == nullptr) continue;  // a part of the Pod the schema knows nothing about
    for (auto it = object.begin(); it != object.end(); ++it) {
      const std::string& memberKey = it.key();
      const std::string copy = memberKey;
      INFO(memberKey);
      CHECK(level->field(memberKey) == level->field(std::string_view(memberKey)));
      CHECK(level->field(copy) == level->field(std::string_view(memberKey)));
    }
  }
  CHECK(pod->field(object.find("spec").key()) != nullptr);
  CHECK(levels[4]->field(object.find("ports").key()) != nullptr);
}
