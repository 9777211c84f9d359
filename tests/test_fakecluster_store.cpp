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

TEST_CASE("resourceVersion is one global counter, generation counts spec changes only", "[fakecluster][store]") {
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

TEST_CASE("generation follows each kind's registry strategy", "[fakecluster][store]") {
  World w;
  // Kinds without a spec/status split have none, as `kubectl get cm -o yaml` shows.
  Json cm = w.store.create(configMap("plain"));
  CHECK_FALSE(cm["metadata"].contains("generation"));
  cm["data"]["k"] = "changed";
  CHECK_FALSE(w.store.update(cm)["metadata"].contains("generation"));
  Json svc = w.store.create(Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":80}]}})"));
  CHECK_FALSE(svc["metadata"].contains("generation"));
  // A Deployment counts annotation changes too (they are copied to its ReplicaSets).
  Json d = w.store.create(deployment("web", "nginx:1"));
  d["metadata"]["annotations"] = {{"team", "x"}};
  d = w.store.update(d);
  CHECK(d["metadata"]["generation"] == 2);
  d["metadata"]["labels"] = {{"tier", "web"}};
  CHECK(w.store.update(d)["metadata"]["generation"] == 2);
  // A PriorityClass gets 1 and keeps it.
  Json pc = w.store.create(Json::parse(R"({"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"high"},"value":1000})"));
  CHECK(pc["metadata"]["generation"] == 1);
  pc["description"] = "more";
  CHECK(w.store.update(pc)["metadata"]["generation"] == 1);
  // A DaemonSet's template generation lives in an annotation the server owns.
  Json ds = w.store.create(Json::parse(R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},"spec":{
      "selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"c","image":"a:1"}]}}}})"));
  CHECK(ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1");
  ds["spec"]["minReadySeconds"] = 5;
  ds = w.store.update(ds);
  CHECK(ds["metadata"]["generation"] == 2);
  CHECK(ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1");
  ds["spec"]["template"]["spec"]["containers"][0]["image"] = "a:2";
  ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] = "40";  // not the client's to set
  ds = w.store.update(ds);
  CHECK(ds["metadata"]["generation"] == 3);
  CHECK(ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2");
}

TEST_CASE("EndpointSlices written by hand are validated as the API server validates them", "[fakecluster][store]") {
  World w;
  auto slice = [](const char* addressType, const char* address) {
    Json s = Json::parse(R"({"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"ext-1"},"ports":[{"name":"http","port":80}]})");
    if (addressType != nullptr) s["addressType"] = addressType;
    s["endpoints"] = Json::array({Json{{"addresses", address != nullptr ? Json::array({address}) : Json::array()}}});
    return s;
  };
  auto message = [&](const Json& s) {
    try {
      w.store.create(s);
    } catch (const ApiError& e) {
      return std::string(e.what());
    }
    return std::string("created");
  };
  CHECK(message(slice(nullptr, "10.0.0.1")) == "EndpointSlice.discovery.k8s.io \"ext-1\" is invalid: addressType: Required value");
  CHECK(message(slice("IPv5", "10.0.0.1")) ==
        "EndpointSlice.discovery.k8s.io \"ext-1\" is invalid: addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"");
  CHECK(message(slice("IPv4", "10.0.0.256")) ==
        "EndpointSlice.discovery.k8s.io \"ext-1\" is invalid: endpoints[0].addresses[0]: Invalid value: \"10.0.0.256\": must be a valid IPv4 address");
  CHECK(message(slice("IPv4", nullptr)) ==
        "EndpointSlice.discovery.k8s.io \"ext-1\" is invalid: endpoints[0].addresses: Required value: must contain at least 1 address");
  Json created = w.store.create(slice("IPv4", "10.0.0.1"));
  CHECK(created["metadata"]["generation"] == 1);
  created["addressType"] = "IPv6";
  CHECK(codeOf([&] { w.store.update(created); }) == 422);  // immutable
  created["addressType"] = "IPv4";
  created["metadata"]["labels"] = {{"kubernetes.io/service-name", "ext"}};
  CHECK(w.store.update(created)["metadata"]["generation"] == 2);  // labels count for slices
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
    CHECK(e.status()["details"] == Json{{"name", "a"}, {"kind", "configmaps"}});
  }
  try {
    w.store.create(configMap("UPPER"));
    FAIL("invalid name accepted");
  } catch (const ApiError& e) {
    Json s = e.status();
    CHECK(s["reason"] == "Invalid");
    CHECK(s["details"]["causes"][0]["field"] == "metadata.name");
    CHECK(s["details"]["name"] == "UPPER");
    CHECK(s["details"]["kind"] == "ConfigMap");
    CHECK_FALSE(s["details"].contains("group"));
  }
  Json d = w.store.create(deployment("web", "nginx:1"));
  d["spec"]["selector"]["matchLabels"]["app"] = "b";
  try {
    w.store.update(d);
    FAIL("selector change accepted");
  } catch (const ApiError& e) {  // immutable selector: kubectl says `The Deployment "web" is invalid: ...` from these details
    CHECK(e.code() == 422);
    CHECK(e.status()["details"]["group"] == "apps");
    CHECK(e.status()["details"]["kind"] == "Deployment");
    CHECK(e.status()["details"]["name"] == "web");
    // The value as Go's %#v prints it, as the real message carries it.
    const Json status = e.status();
    std::vector<std::string> messages;
    for (const auto& cause : status["details"]["causes"]) messages.push_back(cause["message"]);
    CHECK(std::find(messages.begin(), messages.end(),
                    "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"b\"}, "
                    "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable") != messages.end());
  }
  Json badContainer = deployment("bad", "nginx:1");
  badContainer["spec"]["template"]["spec"]["containers"][0]["name"] = "C_1";
  try {
    w.store.create(badContainer);
    FAIL("container name C_1 accepted");
  } catch (const ApiError& e) {
    CHECK(e.status()["details"]["causes"][0]["message"] ==
          "Invalid value: \"C_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
          "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
  }
  try {
    w.store.get("apps", "Deployment", "default", "missing");
    FAIL("found a missing object");
  } catch (const ApiError& e) {
    CHECK(e.status()["details"] == Json{{"name", "missing"}, {"group", "apps"}, {"kind", "deployments"}});
  }
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

TEST_CASE("listShared hands out the stored versions list() copies, with the same selection and paging", "[fakecluster][store]") {
  World w;
  for (int i = 0; i < 5; ++i) w.store.create(configMap(("c" + std::to_string(i)).c_str(), "default", {{"app", i % 2 ? "web" : "db"}}));
  for (const auto& options : {ListOptions{}, selecting("app=web"), selecting("", "metadata.name=c3"), page(2), page(2, "default/c1")}) {
    std::string next;
    const auto shared = w.store.listShared("", "ConfigMap", "default", options, &next);
    const Json listed = w.store.list("", "ConfigMap", "default", options);
    REQUIRE(shared.size() == listed["items"].size());
    for (std::size_t i = 0; i < shared.size(); ++i) {
      CHECK(*shared[i] == listed["items"][i]);
      CHECK(shared[i] == w.store.tryGet("", "ConfigMap", "default", (*shared[i])["metadata"]["name"].get<std::string>()));  // not a copy
    }
    CHECK(next == listed["metadata"].value("continue", ""));
  }
  CHECK(w.store.listShared("", "ConfigMap", "default", page(2, "default/c1")).size() == 2);  // c2, c3
  CHECK(codeOf([&] { w.store.listShared("", "ConfigMap", "", selecting("a in b")); }) == 400);
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

  const Json crd = w.store.create(Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
    "names":{"kind":"Widget","plural":"widgets"},"versions":[{"name":"v1","served":true,"storage":true}]}})"));
  // Accepted and established at once, as `kubectl wait --for=condition=Established` expects.
  CHECK(crd["status"]["acceptedNames"] == Json::parse(R"({"kind":"Widget","listKind":"WidgetList","plural":"widgets","singular":"widget"})"));
  CHECK(crd["status"]["conditions"][1]["type"] == "Established");
  CHECK(crd["status"]["conditions"][1]["status"] == "True");
  CHECK(crd["status"]["conditions"][1]["reason"] == "InitialNamesAccepted");
  CHECK(crd["status"]["storedVersions"] == Json::array({"v1"}));
  Json widget = w.store.create(Json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":3,"note":null}})"));
  CHECK(widget["spec"]["size"] == 3);
  CHECK(widget["spec"].contains("note"));  // a custom resource is stored as sent, nulls and all
  // A built-in kind is decoded into its types: a null is its zero value, left out.
  Json withNulls = configMap("nulls");
  withNulls["metadata"]["labels"] = nullptr;
  withNulls["data"]["gone"] = nullptr;
  const Json stored = w.store.create(withNulls);
  CHECK_FALSE(stored["metadata"].contains("labels"));
  CHECK_FALSE(stored["data"].contains("gone"));
  CHECK(w.store.registry().byPlural("example.com", "widgets") != nullptr);
  // A CRD's selectableFields enable field selectors on its custom resources.
  w.store.create(Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"shirts.stable.example.com"},"spec":{"group":"stable.example.com","scope":"Namespaced",
    "names":{"kind":"Shirt","plural":"shirts"},"versions":[{"name":"v1","served":true,"storage":true,
    "selectableFields":[{"jsonPath":".spec.color"}]}]}})"));
  for (const char* color : {"blue", "green", "blue"}) {
    Json shirt = Json::parse(R"({"apiVersion":"stable.example.com/v1","kind":"Shirt","metadata":{"generateName":"s-"}})");
    shirt["spec"]["color"] = color;
    w.store.create(shirt);
  }
  ListOptions blue;
  blue.fieldSelector = "spec.color=blue";
  CHECK(w.store.list("stable.example.com", "Shirt", "default", blue)["items"].size() == 2);
  ListOptions size;
  size.fieldSelector = "spec.size=L";
  CHECK(codeOf([&] { w.store.list("stable.example.com", "Shirt", "default", size); }) == 400);  // not selectable
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

