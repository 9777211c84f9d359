#include <catch2/catch.hpp>

#include "fakecluster/label_selector.hpp"
#include "fakecluster/object_store.hpp"

using namespace gs;
using namespace gs::fake;
using namespace std::chrono_literals;

namespace {

Json configMap(const char* name, const char* ns = "default", Json labels = Json::object()) {
  return Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
              {"data", {{"k", "v"}}}};
}

Json deployment(const char* name, const char* image) {
  return Json::parse(std::string(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":")") + name +
                     R"(","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":")" +
                     image + R"("}]}}}})");
}

struct World {
  VirtualClock clock;
  ObjectStore store{clock, 42};
  World() { store.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "default"}}}}); }
};

ListOptions selecting(std::string labels, std::string fields = {}) {
  ListOptions o;
  o.labelSelector = std::move(labels);
  o.fieldSelector = std::move(fields);
  return o;
}

ListOptions page(std::size_t limit, std::string token = {}) {
  ListOptions o;
  o.limit = limit;
  o.continueToken = std::move(token);
  return o;
}

int codeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const ApiError& e) {
    return e.code();
  }
  return 0;
}

}  // namespace

TEST_CASE("create sets server metadata and defaults, deterministically", "[fakecluster][store]") {
  World w;
  w.clock.advanceBy(90s);
  Json d = w.store.create(deployment("web", "nginx:1.27"));
  CHECK(d["metadata"]["generation"] == 1);
  CHECK(d["metadata"]["creationTimestamp"] == "2026-01-01T00:01:30Z");
  CHECK(d["metadata"]["uid"].get<std::string>().size() == 36);
  CHECK(d["metadata"]["resourceVersion"] == "2");
  CHECK(d["spec"]["replicas"] == 1);
  CHECK(d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent");
  CHECK(d["status"] == Json::object());
  World again;
  again.clock.advanceBy(90s);
  CHECK(again.store.create(deployment("web", "nginx:1.27")) == d);  // same seed, same object
}

TEST_CASE("resourceVersion is one global counter; generation counts spec changes only", "[fakecluster][store]") {
  World w;
  Json a = w.store.create(configMap("a"));
  Json d = w.store.create(deployment("web", "nginx:1"));
  CHECK(std::stoul(d["metadata"]["resourceVersion"].get<std::string>()) > std::stoul(a["metadata"]["resourceVersion"].get<std::string>()));
  d["metadata"]["labels"] = {{"team", "x"}};
  Json labelled = w.store.update(d);
  CHECK(labelled["metadata"]["generation"] == 1);
  labelled["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2";
  Json bumped = w.store.update(labelled);
  CHECK(bumped["metadata"]["generation"] == 2);
  bumped["status"] = {{"replicas", 1}, {"observedGeneration", 2}};
  Json withStatus = w.store.updateStatus(bumped);
  CHECK(withStatus["metadata"]["generation"] == 2);
  CHECK(withStatus["status"]["replicas"] == 1);
  // A spec write cannot touch status.
  withStatus["status"] = {{"replicas", 99}};
  CHECK(w.store.update(withStatus)["status"]["replicas"] == 1);
  // A no-op update writes nothing.
  auto rv = w.store.resourceVersion();
  Json same = w.store.get("apps", "Deployment", "default", "web");
  CHECK(w.store.update(same) == same);
  CHECK(w.store.resourceVersion() == rv);
}

TEST_CASE("API errors carry the real codes and reasons", "[fakecluster][store]") {
  World w;
  Json a = w.store.create(configMap("a"));
  CHECK(codeOf([&] { w.store.create(configMap("a")); }) == 409);
  CHECK(codeOf([&] { w.store.get("", "ConfigMap", "default", "nope"); }) == 404);
  CHECK(codeOf([&] { w.store.create(configMap("Bad_Name")); }) == 422);
  CHECK(codeOf([&] { w.store.create(configMap("x", "missing-ns")); }) == 404);
  CHECK(codeOf([&] { w.store.create(Json{{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", {{"name", "w"}}}}); }) == 404);
  Json stale = a;
  w.store.update([&] { Json b = a; b["data"]["k"] = "v2"; return b; }());
  stale["data"]["k"] = "v3";
  try {
    w.store.update(stale);
    FAIL("stale update accepted");
  } catch (const ApiError& e) {
    CHECK(e.code() == 409);
    CHECK(e.reason() == "Conflict");
    CHECK(e.status()["message"] ==
          "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again");
  }
  try {
    w.store.create(configMap("UPPER"));
  } catch (const ApiError& e) {
    Json s = e.status();
    CHECK(s["reason"] == "Invalid");
    CHECK(s["details"]["causes"][0]["field"] == "metadata.name");
  }
  Json d = w.store.create(deployment("web", "nginx:1"));
  d["spec"]["selector"]["matchLabels"]["app"] = "b";
  CHECK(codeOf([&] { w.store.update(d); }) == 422);  // immutable selector
}

TEST_CASE("list: selectors, namespaces and paging", "[fakecluster][store]") {
  World w;
  w.store.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "prod"}}}});
  for (int i = 0; i < 5; ++i) w.store.create(configMap(("c" + std::to_string(i)).c_str(), "default", {{"app", i % 2 ? "web" : "db"}, {"i", std::to_string(i)}}));
  w.store.create(configMap("p", "prod", {{"app", "web"}}));
  CHECK(w.store.list("", "ConfigMap", "").at("items").size() == 6);
  CHECK(w.store.list("", "ConfigMap", "prod").at("items").size() == 1);
  CHECK(w.store.list("", "ConfigMap", "", selecting("app=web")).at("items").size() == 3);
  CHECK(w.store.list("", "ConfigMap", "default", selecting("app!=web,i in (0,2)")).at("items").size() == 2);
  CHECK(w.store.list("", "ConfigMap", "", selecting("!missing,app")).at("items").size() == 6);
  CHECK(w.store.list("", "ConfigMap", "", selecting("", "metadata.name=c3")).at("items").size() == 1);
  Json listed = w.store.list("", "ConfigMap", "default", page(2));
  std::vector<std::string> names;
  while (true) {
    for (const auto& item : listed["items"]) names.push_back(item["metadata"]["name"]);
    if (!listed["metadata"].contains("continue")) break;
    listed = w.store.list("", "ConfigMap", "default", page(2, listed["metadata"]["continue"]));
  }
  CHECK(names == std::vector<std::string>{"c0", "c1", "c2", "c3", "c4"});
  CHECK(listed["kind"] == "ConfigMapList");
  CHECK(codeOf([&] { w.store.list("", "ConfigMap", "", selecting("a in b")); }) == 400);
}

TEST_CASE("finalizers keep a deleted object until the last one is removed", "[fakecluster][store]") {
  World w;
  Json a = configMap("a");
  a["metadata"]["finalizers"] = {"example.com/cleanup"};
  w.store.create(a);
  Json marked = w.store.remove("", "ConfigMap", "default", "a");
  CHECK(marked["metadata"].contains("deletionTimestamp"));
  CHECK(w.store.get("", "ConfigMap", "default", "a")["metadata"].contains("deletionTimestamp"));
  marked["metadata"]["finalizers"] = Json::array();
  w.store.update(marked);
  CHECK(codeOf([&] { w.store.get("", "ConfigMap", "default", "a"); }) == 404);
}

TEST_CASE("watch replays events in order and answers 410 once compacted", "[fakecluster][store]") {
  VirtualClock clock;
  ObjectStore store(clock, 1, /*historyLimit=*/4);
  store.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "default"}}}});
  Json a = store.create(configMap("a"));
  auto from = store.resourceVersion();
  a["data"]["k"] = "2";
  store.update(a);
  store.remove("", "ConfigMap", "default", "a");
  auto events = store.watch(from, "", "ConfigMap");
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == WatchEvent::Type::Modified);
  CHECK(events[1].type == WatchEvent::Type::Deleted);
  CHECK(events[0].resourceVersion < events[1].resourceVersion);
  for (int i = 0; i < 5; ++i) store.create(configMap(("n" + std::to_string(i)).c_str()));
  CHECK(codeOf([&] { store.watch(from); }) == 410);
  CHECK(store.watch(store.resourceVersion() - 1).size() == 1);
}

