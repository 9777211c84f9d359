#include "corpus.hpp"

#include "sim/core/rng.hpp"
#include "sim/kube/defaults.hpp"

namespace gs::bench {
namespace {

std::string word(Rng& rng) {
  static const char* kWords[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"};
  return kWords[rng.below(10)];
}

// What the API server returns after `kubectl apply` of `manifest`.
Json serverize(const Json& manifest, Rng& rng) {
  Json live = manifest;
  kube::applyDefaults(live);
  Json& meta = live["metadata"];
  if (!meta.contains("namespace")) meta["namespace"] = "default";
  meta["uid"] = "6f1c2a9e-" + std::to_string(rng.below(1000000)) + "-4d1b-9a55-0c0ffee00000";
  meta["resourceVersion"] = std::to_string(rng.between(1000, 9999999));
  meta["generation"] = rng.between(1, 40);
  meta["creationTimestamp"] = "2026-01-01T00:00:00Z";
  meta["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = manifest.dump() + "\n";
  Json fields = Json::object();
  for (auto it = manifest.begin(); it != manifest.end(); ++it) fields["f:" + it.key()] = Json::object();
  meta["managedFields"] = Json::array({Json{{"apiVersion", manifest["apiVersion"]}, {"fieldsType", "FieldsV1"},
                                            {"fieldsV1", fields}, {"manager", "kubectl-client-side-apply"},
                                            {"operation", "Update"}, {"time", "2026-01-01T00:00:00Z"}}});
  return live;
}

Json container(Rng& rng, const std::string& name) {
  Json env = Json::array();
  for (int i = 0, n = static_cast<int>(rng.between(4, 8)); i < n; ++i) {
    env.push_back(Json{{"name", "VAR_" + std::to_string(i) + "_" + word(rng)}, {"value", word(rng) + "-" + std::to_string(rng.below(100))}});
  }
  env.push_back(Json{{"name", "POD_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}});
  return Json{
      {"name", name},
      {"image", "registry.example.com/team/" + name + ":1." + std::to_string(rng.below(30)) + ".0"},
      {"args", {"--port=8080", "--log-level=info", "--metrics"}},
      {"env", env},
      {"ports", {{{"name", "http"}, {"containerPort", 8080}}, {{"name", "metrics"}, {"containerPort", 9090}}}},
      {"resources", {{"limits", {{"cpu", "1"}, {"memory", "512Mi"}}}, {"requests", {{"cpu", "250m"}, {"memory", "256Mi"}}}}},
      {"readinessProbe", {{"httpGet", {{"path", "/ready"}, {"port", "http"}}}, {"initialDelaySeconds", 5}}},
      {"livenessProbe", {{"httpGet", {{"path", "/healthz"}, {"port", 8080}}}}},
      {"volumeMounts", {{{"name", "config"}, {"mountPath", "/etc/" + name}}, {{"name", "tmp"}, {"mountPath", "/tmp"}}}},
  };
}

void applyVariant(Json& live, Variant variant, const std::vector<std::vector<std::string>>& changePaths) {
  if (variant == Variant::InSync) return;
  std::size_t n = variant == Variant::OneChange ? 1 : changePaths.size();
  for (std::size_t i = 0; i < n && i < changePaths.size(); ++i) {
    Json* v = &live;
    for (const auto& key : changePaths[i]) {
      if (v->is_array()) v = &(*v)[std::stoul(key)];
      else v = &(*v)[key];
    }
    *v = v->is_string() ? Json(v->get<std::string>() + "-drift") : Json(v->is_number() ? v->get<long>() + 1 : 1);
  }
}

std::string variantName(Variant v) {
  switch (v) {
    case Variant::InSync: return "in-sync";
    case Variant::OneChange: return "one-change";
    case Variant::ManyChanges: return "many-changes";
  }
  return "";
}

}  // namespace

ObjectPair makeDeployment(std::uint64_t seed, Variant variant) {
  Rng rng(seed);
  std::string name = word(rng) + "-" + std::to_string(rng.below(1000));
  Json labels{{"app.kubernetes.io/name", name}, {"app.kubernetes.io/part-of", "shop"}, {"team", word(rng)}};
  Json podSpec{{"serviceAccountName", name},
               {"containers", Json::array({container(rng, "app"), container(rng, "sidecar")})},
               {"volumes", Json::array({Json{{"name", "config"}, {"configMap", {{"name", name + "-config"}}}},
                                        Json{{"name", "tmp"}, {"emptyDir", Json::object()}}})}};
  Json spec{{"replicas", 3},
            {"selector", {{"matchLabels", {{"app.kubernetes.io/name", name}}}}},
            {"template", {{"metadata", {{"labels", labels}}}, {"spec", podSpec}}}};
  Json d{{"apiVersion", "apps/v1"},
         {"kind", "Deployment"},
         {"metadata", {{"name", name}, {"namespace", "prod"}, {"labels", labels}, {"annotations", {{"owner", word(rng)}}}}},
         {"spec", spec}};
  Json live = serverize(d, rng);
  live["status"] = Json{{"availableReplicas", 3}, {"observedGeneration", 7}, {"readyReplicas", 3}, {"replicas", 3}, {"updatedReplicas", 3},
                        {"conditions", {{{"type", "Available"}, {"status", "True"}, {"reason", "MinimumReplicasAvailable"}, {"message", "Deployment has minimum availability."}, {"lastTransitionTime", "2026-01-01T00:00:00Z"}, {"lastUpdateTime", "2026-01-01T00:00:00Z"}},
                                        {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"}, {"message", "ReplicaSet \"" + name + "-7d9c6b5f4\" has successfully progressed."}, {"lastTransitionTime", "2026-01-01T00:00:00Z"}, {"lastUpdateTime", "2026-01-01T00:00:00Z"}}}}};
  live["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "7";
  // What real clusters add besides defaults: a null template timestamp and a field set by
  // another controller; neither is drift, both keep the subtrees from hashing equal.
  live["spec"]["template"]["metadata"]["creationTimestamp"] = nullptr;
  live["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] = "2026-01-02T03:04:05Z";
  applyVariant(live, variant,
               {{"spec", "template", "spec", "containers", "0", "image"},
                {"spec", "replicas"},
                {"metadata", "labels", "team"},
                {"spec", "template", "spec", "containers", "0", "env", "2", "value"},
                {"spec", "template", "spec", "containers", "1", "args", "1"},
                {"spec", "template", "spec", "containers", "1", "readinessProbe", "initialDelaySeconds"}});
  return ObjectPair{"Deployment/" + variantName(variant), d, live};
}

ObjectPair makeService(std::uint64_t seed, Variant variant) {
  Rng rng(seed);
  std::string name = word(rng) + "-" + std::to_string(rng.below(1000));
  Json ports = Json::array({Json{{"name", "http"}, {"port", 80}, {"targetPort", "http"}}, Json{{"name", "metrics"}, {"port", 9090}}});
  Json d{{"apiVersion", "v1"},
         {"kind", "Service"},
         {"metadata", {{"name", name}, {"namespace", "prod"}, {"labels", {{"app", name}}}}},
         {"spec", {{"selector", {{"app", name}}}, {"ports", ports}}}};
  Json live = serverize(d, rng);
  live["spec"]["clusterIP"] = "10.96." + std::to_string(rng.below(255)) + "." + std::to_string(rng.below(255));
  live["spec"]["clusterIPs"] = Json::array({live["spec"]["clusterIP"]});
  live["spec"]["ipFamilies"] = Json::array({"IPv4"});
  live["spec"]["ipFamilyPolicy"] = "SingleStack";
  live["status"] = Json{{"loadBalancer", Json::object()}};
  applyVariant(live, variant, {{"spec", "ports", "0", "port"}, {"metadata", "labels", "app"}, {"spec", "selector", "app"}});
  return ObjectPair{"Service/" + variantName(variant), d, live};
}

ObjectPair makeConfigMap(std::uint64_t seed, std::size_t dataBytes, Variant variant) {
  Rng rng(seed);
  Json data = Json::object();
  std::size_t total = 0;
  for (int i = 0; total < dataBytes; ++i) {
    std::string value;
    while (value.size() < 1000 && total + value.size() < dataBytes) value += word(rng) + "=" + std::to_string(rng.below(100000)) + "\n";
    if (value.empty()) value = "x";
    total += value.size();
    data["key-" + std::to_string(i) + ".properties"] = value;
  }
  Json d{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "settings-" + std::to_string(seed % 1000)}, {"namespace", "prod"}}}, {"data", data}};
  Json live = serverize(d, rng);
  std::vector<std::vector<std::string>> paths;
  for (auto it = data.begin(); it != data.end() && paths.size() < 8; ++it) paths.push_back({"data", it.key()});
  applyVariant(live, variant, paths);
  return ObjectPair{"ConfigMap-" + std::to_string(dataBytes / 1000) + "KB/" + variantName(variant), d, live};
}

ObjectPair makeCustomResource(std::uint64_t seed, Variant variant) {
  Rng rng(seed);
  Json steps = Json::array();
  for (int w : {10, 25, 50, 100}) {
    steps.push_back(Json{{"setWeight", w}});
    steps.push_back(Json{{"pause", {{"duration", std::to_string(rng.between(1, 10)) + "m"}}}});
  }
  Json spec{{"replicas", 5},
            {"strategy", {{"canary", {{"steps", steps}, {"maxSurge", "25%"}}}}},
            {"selector", {{"matchLabels", {{"app", "checkout"}}}}},
            {"template", {{"metadata", {{"labels", {{"app", "checkout"}}}}},
                          {"spec", {{"containers", Json::array({container(rng, "checkout")})}}}}}};
  Json d{{"apiVersion", "argoproj.io/v1alpha1"},
         {"kind", "Rollout"},
         {"metadata", {{"name", "checkout"}, {"namespace", "prod"}}},
         {"spec", spec}};
  Json live = serverize(d, rng);
  live["status"] = Json{{"phase", "Healthy"}, {"currentStepIndex", 8}};
  live["spec"]["template"]["metadata"]["creationTimestamp"] = nullptr;
  applyVariant(live, variant, {{"spec", "strategy", "canary", "steps", "0", "setWeight"}, {"spec", "replicas"}, {"spec", "template", "spec", "containers", "0", "image"}});
  return ObjectPair{"Rollout(CRD)/" + variantName(variant), d, live};
}

std::vector<ObjectPair> makeApp(std::uint64_t seed, std::size_t count) {
  std::vector<ObjectPair> app;
  app.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t s = seed * 1000003 + i;
    if (i % 10 < 7) app.push_back(makeDeployment(s, Variant::InSync));
    else if (i % 10 < 9) app.push_back(makeService(s, Variant::InSync));
    else app.push_back(makeConfigMap(s, 2000, Variant::InSync));
  }
  return app;
}

}  // namespace gs::bench
