// The fake API server's REST layer (fakecluster/http) without sockets: discovery,
// OpenAPI, CRUD with the real status codes, Table output, subresources, watches, and a
// corpus of malformed requests, each answered with the right Status.
#include <catch2/catch.hpp>

#include <set>

#include "cluster_fixture.hpp"
#include "fakecluster/http/rest_handler.hpp"

using gs::Json;
using namespace gs::fake::http;

namespace {

// What the HTTP layer does before the handler sees a query value.
std::string percentDecoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct Api {
  gs::test::ClusterWorld world;
  RestHandler handler{world.cluster, HandlerOptions{}};

  Response call(const std::string& method, std::string path, const std::string& body = {}, const std::string& contentType = "application/json",
                const std::string& accept = "application/json") {
    Request r;
    r.method = method;
    const auto q = path.find('?');
    if (q != std::string::npos) {
      std::string query = path.substr(q + 1);
      path.resize(q);
      std::size_t start = 0;
      while (start <= query.size()) {
        auto end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        const std::string term = query.substr(start, end - start);
        const auto eq = term.find('=');
        if (!term.empty()) r.query.emplace(term.substr(0, eq), eq == std::string::npos ? "" : percentDecoded(term.substr(eq + 1)));
        start = end + 1;
      }
    }
    r.path = path;
    r.body = body;
    if (!body.empty()) r.headers["Content-Type"] = contentType;
    r.headers["Accept"] = accept;
    return handler.handle(r);
  }
  Json json(const Response& r) { return Json::parse(r.body); }
};

const char* kConfigMap = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"color":"blue"}})";
const char* kDeployment = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,
  "selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}})";

// An error response: the code, and a Status object saying the same.
void requireStatus(const Response& r, int code, const std::string& reason) {
  INFO(r.body);
  REQUIRE(r.status == code);
  const Json status = Json::parse(r.body);
  CHECK(status["kind"] == "Status");
  CHECK(status["status"] == "Failure");
  CHECK(status["code"] == code);
  CHECK(status["reason"] == reason);
  CHECK_FALSE(status["message"].get<std::string>().empty());
}

}  // namespace