TEST_CASE("patches: JSON, merge and strategic merge", "[fakecluster][patch]") {
  World w;
  Json d = deployment("web", "nginx:1");
  d["spec"]["template"]["spec"]["containers"].push_back(Json{{"name", "log"}, {"image", "busybox:1"}});
  d["spec"]["template"]["spec"]["containers"][0]["env"] = Json::parse(R"([{"name":"A","value":"1"},{"name":"B","value":"2"}])");
  w.store.create(d);
  // Strategic merge: containers merge by name, env by name, null deletes, $patch: delete.
  Json smp = Json::parse(R"({"spec":{"replicas":3,"template":{"spec":{"containers":[
      {"name":"c","image":"nginx:2","env":[{"name":"B","value":"3"},{"name":"A","$patch":"delete"}]}]}}},
      "metadata":{"labels":{"team":"x"}}})");
  Json after = w.store.patch("apps", "Deployment", "default", "web", smp, PatchType::Strategic);
  const Json& cs = after["spec"]["template"]["spec"]["containers"];
  REQUIRE(cs.size() == 2);
  CHECK(cs[0]["image"] == "nginx:2");
  CHECK(cs[0]["env"] == Json::parse(R"([{"name":"B","value":"3"}])"));
  CHECK(cs[1]["name"] == "log");
  CHECK(after["spec"]["replicas"] == 3);
  CHECK(after["metadata"]["generation"] == 2);
  // Merge patch replaces lists whole.
  Json merged = w.store.patch("apps", "Deployment", "default", "web",
                              Json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"only","image":"x:1"}]}}}})"), PatchType::Merge);
  CHECK(merged["spec"]["template"]["spec"]["containers"].size() == 1);
  // JSON patch, and one that does not apply.
  Json jp = w.store.patch("apps", "Deployment", "default", "web", Json::parse(R"([{"op":"replace","path":"/spec/replicas","value":5}])"), PatchType::Json);
  CHECK(jp["spec"]["replicas"] == 5);
  CHECK(codeOf([&] { w.store.patch("apps", "Deployment", "default", "web", Json::parse(R"([{"op":"remove","path":"/spec/nope"}])"), PatchType::Json); }) == 422);
  // A stale resourceVersion in a patch conflicts.
  CHECK(codeOf([&] { w.store.patch("apps", "Deployment", "default", "web", Json::parse(R"({"metadata":{"resourceVersion":"1"},"spec":{"replicas":1}})"), PatchType::Merge); }) == 409);
  CHECK(patchTypeFromContentType("application/strategic-merge-patch+json; charset=utf-8") == PatchType::Strategic);
  CHECK(codeOf([] { patchTypeFromContentType("text/plain"); }) == 415);
}

