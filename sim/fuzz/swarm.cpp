#include "sim/fuzz/swarm.hpp"

#include <sstream>

namespace gs::fuzz {

namespace {

using scenario::FaultType;

constexpr std::array<FaultType, 9> kAllFaults = {FaultType::ImagePullError, FaultType::CrashLoop,       FaultType::NeverReady,
                                                 FaultType::RegistryOutage, FaultType::GitUnavailable,  FaultType::CiTestFailure,
                                                 FaultType::ApiErrors,      FaultType::ControllerRestart, FaultType::WebhookLost};

// Each generator lists its simplest value first: RapidCheck shrinks towards it.
rc::Gen<AppPolicy> genAppPolicy() {
  return rc::gen::map(rc::gen::tuple(rc::gen::element(true, false), rc::gen::element(false, true), rc::gen::element(false, true),
                                     rc::gen::element(sync::RollbackPolicy::None, sync::RollbackPolicy::PreviousSync, sync::RollbackPolicy::GitRevert),
                                     rc::gen::element(0, 2)),
                      [](const std::tuple<bool, bool, bool, sync::RollbackPolicy, int>& t) {
                        return AppPolicy{std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t), std::get<4>(t)};
                      });
}

const char* rollbackName(sync::RollbackPolicy p) {
  switch (p) {
    case sync::RollbackPolicy::None: return "none";
    case sync::RollbackPolicy::PreviousSync: return "previous-sync";
    case sync::RollbackPolicy::GitRevert: return "git-revert";
  }
  return "none";
}

}  // namespace

rc::Gen<Swarm> genSwarm(sync::DeliberateBug bug) {
  return rc::gen::map(rc::gen::tuple(rc::gen::container<std::vector<AppPolicy>>(kApps, genAppPolicy()),
                                     rc::gen::container<std::vector<bool>>(kAllFaults.size(), rc::gen::element(false, true)),
                                     rc::gen::element(false, true), rc::gen::element(false, true)),
                      [bug](const std::tuple<std::vector<AppPolicy>, std::vector<bool>, bool, bool>& t) {
                        Swarm s;
                        for (std::size_t i = 0; i < kApps; ++i) s.apps[i] = std::get<0>(t)[i];
                        for (std::size_t i = 0; i < kAllFaults.size(); ++i) {
                          if (std::get<1>(t)[i]) s.faults.insert(kAllFaults[i]);
                        }
                        s.badDeploys = std::get<2>(t);
                        s.failingTests = std::get<3>(t);
                        s.bug = bug;
                        return s;
                      });
}

std::string describe(const Swarm& swarm) {
  std::ostringstream out;
  for (std::size_t i = 0; i < kApps; ++i) {
    const AppPolicy& p = swarm.apps[i];
    out << kAppNames[i] << "{" << (p.automated ? "auto" : "manual") << (p.selfHeal ? ",selfHeal" : "") << (p.prune ? ",prune" : "") << ",rollback="
        << rollbackName(p.rollback) << (p.retryLimit ? ",retry=" + std::to_string(p.retryLimit) : "") << "} ";
  }
  out << "faults{";
  bool first = true;
  for (FaultType f : swarm.faults) {
    out << (first ? "" : ",") << scenario::toString(f);
    first = false;
  }
  out << "}" << (swarm.badDeploys ? " bad-deploys" : "") << (swarm.failingTests ? " failing-tests" : "");
  if (swarm.bug != sync::DeliberateBug::None) out << " bug=" << sync::toString(swarm.bug);
  return out.str();
}

std::string imageOf(const std::string& app) { return "registry.example.com/fuzz/" + app; }

std::string kustomizationYaml(const std::string& app, const AppFiles& files) {
  return "resources: [deployment.yaml, service.yaml, config.yaml]\nimages:\n  - name: " + imageOf(app) + "\n    newTag: \"" + files.tag + "\"\n";
}

std::string deploymentYaml(const std::string& app, const AppFiles& files) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + app + ", labels: {app: " + app + "}}\nspec:\n  replicas: " +
         std::to_string(files.replicas) + "\n  progressDeadlineSeconds: 120\n  selector: {matchLabels: {app: " + app +
         "}}\n  template:\n    metadata: {labels: {app: " + app + "}}\n    spec:\n      containers:\n        - name: " + app + "\n          image: " +
         imageOf(app) + "\n          env:\n            - {name: LEVEL, value: \"" + std::to_string(files.envValue) + "\"}\n";
}