TEST_CASE("serve REST: discovery lists kinds, short names, subresources, OpenAPI v3 lets kubectl validate on the server") {
  Api api;
  const Json groups = api.json(api.call("GET", "/apis"));
  CHECK(groups["kind"] == "APIGroupList");
  bool apps = false;
  for (const auto& g : groups["groups"]) apps |= g["name"] == "apps" && g["preferredVersion"]["groupVersion"] == "apps/v1";
  CHECK(apps);
  const Json core = api.json(api.call("GET", "/api/v1"));
  bool pods = false;
  for (const auto& r : core["resources"]) pods |= r["name"] == "pods" && r["shortNames"] == Json::array({"po"}) && r["namespaced"] == true;
  CHECK(pods);
  const Json appsV1 = api.json(api.call("GET", "/apis/apps/v1"));
  bool scale = false;
  for (const auto& r : appsV1["resources"]) scale |= r["name"] == "deployments/scale" && r["group"] == "autoscaling" && r["kind"] == "Scale";
  CHECK(scale);
  const Json root = api.json(api.call("GET", "/openapi/v3"));
  REQUIRE(root["paths"].contains("apis/apps/v1"));
  const std::string url = root["paths"]["apis/apps/v1"]["serverRelativeURL"];
  const Json doc = api.json(api.call("GET", url.substr(0, url.find('?'))));
  const Json& item = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
  CHECK(item["patch"]["x-kubernetes-group-version-kind"] == Json{{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}});
  bool fieldValidation = false;
  for (const auto& p : item["patch"]["parameters"]) fieldValidation |= p["name"] == "fieldValidation" && p["in"] == "query";
  CHECK(fieldValidation);
  const Json& schemas = doc["components"]["schemas"];
  CHECK(schemas["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"].is_array());
  // Built-in kinds are described field by field (kubectl explain walks the references).
  CHECK(schemas["io.k8s.api.apps.v1.Deployment"]["properties"]["spec"] == Json{{"$ref", "#/components/schemas/io.k8s.api.v1.DeploymentSpec"}});
  CHECK(schemas["io.k8s.api.v1.DeploymentSpec"]["properties"]["replicas"] == Json{{"type", "integer"}, {"format", "int32"}});
  CHECK(schemas["io.k8s.api.v1.PodSpec"]["properties"]["containers"]["items"] == Json{{"$ref", "#/components/schemas/io.k8s.api.v1.Container"}});
  CHECK(schemas["io.k8s.api.v1.ResourceRequirements"]["properties"]["limits"]["additionalProperties"] ==
        Json{{"$ref", "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}});
  std::size_t references = 0;
  for (const auto& [name, schema] : schemas.items()) {
    INFO(name);
    const Json properties = schema.value("properties", Json::object());
    for (const auto& [field, property] : properties.items()) {
      const std::string ref = property.value("$ref", property.value("/items/$ref"_json_pointer, std::string()));
      if (ref.empty()) continue;
      ++references;
      CHECK(schemas.contains(ref.substr(std::string("#/components/schemas/").size())));
    }
  }
  CHECK(references > 100);
  CHECK(api.call("GET", "/openapi/v3/apis/nope/v1").status == 404);
  CHECK(api.json(api.call("GET", "/version"))["major"] == "1");
}

TEST_CASE("serve REST: create, get, update with optimistic concurrency, patch, delete") {
  Api api;
  const Response created = api.call("POST", "/api/v1/namespaces/default/configmaps", kConfigMap);
  REQUIRE(created.status == 201);
  const Json cm = api.json(created);
  CHECK(cm["metadata"]["namespace"] == "default");
  CHECK_FALSE(cm["metadata"]["uid"].get<std::string>().empty());
  requireStatus(api.call("POST", "/api/v1/namespaces/default/configmaps", kConfigMap), 409, "AlreadyExists");

  Json stale = cm;
  stale["data"]["color"] = "green";
  REQUIRE(api.call("PUT", "/api/v1/namespaces/default/configmaps/settings", stale.dump()).status == 200);
  stale["data"]["color"] = "red";  // still the first resourceVersion
  requireStatus(api.call("PUT", "/api/v1/namespaces/default/configmaps/settings", stale.dump()), 409, "Conflict");

  const Response merged = api.call("PATCH", "/api/v1/namespaces/default/configmaps/settings", R"({"data":{"size":"L"}})", "application/merge-patch+json");
  REQUIRE(merged.status == 200);
  CHECK(api.json(merged)["data"] == Json{{"color", "green"}, {"size", "L"}});
  const Response jsonPatch = api.call("PATCH", "/api/v1/namespaces/default/configmaps/settings", R"([{"op":"remove","path":"/data/size"}])",
                                      "application/json-patch+json");
  REQUIRE(jsonPatch.status == 200);
  CHECK(api.json(jsonPatch)["data"] == Json{{"color", "green"}});

  // dryRun=All: answered as if done, nothing stored
  Json other = Json::parse(kConfigMap);
  other["metadata"]["name"] = "dry";
  REQUIRE(api.call("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", other.dump()).status == 201);
  requireStatus(api.call("GET", "/api/v1/namespaces/default/configmaps/dry"), 404, "NotFound");

  REQUIRE(api.call("DELETE", "/api/v1/namespaces/default/configmaps/settings").status == 200);
  requireStatus(api.call("GET", "/api/v1/namespaces/default/configmaps/settings"), 404, "NotFound");
  // PUT of a missing object: 404 for kinds whose strategy does not allow create on
  // update (ConfigMaps, Deployments, ...), created for those that do (Services, RBAC).
  Json fresh = Json::parse(kConfigMap);
  requireStatus(api.call("PUT", "/api/v1/namespaces/default/configmaps/settings", fresh.dump()), 404, "NotFound");
  requireStatus(api.call("PUT", "/apis/apps/v1/namespaces/default/deployments/web", kDeployment), 404, "NotFound");
  const Json service = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"ports":[{"port":80}]}})");
  CHECK(api.call("PUT", "/api/v1/namespaces/default/services/svc", service.dump()).status == 201);
  const Json role = Json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"},"rules":[]})");
  CHECK(api.call("PUT", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/r", role.dump()).status == 201);
}

TEST_CASE("serve REST: a create carrying a resourceVersion is refused as the storage layer refuses it") {
  Api api;
  // An object copied from a cluster (`kubectl get -o json`) and POSTed as it is, as raw
  // clients do (kubectl itself drops the field): 500 with no reason, the storage's message.
  Json exported = Json::parse(kConfigMap);
  exported["metadata"]["resourceVersion"] = "49";
  const Response refused = api.call("POST", "/api/v1/namespaces/default/configmaps", exported.dump());
  INFO(refused.body);
  REQUIRE(refused.status == 500);
  const Json status = api.json(refused);
  CHECK(status["kind"] == "Status");
  CHECK(status["code"] == 500);
  CHECK(status["message"] == "resourceVersion should not be set on objects to be created");
  CHECK_FALSE(status.contains("reason"));
  requireStatus(api.call("GET", "/api/v1/namespaces/default/configmaps/settings"), 404, "NotFound");
  // A server-side apply that would create the object is a create too.
  const Response applied = api.call("PATCH", "/api/v1/namespaces/default/configmaps/settings?fieldManager=me", exported.dump(),
                                    "application/apply-patch+yaml");
  CHECK(applied.status == 500);
  // A dry run never reaches storage; "0" and a version that is not a number count as none.
  CHECK(api.call("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", exported.dump()).status == 201);
  exported["metadata"]["resourceVersion"] = "0";
  CHECK(api.call("POST", "/api/v1/namespaces/default/configmaps", exported.dump()).status == 201);
  exported["metadata"]["name"] = "other";
  exported["metadata"]["resourceVersion"] = "-1";
  const Response odd = api.call("POST", "/api/v1/namespaces/default/configmaps", exported.dump());
  REQUIRE(odd.status == 201);
  CHECK(api.json(odd)["metadata"]["resourceVersion"] != "-1");
}

TEST_CASE("serve REST: lists page and filter, Table output has kubectl's columns") {
  Api api;
  for (int i = 0; i < 5; ++i) {
    Json cm = Json::parse(kConfigMap);
    cm["metadata"]["name"] = "cm-" + std::to_string(i);
    cm["metadata"]["labels"] = Json{{"tier", i % 2 ? "back" : "front"}};
    REQUIRE(api.call("POST", "/api/v1/namespaces/default/configmaps", cm.dump()).status == 201);
  }
  const Json page = api.json(api.call("GET", "/api/v1/namespaces/default/configmaps?limit=2&labelSelector=tier%20in%20(front,back)"));
  CHECK(page["kind"] == "ConfigMapList");
  CHECK(page["items"].size() == 2);
  const Json front = api.json(api.call("GET", "/api/v1/namespaces/default/configmaps?labelSelector=tier=front&limit=2"));
  REQUIRE(front["items"].size() == 2);
  const std::string next = front["metadata"]["continue"];
  const Json rest = api.json(api.call("GET", "/api/v1/namespaces/default/configmaps?labelSelector=tier=front&limit=2&continue=" + next));
  CHECK(rest["items"].size() == 1);
  CHECK_FALSE(rest["metadata"].contains("continue"));

  REQUIRE(api.call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment).status == 201);
  api.world.runFor(std::chrono::seconds(30));
  const Json table = api.json(api.call("GET", "/apis/apps/v1/namespaces/default/deployments", {}, {}, "application/json;as=Table;v=v1;g=meta.k8s.io"));
  REQUIRE(table["kind"] == "Table");
  std::vector<std::string> columns;
  for (const auto& c : table["columnDefinitions"]) {
    if (c["priority"] == 0) columns.push_back(c["name"]);
  }
  CHECK(columns == std::vector<std::string>{"Name", "Ready", "Up-to-date", "Available", "Age"});
  REQUIRE(table["rows"].size() == 1);
  CHECK(table["rows"][0]["cells"][1] == "2/2");
  CHECK(table["rows"][0]["object"]["kind"] == "PartialObjectMetadata");
  const Json pods = api.json(api.call("GET", "/api/v1/namespaces/default/pods", {}, {}, "application/json;as=Table;v=v1;g=meta.k8s.io"));
  REQUIRE(pods["rows"].size() == 2);
  CHECK(pods["rows"][0]["cells"][1] == "1/1");
  CHECK(pods["rows"][0]["cells"][2] == "Running");
  // Events: kubectl's columns, with -o wide's Subobject, Source, First Seen, Count and Name.
  const Json events = api.json(api.call("GET", "/api/v1/namespaces/default/events", {}, {}, "application/json;as=Table;v=v1;g=meta.k8s.io"));
  std::vector<std::string> eventColumns;
  for (const auto& c : events["columnDefinitions"]) eventColumns.push_back(c["name"]);
  CHECK(eventColumns == std::vector<std::string>{"Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen",
                                                 "Count", "Name"});
  bool sawStarted = false;
  for (const auto& row : events["rows"]) {
    const Json& cells = row["cells"];
    REQUIRE(cells.size() == eventColumns.size());
    if (cells[2] != "Started") continue;
    sawStarted = true;
    CHECK(cells[3].get<std::string>().rfind("pod/web-", 0) == 0);
    CHECK(cells[4] == "spec.containers{web}");
    CHECK(cells[5].get<std::string>().rfind("kubelet, node-", 0) == 0);
    CHECK(cells[6] == "Started container web");
    CHECK(cells[8] == 1);
  }
  CHECK(sawStarted);
}