TEST_CASE("garbage collection: background, orphan and foreground", "[fakecluster][gc]") {
  World w;
  Json owner = w.store.create(configMap("owner"));
  auto ownedBy = [&](const char* name) {
    Json c = configMap(name);
    c["metadata"]["ownerReferences"] = Json::array({Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "owner"},
                                                         {"uid", owner["metadata"]["uid"]}, {"blockOwnerDeletion", true}}});
    return w.store.create(c);
  };
  Json child = ownedBy("child");
  Json grand = configMap("grandchild");
  grand["metadata"]["ownerReferences"] = Json::array({Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "child"}, {"uid", child["metadata"]["uid"]}}});
  w.store.create(grand);
  w.store.remove("", "ConfigMap", "default", "owner");
  CHECK(codeOf([&] { w.store.get("", "ConfigMap", "default", "child"); }) == 404);
  CHECK(codeOf([&] { w.store.get("", "ConfigMap", "default", "grandchild"); }) == 404);

  owner = w.store.create(configMap("owner"));
  ownedBy("kept");
  DeleteOptions orphan;
  orphan.propagation = Propagation::Orphan;
  w.store.remove("", "ConfigMap", "default", "owner", orphan);
  CHECK_FALSE(w.store.get("", "ConfigMap", "default", "kept")["metadata"].contains("ownerReferences"));

  owner = w.store.create(configMap("owner"));
  Json blocking = configMap("blocking");
  blocking["metadata"]["finalizers"] = {"example.com/hold"};
  blocking["metadata"]["ownerReferences"] = Json::array({Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "owner"}, {"uid", owner["metadata"]["uid"]}}});
  w.store.create(blocking);
  DeleteOptions foreground;
  foreground.propagation = Propagation::Foreground;
  Json lingering = w.store.remove("", "ConfigMap", "default", "owner", foreground);
  CHECK(lingering["metadata"]["finalizers"] == Json::array({"foregroundDeletion"}));
  Json held = w.store.get("", "ConfigMap", "default", "blocking");
  CHECK(held["metadata"].contains("deletionTimestamp"));
  held["metadata"]["finalizers"] = Json::array();
  w.store.update(held);  // the last dependent goes, so does the owner
  CHECK(codeOf([&] { w.store.get("", "ConfigMap", "default", "owner"); }) == 404);
}

