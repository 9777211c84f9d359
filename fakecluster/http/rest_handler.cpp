#include "fakecluster/http/rest_handler.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "fakecluster/eviction.hpp"
#include "fakecluster/http/access_review.hpp"
#include "fakecluster/http/discovery.hpp"
#include "fakecluster/http/openapi.hpp"
#include "fakecluster/http/pod_log.hpp"
#include "fakecluster/http/protobuf.hpp"
#include "fakecluster/http/server_side_apply.hpp"
#include "fakecluster/http/table.hpp"
#include "fakecluster/http/version_conversion.hpp"
#include "sim/core/error.hpp"
#include "sim/core/yaml.hpp"

namespace gs::fake::http {

namespace {

// The kinds whose REST strategy answers AllowCreateOnUpdate() with true: a PUT to a
// missing object creates it. Every other kind (Deployments, ConfigMaps, Pods, custom
// resources...) answers 404.
bool createsOnUpdate(const ResourceType& type) {
  if (type.group.empty()) return type.kind == "Service" || type.kind == "Endpoints" || type.kind == "Event" || type.kind == "LimitRange";
  if (type.group == "rbac.authorization.k8s.io") return true;  // Roles, ClusterRoles and their bindings
  return (type.group == "coordination.k8s.io" && type.kind == "Lease") || (type.group == "events.k8s.io" && type.kind == "Event");
}

Response json(int status, const Json& body) { return Response{status, "application/json", body.dump(-1, ' ', false, Json::error_handler_t::replace), {}}; }
Response failure(const ApiError& e) { return json(e.code(), e.status()); }

ApiError notFoundResource() { return ApiError(404, "NotFound", "the server could not find the requested resource"); }

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A resource path: /api/v1/namespaces/{ns}/{plural}/{name}/{sub} and its cluster-wide forms.
struct Target {
  const ResourceType* type = nullptr;
  std::string ns;
  std::string name;
  std::string subresource;
};

bool scalable(const ResourceType& t) {
  return t.group == "apps" && (t.kind == "Deployment" || t.kind == "ReplicaSet" || t.kind == "StatefulSet");
}

// Throws ApiError 404 for paths that name no served resource.
Target parseTarget(const ObjectStore& store, const std::string& group, const std::string& version, std::vector<std::string> rest) {
  Target t;
  std::string plural;
  if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
    t.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.empty() || rest.size() > 3) throw notFoundResource();
  plural = rest[0];
  if (rest.size() >= 2) t.name = rest[1];
  if (rest.size() == 3) t.subresource = rest[2];
  t.type = store.registry().byPlural(group, plural);
  if (t.type == nullptr || t.type->version != version) throw notFoundResource();
  if (!t.ns.empty() && !t.type->namespaced) throw notFoundResource();
  const bool podOnly = (t.subresource == "eviction" || t.subresource == "log") && t.type->group.empty() && t.type->kind == "Pod";
  if (!t.subresource.empty() && !(t.subresource == "status" && t.type->hasStatus) && !(t.subresource == "scale" && scalable(*t.type)) &&
      !podOnly) {
    throw notFoundResource();
  }
  return t;
}

Json parseBody(const Request& request, bool yaml = false) {
  if (request.body.empty()) throw ApiError::badRequest("the request has no body");
  // kubectl's typed clients (create deployment, run, expose, ...) send protobuf.
  if (request.header("Content-Type").find("protobuf") != std::string::npos) {
    if (!isKubernetesProtobuf(request.body)) throw ApiError::badRequest("a protobuf body must start with the \"k8s\\0\" prefix");
    return decodeKubernetesProtobuf(request.body);
  }
  if (yaml) {
    try {
      return loadYamlDocument(request.body, "request body").value;
    } catch (const Error& e) {
      throw ApiError::badRequest("error decoding YAML: " + e.message());
    }
  }
  try {
    return Json::parse(request.body);
  } catch (const Json::parse_error& e) {
    throw ApiError::badRequest(std::string("the body of the request was in an unknown format or is not valid JSON: ") + e.what());
  }
}

WriteOptions writeOptions(const Request& request, std::vector<std::string>* warnings = nullptr) {
  WriteOptions options;
  const std::string dryRun = request.param("dryRun");
  if (!dryRun.empty() && dryRun != "All") throw ApiError::badRequest("Invalid dry run value: " + dryRun + " (only \"All\" is supported)");
  options.dryRun = dryRun == "All";
  const std::string directive = request.param("fieldValidation");
  const auto mode = parseFieldValidation(directive);
  if (!mode) throw ApiError::badRequest("fieldValidation parameter unsupported: " + directive + " (Ignore, Warn or Strict)");
  options.fieldValidation = *mode;
  options.warnings = warnings;
  return options;
}

// A body must be an object of the path's kind, in the path's namespace and with its name.
void checkBody(Json& object, const Target& t, bool requireName) {
  if (!object.is_object()) throw ApiError::badRequest("the request body must be a JSON object");
  const std::string kind = object.value("kind", "");
  if (kind.empty()) throw ApiError::badRequest("Object 'Kind' is missing in the request body");
  if (kind != t.type->kind || object.value("apiVersion", "") != t.type->apiVersion()) {
    throw ApiError::badRequest("the API version in the data (" + object.value("apiVersion", "") + ") and kind (" + kind +
                               ") do not match the request path (" + t.type->apiVersion() + ", " + t.type->kind + ")");
  }
  if (!object.contains("metadata") || !object["metadata"].is_object()) object["metadata"] = Json::object();
  Json& meta = object["metadata"];
  if (t.type->namespaced && !t.ns.empty()) {
    const std::string ns = meta.value("namespace", "");
    if (ns.empty()) meta["namespace"] = t.ns;
    else if (ns != t.ns) throw ApiError::badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  if (requireName && meta.value("name", "") != t.name) {
    throw ApiError::badRequest("the name of the object (" + meta.value("name", "") + ") does not match the name on the URL (" + t.name + ")");
  }
}

std::string selectorString(const Json& selector) {
  std::string out;
  const Json labels = selector.value("matchLabels", Json::object());  // bound: items() of a temporary dangles
  for (const auto& [k, v] : labels.items()) out += (out.empty() ? "" : ",") + k + "=" + v.get<std::string>();
  for (const auto& e : selector.value("matchExpressions", Json::array())) {
    std::string values;
    for (const auto& v : e.value("values", Json::array())) values += (values.empty() ? "" : ",") + v.get<std::string>();
    const std::string op = e.value("operator", "");
    const std::string key = e.value("key", "");
    std::string term = op == "In" ? key + " in (" + values + ")" : op == "NotIn" ? key + " notin (" + values + ")" : op == "Exists" ? key : "!" + key;
    out += (out.empty() ? "" : ",") + term;
  }
  return out;
}

Json scaleOf(const Json& object) {
  const Json& meta = object["metadata"];
  Json scaleMeta{{"name", meta.value("name", "")}, {"namespace", meta.value("namespace", "")}, {"uid", meta.value("uid", "")},
                 {"resourceVersion", meta.value("resourceVersion", "")}, {"creationTimestamp", meta.value("creationTimestamp", "")}};
  return Json{{"kind", "Scale"},
              {"apiVersion", "autoscaling/v1"},
              {"metadata", std::move(scaleMeta)},
              {"spec", {{"replicas", object.value("/spec/replicas"_json_pointer, 1)}}},
              {"status", {{"replicas", object.value("/status/replicas"_json_pointer, 0)},
                          {"selector", selectorString(object.value("/spec/selector"_json_pointer, Json::object()))}}}};
}

// The DeleteOptions of a request: `body` (from the request's body, or an Eviction's
// deleteOptions) and the query parameters.
DeleteOptions deleteOptionsOf(const Request& request, const Json& body) {
  DeleteOptions options;
  static_cast<WriteOptions&>(options) = writeOptions(request);
  if (!body.is_object()) throw ApiError::badRequest("DeleteOptions must be a JSON object");
  for (const auto& d : body.value("dryRun", Json::array())) {
    if (d != "All") throw ApiError::badRequest("Invalid dry run value (only \"All\" is supported)");
    options.dryRun = true;
  }
  std::string propagation = body.value("propagationPolicy", request.param("propagationPolicy"));
  if (propagation.empty() && (body.value("orphanDependents", false) || request.param("orphanDependents") == "true")) propagation = "Orphan";
  if (propagation == "Foreground") options.propagation = Propagation::Foreground;
  else if (propagation == "Orphan") options.propagation = Propagation::Orphan;
  else if (!propagation.empty() && propagation != "Background") throw ApiError::badRequest("unsupported propagationPolicy: " + propagation);
  if (body.contains("gracePeriodSeconds") && body["gracePeriodSeconds"].is_number_integer()) {
    options.gracePeriodSeconds = body["gracePeriodSeconds"].get<std::int64_t>();
  } else if (request.has("gracePeriodSeconds")) {
    std::int64_t g = 0;
    const std::string text = request.param("gracePeriodSeconds");
    if (std::from_chars(text.data(), text.data() + text.size(), g).ec != std::errc()) throw ApiError::badRequest("invalid gracePeriodSeconds: " + text);
    options.gracePeriodSeconds = g;
  }
  return options;
}

DeleteOptions deleteOptions(const Request& request) {
  return deleteOptionsOf(request, request.body.empty() ? Json::object() : parseBody(request));
}

ListOptions listOptions(const Request& request) {
  ListOptions options;
  options.labelSelector = request.param("labelSelector");
  options.fieldSelector = request.param("fieldSelector");
  options.continueToken = request.param("continue");
  if (request.has("limit")) {
    const std::string text = request.param("limit");
    std::size_t limit = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), limit).ec != std::errc()) throw ApiError::badRequest("invalid limit: " + text);
    options.limit = limit;
  }
  return options;
}

