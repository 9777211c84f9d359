#include "sim/fuzz/commands.hpp"

#include <sstream>

namespace gs::fuzz {

namespace {

using scenario::FaultType;

Json commitStep(const std::string& repo, const std::string& message, Json files) {
  return Json{{"commit", {{"repo", repo}, {"message", message}, {"author", "dev"}, {"files", std::move(files)}}}};
}

// -- Git ---------------------------------------------------------------------------------

struct CommitManifest : FuzzCommand {
  enum class Change { Replicas, Config, Env, AddExtra, RemoveExtra, Tag };
  std::size_t app;
  Change change;
  int value;

  explicit CommitManifest(const Model& m)
      : app(*rc::gen::inRange<std::size_t>(0, kApps)),
        change(*rc::gen::element(Change::Replicas, Change::Config, Change::Env, Change::AddExtra, Change::RemoveExtra, Change::Tag)) {
    const AppFiles& f = m.files[app];
    switch (change) {
      case Change::Replicas: value = *rc::gen::inRange(1, 4); break;
      case Change::Config:
      case Change::Env: value = *rc::gen::inRange(0, 10); break;
      case Change::AddExtra: value = m.nextExtra; break;
      case Change::RemoveExtra: value = f.extras.empty() ? 0 : *rc::gen::elementOf(f.extras); break;
      case Change::Tag: value = *rc::gen::inRange(0, 4); break;  // 3: a tag the registry lacks
    }
  }

  void checkPreconditions(const Model& m) const override {
    const AppFiles& f = m.files[app];
    if (change == Change::AddExtra) RC_PRE(f.extras.count(value) == 0 && f.extras.size() < 3);
    if (change == Change::RemoveExtra) RC_PRE(f.extras.count(value) == 1);
    if (change == Change::Tag) RC_PRE(app != 0 && (value < 3 || m.swarm.badDeploys));  // web's tag is CI's to write
  }

  void apply(Model& m) const override {
    AppFiles& f = m.files[app];
    switch (change) {
      case Change::Replicas: f.replicas = value; break;
      case Change::Config: f.configValue = value; break;
      case Change::Env: f.envValue = value; break;
      case Change::AddExtra:
        f.extras.insert(value);
        m.nextExtra = std::max(m.nextExtra, value + 1);
        break;
      case Change::RemoveExtra: f.extras.erase(value); break;
      case Change::Tag: f.tag = value < 3 ? kGoodTags[static_cast<std::size_t>(value)] : kMissingTag; break;
    }
    ++m.deployCommits;
  }

  void run(const Model& m, Harness& h) const override {
    if (!h.repoAvailable(kDeployRepo)) return h.skip("commit");
    Model after = m;
    apply(after);
    const std::string& name = kAppNames[app];
    const AppFiles& f = after.files[app];
    const std::string dir = "apps/" + name + "/";
    Json files = Json::object();
    if (change == Change::Replicas || change == Change::Env) files[dir + "deployment.yaml"] = deploymentYaml(name, f);
    if (change == Change::Config || change == Change::AddExtra || change == Change::RemoveExtra) files[dir + "config.yaml"] = configYaml(name, f);
    if (change == Change::Tag) files[dir + "kustomization.yaml"] = kustomizationYaml(name, f);
    if (h.filesUnchanged(kDeployRepo, files)) return h.skip("commit");
    std::ostringstream message;
    show(message);
    h.run(commitStep(kDeployRepo, message.str().substr(7), files));  // without "commit "
  }

  void show(std::ostream& os) const override {
    static const char* names[] = {"replicas", "config", "env", "add extra", "remove extra", "tag"};
    os << "commit " << kAppNames[app] << ": " << names[static_cast<int>(change)] << " ";
    if (change == Change::Tag) {
      os << (value < 3 ? kGoodTags[static_cast<std::size_t>(value)] : std::string(kMissingTag) + " (missing)");
    } else {
      os << value;
    }
  }
};

struct CommitSource : FuzzCommand {
  int number;
  bool failTests;

  explicit CommitSource(const Model& m) : number(m.sourceCommits + 1), failTests(*rc::gen::element(false, true)) {}

  void checkPreconditions(const Model& m) const override { RC_PRE(!failTests || m.swarm.failingTests); }
  void apply(Model& m) const override { m.sourceCommits = std::max(m.sourceCommits, number); }
  void run(const Model&, Harness& h) const override {
    if (!h.repoAvailable(kSourceRepo)) return h.skip("source commit");
    const std::string n = std::to_string(number);
    h.run(commitStep(kSourceRepo, "change " + n + (failTests ? " [fail]" : ""),
                     Json{{"main.go", "package main\n\n// change " + n + "\nfunc main() {}\n"}}));
  }
  void show(std::ostream& os) const override { os << "source commit " << number << (failTests ? " (tests fail)" : "") << " -> CI"; }
};

struct RevertHead : FuzzCommand {
  explicit RevertHead(const Model&) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.deployCommits > 0); }
  void apply(Model& m) const override { ++m.deployCommits; }
  void run(const Model&, Harness& h) const override {
    if (!h.repoAvailable(kDeployRepo) || !h.headHasParent(kDeployRepo)) return h.skip("revert");
    h.run(Json{{"revert", {{"repo", kDeployRepo}}}});
  }
  void show(std::ostream& os) const override { os << "git revert HEAD of " << kDeployRepo; }
};