TEST_CASE("deleting a namespace terminates it and deletes its contents", "[fakecluster][gc]") {
  World w;
  w.store.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}});
  w.store.create(configMap("a", "team"));
  Json held = configMap("held", "team");
  held["metadata"]["finalizers"] = {"example.com/hold"};
  w.store.create(held);
  Json ns = w.store.remove("", "Namespace", "", "team");
  CHECK(ns["status"]["phase"] == "Terminating");
  CHECK(codeOf([&] { w.store.get("", "ConfigMap", "team", "a"); }) == 404);
  CHECK(codeOf([&] { w.store.create(configMap("new", "team")); }) == 403);
  Json last = w.store.get("", "ConfigMap", "team", "held");
  last["metadata"]["finalizers"] = Json::array();
  w.store.update(last);
  CHECK(codeOf([&] { w.store.get("", "Namespace", "", "team"); }) == 404);
  CHECK(w.store.removeCollection("", "ConfigMap", "default", ListOptions{}).empty());
}

TEST_CASE("writes decode built-in kinds as the API server does: type errors are 400, unknown fields follow fieldValidation",
          "[fakecluster][store]") {
  World w;
  auto refusal = [&](Json object, FieldValidation mode) -> std::string {
    WriteOptions options;
    options.fieldValidation = mode;
    try {
      w.store.create(std::move(object), options);
    } catch (const ApiError& e) {
      CHECK(e.code() == 400);
      CHECK(e.reason() == "BadRequest");
      return e.what();
    }
    return "";
  };
  Json typo = deployment("typo", "nginx:1.27");
  typo["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always";
  typo["spec"]["replicaz"] = 3;
  CHECK_THAT(refusal(typo, FieldValidation::Strict),
             Catch::Matchers::EndsWith("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field "
                                       "\"spec.replicaz\", unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""));
  CHECK_FALSE(w.store.find(kube::ObjectKey{"apps", "Deployment", "default", "typo"}));

  std::vector<std::string> warnings;
  WriteOptions warn;
  warn.fieldValidation = FieldValidation::Warn;
  warn.warnings = &warnings;
  const Json warned = w.store.create(typo, warn);
  CHECK(warnings == std::vector<std::string>{"unknown field \"spec.replicaz\"", "unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""});
  CHECK_FALSE(warned["spec"].contains("replicaz"));
  CHECK_FALSE(warned["spec"]["template"]["spec"]["containers"][0].contains("imagePullPolicyy"));

  // Ignore drops them without a word; updates decode too.
  WriteOptions ignore;
  ignore.fieldValidation = FieldValidation::Ignore;
  Json edited = warned;
  edited["spec"]["replicaz"] = 4;
  const Json updated = w.store.update(edited, ignore);
  CHECK_FALSE(updated["spec"].contains("replicaz"));
  CHECK(updated["metadata"]["resourceVersion"] == warned["metadata"]["resourceVersion"]);  // nothing changed

  // Type errors are refused under every directive.
  Json wrong = deployment("wrong", "nginx:1.27");
  wrong["spec"]["replicas"] = "3";
  for (auto mode : {FieldValidation::Ignore, FieldValidation::Warn, FieldValidation::Strict}) {
    CHECK_THAT(refusal(wrong, mode), Catch::Matchers::EndsWith("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal "
                                                               "string into Go struct field DeploymentSpec.spec.replicas of type int32"));
  }
  // A patch is decoded as the object it makes.
  WriteOptions strict;
  strict.fieldValidation = FieldValidation::Strict;
  CHECK(codeOf([&] { w.store.patch("apps", "Deployment", "default", "typo", Json{{"spec", {{"paused", "yes"}}}}, PatchType::Merge, strict); }) == 400);
  // The fake's own controllers are trusted, and custom resources are stored as sent.
  typo["metadata"]["name"] = "trusted";
  CHECK(w.store.create(typo)["spec"].contains("replicaz"));
}

TEST_CASE("custom resources get their CRD schema's defaults, on create and update", "[fakecluster][store]") {
  World w;
  w.store.create(Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"gadgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
    "names":{"kind":"Gadget","plural":"gadgets"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{
      "type":"object","properties":{"spec":{"type":"object","default":{},"properties":{
        "size":{"type":"integer","default":3},
        "mode":{"type":"string","default":"fast"},
        "nested":{"type":"object","properties":{"x":{"type":"integer","default":7}}},
        "ports":{"type":"array","items":{"type":"object","properties":{"protocol":{"type":"string","default":"TCP"}}}},
        "labels":{"type":"object","additionalProperties":{"type":"object","properties":{"on":{"type":"boolean","default":true}}}}}}}}}}]}})"));
  const Json bare = w.store.create(Json::parse(R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"bare"}})"));
  CHECK(bare["spec"] == Json::parse(R"({"size":3,"mode":"fast"})"));  // spec defaulted to {}, then its own defaults
  Json g = w.store.create(Json::parse(R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g"},
    "spec":{"size":5,"nested":{},"ports":[{"port":80}],"labels":{"a":{}}}})"));
  CHECK(g["spec"]["size"] == 5);  // given values stay
  CHECK(g["spec"]["mode"] == "fast");
  CHECK(g["spec"]["nested"]["x"] == 7);
  CHECK(g["spec"]["ports"][0]["protocol"] == "TCP");
  CHECK(g["spec"]["labels"]["a"]["on"] == true);
  g["spec"].erase("mode");
  CHECK(w.store.update(g)["spec"]["mode"] == "fast");
}