TableObjects includeObject(const Request& request) {
  const std::string v = request.param("includeObject");
  return v == "None" ? TableObjects::None : v == "Object" ? TableObjects::Object : TableObjects::Metadata;
}

// The field manager of a write: ?fieldManager=, else the client's name from its
// User-Agent ("kubectl/v1.32.4 (linux/amd64) ..." -> "kubectl"), as a real server does.
std::string managerOf(const Request& request) {
  std::string manager = request.param("fieldManager");
  if (manager.empty()) manager = request.header("User-Agent").substr(0, request.header("User-Agent").find('/'));
  return manager.empty() ? "unknown" : manager;
}

Json crdOf(const ObjectStore& store, const ResourceType& type) {
  auto crd = store.find(kube::ObjectKey{"apiextensions.k8s.io", "CustomResourceDefinition", "", type.plural + "." + type.group});
  return crd ? *crd : Json();
}

// A watch of one kind over the store's event history.
class StoreWatch final : public WatchStream {
 public:
  StoreWatch(FakeCluster& cluster, const ResourceType& type, std::string ns, std::function<bool(const Json&)> match, std::uint64_t from,
             bool bookmarks, bool table, TableObjects include, std::optional<std::int64_t> timeout, std::vector<Json> initial,
             const ServedVersion* served)
      : cluster_(cluster), type_(type), ns_(std::move(ns)), match_(std::move(match)), rv_(from), bookmarks_(bookmarks), table_(table),
        include_(include), timeout_(timeout), initial_(std::move(initial)), served_(served) {}

