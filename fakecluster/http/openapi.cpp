#include "fakecluster/http/openapi.hpp"

#include <map>

#include "fakecluster/http/version_conversion.hpp"
#include "sim/core/hash.hpp"

namespace gs::fake::http {

namespace {

std::string gvPath(const ResourceType& t) { return t.group.empty() ? "api/" + t.version : "apis/" + t.group + "/" + t.version; }

std::string schemaName(const ResourceType& t) {
  // io.k8s.api.apps.v1.Deployment for built-ins; <reversed group>.<version>.<Kind> for CRs.
  std::string group = t.group.empty() ? "core" : t.group;
  return "io.k8s.api." + group + "." + t.version + "." + t.kind;
}

Json gvk(const ResourceType& t) { return Json::array({Json{{"group", t.group}, {"version", t.version}, {"kind", t.kind}}}); }

Json describedString(const std::string& description) { return Json{{"type", "string"}, {"description", description}}; }

Json schemaRef(const std::string& definition) { return Json{{"$ref", "#/components/schemas/" + definition}}; }

void addStructSchema(const kube::ApiStruct& type, Json& schemas);

// The OpenAPI schema of a field's type; structs and the apimachinery value types are
// references to components, added to `schemas` as they are met.
Json typeSchema(const kube::ApiType& type, Json& schemas) {
  auto named = [&](const char* definition, Json schema) {
    if (!schemas.contains(definition)) schemas[definition] = std::move(schema);
    return schemaRef(definition);
  };
  switch (type.kind) {
    case kube::ApiTypeKind::String: return Json{{"type", "string"}};
    case kube::ApiTypeKind::Bool: return Json{{"type", "boolean"}};
    case kube::ApiTypeKind::Int32: return Json{{"type", "integer"}, {"format", "int32"}};
    case kube::ApiTypeKind::Int64: return Json{{"type", "integer"}, {"format", "int64"}};
    case kube::ApiTypeKind::Float64: return Json{{"type", "number"}, {"format", "double"}};
    case kube::ApiTypeKind::Bytes: return Json{{"type", "string"}, {"format", "byte"}};
    case kube::ApiTypeKind::IntOrString:
      return named("io.k8s.apimachinery.pkg.util.intstr.IntOrString",
                   Json{{"description", "IntOrString is a type that can hold an int32 or a string."}, {"format", "int-or-string"},
                        {"oneOf", Json::array({Json{{"type", "integer"}}, Json{{"type", "string"}}})}});
    case kube::ApiTypeKind::Quantity:
      return named("io.k8s.apimachinery.pkg.api.resource.Quantity",
                   Json{{"description", "Quantity is a fixed-point representation of a number (\"500m\", \"1Gi\")."},
                        {"oneOf", Json::array({Json{{"type", "string"}}, Json{{"type", "number"}}})}});
    case kube::ApiTypeKind::Time:
      return named("io.k8s.apimachinery.pkg.apis.meta.v1.Time",
                   Json{{"description", "Time is an RFC 3339 date and time, in seconds."}, {"type", "string"}, {"format", "date-time"}});
    case kube::ApiTypeKind::MicroTime:
      return named("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
                   Json{{"description", "MicroTime is an RFC 3339 date and time with microseconds."}, {"type", "string"}, {"format", "date-time"}});
    case kube::ApiTypeKind::Any: return Json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
    case kube::ApiTypeKind::Slice: return Json{{"type", "array"}, {"items", typeSchema(*type.element, schemas)}};
    case kube::ApiTypeKind::Map: return Json{{"type", "object"}, {"additionalProperties", typeSchema(*type.element, schemas)}};
    case kube::ApiTypeKind::Struct:
      addStructSchema(*type.structType, schemas);
      return schemaRef(type.structType->definition);
  }
  return Json::object();
}

void addStructSchema(const kube::ApiStruct& type, Json& schemas) {
  if (schemas.contains(type.definition)) return;
  schemas[type.definition] = Json::object();  // claimed first: structs can refer to themselves (JSONSchemaProps)
  Json properties = Json::object();
  for (const auto& field : type.fields) properties[field.name] = typeSchema(*field.type, schemas);
  schemas[type.definition] = Json{{"type", "object"}, {"properties", std::move(properties)}};
}

Json kindSchema(const ObjectStore& store, const ResourceType& t, const ResourceType& stored, Json& schemas) {
  if (auto crd = store.find(kube::ObjectKey{"apiextensions.k8s.io", "CustomResourceDefinition", "", t.plural + "." + t.group})) {
    for (const auto& v : crd->value("/spec/versions"_json_pointer, Json::array())) {
      if (v.value("name", "") == t.version && v.contains("/schema/openAPIV3Schema"_json_pointer)) {
        Json schema = v["schema"]["openAPIV3Schema"];
        schema["x-kubernetes-group-version-kind"] = gvk(t);
        return schema;
      }
    }
  }
  if (t.shape != nullptr && t.version == stored.version) {
    // A built-in kind: its Go type's shape, every field and its type (kubectl explain
    // walks it), without the descriptions.
    addStructSchema(*t.shape, schemas);
    Json described = schemas[t.shape->definition];
    described["description"] = t.kind + " (" + t.apiVersion() + "), served by gitops-sim's fake API server.";
    described["x-kubernetes-group-version-kind"] = gvk(t);
    return described;
  }
  Json properties{
      {"apiVersion", describedString("APIVersion defines the versioned schema of this representation of an object.")},
      {"kind", describedString("Kind is a string value representing the REST resource this object represents.")},
      {"metadata", Json{{"type", "object"}, {"description", "Standard object's metadata."}, {"x-kubernetes-preserve-unknown-fields", true}}},
  };
  if (t.kind != "ConfigMap" && t.kind != "Secret" && t.kind != "Namespace" && t.kind != "ServiceAccount" && t.kind != "Event" && t.kind != "Endpoints") {
    properties["spec"] = Json{{"type", "object"}, {"description", "Spec defines the desired state of the " + t.kind + "."},
                              {"x-kubernetes-preserve-unknown-fields", true}};
  }
  if (t.hasStatus) {
    properties["status"] = Json{{"type", "object"}, {"description", "Most recently observed status of the " + t.kind + ". Read-only."},
                                {"x-kubernetes-preserve-unknown-fields", true}};
  }
  if (t.kind == "ConfigMap" || t.kind == "Secret") {
    properties["data"] = Json{{"type", "object"}, {"description", "Data contains the configuration data."}, {"additionalProperties", {{"type", "string"}}}};
  }
  return Json{{"type", "object"},
              {"description", t.kind + " (" + t.apiVersion() + "), served by gitops-sim's fake API server."},
              {"properties", std::move(properties)},
              {"x-kubernetes-group-version-kind", gvk(t)}};
}

Json queryParameter(const std::string& name, const std::string& description) {
  return Json{{"name", name}, {"in", "query"}, {"description", description}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}};
}

Json groupVersionDocument(const ObjectStore& store, const std::string& group, const std::string& version) {
  Json paths = Json::object();
  Json schemas = Json::object();
  for (const auto& stored : store.registry().all()) {
    if (stored.group != group || (stored.version != version && servedVersion(group, version, stored.plural) == nullptr)) continue;
    ResourceType t = stored;
    t.version = version;  // a kind also served in another version (version_conversion.hpp) is described in that one
    const std::string name = schemaName(t);
    schemas[name] = kindSchema(store, t, stored, schemas);
    const Json ref{{"$ref", "#/components/schemas/" + name}};
    const Json content{{"application/json", {{"schema", ref}}}};
    auto operation = [&](const std::string& action, const std::string& id) {
      return Json{{"operationId", id + t.kind},
                  {"x-kubernetes-action", action},
                  {"x-kubernetes-group-version-kind", gvk(t)[0]},
                  {"responses", {{"200", {{"description", "OK"}, {"content", content}}}}}};
    };
    const std::string base = "/" + gvPath(t) + (t.namespaced ? "/namespaces/{namespace}/" : "/") + t.plural;
    Json collection{{"get", operation("list", "list")}, {"post", operation("post", "create")}, {"delete", operation("deletecollection", "deleteCollection")}};
    collection["post"]["requestBody"] = Json{{"content", content}, {"required", true}};
    collection["post"]["parameters"] = Json::array({queryParameter("fieldValidation", "How to handle unknown or duplicate fields: Ignore, Warn or Strict.")});
    collection["parameters"] = Json::array({queryParameter("fieldValidation", "How to handle unknown or duplicate fields: Ignore, Warn or Strict."),
                                            queryParameter("dryRun", "All: process the request without storing it.")});
    paths[base] = std::move(collection);
    Json item{{"get", operation("get", "read")}, {"put", operation("put", "replace")}, {"patch", operation("patch", "patch")},
              {"delete", operation("delete", "delete")}};
    const Json writeParameters = Json::array({queryParameter("fieldValidation", "How to handle unknown or duplicate fields: Ignore, Warn or Strict."),
                                              queryParameter("dryRun", "All: process the request without storing it."),
                                              queryParameter("fieldManager", "The name of the actor making the change."),
                                              queryParameter("force", "Force an apply that conflicts with other managers.")});
    // kubectl looks for fieldValidation on the PATCH operation itself before it lets the
    // server validate. No strategic-merge request body is listed: the summary schemas
    // cannot drive kubectl's patch computation, which then uses its built-in types.
    item["parameters"] = writeParameters;
    item["patch"]["parameters"] = writeParameters;
    item["put"]["parameters"] = writeParameters;
    paths[base + "/{name}"] = std::move(item);
  }
  schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Status"] = Json{{"type", "object"}, {"description", "Status is a return value for calls that don't return other objects."}};
  return Json{{"openapi", "3.0.0"},
              {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0+gitops-sim"}}},
              {"paths", std::move(paths)},
              {"components", {{"schemas", std::move(schemas)}}}};
}

}  // namespace

std::optional<Json> openApiDocument(const ObjectStore& store, const std::vector<std::string>& path) {
  if (path.empty() || path[0] != "v3") return std::nullopt;
  std::map<std::string, std::pair<std::string, std::string>> groupVersions;
  for (const auto& t : store.registry().all()) {
    groupVersions[gvPath(t)] = {t.group, t.version};
    for (const auto& served : servedVersionsOf(t.group)) {
      groupVersions["apis/" + t.group + "/" + std::string(served.version)] = {t.group, std::string(served.version)};
    }
  }
  if (path.size() == 1) {
    Json paths = Json::object();
    for (const auto& [gv, pair] : groupVersions) {
      // The hash changes when the served kinds do, so clients refetch after a CRD.
      const std::string hash = hex64(fnv1a64(groupVersionDocument(store, pair.first, pair.second).dump())).substr(0, 16);
      paths[gv] = Json{{"serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + hash}};
    }
    return Json{{"paths", std::move(paths)}};
  }
  std::string gv;
  for (std::size_t i = 1; i < path.size(); ++i) gv += (i > 1 ? "/" : "") + path[i];
  auto it = groupVersions.find(gv);
  if (it == groupVersions.end()) return std::nullopt;
  return groupVersionDocument(store, it->second.first, it->second.second);
}

}  // namespace gs::fake::http
