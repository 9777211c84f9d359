#include "kube_generators.hpp"

#include <set>

#include "sim/kube/defaults.hpp"

namespace gs::fuzz {
namespace {

using rc::gen::elementOf;

// A random subset of a small pool, in pool order (RapidCheck's set generators give up on
// pools this small).
template <typename T>
std::vector<T> subsetOf(const std::vector<T>& pool, bool nonEmpty = false) {
  std::vector<T> out;
  for (const auto& item : pool) {
    if (*rc::gen::arbitrary<bool>()) out.push_back(item);
  }
  if (nonEmpty && out.empty()) out.push_back(*elementOf(pool));
  return out;
}

Json genEnvList() {
  auto names = subsetOf(std::vector<std::string>{"A", "B", "LOG_LEVEL", "PORT", "MODE", "REGION"});
  Json env = Json::array();
  for (const auto& n : names) {
    env.push_back(Json{{"name", n}, {"value", *elementOf(std::vector<std::string>{"1", "2", "debug", "info", "eu"})}});
  }
  return env;
}

Json genContainer(const std::string& name) {
  Json c{{"name", name}, {"image", *elementOf(std::vector<std::string>{"nginx:1.25", "nginx:1.27", "busybox", "ghcr.io/acme/app:latest", "app@sha256:ab12"})}};
  if (*rc::gen::arbitrary<bool>()) c["env"] = genEnvList();
  if (*rc::gen::arbitrary<bool>()) {
    auto ports = subsetOf(std::vector<int>{80, 443, 8080, 9090});
    Json list = Json::array();
    for (int p : ports) {
      Json port{{"containerPort", p}};
      if (*rc::gen::arbitrary<bool>()) port["name"] = "p" + std::to_string(p);
      list.push_back(port);
    }
    c["ports"] = list;
  }
  if (*rc::gen::arbitrary<bool>()) {
    c["resources"] = Json{{"limits", {{"cpu", *elementOf(std::vector<std::string>{"1", "1000m", "500m", "0.5", "2"})},
                                      {"memory", *elementOf(std::vector<std::string>{"1Gi", "1024Mi", "512Mi", "0.5Gi"})}}}};
  }
  if (*rc::gen::arbitrary<bool>()) {
    c["args"] = *rc::gen::container<std::vector<std::string>>(elementOf(std::vector<std::string>{"--v=2", "--port=80", "-x", "serve"}));
  }
  return c;
}

Json genLabels() {
  auto keys = subsetOf(std::vector<std::string>{"app", "tier", "team", "app.kubernetes.io/name", "version"});
  Json labels = Json::object();
  for (const auto& k : keys) labels[k] = *elementOf(std::vector<std::string>{"web", "backend", "v1", "v2", "blue"});
  return labels;
}

Json metadata(const std::string& name) {
  Json meta{{"name", name}, {"namespace", "default"}};
  auto labels = genLabels();
  if (!labels.empty()) meta["labels"] = labels;
  return meta;
}

}  // namespace

rc::Gen<Json> genDeployment() {
  return rc::gen::exec([] {
    Json d{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", metadata("web")}};
    Json spec{{"selector", {{"matchLabels", {{"app", "web"}}}}}};
    if (*rc::gen::arbitrary<bool>()) spec["replicas"] = *rc::gen::inRange(0, 6);
    auto names = subsetOf(std::vector<std::string>{"web", "api", "sidecar", "proxy"}, true);
    Json containers = Json::array();
    for (const auto& n : names) containers.push_back(genContainer(n));
    spec["template"] = Json{{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", {{"containers", containers}}}};
    if (*rc::gen::arbitrary<bool>()) spec["strategy"] = Json{{"type", "Recreate"}};
    d["spec"] = spec;
    return d;
  });
}

rc::Gen<Json> genConfigMap() {
  return rc::gen::exec([] {
    Json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", metadata("settings")}};
    auto keys = subsetOf(std::vector<std::string>{"a", "b", "config.yaml", "LOG"});
    Json data = Json::object();
    for (const auto& k : keys) data[k] = *elementOf(std::vector<std::string>{"1", "x", "line1\nline2\n", "true"});
    if (!data.empty()) cm["data"] = data;
    return cm;
  });
}

rc::Gen<Json> genCustomResource() {
  return rc::gen::exec([] {
    Json cr{{"apiVersion", "example.com/v1"}, {"kind", "Widget"}, {"metadata", metadata("w")}};
    Json spec = Json::object();
    if (*rc::gen::arbitrary<bool>()) spec["size"] = *rc::gen::inRange(1, 4);
    if (*rc::gen::arbitrary<bool>()) spec["mode"] = *elementOf(std::vector<std::string>{"fast", "safe"});
    if (*rc::gen::arbitrary<bool>()) {
      auto items = *rc::gen::container<std::vector<std::string>>(elementOf(std::vector<std::string>{"x", "y", "z"}));
      Json list = Json::array();
      for (const auto& i : items) list.push_back(Json{{"id", i}, {"weight", *rc::gen::inRange(1, 3)}});
      spec["items"] = list;
    }
    if (*rc::gen::arbitrary<bool>()) spec["nested"] = Json{{"enabled", *rc::gen::arbitrary<bool>()}};
    cr["spec"] = spec;
    return cr;
  });
}

rc::Gen<Json> genObject() { return rc::gen::oneOf(genDeployment(), genConfigMap(), genCustomResource()); }

rc::Gen<std::pair<Json, Json>> genSameObjectPair() {
  return rc::gen::oneOf(rc::gen::pair(genDeployment(), genDeployment()), rc::gen::pair(genConfigMap(), genConfigMap()),
                        rc::gen::pair(genCustomResource(), genCustomResource()));
}

Json asServerReturns(const Json& manifest) {
  Json live = manifest;
  kube::applyDefaults(live);
  Json& meta = live["metadata"];
  meta["uid"] = "0b5f4c1e-0000-4000-8000-000000000001";
  meta["resourceVersion"] = "12345";
  meta["generation"] = 3;
  meta["creationTimestamp"] = "2026-01-01T00:00:00Z";
  meta["managedFields"] = Json::array({Json{{"manager", "kubectl-client-side-apply"}, {"operation", "Update"}}});
  meta["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = manifest.dump() + "\n";
  live["status"] = Json{{"observedGeneration", 3}};
  return live;
}

namespace {
void shuffleInPlace(Json& v, const std::string& key) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) shuffleInPlace(it.value(), it.key());
  } else if (v.is_array()) {
    for (auto& e : v) shuffleInPlace(e, "");
    static const std::set<std::string> keyed = {"containers", "initContainers", "env", "ports", "volumes", "volumeMounts", "tolerations", "imagePullSecrets"};
    if (keyed.contains(key) && v.size() > 1) {
      auto order = *rc::gen::container<std::vector<std::size_t>>(v.size(), rc::gen::inRange<std::size_t>(0, v.size()));
      for (std::size_t i = 0; i < v.size(); ++i) std::swap(v[i], v[order[i]]);
    }
  }
}
}  // namespace

Json shuffleKeyedLists(const Json& object) {
  Json out = object;
  shuffleInPlace(out, "");
  return out;
}

}  // namespace gs::fuzz