  std::string poll() override {
    std::string out;
    for (const auto& object : initial_) out += line("ADDED", object);
    initial_.clear();
    if (done_) return out;
    std::vector<WatchEvent> events;
    try {
      events = cluster_.store().watch(rv_, type_.group, type_.kind);
    } catch (const ApiError& e) {
      done_ = true;
      return out + Json{{"type", "ERROR"}, {"object", e.status()}}.dump() + "\n";
    }
    for (const auto& e : events) {
      rv_ = e.resourceVersion;
      if (e.type == WatchEvent::Type::Bookmark || !e.object) continue;
      const Json& object = *e.object;
      if (!ns_.empty() && object["metadata"].value("namespace", "") != ns_) continue;
      if (!match_(object)) continue;
      out += line(watchEventTypeName(e.type), object);
    }
    if (bookmarks_ && ++polls_ % 100 == 0) {
      Json bookmark{{"kind", type_.kind},
                    {"apiVersion", served_ != nullptr ? std::string(served_->group) + "/" + std::string(served_->version) : type_.apiVersion()}, {"metadata", {{"resourceVersion", std::to_string(cluster_.store().resourceVersion())}}}};
      out += Json{{"type", "BOOKMARK"}, {"object", bookmark}}.dump() + "\n";
    }
    return out;
  }