TEST_CASE("validation: container ports, pull policy and requests over limits, HPA bounds, Ingress pathType, CronJob restartPolicy, TLS Secrets", "[fakecluster][store]") {
  World w;
  auto causesOf = [&](const Json& object) {
    std::vector<std::string> out;
    try {
      w.store.create(object);
    } catch (const ApiError& e) {
      const Json status = e.status();
      for (const auto& cause : status["details"]["causes"]) out.push_back(cause["field"].get<std::string>() + ": " + cause["message"].get<std::string>());
    }
    return out;
  };
  auto contains = [](const std::vector<std::string>& causes, const std::string& text) {
    return std::find(causes.begin(), causes.end(), text) != causes.end();
  };
  Json d = deployment("inv", "nginx:1");
  Json& c = d["spec"]["template"]["spec"]["containers"][0];
  c["imagePullPolicy"] = "Sometimes";
  c["ports"] = Json::parse(R"([{"containerPort":70000}])");
  c["resources"] = Json::parse(R"({"requests":{"cpu":"2"},"limits":{"cpu":"1"}})");
  auto causes = causesOf(d);
  const std::string at = "spec.template.spec.containers[0]";
  CHECK(contains(causes, at + ".imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""));
  CHECK(contains(causes, at + ".ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"));
  CHECK(contains(causes, at + ".resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"));

  causes = causesOf(Json::parse(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h"},
    "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":5,"maxReplicas":2}})"));
  CHECK(contains(causes, "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"));
  causes = causesOf(Json::parse(R"({"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"i"},
    "spec":{"rules":[{"http":{"paths":[{"path":"/","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}})"));
  CHECK(contains(causes, "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"));
  causes = causesOf(Json::parse(R"({"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"cj"},"spec":{"schedule":"*/5 * * * *",
    "jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Always","containers":[{"name":"c","image":"busybox"}]}}}}}})"));
  CHECK(contains(causes, "spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""));
  causes = causesOf(Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"tls"},"type":"kubernetes.io/tls","data":{}})"));
  CHECK(contains(causes, "data[tls.crt]: Required value"));
  CHECK(contains(causes, "data[tls.key]: Required value"));
  // A Secret's type is immutable.
  Json opaque = w.store.create(Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"YQ=="}})"));
  opaque["type"] = "example.com/other";
  CHECK(codeOf([&] { w.store.update(opaque); }) == 422);
}