TEST_CASE("generateName, dry runs and custom resource definitions", "[fakecluster][store]") {
  World w;
  Json g = configMap("");
  g["metadata"].erase("name");
  g["metadata"]["generateName"] = "job-";
  Json made = w.store.create(g);
  CHECK(made["metadata"]["name"].get<std::string>().size() == 9);
  auto rv = w.store.resourceVersion();
  WriteOptions dry;
  dry.dryRun = true;
  w.store.create(configMap("dry"), dry);
  CHECK(w.store.resourceVersion() == rv);
  CHECK(codeOf([&] { w.store.get("", "ConfigMap", "default", "dry"); }) == 404);

  w.store.create(Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
    "names":{"kind":"Widget","plural":"widgets"},"versions":[{"name":"v1","served":true,"storage":true}]}})"));
  Json widget = w.store.create(Json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":3}})"));
  CHECK(widget["spec"]["size"] == 3);
  CHECK(w.store.registry().byPlural("example.com", "widgets") != nullptr);
  CHECK(codeOf([&] {
          w.store.create(Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
            "metadata":{"name":"bad.example.com"},"spec":{"group":"example.com","names":{"kind":"Bad"}}})"));
        }) == 422);
}

TEST_CASE("label selectors: string and structured forms", "[fakecluster][selector]") {
  Json labels = {{"app", "web"}, {"tier", "front"}};
  CHECK(LabelSelector::parse("app=web").matches(labels));
  CHECK(LabelSelector::parse("app==web,tier").matches(labels));
  CHECK_FALSE(LabelSelector::parse("app!=web").matches(labels));
  CHECK(LabelSelector::parse("tier notin (back),!legacy").matches(labels));
  CHECK_FALSE(LabelSelector::parse("env in (prod)").matches(labels));
  CHECK(LabelSelector::parse("").matches(labels));
  auto structured = LabelSelector::fromJson(Json::parse(R"({"matchLabels":{"app":"web"},
    "matchExpressions":[{"key":"tier","operator":"In","values":["front","mid"]},{"key":"x","operator":"DoesNotExist"}]})"));
  CHECK(structured.matches(labels));
  CHECK_FALSE(structured.matches(Json{{"app", "web"}}));
  CHECK_THROWS_AS(LabelSelector::fromJson(Json::parse(R"({"matchExpressions":[{"key":"a","operator":"Near"}]})")), ApiError);
}