  bool done() const override { return done_; }
  std::optional<std::int64_t> timeoutSeconds() const override { return timeout_; }

 private:
  std::string line(const std::string& type, const Json& object) const {
    Json payload = object;
    if (table_) {
      payload = toTable(type_, {object}, cluster_.loop().clock().unixSeconds(), crdOf(cluster_.store(), type_), include_,
                        object["metadata"].value("resourceVersion", ""));
    } else if (served_ != nullptr) {
      payload = toServedVersion(*served_, object);
    }
    return Json{{"type", type}, {"object", std::move(payload)}}.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  }

  FakeCluster& cluster_;
  ResourceType type_;
  std::string ns_;
  std::function<bool(const Json&)> match_;
  std::uint64_t rv_;
  bool bookmarks_;
  bool table_;
  TableObjects include_;
  std::optional<std::int64_t> timeout_;
  std::vector<Json> initial_;
  const ServedVersion* served_;  // the version a watch of an extra served version shows, or nullptr
  bool done_ = false;
  std::uint64_t polls_ = 0;
};

// A JSON patch of metadata.managedFields (kubectl's client-side to server-side apply migration).
bool touchesManagedFields(const Json& jsonPatch) {
  if (!jsonPatch.is_array()) return false;
  return std::any_of(jsonPatch.begin(), jsonPatch.end(), [](const Json& op) {
    return op.is_object() && op.value("path", "").rfind("/metadata/managedFields", 0) == 0;
  });
}

}  // namespace

RestHandler::RestHandler(FakeCluster& cluster, HandlerOptions options) : cluster_(cluster), options_(std::move(options)) {}

bool RestHandler::isWatch(const Request& request) {
  const std::string w = request.param("watch");
  return request.method == "GET" && (w == "1" || w == "true");
}

Response RestHandler::handle(const Request& request) {
  if (auto converted = handleServedVersion(request)) return *converted;
  return handleStoredVersion(request);
}

