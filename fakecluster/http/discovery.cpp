#include "fakecluster/http/discovery.hpp"

#include <map>
#include <set>

#include "fakecluster/http/access_review.hpp"
#include "fakecluster/http/version_conversion.hpp"

namespace gs::fake::http {

namespace {

struct Extra {
  std::vector<std::string> shortNames;
  bool inAll = false;  // in the "all" category (kubectl get all)
};

const std::map<std::string, Extra>& builtinExtras() {
  static const std::map<std::string, Extra> extras = {
      {"namespaces", {{"ns"}, false}},
      {"pods", {{"po"}, true}},
      {"services", {{"svc"}, true}},
      {"endpoints", {{"ep"}, false}},
      {"configmaps", {{"cm"}, false}},
      {"serviceaccounts", {{"sa"}, false}},
      {"persistentvolumeclaims", {{"pvc"}, false}},
      {"persistentvolumes", {{"pv"}, false}},
      {"events", {{"ev"}, false}},
      {"nodes", {{"no"}, false}},
      {"deployments", {{"deploy"}, true}},
      {"replicasets", {{"rs"}, true}},
      {"statefulsets", {{"sts"}, true}},
      {"daemonsets", {{"ds"}, true}},
      {"jobs", {{}, true}},
      {"cronjobs", {{"cj"}, true}},
      {"ingresses", {{"ing"}, false}},
      {"networkpolicies", {{"netpol"}, false}},
      {"horizontalpodautoscalers", {{"hpa"}, true}},
      {"poddisruptionbudgets", {{"pdb"}, false}},
      {"storageclasses", {{"sc"}, false}},
      {"customresourcedefinitions", {{"crd", "crds"}, false}},
      {"resourcequotas", {{"quota"}, false}},
      {"limitranges", {{"limits"}, false}},
      {"priorityclasses", {{"pc"}, false}},
  };
  return extras;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool scalable(const ResourceType& t) {
  return t.group == "apps" && (t.kind == "Deployment" || t.kind == "ReplicaSet" || t.kind == "StatefulSet");
}

}  // namespace

Json versionInfo() {
  return Json{{"major", "1"},           {"minor", "32"},        {"gitVersion", "v1.32.0+gitops-sim"}, {"gitCommit", "0000000000000000000000000000000000000000"},
              {"gitTreeState", "clean"}, {"buildDate", "2026-01-01T00:00:00Z"}, {"goVersion", "n/a"},   {"compiler", "gitops-sim"},
              {"platform", "linux/amd64"}};
}

Json coreApiVersions(const std::string& serverAddress) {
  return Json{{"kind", "APIVersions"},
              {"versions", Json::array({"v1"})},
              {"serverAddressByClientCIDRs", Json::array({Json{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", serverAddress}}})}};
}

Json apiGroupList(const ObjectStore& store) {
  std::map<std::string, std::set<std::string>> groups;
  for (const auto& t : store.registry().all()) {
    if (!t.group.empty()) groups[t.group].insert(t.version);
  }
  for (const char* group : reviewGroups()) groups[group].insert("v1");
  Json list = Json::array();
  for (const auto& [group, versions] : groups) {
    // The stored versions come first, and the first is preferred; then the versions
    // served by conversion (version_conversion.hpp).
    Json vs = Json::array();
    for (const auto& v : versions) vs.push_back(Json{{"groupVersion", group + "/" + v}, {"version", v}});
    for (const auto& served : servedVersionsOf(group)) {
      const std::string v(served.version);
      if (!versions.contains(v)) vs.push_back(Json{{"groupVersion", group + "/" + v}, {"version", v}});
    }
    list.push_back(Json{{"name", group}, {"versions", vs}, {"preferredVersion", vs[0]}});
  }
  return Json{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(list)}};
}

std::optional<Json> apiResourceList(const ObjectStore& store, const std::string& group, const std::string& version) {
  Json resources = Json::array();
  const Json verbs = Json::array({"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"});
  for (const auto& t : store.registry().all()) {
    if (t.group != group || (t.version != version && servedVersion(group, version, t.plural) == nullptr)) continue;
    Json r{{"name", t.plural}, {"singularName", lower(t.kind)}, {"namespaced", t.namespaced}, {"kind", t.kind}, {"verbs", verbs}};
    // Custom resources: short names and categories from their definition; built-in
    // kinds: kubectl's familiar ones.
    if (auto crd = store.find(kube::ObjectKey{"apiextensions.k8s.io", "CustomResourceDefinition", "", t.plural + "." + t.group})) {
      const Json names = crd->value("/spec/names"_json_pointer, Json::object());
      if (names.contains("shortNames")) r["shortNames"] = names["shortNames"];
      if (names.contains("categories")) r["categories"] = names["categories"];
      if (names.contains("singular")) r["singularName"] = names["singular"];
    } else if (auto extra = builtinExtras().find(t.plural); extra != builtinExtras().end()) {
      if (!extra->second.shortNames.empty()) r["shortNames"] = extra->second.shortNames;
      if (extra->second.inAll) r["categories"] = Json::array({"all"});
    }
    resources.push_back(std::move(r));
    if (t.hasStatus) {
      resources.push_back(Json{{"name", t.plural + "/status"}, {"singularName", ""}, {"namespaced", t.namespaced}, {"kind", t.kind},
                               {"verbs", Json::array({"get", "patch", "update"})}});
    }
    if (t.group.empty() && t.kind == "Pod") {
      resources.push_back(Json{{"name", "pods/eviction"}, {"singularName", ""}, {"namespaced", true}, {"group", "policy"},
                               {"version", "v1"}, {"kind", "Eviction"}, {"verbs", Json::array({"create"})}});
      resources.push_back(Json{{"name", "pods/log"}, {"singularName", ""}, {"namespaced", true}, {"kind", "Pod"}, {"verbs", Json::array({"get"})}});
    }
    if (scalable(t)) {
      resources.push_back(Json{{"name", t.plural + "/scale"}, {"singularName", ""}, {"namespaced", t.namespaced}, {"group", "autoscaling"},
                               {"version", "v1"}, {"kind", "Scale"}, {"verbs", Json::array({"get", "patch", "update"})}});
    }
  }
  for (auto& review : reviewResources(group, version)) resources.push_back(std::move(review));
  if (resources.empty()) return std::nullopt;
  return Json{{"kind", "APIResourceList"}, {"apiVersion", "v1"}, {"groupVersion", group.empty() ? version : group + "/" + version},
              {"resources", std::move(resources)}};
}

}  // namespace gs::fake::http