TEST_CASE("serve REST: claims get the default storage class, claims and volumes print kubectl's columns") {
  Api api;
  const char* claim = R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},
    "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}})";
  const Response created = api.call("POST", "/api/v1/namespaces/default/persistentvolumeclaims", claim);
  REQUIRE(created.status == 201);
  CHECK(api.json(created)["spec"]["storageClassName"] == "standard");
  // kind's class binds a claim once a pod uses it.
  const char* pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"app"},
    "spec":{"containers":[{"name":"app","image":"nginx:1.27"}],"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data"}}]}})";
  REQUIRE(api.call("POST", "/api/v1/namespaces/default/pods", pod).status == 201);
  api.world.runFor(std::chrono::seconds(5));
  const char* table = "application/json;as=Table;v=v1;g=meta.k8s.io";
  auto columns = [](const Json& t) {
    std::vector<std::string> names;
    for (const auto& c : t["columnDefinitions"]) names.push_back(c["name"]);
    return names;
  };
  const Json claims = api.json(api.call("GET", "/api/v1/namespaces/default/persistentvolumeclaims", {}, {}, table));
  CHECK(columns(claims) == std::vector<std::string>{"Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass",
                                                    "VolumeAttributesClass", "Age", "VolumeMode"});
  REQUIRE(claims["rows"].size() == 1);
  const Json& c = claims["rows"][0]["cells"];
  CHECK(c[0] == "data");
  CHECK(c[1] == "Bound");
  const std::string volume = c[2];
  CHECK(volume.rfind("pvc-", 0) == 0);
  CHECK(c[3] == "1Gi");
  CHECK(c[4] == "RWO");
  CHECK(c[5] == "standard");
  CHECK(c[6] == "<unset>");
  CHECK(c[8] == "Filesystem");
  const Json volumes = api.json(api.call("GET", "/api/v1/persistentvolumes", {}, {}, table));
  CHECK(columns(volumes) == std::vector<std::string>{"Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass",
                                                     "VolumeAttributesClass", "Reason", "Age", "VolumeMode"});
  REQUIRE(volumes["rows"].size() == 1);
  const Json& v = volumes["rows"][0]["cells"];
  CHECK(v[0] == volume);
  CHECK(v[1] == "1Gi");
  CHECK(v[2] == "RWO");
  CHECK(v[3] == "Delete");
  CHECK(v[4] == "Bound");
  CHECK(v[5] == "default/data");
  CHECK(v[6] == "standard");
  const Json classes = api.json(api.call("GET", "/apis/storage.k8s.io/v1/storageclasses", {}, {}, table));
  CHECK(columns(classes) == std::vector<std::string>{"Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"});
  REQUIRE(classes["rows"].size() == 1);
  const Json& sc = classes["rows"][0]["cells"];
  CHECK(sc[0] == "standard (default)");
  CHECK(sc[1] == "rancher.io/local-path");
  CHECK(sc[2] == "Delete");
  CHECK(sc[3] == "WaitForFirstConsumer");
  CHECK(sc[4] == "false");
}

TEST_CASE("serve REST: selectors print as labels.Selector writes them: network policies, daemon sets' node selectors") {
  Api api;
  const char* table = "application/json;as=Table;v=v1;g=meta.k8s.io";
  const char* policy = R"({"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"db-ingress"},
    "spec":{"podSelector":{"matchLabels":{"app":"db"},"matchExpressions":[{"key":"tier","operator":"In","values":["storage","cache"]},
    {"key":"canary","operator":"DoesNotExist"}]},"policyTypes":["Ingress"]}})";
  REQUIRE(api.call("POST", "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies", policy).status == 201);
  const char* denyAll = R"({"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny-all"},"spec":{"podSelector":{}}})";
  REQUIRE(api.call("POST", "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies", denyAll).status == 201);
  const Json policies = api.json(api.call("GET", "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies", {}, {}, table));
  std::vector<std::string> names;
  for (const auto& c : policies["columnDefinitions"]) names.push_back(c["name"]);
  CHECK(names == std::vector<std::string>{"Name", "Pod-Selector", "Age"});
  REQUIRE(policies["rows"].size() == 2);
  CHECK(policies["rows"][0]["cells"][1] == "app=db,!canary,tier in (cache,storage)");
  CHECK(policies["rows"][1]["cells"][1] == "<none>");
  const char* ds = R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent"},
    "spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},
    "spec":{"nodeSelector":{"disk":"ssd","kubernetes.io/os":"linux"},"containers":[{"name":"agent","image":"agent:1"}]}}}})";
  REQUIRE(api.call("POST", "/apis/apps/v1/namespaces/default/daemonsets", ds).status == 201);
  const Json sets = api.json(api.call("GET", "/apis/apps/v1/namespaces/default/daemonsets", {}, {}, table));
  REQUIRE(sets["rows"].size() == 1);
  CHECK(sets["rows"][0]["cells"][6] == "disk=ssd,kubernetes.io/os=linux");
}

TEST_CASE("serve REST: scale and status subresources") {
  Api api;
  REQUIRE(api.call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment).status == 201);
  const Json scale = api.json(api.call("GET", "/apis/apps/v1/namespaces/default/deployments/web/scale"));
  CHECK(scale["kind"] == "Scale");
  CHECK(scale["apiVersion"] == "autoscaling/v1");
  CHECK(scale["spec"]["replicas"] == 2);
  CHECK(scale["status"]["selector"] == "app=web");
  const Response patched = api.call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale", R"({"spec":{"replicas":5}})",
                                    "application/merge-patch+json");
  REQUIRE(patched.status == 200);
  CHECK(api.json(api.call("GET", "/apis/apps/v1/namespaces/default/deployments/web"))["spec"]["replicas"] == 5);
  Json put = api.json(patched);
  put["spec"]["replicas"] = 1;
  REQUIRE(api.call("PUT", "/apis/apps/v1/namespaces/default/deployments/web/scale", put.dump()).status == 200);
  CHECK(api.json(api.call("GET", "/apis/apps/v1/namespaces/default/deployments/web"))["spec"]["replicas"] == 1);
  // a status patch changes status only; a spec patch through the main resource cannot change status
  const Response status = api.call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/status",
                                   R"({"status":{"observedGeneration":42},"spec":{"replicas":9}})", "application/merge-patch+json");
  REQUIRE(status.status == 200);
  CHECK(api.json(status)["status"]["observedGeneration"] == 42);
  CHECK(api.json(status)["spec"]["replicas"] == 1);
  requireStatus(api.call("GET", "/api/v1/namespaces/default/configmaps/x/scale"), 404, "NotFound");
}

TEST_CASE("serve REST: watches replay from a resourceVersion and filter by namespace and selector") {
  Api api;
  const Json list = api.json(api.call("GET", "/api/v1/namespaces/default/configmaps"));
  Request w;
  w.method = "GET";
  w.path = "/api/v1/namespaces/default/configmaps";
  w.query = {{"watch", "true"}, {"resourceVersion", list["metadata"]["resourceVersion"]}, {"labelSelector", "keep=yes"}};
  REQUIRE(RestHandler::isWatch(w));
  Response error;
  auto watch = api.handler.openWatch(w, error);
  REQUIRE(watch);
  CHECK(watch->poll().empty());
  Json kept = Json::parse(kConfigMap);
  kept["metadata"]["labels"] = Json{{"keep", "yes"}};
  REQUIRE(api.call("POST", "/api/v1/namespaces/default/configmaps", kept.dump()).status == 201);
  Json dropped = Json::parse(kConfigMap);
  dropped["metadata"]["name"] = "other";
  REQUIRE(api.call("POST", "/api/v1/namespaces/default/configmaps", dropped.dump()).status == 201);
  REQUIRE(api.call("POST", "/api/v1/namespaces", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"prod"}})").status == 201);
  kept["metadata"]["namespace"] = "prod";
  REQUIRE(api.call("POST", "/api/v1/namespaces/prod/configmaps", kept.dump()).status == 201);
  const std::string lines = watch->poll();
  REQUIRE(std::count(lines.begin(), lines.end(), '\n') == 1);
  const Json event = Json::parse(lines.substr(0, lines.find('\n')));
  CHECK(event["type"] == "ADDED");
  CHECK(event["object"]["metadata"]["name"] == "settings");
  CHECK(event["object"]["metadata"]["namespace"] == "default");

  w.query = {{"watch", "1"}, {"resourceVersion", "banana"}};
  CHECK_FALSE(api.handler.openWatch(w, error));
  requireStatus(error, 400, "BadRequest");
  // without a resourceVersion: the current objects first, as ADDED
  w.query = {{"watch", "1"}};
  auto fromNow = api.handler.openWatch(w, error);
  REQUIRE(fromNow);
  const std::string initial = fromNow->poll();
  CHECK(std::count(initial.begin(), initial.end(), '\n') == 3);  // kube-root-ca.crt, settings, other
}