std::optional<Response> RestHandler::handleServedVersion(const Request& request) {
  // Unauthorized and oversized requests are answered (401, 413) before any body is read.
  if ((!options_.token.empty() && request.header("Authorization") != "Bearer " + options_.token) || request.body.size() > options_.maxBodyBytes) {
    return std::nullopt;
  }
  // /apis/<group>/<version>/[namespaces/<ns>/]<plural>[/<name>[/<subresource>]]
  const std::vector<std::string> seg = segments(request.path);
  if (seg.size() < 4 || seg[0] != "apis") return std::nullopt;
  const std::size_t pluralAt = seg.size() > 5 && seg[3] == "namespaces" ? 5 : 3;
  const ServedVersion* served = servedVersion(seg[1], seg[2], seg[pluralAt]);
  if (served == nullptr) return std::nullopt;
  Request inner = request;
  inner.path = "/apis/" + seg[1] + "/" + std::string(served->storedVersion);
  for (std::size_t i = 3; i < seg.size(); ++i) inner.path += "/" + seg[i];
  try {
    if (request.method == "POST" || request.method == "PUT") {
      inner.body = toStoredVersion(*served, parseBody(request)).dump();
      inner.headers["Content-Type"] = "application/json";
    } else if (request.method == "PATCH") {
      // The patch is in the served version's terms: apply it to the object as that version
      // shows it, then write the result back.
      const std::string contentType = request.header("Content-Type");
      if (contentType.starts_with("application/apply-patch")) {
        throw ApiError(415, "UnsupportedMediaType",
                       "server-side apply is served in " + std::string(served->group) + "/" + std::string(served->storedVersion) + " only");
      }
      const PatchType patchType = patchTypeFromContentType(contentType);
      Request get = inner;
      get.method = "GET";
      get.body.clear();
      get.query.clear();
      get.headers["Accept"] = "application/json";
      const Response current = handleStoredVersion(get);
      if (current.status != 200) return current;
      const Json patched = applyPatch(toServedVersion(*served, Json::parse(current.body)), parseBody(request), patchType, nullptr, true);
      inner.method = "PUT";
      inner.body = toStoredVersion(*served, patched).dump();
      inner.headers["Content-Type"] = "application/json";
    }
  } catch (const ApiError& e) {
    return failure(e);
  } catch (const Json::exception& e) {
    return failure(ApiError::badRequest(std::string("malformed request: ") + e.what()));
  }
  Response response = handleStoredVersion(inner);
  if (response.contentType == "application/json" && !response.body.empty() && !wantsTable(request.header("Accept"))) {
    response.body = toServedVersion(*served, Json::parse(response.body)).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  return response;
}

Response RestHandler::handleStoredVersion(const Request& request) {
  warnings_.clear();
  Response response = answerStoredVersion(request);
  response.warnings = std::move(warnings_);
  warnings_.clear();
  return response;
}

Response RestHandler::answerStoredVersion(const Request& request) {
  ++requests_;
  try {
    if (!options_.token.empty() && request.header("Authorization") != "Bearer " + options_.token) {
      return failure(ApiError(401, "Unauthorized", "Unauthorized"));
    }
    if (request.body.size() > options_.maxBodyBytes) {
      return failure(ApiError(413, "RequestEntityTooLarge", "the request body is larger than " + std::to_string(options_.maxBodyBytes) + " bytes"));
    }
    const std::vector<std::string> seg = segments(request.path);
    ObjectStore& store = cluster_.store();
    // Everything but resources.
    if (seg.size() == 1 && (seg[0] == "healthz" || seg[0] == "readyz" || seg[0] == "livez")) return Response{200, "text/plain", "ok", {}};
    if (seg.size() == 1 && seg[0] == "version") return json(200, versionInfo());
    if (!seg.empty() && seg[0] == "openapi") {
      auto doc = openApiDocument(store, std::vector<std::string>(seg.begin() + 1, seg.end()));
      if (!doc) return failure(notFoundResource());
      return json(200, *doc);
    }
    if (seg.empty() || (seg[0] != "api" && seg[0] != "apis")) return failure(notFoundResource());
    if (seg.size() == 1) return json(200, seg[0] == "api" ? coreApiVersions(options_.serverAddress) : apiGroupList(store));
    const bool core = seg[0] == "api";
    const std::string group = core ? "" : seg[1];
    if (!core && seg.size() == 2) {  // /apis/<group>
      Json groups = apiGroupList(store);
      for (const auto& g : groups["groups"]) {
        if (g["name"] == group) return json(200, Json{{"kind", "APIGroup"}, {"apiVersion", "v1"}, {"name", group}, {"versions", g["versions"]},
                                                       {"preferredVersion", g["preferredVersion"]}});
      }
      return failure(notFoundResource());
    }
    const std::string version = core ? seg[1] : seg[2];
    const std::size_t restAt = core ? 2 : 3;
    if (seg.size() == restAt) {
      auto list = apiResourceList(store, group, version);
      return list ? json(200, *list) : failure(notFoundResource());
    }
    if (seg.size() == restAt + 1 && isReviewResource(group, version, seg[restAt])) {
      if (request.method != "POST") throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
      return json(201, answerReview(group, seg[restAt], parseBody(request)));
    }
    const Target t = parseTarget(store, group, version, std::vector<std::string>(seg.begin() + static_cast<std::ptrdiff_t>(restAt), seg.end()));
    const ResourceType& type = *t.type;
    const bool table = wantsTable(request.header("Accept"));
    const std::string& m = request.method;

    if (t.name.empty()) {
      if (m == "GET") {
        if (isWatch(request)) return failure(ApiError::badRequest("watch requests are streamed; this server could not open one here"));
        const Json list = cluster_.list(type.group, type.kind, t.ns, listOptions(request));
        if (!table) return json(200, list);
        std::vector<Json> items(list["items"].begin(), list["items"].end());
        return json(200, toTable(type, items, cluster_.loop().clock().unixSeconds(), crdOf(store, type), includeObject(request),
                                 list["metadata"].value("resourceVersion", ""), list["metadata"].value("continue", "")));
      }
      if (m == "POST") {
        Json object = parseBody(request);
        checkBody(object, t, false);
        if (type.namespaced && t.ns.empty()) throw ApiError::badRequest("a namespaced object must be created under /namespaces/<namespace>/");
        const WriteOptions options = writeOptions(request, &warnings_);
        Json created = cluster_.create(object, options);
        if (!options.dryRun && !created["metadata"].value("uid", "").empty()) {
          ownership_.recordUpdate(created["metadata"].value("uid", ""), managerOf(request), type.apiVersion(), cluster_.loop().clock().rfc3339(),
                                  fieldsOf(object, kube::schemaFor(type.group, type.kind)));
        }
        return json(201, withManagedFields(std::move(created)));
      }
      if (m == "DELETE") {
        const DeleteOptions options = deleteOptions(request);
        const auto removed = store.removeCollection(type.group, type.kind, t.ns, listOptions(request), options);
        Json items = Json::array();
        for (const auto& o : removed) items.push_back(o);
        return json(200, Json{{"kind", type.kind + "List"}, {"apiVersion", type.apiVersion()},
                              {"metadata", {{"resourceVersion", std::to_string(store.resourceVersion())}}}, {"items", std::move(items)}});
      }
      return failure(ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
    }

    if (t.subresource == "eviction") {
      // The Eviction API (what `kubectl drain` uses), with PodDisruptionBudgets (eviction.hpp).
      if (m != "POST") throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
      const Json body = parseBody(request);
      if (!body.is_object()) throw ApiError::badRequest("an Eviction must be a JSON object");
      const std::string named = body.value("/metadata/name"_json_pointer, "");
      if (!named.empty() && named != t.name) throw ApiError::badRequest("name in URL does not match name in Eviction object");
      evictPod(cluster_, t.ns, t.name, deleteOptionsOf(request, body.value("deleteOptions", Json::object())));
      return json(201, Json{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Success"}, {"code", 201}});
    }
    if (t.subresource == "log") {
      if (m != "GET") throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
      return podLog(cluster_.get(type.group, type.kind, t.ns, t.name), request);
    }
    if (m == "GET") {
      const Json object = cluster_.get(type.group, type.kind, t.ns, t.name);
      if (t.subresource == "scale") return json(200, scaleOf(object));
      if (table) {
        return json(200, toTable(type, {object}, cluster_.loop().clock().unixSeconds(), crdOf(store, type), includeObject(request),
                                 object["metadata"].value("resourceVersion", "")));
      }
      return json(200, withManagedFields(object));
    }
    if (m == "PUT") {
      Json body = parseBody(request);
      if (t.subresource == "scale") {
        if (!body.is_object()) throw ApiError::badRequest("a Scale must be a JSON object");
        Json patch{{"spec", {{"replicas", body.value("/spec/replicas"_json_pointer, Json())}}}};
        const std::string rv = body.value("/metadata/resourceVersion"_json_pointer, "");
        if (!rv.empty()) patch["metadata"] = Json{{"resourceVersion", rv}};
        const Json before = cluster_.get(type.group, type.kind, t.ns, t.name);
        const Json after = cluster_.patch(type.group, type.kind, t.ns, t.name, patch, PatchType::Merge, writeOptions(request, &warnings_));
        recordUpdate(request, type, before, after);
        return json(200, scaleOf(after));
      }
      checkBody(body, t, true);
      if (t.subresource == "status") return json(200, cluster_.updateStatus(std::move(body), writeOptions(request, &warnings_)));
      // PUT of an object that does not exist creates it where the kind's strategy allows
      // create on update, as a real server does; elsewhere it is 404 NotFound.
      Json before;
      try {
        before = cluster_.get(type.group, type.kind, t.ns, t.name);
      } catch (const ApiError& e) {
        if (e.code() != 404 || !createsOnUpdate(type)) throw;
        body["metadata"].erase("resourceVersion");
        Json created = cluster_.create(body, writeOptions(request, &warnings_));
        recordUpdate(request, type, Json::object(), created);
        return json(201, withManagedFields(std::move(created)));
      }
      Json after = cluster_.update(body, writeOptions(request, &warnings_));
      recordUpdate(request, type, before, after);
      return json(200, withManagedFields(std::move(after)));
    }
    if (m == "PATCH") {
      const std::string contentType = request.header("Content-Type").substr(0, request.header("Content-Type").find(';'));
      if (contentType == "application/apply-patch+yaml") {
        if (!t.subresource.empty()) throw ApiError(415, "UnsupportedMediaType", "server-side apply of a subresource is not supported here");
        Json applied = parseBody(request, true);
        checkBody(applied, t, true);
        const std::string manager = request.param("fieldManager");
        if (manager.empty()) throw ApiError::badRequest("PATCH with apply requires fieldManager (e.g. ?fieldManager=kubectl)");
        const bool force = request.param("force") == "true";
        auto [object, created] = serverSideApply(cluster_, ownership_, type, t.ns, t.name, std::move(applied), manager, force, writeOptions(request, &warnings_));
        return json(created ? 201 : 200, withManagedFields(std::move(object)));
      }
      const PatchType patchType = patchTypeFromContentType(contentType);
      const Json patch = parseBody(request);
      if (t.subresource == "scale") {
        Json scale = scaleOf(cluster_.get(type.group, type.kind, t.ns, t.name));
        const Json patched = applyPatch(scale, patch, patchType == PatchType::Strategic ? PatchType::Merge : patchType, nullptr, false);
        Json parentPatch{{"spec", {{"replicas", patched.value("/spec/replicas"_json_pointer, Json())}}}};
        const Json before = cluster_.get(type.group, type.kind, t.ns, t.name);
        const Json after = cluster_.patch(type.group, type.kind, t.ns, t.name, parentPatch, PatchType::Merge, writeOptions(request, &warnings_));
        recordUpdate(request, type, before, after);
        return json(200, scaleOf(after));
      }
      if (t.subresource == "status") {
        Json current = cluster_.get(type.group, type.kind, t.ns, t.name);
        Json patched = applyPatch(current, patch, patchType, kube::schemaFor(type.group, type.kind), kube::isBuiltinGroup(type.group));
        const bool pinned = patch.is_object() && patch.contains("metadata") && patch["metadata"].is_object() && patch["metadata"].contains("resourceVersion");
        if (!pinned && patchType != PatchType::Json) patched["metadata"].erase("resourceVersion");
        return json(200, cluster_.updateStatus(std::move(patched), writeOptions(request, &warnings_)));
      }
      const Json before = cluster_.get(type.group, type.kind, t.ns, t.name);
      if (patchType == PatchType::Json && touchesManagedFields(patch)) {
        // kubectl's migration from client-side to server-side apply: a JSON patch of the
        // served object's managedFields (and its resourceVersion, as a precondition).
        Json patched = applyPatch(withManagedFields(before), patch, PatchType::Json, nullptr, false);
        Json managed = patched["metadata"].value("managedFields", Json::array());
        patched["metadata"].erase("managedFields");
        Json after = cluster_.update(std::move(patched), writeOptions(request, &warnings_));
        if (request.param("dryRun") != "All") ownership_.replaceAll(after["metadata"].value("uid", ""), managed);
        return json(200, withManagedFields(std::move(after)));
      }
      Json after = cluster_.patch(type.group, type.kind, t.ns, t.name, patch, patchType, writeOptions(request, &warnings_));
      recordUpdate(request, type, before, after);
      return json(200, withManagedFields(std::move(after)));
    }
    if (m == "DELETE") {
      if (!t.subresource.empty()) throw ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
      Json removed = cluster_.remove(type.group, type.kind, t.ns, t.name, deleteOptions(request));
      if (!store.find(kube::ObjectKey{type.group, type.kind, type.namespaced ? t.ns : "", t.name})) ownership_.forget(removed["metadata"].value("uid", ""));
      return json(200, removed);
    }
    return failure(ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
  } catch (const ApiError& e) {
    return failure(e);
  } catch (const Json::exception& e) {
    return failure(ApiError::badRequest(std::string("malformed request: ") + e.what()));
  } catch (const Error& e) {
    return failure(ApiError(e.errorClass() == ErrorClass::InvalidInput ? 400 : 500, e.errorClass() == ErrorClass::InvalidInput ? "BadRequest" : "InternalError",
                            e.message()));
  } catch (const std::exception& e) {
    return failure(ApiError(500, "InternalError", std::string("internal error: ") + e.what()));
  }
}

Json RestHandler::withManagedFields(Json object) const {
  Json managed = ownership_.managedFields(object["metadata"].value("uid", ""));
  if (!managed.empty()) object["metadata"]["managedFields"] = std::move(managed);
  return object;
}

void RestHandler::recordUpdate(const Request& request, const ResourceType& type, const Json& before, const Json& after) {
  if (request.param("dryRun") == "All") return;
  const std::string uid = after["metadata"].value("uid", "");
  if (uid.empty()) return;
  ownership_.recordUpdate(uid, managerOf(request), type.apiVersion(), cluster_.loop().clock().rfc3339(),
                          changedFields(before, after, kube::schemaFor(type.group, type.kind)));
}

std::unique_ptr<WatchStream> RestHandler::openWatch(const Request& request, Response& error) {
  ++requests_;
  try {
    if (!options_.token.empty() && request.header("Authorization") != "Bearer " + options_.token) throw ApiError(401, "Unauthorized", "Unauthorized");
    const std::vector<std::string> seg = segments(request.path);
    if (seg.size() < 3 || (seg[0] != "api" && seg[0] != "apis")) throw notFoundResource();
    const bool core = seg[0] == "api";
    if (!core && seg.size() < 4) throw notFoundResource();
    const std::size_t restAt = core ? 2 : 3;
    const ServedVersion* served = core ? nullptr : servedVersion(seg[1], seg[2], seg.size() > 5 && seg[3] == "namespaces" ? seg[5] : seg[3]);
    const Target t = parseTarget(cluster_.store(), core ? "" : seg[1], core ? seg[1] : (served ? std::string(served->storedVersion) : seg[2]),
                                 std::vector<std::string>(seg.begin() + static_cast<std::ptrdiff_t>(restAt), seg.end()));
    if (!t.name.empty()) throw ApiError(405, "MethodNotAllowed", "watch a collection (with fieldSelector=metadata.name=...), not one object");
    ListOptions options = listOptions(request);
    options.limit = 0;
    options.continueToken.clear();
    auto match = cluster_.store().matcher(t.type->group, t.type->kind, options);
    const std::string rvText = request.param("resourceVersion");
    std::uint64_t from = 0;
    std::vector<Json> initial;
    if (rvText.empty() || rvText == "0") {
      // No version: the current state as ADDED events first, then changes.
      const Json list = cluster_.store().list(t.type->group, t.type->kind, t.ns, options);
      for (const auto& item : list["items"]) initial.push_back(item);
      from = cluster_.store().resourceVersion();
    } else if (std::from_chars(rvText.data(), rvText.data() + rvText.size(), from).ec != std::errc()) {
      throw ApiError::badRequest("invalid resourceVersion: " + rvText);
    }
    std::optional<std::int64_t> timeout;
    if (request.has("timeoutSeconds")) {
      std::int64_t seconds = 0;
      const std::string text = request.param("timeoutSeconds");
      if (std::from_chars(text.data(), text.data() + text.size(), seconds).ec != std::errc()) throw ApiError::badRequest("invalid timeoutSeconds: " + text);
      timeout = seconds;
    }
    return std::make_unique<StoreWatch>(cluster_, *t.type, t.ns, std::move(match), from, request.param("allowWatchBookmarks") == "true",
                                        wantsTable(request.header("Accept")), includeObject(request), timeout, std::move(initial), served);
  } catch (const ApiError& e) {
    error = failure(e);
  }
  return nullptr;
}

}  // namespace gs::fake::http