// -- drift -------------------------------------------------------------------------------

struct Drift : FuzzCommand {
  enum class Kind { Scale, SetEnv, DeleteConfig, CreateObject, LabelService };
  std::size_t app;
  Kind kind;
  int value;

  explicit Drift(const Model& m)
      : app(*rc::gen::inRange<std::size_t>(0, kApps)),
        kind(*rc::gen::element(Kind::Scale, Kind::SetEnv, Kind::DeleteConfig, Kind::CreateObject, Kind::LabelService)),
        value(kind == Kind::Scale ? *rc::gen::inRange(0, 5) : m.nextName) {}

  void apply(Model& m) const override {
    if (kind == Kind::CreateObject) m.nextName = std::max(m.nextName, value + 1);
  }

  void run(const Model&, Harness& h) const override {
    const std::string& name = kAppNames[app];
    Json drift;
    switch (kind) {
      case Kind::Scale:
        if (!h.exists("apps", "Deployment", name, name)) return h.skip("drift");
        drift = Json{{"kind", "Deployment"}, {"name", name}, {"namespace", name}, {"scale", value}};
        break;
      case Kind::SetEnv:
        if (!h.exists("apps", "Deployment", name, name)) return h.skip("drift");
        drift = Json{{"kind", "Deployment"}, {"name", name}, {"namespace", name}, {"set", {{"/spec/template/spec/containers/0/env/0/value", "hotfix"}}}};
        break;
      case Kind::DeleteConfig:
        if (!h.exists("", "ConfigMap", name, name + "-config")) return h.skip("drift");
        drift = Json{{"kind", "ConfigMap"}, {"name", name + "-config"}, {"namespace", name}, {"delete", true}};
        break;
      case Kind::CreateObject: {
        const std::string object = "hand-made-" + std::to_string(value);
        if (!h.namespaceActive(name) || h.exists("", "ConfigMap", name, object)) return h.skip("drift");
        drift = Json{{"create", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", object}, {"namespace", name}}}, {"data", {{"by", "hand"}}}}}};
        break;
      }
      case Kind::LabelService:
        if (!h.exists("", "Service", name, name)) return h.skip("drift");
        drift = Json{{"kind", "Service"}, {"name", name}, {"namespace", name}, {"set", {{"/metadata/labels/owner", "ops"}}}};
        break;
    }
    h.run(Json{{"drift", drift}});
  }

  void show(std::ostream& os) const override {
    const std::string& name = kAppNames[app];
    switch (kind) {
      case Kind::Scale: os << "drift: kubectl scale deployment/" << name << " --replicas=" << value; break;
      case Kind::SetEnv: os << "drift: edit deployment/" << name << " env"; break;
      case Kind::DeleteConfig: os << "drift: kubectl delete configmap/" << name << "-config"; break;
      case Kind::CreateObject: os << "drift: kubectl create configmap hand-made-" << value << " -n " << name; break;
      case Kind::LabelService: os << "drift: kubectl label service/" << name << " owner=ops"; break;
    }
  }
};

// -- faults ------------------------------------------------------------------------------

struct InjectFault : FuzzCommand {
  FaultType type;
  std::size_t app;
  int duration;  // 0: until cleared (with an id), else index into kDurations
  int variant;   // rate, downtime, repo or count, by type
  std::string id;
  static constexpr const char* kDurations[] = {"", "30s", "2m", "5m"};

  explicit InjectFault(const Model& m)
      : type(*rc::gen::element(FaultType::ImagePullError, FaultType::CrashLoop, FaultType::NeverReady, FaultType::RegistryOutage, FaultType::GitUnavailable,
                               FaultType::CiTestFailure, FaultType::ApiErrors, FaultType::ControllerRestart, FaultType::WebhookLost)),
        app(*rc::gen::inRange<std::size_t>(0, kApps)),
        duration(*rc::gen::inRange(0, 4)),
        variant(*rc::gen::inRange(0, 2)),
        id("f" + std::to_string(m.nextName)) {}

  bool openEnded() const { return duration == 0 && type != FaultType::ControllerRestart && !(type == FaultType::CiTestFailure && variant == 1); }

  void checkPreconditions(const Model& m) const override { RC_PRE(m.faultEnabled(type)); }
  void apply(Model& m) const override {
    m.nextName = std::max(m.nextName, std::stoi(id.substr(1)) + 1);
    if (openEnded()) m.openFaults.push_back(id);
  }

  void run(const Model&, Harness& h) const override {
    const std::string& name = kAppNames[app];
    Json f{{"type", scenario::toString(type)}};
    if (openEnded()) f["id"] = id;
    else if (type != FaultType::ControllerRestart && !(type == FaultType::CiTestFailure && variant == 1)) f["for"] = kDurations[duration == 0 ? 1 : duration];
    switch (type) {
      case FaultType::ImagePullError:
      case FaultType::CrashLoop:
      case FaultType::NeverReady: f["namespace"] = name; break;
      case FaultType::RegistryOutage: break;
      case FaultType::GitUnavailable: f["repo"] = variant == 0 ? kDeployRepo : kSourceRepo; break;
      case FaultType::CiTestFailure:
        f["pipeline"] = kPipeline;
        if (variant == 1) f["count"] = 1 + static_cast<int>(app % 2);
        break;
      case FaultType::ApiErrors: f["rate"] = variant == 0 ? 1.0 : 0.5; break;
      case FaultType::ControllerRestart:
        if (!h.controllerUp(kAppNames[0])) return h.skip("controller-restart");
        f["downtime"] = variant == 0 ? "10s" : "1m";
        break;
      case FaultType::WebhookLost: f["app"] = name; break;
    }
    h.run(Json{{"fault", f}});
  }

  void show(std::ostream& os) const override {
    os << "fault " << scenario::toString(type);
    if (type == FaultType::ImagePullError || type == FaultType::CrashLoop || type == FaultType::NeverReady || type == FaultType::WebhookLost) os << " on " << kAppNames[app];
    os << (openEnded() ? " until cleared (" + id + ")" : duration > 0 ? std::string(" for ") + kDurations[duration] : "");
  }
};

struct ClearFault : FuzzCommand {
  std::size_t which;  // index into the model's open faults; past the end: all

  explicit ClearFault(const Model& m) : which(*rc::gen::inRange<std::size_t>(0, m.openFaults.size() + 1)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.openFaults.empty() && which <= m.openFaults.size()); }
  void apply(Model& m) const override {
    if (which >= m.openFaults.size()) {
      m.openFaults.clear();
    } else {
      m.openFaults.erase(m.openFaults.begin() + static_cast<long>(which));
    }
  }
  void run(const Model& m, Harness& h) const override { h.run(Json{{"clear", which >= m.openFaults.size() ? "all" : m.openFaults[which]}}); }
  void show(std::ostream& os) const override { os << "clear fault #" << which << " (past the open ones: all)"; }
};

// -- argocd-like commands and time -------------------------------------------------------

struct SyncApp : FuzzCommand {
  std::size_t app;
  explicit SyncApp(const Model&) : app(*rc::gen::inRange<std::size_t>(0, kApps)) {}
  void run(const Model&, Harness& h) const override {
    if (!h.controllerUp(kAppNames[app])) return h.skip("sync");
    h.run(Json{{"sync", kAppNames[app]}});
  }
  void show(std::ostream& os) const override { os << "argocd app sync " << kAppNames[app]; }
};

struct RefreshApp : FuzzCommand {
  std::size_t app;
  explicit RefreshApp(const Model&) : app(*rc::gen::inRange<std::size_t>(0, kApps)) {}
  void run(const Model&, Harness& h) const override {
    if (!h.controllerUp(kAppNames[app])) return h.skip("refresh");
    h.run(Json{{"refresh", kAppNames[app]}});
  }
  void show(std::ostream& os) const override { os << "argocd app get --refresh " << kAppNames[app]; }
};

struct RollbackApp : FuzzCommand {
  std::size_t app;
  explicit RollbackApp(const Model&) : app(*rc::gen::inRange<std::size_t>(0, kApps)) {}
  void run(const Model&, Harness& h) const override {
    if (!h.controllerUp(kAppNames[app]) || h.historySize(kAppNames[app]) < 2) return h.skip("rollback");
    h.run(Json{{"rollback", kAppNames[app]}});
  }
  void show(std::ostream& os) const override { os << "argocd app rollback " << kAppNames[app]; }
};

struct Wait : FuzzCommand {
  const char* duration;
  explicit Wait(const Model&) : duration(*rc::gen::element("1s", "5s", "20s", "1m", "3m", "10m")) {}
  void run(const Model&, Harness& h) const override { h.run(Json{{"wait", duration}}); }
  void show(std::ostream& os) const override { os << "wait " << duration; }
};

}  // namespace

rc::Gen<std::shared_ptr<const FuzzCommand>> genCommand(const Model& model) {
  // Listing a command twice doubles its weight.
  return rc::state::gen::execOneOfWithArgs<Wait, Wait, Wait, CommitManifest, CommitManifest, CommitManifest, CommitSource, Drift, Drift, InjectFault,
                                           InjectFault, ClearFault, SyncApp, RefreshApp, RollbackApp, RevertHead>()(model);
}

rc::Gen<FuzzCase> genCase(sync::DeliberateBug bug) {
  return rc::gen::mapcat(genSwarm(bug), [](const Swarm& swarm) {
    Model initial;
    initial.swarm = swarm;
    return rc::gen::map(rc::state::gen::commands(initial, &genCommand), [swarm](FuzzCommands commands) { return FuzzCase{swarm, std::move(commands)}; });
  });
}

std::string showCommands(const FuzzCommands& commands) {
  std::ostringstream out;
  for (const auto& c : commands) {
    c->show(out);
    out << "\n";
  }
  return out.str();
}

}  // namespace gs::fuzz