TEST_CASE("serve REST: a watch from a compacted resourceVersion ends with a 410 Gone ERROR event") {
  gs::fake::ClusterOptions options;
  options.historyLimit = 5;
  gs::test::ClusterWorld world(options);
  RestHandler handler(world.cluster, HandlerOptions{});
  for (int i = 0; i < 20; ++i) {
    world.cluster.create(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm-" + std::to_string(i)}, {"namespace", "default"}}}});
  }
  Request w;
  w.method = "GET";
  w.path = "/api/v1/namespaces/default/configmaps";
  w.query = {{"watch", "true"}, {"resourceVersion", "1"}};
  Response error;
  auto watch = handler.openWatch(w, error);
  REQUIRE(watch);
  const std::string lines = watch->poll();
  const Json event = Json::parse(lines.substr(0, lines.find('\n')));
  CHECK(event["type"] == "ERROR");
  CHECK(event["object"]["code"] == 410);
  CHECK(event["object"]["reason"] == "Expired");
  CHECK(watch->done());
}

TEST_CASE("serve REST: malformed requests get the right Status, never a crash") {
  Api api;
  REQUIRE(api.call("POST", "/api/v1/namespaces/default/configmaps", kConfigMap).status == 201);
  const std::string cmPath = "/api/v1/namespaces/default/configmaps";
  struct Case {
    const char* what;
    std::string method, path, body, contentType;
    int code;
    const char* reason;
  };
  const std::vector<Case> corpus = {
      {"bad JSON", "POST", cmPath, "{\"kind\": ", "application/json", 400, "BadRequest"},
      {"not an object", "POST", cmPath, "[1,2]", "application/json", 400, "BadRequest"},
      {"no kind", "POST", cmPath, R"({"apiVersion":"v1","metadata":{"name":"x"}})", "application/json", 400, "BadRequest"},
      {"wrong kind for the path", "POST", cmPath, R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}})", "application/json", 400, "BadRequest"},
      {"namespace differs from the path", "POST", cmPath, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"kube-system"}})",
       "application/json", 400, "BadRequest"},
      {"invalid name", "POST", cmPath, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_Valid"}})", "application/json", 422, "Invalid"},
      {"namespace that does not exist", "POST", "/api/v1/namespaces/nowhere/configmaps",
       R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})", "application/json", 404, "NotFound"},
      {"name differs from the path", "PUT", cmPath + "/settings", R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}})",
       "application/json", 400, "BadRequest"},
      {"body over the size limit", "POST", cmPath, std::string(4u << 20, ' '), "application/json", 413, "RequestEntityTooLarge"},
      {"protobuf body without the prefix", "POST", cmPath, "{}", "application/vnd.kubernetes.protobuf", 400, "BadRequest"},
      {"truncated protobuf body", "POST", cmPath, std::string("k8s\0\x0a\x20", 6), "application/vnd.kubernetes.protobuf", 400, "BadRequest"},
      {"protobuf of a kind it cannot decode", "POST", cmPath, std::string("k8s\0\x0a\x0e\x0a\x02v1\x12\x08" "Frobnick", 20),
       "application/vnd.kubernetes.protobuf", 415, "UnsupportedMediaType"},
      {"unknown resource", "GET", "/api/v1/frobnicators", "", "", 404, "NotFound"},
      {"unknown group", "GET", "/apis/nope.example.com/v1/things", "", "", 404, "NotFound"},
      {"wrong version", "GET", "/apis/apps/v2/deployments", "", "", 404, "NotFound"},
      {"cluster-scoped kind under a namespace", "GET", "/api/v1/namespaces/default/nodes", "", "", 404, "NotFound"},
      {"too deep a path", "GET", cmPath + "/settings/status/extra", "", "", 404, "NotFound"},
      {"bad label selector", "GET", cmPath + "?labelSelector=a%20in%20(", "", "", 400, "BadRequest"},
      {"bad label selector syntax", "GET", cmPath + "?labelSelector=a==b==c", "", "", 400, "BadRequest"},
      {"unsupported field selector", "GET", cmPath + "?fieldSelector=spec.foo=1", "", "", 400, "BadRequest"},
      {"bad limit", "GET", cmPath + "?limit=many", "", "", 400, "BadRequest"},
      {"bad continue token", "GET", cmPath + "?limit=1&continue=garbage", "", "", 400, "BadRequest"},
      {"JSON patch that is not a list", "PATCH", cmPath + "/settings", R"({"op":"add"})", "application/json-patch+json", 0, nullptr},
      {"JSON patch on a missing path", "PATCH", cmPath + "/settings", R"([{"op":"replace","path":"/nope/x","value":"x"}])",
       "application/json-patch+json", 0, nullptr},
      {"patch with an unknown content type", "PATCH", cmPath + "/settings", R"({"data":{}})", "text/plain", 415, "UnsupportedMediaType"},
      {"patch of a missing object", "PATCH", cmPath + "/missing", R"({"data":{}})", "application/merge-patch+json", 404, "NotFound"},
      {"apply without a field manager", "PATCH", cmPath + "/settings", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
       "application/apply-patch+yaml", 400, "BadRequest"},
      {"apply of bad YAML", "PATCH", cmPath + "/settings?fieldManager=me", "a: [", "application/apply-patch+yaml", 400, "BadRequest"},
      {"bad dryRun", "POST", cmPath + "?dryRun=Maybe", kConfigMap, "application/json", 400, "BadRequest"},
      {"bad propagation policy", "DELETE", cmPath + "/settings", R"({"propagationPolicy":"Sideways"})", "application/json", 400, "BadRequest"},
      {"bad grace period", "DELETE", cmPath + "/settings?gracePeriodSeconds=soon", "", "", 400, "BadRequest"},
      {"PUT on a collection", "PUT", cmPath, kConfigMap, "application/json", 405, "MethodNotAllowed"},
      {"update of a stale immutable field", "PATCH", "/api/v1/namespaces/default/services/missing", R"({"spec":{}})", "application/merge-patch+json", 404, "NotFound"},
      {"a path outside the API", "GET", "/etc/passwd", "", "", 404, "NotFound"},
  };
  for (const auto& c : corpus) {
    INFO(c.what);
    const Response r = api.call(c.method, c.path, c.body, c.contentType);
    if (c.code == 0) {  // any client error, as a Status
      CHECK(r.status >= 400);
      CHECK(r.status < 500);
      CHECK(Json::parse(r.body)["kind"] == "Status");
    } else {
      requireStatus(r, c.code, c.reason);
    }
  }
  // still serving, and the object untouched by the failed writes
  CHECK(api.json(api.call("GET", cmPath + "/settings"))["data"] == Json{{"color", "blue"}});

  RestHandler guarded(api.world.cluster, HandlerOptions{"s3cret"});
  Request r;
  r.method = "GET";
  r.path = "/api/v1/namespaces";
  requireStatus(guarded.handle(r), 401, "Unauthorized");
  r.headers["Authorization"] = "Bearer wrong";
  requireStatus(guarded.handle(r), 401, "Unauthorized");
  r.headers["Authorization"] = "Bearer s3cret";
  CHECK(guarded.handle(r).status == 200);
  // A kind served by conversion is guarded the same way, before its body is read.
  Request converted;
  converted.method = "POST";
  converted.path = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
  converted.body = "not json";
  requireStatus(guarded.handle(converted), 401, "Unauthorized");
}