namespace {

// The messages of a refused write's causes ("field: message"), or the write's success.
std::vector<std::string> causesOf(const std::function<void()>& write) {
  std::vector<std::string> out;
  try {
    write();
  } catch (const ApiError& e) {
    const Json status = e.status();
    for (const auto& cause : status["details"]["causes"]) out.push_back(cause["field"].get<std::string>() + ": " + cause["message"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("rollout bounds: strategies, deadlines and disruption budgets are validated with the server's messages", "[fakecluster][store]") {
  World w;
  auto withStrategy = [](const char* name, Json strategy) {
    Json d = deployment(name, "nginx:1");
    d["spec"]["strategy"] = std::move(strategy);
    return d;
  };
  // The classic: Git switches a Deployment to Recreate, and the defaulted rollingUpdate stays.
  Json live = w.store.create(deployment("web", "nginx:1"));
  REQUIRE(live["spec"]["strategy"]["rollingUpdate"]["maxSurge"] == "25%");
  live["spec"]["strategy"]["type"] = "Recreate";
  CHECK(causesOf([&] { w.store.update(live); }) ==
        std::vector<std::string>{"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"});
  live["spec"]["strategy"].erase("rollingUpdate");
  CHECK(causesOf([&] { w.store.update(live); }).empty());
  CHECK_FALSE(w.store.get("apps", "Deployment", "default", "web")["spec"]["strategy"].contains("rollingUpdate"));
  // Both bounds zero, a percent that is not one, a negative count.
  CHECK(causesOf([&] { w.store.create(withStrategy("zero", Json{{"rollingUpdate", {{"maxSurge", 0}, {"maxUnavailable", 0}}}})); }) ==
        std::vector<std::string>{"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: "
                                 "may not be 0 when `maxSurge` is 0"});
  CHECK(causesOf([&] { w.store.create(withStrategy("words", Json{{"rollingUpdate", {{"maxSurge", "half"}, {"maxUnavailable", -1}}}})); }) ==
        std::vector<std::string>{
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0",
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"half\"}: a valid percent string must be "
            "a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"});
  CHECK(causesOf([&] { w.store.create(withStrategy("over", Json{{"rollingUpdate", {{"maxUnavailable", "120%"}}}})); }) ==
        std::vector<std::string>{"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"120%\"}: "
                                 "must not be greater than 100%"});
  Json slow = deployment("slow", "nginx:1");
  slow["spec"]["minReadySeconds"] = 30;
  slow["spec"]["progressDeadlineSeconds"] = 30;
  CHECK(causesOf([&] { w.store.create(slow); }) == std::vector<std::string>{"spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds"});
  // A DaemonSet surges or leaves nodes without its pod, not both.
  Json ds = deployment("agent", "agent:1");
  ds["kind"] = "DaemonSet";
  ds["spec"]["updateStrategy"] = Json{{"rollingUpdate", {{"maxSurge", 1}}}};  // maxUnavailable defaults to 1
  CHECK(causesOf([&] { w.store.create(ds); }) ==
        std::vector<std::string>{"spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: "
                                 "may not be set when maxUnavailable is non-zero"});
  ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"] = 0;
  CHECK(causesOf([&] { w.store.create(ds); }).empty());
  // A budget names one bound.
  Json pdb{{"apiVersion", "policy/v1"},
           {"kind", "PodDisruptionBudget"},
           {"metadata", {{"name", "web"}, {"namespace", "default"}}},
           {"spec", {{"minAvailable", 2}, {"maxUnavailable", "150%"}, {"selector", {{"matchLabels", {{"app", "a"}}}}}}}};
  const auto problems = causesOf([&] { w.store.create(pdb); });
  REQUIRE(problems.size() == 2);
  CHECK_THAT(problems[0], Catch::StartsWith("spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0x"));
  CHECK_THAT(problems[0], Catch::EndsWith("UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set"));
  CHECK(problems[1] == "spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%");
  pdb["spec"].erase("maxUnavailable");
  CHECK(causesOf([&] { w.store.create(pdb); }).empty());
}