std::string configYaml(const std::string& app, const AppFiles& files) {
  std::string out = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + app + "-config}\ndata: {value: \"" + std::to_string(files.configValue) + "\"}\n";
  for (int extra : files.extras) {
    out += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + app + "-extra-" + std::to_string(extra) + "}\ndata: {n: \"" +
           std::to_string(extra) + "\"}\n";
  }
  return out;
}

namespace {

const char* kServiceTemplate = "apiVersion: v1\nkind: Service\nmetadata: {name: APP}\nspec:\n  selector: {app: APP}\n  ports: [{port: 80, targetPort: 8080}]\n";

std::string serviceYaml(const std::string& app) {
  std::string out = kServiceTemplate;
  for (std::size_t at; (at = out.find("APP")) != std::string::npos;) out.replace(at, 3, app);
  return out;
}

}  // namespace

Json worldDocument(const Swarm& swarm, std::uint64_t seed, const std::string& name) {
  Json deployFiles = Json::object();
  Json images = Json::array();
  Json apps = Json::object();
  for (std::size_t i = 0; i < kApps; ++i) {
    const std::string& app = kAppNames[i];
    const AppFiles files;
    deployFiles["apps/" + app + "/kustomization.yaml"] = kustomizationYaml(app, files);
    deployFiles["apps/" + app + "/deployment.yaml"] = deploymentYaml(app, files);
    deployFiles["apps/" + app + "/service.yaml"] = serviceYaml(app);
    deployFiles["apps/" + app + "/config.yaml"] = configYaml(app, files);
    for (const auto& tag : kGoodTags) {
      if (i == 0 && tag != kGoodTags[0]) continue;  // the pipeline makes web's later tags
      images.push_back(imageOf(app) + ":" + tag);
    }
    const AppPolicy& p = swarm.apps[i];
    Json policy = Json::object();
    if (p.automated) policy["automated"] = Json{{"prune", p.prune}, {"selfHeal", p.selfHeal}};
    policy["syncOptions"] = Json::array({"CreateNamespace=true"});
    if (p.retryLimit > 0) policy["retry"] = Json{{"limit", p.retryLimit}, {"backoff", {{"duration", "5s"}}}};
    Json application{{"source", {{"repo", kDeployRepo}, {"path", "apps/" + app}}}, {"destination", {{"namespace", app}}}, {"syncPolicy", policy}};
    if (p.rollback != sync::RollbackPolicy::None) application["rollback"] = Json{{"policy", rollbackName(p.rollback)}, {"degradedFor", "60s"}};
    apps[app] = application;
  }
  Json pipeline{{"repo", kSourceRepo},
                {"image", imageOf(kAppNames[0])},
                {"tag", "{sha7}"},
                {"durations", {{"checkout", "2s"}, {"build", "20s"}, {"test", "10s"}, {"push", "5s"}, {"writeBack", "2s"}}},
                {"failTestsWhen", Json::array({Json{{"messageContains", "[fail]"}}})},
                {"writeBack", {{"repo", kDeployRepo}, {"file", "apps/" + kAppNames[0] + "/kustomization.yaml"}, {"kustomizeImage", imageOf(kAppNames[0])}}}};
  Json world{{"repos", {{kDeployRepo, {{"files", deployFiles}}}, {kSourceRepo, {{"files", {{"main.go", "package main\n\nfunc main() {}\n"}}}}}}},
             {"registry", {{"images", images}}},
             {"pipelines", {{kPipeline, pipeline}}},
             {"applications", apps}};
  if (swarm.bug != sync::DeliberateBug::None) world["controller"] = Json{{"deliberateBug", sync::toString(swarm.bug)}};
  return Json{{"name", name},
              {"description", "Found by gitops-sim fuzz (seed " + std::to_string(seed) + "). Swarm: " + describe(swarm) + "\n"},
              {"seed", seed},
              {"invariants", "all"},
              {"world", world}};
}

}  // namespace gs::fuzz