TEST_CASE("serve REST: server-side apply owns fields, drops what it stopped applying, and conflicts with other managers") {
  Api api;
  const std::string path = "/api/v1/namespaces/default/configmaps/ssa?fieldManager=kubectl";
  const Response created = api.call("PATCH", path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '1', b: '2'}\n",
                                    "application/apply-patch+yaml");
  REQUIRE(created.status == 201);
  const Json managed = api.json(created)["metadata"]["managedFields"];
  REQUIRE(managed.size() == 1);
  CHECK(managed[0]["manager"] == "kubectl");
  CHECK(managed[0]["operation"] == "Apply");
  CHECK(managed[0]["fieldsV1"] == Json::parse(R"({"f:data":{"f:a":{},"f:b":{}}})"));

  // another writer changes a and adds a key of its own: it now owns both
  REQUIRE(api.call("PATCH", "/api/v1/namespaces/default/configmaps/ssa?fieldManager=editor", R"({"data":{"a":"7","mine":"x"}})",
                   "application/merge-patch+json").status == 200);
  // applying a different a conflicts with the editor
  const Response conflict = api.call("PATCH", path, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '10', b: '2'}\n",
                                     "application/apply-patch+yaml");
  requireStatus(conflict, 409, "Conflict");
  CHECK_THAT(api.json(conflict)["message"].get<std::string>(), Catch::Contains("conflict with \"editor\"") && Catch::Contains(".data.a"));
  // force takes it; b dropped from the applied config goes; the editor's own key stays
  const Response forced = api.call("PATCH", path + "&force=true", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '10'}\n",
                                   "application/apply-patch+yaml");
  REQUIRE(forced.status == 200);
  CHECK(api.json(forced)["data"] == Json{{"a", "10"}, {"mine", "x"}});
  const Json forcedObject = api.json(forced);  // the loop below must not range over a temporary's member
  for (const auto& e : forcedObject["metadata"]["managedFields"]) {
    if (e["manager"] == "editor") CHECK(e["fieldsV1"] == Json::parse(R"({"f:data":{"f:mine":{}}})"));
  }
  // the same value is shared ownership, not a conflict
  REQUIRE(api.call("PATCH", "/api/v1/namespaces/default/configmaps/ssa?fieldManager=other", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '10'}\n",
                   "application/apply-patch+yaml").status == 200);
  // a dry run answers with the result and stores nothing
  const Response dry = api.call("PATCH", path + "&dryRun=All", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa}\ndata: {a: '10', z: '9'}\n",
                                "application/apply-patch+yaml");
  CHECK(api.json(dry)["data"]["z"] == "9");
  CHECK_FALSE(api.json(api.call("GET", "/api/v1/namespaces/default/configmaps/ssa"))["data"].contains("z"));

  // keyed lists: containers are owned by name; a container another manager changed conflicts
  REQUIRE(api.call("POST", "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl", kDeployment).status == 201);
  REQUIRE(api.call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl-set",
                   R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}})", "application/strategic-merge-patch+json")
              .status == 200);
  const std::string deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n"
                             "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: 'nginx:1.29'}]\n";
  const Response clash = api.call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web?fieldManager=ci", deploy, "application/apply-patch+yaml");
  requireStatus(clash, 409, "Conflict");
  CHECK_THAT(api.json(clash)["message"].get<std::string>(), Catch::Contains(".spec.template.spec.containers[name=\"web\"].image"));
}

namespace {

// A protobuf length-delimited field (every length here is under 128).
std::string field(int number, const std::string& bytes) {
  return std::string(1, static_cast<char>(number << 3 | 2)) + static_cast<char>(bytes.size()) + bytes;
}

// A Kubernetes protobuf body: the "k8s\0" envelope around `object` of that apiVersion and kind.
std::string protobuf(const std::string& apiVersion, const std::string& kind, const std::string& object) {
  return std::string("k8s\0", 4) + field(1, field(1, apiVersion) + field(2, kind)) + field(2, object);
}

}  // namespace

TEST_CASE("serve REST: a protobuf Deployment keeps the zeros Go keeps (pointers) and drops the ones JSON omits") {
  Api api;
  // What kubectl create deployment's typed client sends: every non-pointer scalar is
  // written, zero or not (minReadySeconds 0, paused false); revisionHistoryLimit is a
  // pointer, so its 0 was set on purpose.
  const std::string labels = field(11, field(1, "app") + field(2, "web"));
  const std::string podSpec = field(2, field(1, "web") + field(2, "nginx:1.27"));
  const std::string spec = std::string("\x08\x02", 2) + field(2, field(1, field(1, "app") + field(2, "web"))) +
                           field(3, field(1, labels) + field(2, podSpec)) + std::string("\x28\x00\x30\x00\x38\x00", 6);
  const Response created = api.call("POST", "/apis/apps/v1/namespaces/default/deployments",
                                    protobuf("apps/v1", "Deployment", field(1, field(1, "web")) + field(2, spec)), "application/vnd.kubernetes.protobuf");
  INFO(created.body);
  REQUIRE(created.status == 201);
  const Json stored = api.json(api.call("GET", "/apis/apps/v1/namespaces/default/deployments/web"));
  CHECK_FALSE(stored["spec"].contains("minReadySeconds"));
  CHECK_FALSE(stored["spec"].contains("paused"));
  CHECK(stored["spec"]["revisionHistoryLimit"] == 0);
  CHECK(stored["spec"]["replicas"] == 2);
  CHECK(stored["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27");
}

TEST_CASE("serve REST: the eviction subresource kubectl drain uses, in JSON and protobuf, cordoned nodes say so") {
  Api api;
  REQUIRE(api.call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeployment).status == 201);
  api.world.runFor(std::chrono::seconds(20));
  const Json discovery = api.json(api.call("GET", "/api/v1"));
  bool listed = false;
  for (const auto& r : discovery["resources"]) {
    if (r["name"] == "pods/eviction") listed = r["group"] == "policy" && r["version"] == "v1" && r["kind"] == "Eviction";
  }
  CHECK(listed);
  std::vector<std::string> pods;
  const Json podList = api.json(api.call("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb"));
  for (const auto& p : podList["items"]) {
    pods.push_back(p["metadata"]["name"].get<std::string>());
  }
  REQUIRE(pods.size() == 2);
  const std::string path = "/api/v1/namespaces/default/pods/" + pods[0] + "/eviction";
  requireStatus(api.call("POST", path, R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"other"}})"), 400, "BadRequest");
  requireStatus(api.call("GET", path), 405, "MethodNotAllowed");
  requireStatus(api.call("POST", "/api/v1/namespaces/default/configmaps/x/eviction", "{}"), 404, "NotFound");
  const Response evicted = api.call("POST", path, R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":")" + pods[0] +
                                                      R"(","namespace":"default"},"deleteOptions":{"gracePeriodSeconds":0}})");
  REQUIRE(evicted.status == 201);
  CHECK(api.json(evicted)["status"] == "Success");
  api.world.runFor(std::chrono::seconds(1));
  requireStatus(api.call("GET", "/api/v1/namespaces/default/pods/" + pods[0]), 404, "NotFound");
  // kubectl's typed client sends the Eviction as protobuf (with DeleteOptions inside).
  const std::string eviction = field(1, field(1, pods[1]) + field(3, "default")) + field(2, std::string("\x08\x00", 2));
  const Response viaProtobuf = api.call("POST", "/api/v1/namespaces/default/pods/" + pods[1] + "/eviction", protobuf("policy/v1", "Eviction", eviction),
                                        "application/vnd.kubernetes.protobuf");
  INFO(viaProtobuf.body);
  REQUIRE(viaProtobuf.status == 201);
  api.world.runFor(std::chrono::seconds(1));
  requireStatus(api.call("GET", "/api/v1/namespaces/default/pods/" + pods[1]), 404, "NotFound");
  // A DELETE with a protobuf DeleteOptions body (kubectl drain --disable-eviction).
  const std::string deleteOptions = field(4, "Foreground");
  REQUIRE(api.call("POST", "/api/v1/namespaces/default/configmaps", kConfigMap).status == 201);
  const Response deleted = api.call("DELETE", "/api/v1/namespaces/default/configmaps/settings", protobuf("v1", "DeleteOptions", deleteOptions),
                                    "application/vnd.kubernetes.protobuf");
  INFO(deleted.body);
  CHECK(deleted.status == 200);
  // kubectl cordon: the node's STATUS column says SchedulingDisabled.
  REQUIRE(api.call("PATCH", "/api/v1/nodes/node-1", R"({"spec":{"unschedulable":true}})", "application/merge-patch+json").status == 200);
  const Json nodes = api.json(api.call("GET", "/api/v1/nodes", {}, {}, "application/json;as=Table;v=v1;g=meta.k8s.io"));
  REQUIRE(nodes["rows"].size() == 3);
  CHECK(nodes["rows"][0]["cells"][1] == "Ready,SchedulingDisabled");
  CHECK(nodes["rows"][1]["cells"][1] == "Ready");
}

TEST_CASE("serve REST: pods/log answers as the API server and kubelet do for each container state") {
  Api api;
  const char* pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:1"}]}})";
  REQUIRE(api.call("POST", "/api/v1/namespaces/default/pods", pod).status == 201);
  const Json discovery = api.json(api.call("GET", "/api/v1"));
  bool listed = false;
  for (const auto& r : discovery["resources"]) listed = listed || (r["name"] == "pods/log" && r["verbs"] == Json::array({"get"}));
  CHECK(listed);
  const std::string path = "/api/v1/namespaces/default/pods/p/log";
  auto refused = [&](const std::string& query, const std::string& message) {
    const Response r = api.call("GET", path + query);
    requireStatus(r, 400, "BadRequest");
    CHECK(api.json(r)["message"] == message);
  };
  refused("", "a container name must be specified for pod p, choose one of: [a b]");
  refused("?container=c", "container c is not valid for pod p");
  refused("?container=a", "pod p does not have a host assigned");
  const gs::kube::ObjectKey key{"", "Pod", "default", "p"};
  auto& store = api.world.cluster.store();
  store.bind(key, "node-1", api.world.clock.rfc3339());
  auto withStates = [&](const Json& a, const Json& lastA) {
    Json status = store.get("", "Pod", "default", "p")["status"];
    status["containerStatuses"] = Json::array({Json{{"name", "a"}, {"state", a}, {"lastState", lastA}},
                                               Json{{"name", "b"}, {"state", {{"running", {{"startedAt", "2026-01-01T00:00:01Z"}}}}}}});
    store.writeStatus(key, status);
  };
  withStates(Json{{"waiting", {{"reason", "ImagePullBackOff"}}}}, Json::object());
  refused("?container=a", "container \"a\" in pod \"p\" is waiting to start: trying and failing to pull image");
  withStates(Json{{"waiting", {{"reason", "ErrImagePull"}}}}, Json::object());
  refused("?container=a", "container \"a\" in pod \"p\" is waiting to start: image can't be pulled");
  withStates(Json{{"waiting", {{"reason", "ContainerCreating"}}}}, Json::object());
  refused("?container=a", "container \"a\" in pod \"p\" is waiting to start: ContainerCreating");
  refused("?container=a&previous=true", "previous terminated container \"a\" in pod \"p\" not found");
  const Response running = api.call("GET", path + "?container=b");
  CHECK(running.status == 200);
  CHECK(running.contentType == "text/plain");
  // Crash-looping: waiting again, but an earlier instance ran, so there are logs (empty).
  withStates(Json{{"waiting", {{"reason", "CrashLoopBackOff"}}}},
             Json{{"terminated", {{"exitCode", 1}, {"reason", "Error"}, {"containerID", "containerd://abc"}}}});
  CHECK(api.call("GET", path + "?container=a").status == 200);
  CHECK(api.call("GET", path + "?container=a&previous=true").status == 200);
  requireStatus(api.call("POST", path + "?container=a", "{}"), 405, "MethodNotAllowed");
  requireStatus(api.call("GET", "/api/v1/namespaces/default/pods/missing/log"), 404, "NotFound");
  requireStatus(api.call("GET", "/api/v1/namespaces/default/configmaps/x/log"), 404, "NotFound");
}

TEST_CASE("serve REST: HorizontalPodAutoscalers in autoscaling/v1 too, converted to and from the stored v2") {
  Api api;
  // Discovery: v2 preferred, v1 served as well.
  const Json group = api.json(api.call("GET", "/apis/autoscaling"));
  CHECK(group["preferredVersion"]["version"] == "v2");
  REQUIRE(group["versions"].size() == 2);
  CHECK(group["versions"][1]["version"] == "v1");
  bool listed = false;
  const Json v1Resources = api.json(api.call("GET", "/apis/autoscaling/v1"));
  for (const auto& r : v1Resources["resources"]) listed = listed || r["name"] == "horizontalpodautoscalers";
  CHECK(listed);
  // kubectl apply validates against the version's OpenAPI document.
  const Response openapi = api.call("GET", "/openapi/v3/apis/autoscaling/v1");
  REQUIRE(openapi.status == 200);
  CHECK(api.json(openapi)["components"]["schemas"]["io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler"]["x-kubernetes-group-version-kind"][0]["version"] ==
        "v1");
  const Json openapiIndex = api.json(api.call("GET", "/openapi/v3"));
  CHECK(openapiIndex["paths"].contains("apis/autoscaling/v1"));
  // A watch of v1 sees v1 objects.
  Request w;
  w.method = "GET";
  w.path = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
  w.query = {{"watch", "true"}};
  Response error;
  auto watch = api.handler.openWatch(w, error);
  REQUIRE(watch);
  // kubectl autoscale: a v1 object with targetCPUUtilizationPercentage.
  const char* v1 = R"({"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"web"},
    "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":5,"targetCPUUtilizationPercentage":70}})";
  const Response created = api.call("POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", v1);
  INFO(created.body);
  REQUIRE(created.status == 201);
  CHECK(api.json(created)["apiVersion"] == "autoscaling/v1");
  CHECK(api.json(created)["spec"]["targetCPUUtilizationPercentage"] == 70);
  const std::string event = watch->poll();
  CHECK(Json::parse(event.substr(0, event.find('\n')))["object"]["apiVersion"] == "autoscaling/v1");
  Json stored = api.json(api.call("GET", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web"));
  CHECK(stored["spec"]["metrics"] == Json::parse(R"([{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}])"));
  CHECK_FALSE(stored["spec"].contains("targetCPUUtilizationPercentage"));
  // A merge patch in v1 terms.
  REQUIRE(api.call("PATCH", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web", R"({"spec":{"targetCPUUtilizationPercentage":55}})",
                   "application/merge-patch+json")
              .status == 200);
  stored = api.json(api.call("GET", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web"));
  CHECK(stored["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 55);
  // What v1 cannot say (a memory metric) travels in the annotation and survives a v1 round trip.
  stored["spec"]["metrics"].push_back(Json::parse(R"({"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"500Mi"}}})"));
  REQUIRE(api.call("PUT", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web", stored.dump()).status == 200);
  Json asV1 = api.json(api.call("GET", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web"));
  CHECK(asV1["spec"]["targetCPUUtilizationPercentage"] == 55);
  REQUIRE(asV1["metadata"]["annotations"].contains("autoscaling.alpha.kubernetes.io/metrics"));
  asV1["spec"]["maxReplicas"] = 8;
  REQUIRE(api.call("PUT", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web", asV1.dump()).status == 200);
  stored = api.json(api.call("GET", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web"));
  CHECK(stored["spec"]["maxReplicas"] == 8);
  CHECK(stored["spec"]["metrics"].size() == 2);
  CHECK_FALSE(stored["metadata"].contains("annotations"));
  const Json list = api.json(api.call("GET", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"));
  CHECK(list["apiVersion"] == "autoscaling/v1");
  CHECK(list["items"][0]["apiVersion"] == "autoscaling/v1");
  // kubectl get hpa: its columns.
  const Json table = api.json(api.call("GET", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", {}, {},
                                       "application/json;as=Table;v=v1;g=meta.k8s.io"));
  REQUIRE(table["rows"].size() == 1);
  CHECK(table["rows"][0]["cells"][1] == "Deployment/web");
  CHECK(table["rows"][0]["cells"][2] == "cpu: <unknown>/55%, memory: <unknown>/500Mi");
  CHECK(table["rows"][0]["cells"][3] == "2");
  CHECK(table["rows"][0]["cells"][4] == 8);
  requireStatus(api.call("PATCH", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web", "{}", "application/apply-patch+yaml"), 415,
                "UnsupportedMediaType");
  requireStatus(api.call("GET", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/missing"), 404, "NotFound");
  requireStatus(api.call("POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", "not json"), 400, "BadRequest");
  // kubectl autoscale's typed client sends the v1 object as protobuf.
  const std::string ref = field(1, "Deployment") + field(2, "api") + field(3, "apps/v1");
  const std::string spec = field(1, ref) + std::string("\x10\x01\x18\x04\x20\x32", 6);  // min 1, max 4, cpu 50
  const std::string object = field(1, field(1, "api")) + field(2, spec);
  const Response viaProtobuf = api.call("POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers",
                                        protobuf("autoscaling/v1", "HorizontalPodAutoscaler", object), "application/vnd.kubernetes.protobuf");
  INFO(viaProtobuf.body);
  REQUIRE(viaProtobuf.status == 201);
  stored = api.json(api.call("GET", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/api"));
  CHECK(stored["spec"]["maxReplicas"] == 4);
  CHECK(stored["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 50);
}

TEST_CASE("serve REST: kubectl create role/rolebinding/ingress bodies in protobuf, and their kubectl columns") {
  Api api;
  const std::string rule = field(1, "get") + field(1, "list") + field(2, "") + field(3, "pods");
  const Response role = api.call("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
                                 protobuf("rbac.authorization.k8s.io/v1", "Role", field(1, field(1, "r1")) + field(2, rule)),
                                 "application/vnd.kubernetes.protobuf");
  INFO(role.body);
  REQUIRE(role.status == 201);
  CHECK(api.json(role)["rules"] == Json::parse(R"([{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]}])"));
  const std::string binding = field(1, field(1, "rb1")) + field(2, field(1, "User") + field(2, "rbac.authorization.k8s.io") + field(3, "bob")) +
                              field(2, field(1, "ServiceAccount") + field(3, "sa1") + field(4, "default")) +
                              field(3, field(1, "rbac.authorization.k8s.io") + field(2, "Role") + field(3, "r1"));
  REQUIRE(api.call("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                   protobuf("rbac.authorization.k8s.io/v1", "RoleBinding", binding), "application/vnd.kubernetes.protobuf")
              .status == 201);
  // An Ingress rule's value is embedded inline in Go: `http` is a member of the rule.
  const std::string backend = field(4, field(1, "svc1") + field(2, std::string("\x10\x50", 2)));
  const std::string path = field(1, "/bar") + field(2, backend) + field(3, "Prefix");
  const std::string ingressRule = field(1, "foo.com") + field(2, field(1, field(1, path)));
  const std::string spec = field(2, field(1, "foo.com") + field(2, "my-cert")) + field(3, ingressRule) + field(4, "nginx");
  const Response ingress = api.call("POST", "/apis/networking.k8s.io/v1/namespaces/default/ingresses",
                                    protobuf("networking.k8s.io/v1", "Ingress", field(1, field(1, "ing1")) + field(2, spec)),
                                    "application/vnd.kubernetes.protobuf");
  INFO(ingress.body);
  REQUIRE(ingress.status == 201);
  CHECK(api.json(ingress)["spec"]["rules"] == Json::parse(R"([{"host":"foo.com","http":{"paths":[{"path":"/bar","pathType":"Prefix",
    "backend":{"service":{"name":"svc1","port":{"number":80}}}}]}}])"));
  const char* table = "application/json;as=Table;v=v1;g=meta.k8s.io";
  const Json roles = api.json(api.call("GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", {}, {}, table));
  REQUIRE(roles["rows"].size() == 1);
  CHECK(roles["columnDefinitions"][1]["name"] == "Created At");
  const Json bindings = api.json(api.call("GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", {}, {}, table));
  REQUIRE(bindings["rows"].size() == 1);
  CHECK(bindings["rows"][0]["cells"][1] == "Role/r1");
  CHECK(bindings["rows"][0]["cells"][3] == "bob");
  CHECK(bindings["rows"][0]["cells"][5] == "default/sa1");
  const Json ingresses = api.json(api.call("GET", "/apis/networking.k8s.io/v1/namespaces/default/ingresses", {}, {}, table));
  REQUIRE(ingresses["rows"].size() == 1);
  const Json& cells = ingresses["rows"][0]["cells"];
  CHECK(cells[1] == "nginx");
  CHECK(cells[2] == "foo.com");
  CHECK(cells[4] == "80, 443");
}

TEST_CASE("serve REST: kubectl auth can-i / whoami reviews: everything is allowed, and the answers say why") {
  Api api;
  const Json groups = api.json(api.call("GET", "/apis"));
  std::set<std::string> names;
  for (const auto& g : groups["groups"]) names.insert(g["name"].get<std::string>());
  CHECK(names.contains("authorization.k8s.io"));
  CHECK(names.contains("authentication.k8s.io"));
  const Json resources = api.json(api.call("GET", "/apis/authorization.k8s.io/v1"));
  REQUIRE(resources["resources"].size() == 2);
  CHECK(resources["resources"][0]["verbs"] == Json::array({"create"}));
  // kubectl auth can-i sends its review as protobuf.
  const std::string attributes = field(1, "default") + field(2, "create") + field(5, "pods");
  const Response review = api.call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                   protobuf("authorization.k8s.io/v1", "SelfSubjectAccessReview", field(2, field(1, attributes))),
                                   "application/vnd.kubernetes.protobuf");
  INFO(review.body);
  REQUIRE(review.status == 201);
  CHECK(api.json(review)["status"]["allowed"] == true);
  CHECK(api.json(review)["spec"]["resourceAttributes"]["resource"] == "pods");
  requireStatus(api.call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", R"({"spec":{}})"), 422, "Invalid");
  requireStatus(api.call("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"), 405, "MethodNotAllowed");
  const Json rules = api.json(api.call("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", R"({"spec":{"namespace":"default"}})"));
  CHECK(rules["status"]["resourceRules"][0]["verbs"] == Json::array({"*"}));
  const Json whoami = api.json(api.call("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", R"({"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"})"));
  CHECK(whoami["status"]["userInfo"]["username"] == "admin");
}

TEST_CASE("serve REST: fieldValidation decides what unknown fields do, wrongly typed values are 400 whatever it says") {
  Api api;
  Json typo = Json::parse(kDeployment);
  typo["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always";
  const std::string path = "/apis/apps/v1/namespaces/default/deployments";
  Response strict = api.call("POST", path + "?fieldValidation=Strict", typo.dump());
  requireStatus(strict, 400, "BadRequest");
  CHECK(api.json(strict)["message"] ==
        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"");
  requireStatus(api.call("POST", path + "?fieldValidation=Loose", typo.dump()), 400, "BadRequest");
  // No directive is Warn: created without the field, with a warning.
  Response warned = api.call("POST", path, typo.dump());
  REQUIRE(warned.status == 201);
  CHECK(warned.warnings == std::vector<std::string>{"unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""});
  CHECK_FALSE(api.json(warned)["spec"]["template"]["spec"]["containers"][0].contains("imagePullPolicyy"));
  // Ignore: the same, silently; a merge patch's result is decoded as well.
  Response ignored = api.call("PATCH", path + "/web?fieldValidation=Ignore", R"({"spec":{"minReadySecondz":5}})", "application/merge-patch+json");
  CHECK(ignored.status == 200);
  CHECK(ignored.warnings.empty());
  Response wrong = api.call("PATCH", path + "/web?fieldValidation=Ignore", R"({"spec":{"minReadySeconds":"5"}})", "application/merge-patch+json");
  requireStatus(wrong, 400, "BadRequest");
  CHECK(api.json(wrong)["message"] ==
        "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.minReadySeconds of type int32");
}

TEST_CASE("serve REST: the cluster-wide kinds real repos ship (ingress classes, webhooks, API services, priority classes, quotas) are served") {
  Api api;
  const char* table = "application/json;as=Table;v=v1;g=meta.k8s.io";
  struct Case {
    std::string path, body, firstCells;
  };
  const std::vector<Case> cases = {
      {"/apis/networking.k8s.io/v1/ingressclasses",
       R"({"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},"spec":{"controller":"k8s.io/ingress-nginx"}})",
       R"(["nginx","k8s.io/ingress-nginx","<none>")"},
      {"/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
       R"({"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"ingress-nginx-admission"},
         "webhooks":[{"name":"validate.nginx.ingress.kubernetes.io","admissionReviewVersions":["v1"],"sideEffects":"None",
         "clientConfig":{"service":{"namespace":"ingress-nginx","name":"ingress-nginx-controller-admission","path":"/networking/v1/ingresses"}}}]})",
       R"(["ingress-nginx-admission",1)"},
      {"/apis/apiregistration.k8s.io/v1/apiservices",
       R"({"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.metrics.k8s.io"},
         "spec":{"group":"metrics.k8s.io","version":"v1beta1","groupPriorityMinimum":100,"versionPriority":100,"insecureSkipTLSVerify":true,
         "service":{"name":"metrics-server","namespace":"kube-system"}}})",
       R"(["v1beta1.metrics.k8s.io","kube-system/metrics-server")"},
      {"/apis/scheduling.k8s.io/v1/priorityclasses",
       R"({"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"batch"},"value":1000,"preemptionPolicy":"Never"})",
       R"(["batch",1000,false)"},
      {"/apis/node.k8s.io/v1/runtimeclasses", R"({"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":"gvisor"},"handler":"runsc"})",
       R"(["gvisor","runsc")"},
      {"/apis/coordination.k8s.io/v1/namespaces/default/leases",
       R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"leader"},"spec":{"holderIdentity":"pod-a"}})", R"(["leader","pod-a")"},
      {"/api/v1/namespaces/default/limitranges",
       R"({"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"defaults"},"spec":{"limits":[{"type":"Container","default":{"cpu":"500m"}}]}})",
       R"(["defaults",)"},
      {"/api/v1/namespaces/default/resourcequotas",
       R"({"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"compute"},"spec":{"hard":{"requests.cpu":"4","limits.memory":"8Gi"}}})",
       R"(["compute",)"},
      {"/apis/storage.k8s.io/v1/csidrivers", R"({"apiVersion":"storage.k8s.io/v1","kind":"CSIDriver","metadata":{"name":"ebs.csi.aws.com"},"spec":{}})",
       R"(["ebs.csi.aws.com",)"},
  };
  for (const auto& c : cases) {
    INFO(c.path);
    const Response created = api.call("POST", c.path, c.body);
    INFO(created.body);
    REQUIRE(created.status == 201);
    const Json rows = api.json(api.call("GET", c.path, {}, {}, table))["rows"];
    bool printed = false;
    for (const auto& row : rows) printed |= row["cells"].dump().rfind(c.firstCells, 0) == 0;
    CHECK(printed);
  }
  // The system priority classes are there from the start; kubectl's short names resolve.
  const Json classes = api.json(api.call("GET", "/apis/scheduling.k8s.io/v1/priorityclasses"));
  CHECK(classes["items"].size() == 3);
  const Json core = api.json(api.call("GET", "/api/v1"));
  bool quota = false;
  for (const auto& r : core["resources"]) quota |= r["name"] == "resourcequotas" && r["shortNames"] == Json::array({"quota"});
  CHECK(quota);
}
