#include "sim/scenario/world.hpp"

#include "fakecluster/object_util.hpp"
#include "sim/core/hash.hpp"

namespace gs::scenario {

namespace {
fake::ClusterOptions clusterOptions(const Scenario& s, const Rng& rng) {
  fake::ClusterOptions o = s.world.cluster.options;
  o.seed = rng.fork("cluster").next();
  return o;
}
}  // namespace

World::World(const Scenario& scenario, std::uint64_t seed, const std::filesystem::path& workspaceDir, render::RenderCache* renders,
             git::Storage storage, std::int64_t epochSeconds)
    : scenario_(scenario),
      seed_(seed),
      rng_(seed),
      clock_(epochSeconds),
      cluster_(std::make_unique<fake::FakeCluster>(loop_, clusterOptions(scenario, rng_))),
      workspace_(std::make_unique<git::Workspace>(clock_, workspaceDir, storage)),
      renders_(renders != nullptr ? renders : &ownRenders_),
      controllerRng_(rng_.fork("controller")) {
  cluster_->setImageResolver(&registry_);
  // managedFields cost a field walk per tracked write: kept only when an app reads them.
  for (const auto& app : scenario.world.applications) {
    for (const auto& rule : app.ignoreDifferences) {
      if (!rule.managedFieldsManagers.empty()) cluster_->store().setFieldManagerTracking(true);
    }
  }
  live_ = std::make_unique<sync::LiveCache>(*cluster_, sync::TrackingMethod::Annotation);
}

World::~World() {
  apps_.clear();
  pipelines_.clear();
  if (pushObserver_ != 0) workspace_->unsubscribe(pushObserver_);
  if (storeObserver_ != 0) cluster_->store().unsubscribe(storeObserver_);
}

void World::record(const std::string& actor, const std::string& type, Json details) {
  log_.append(Event{clock_.now(), actor, type, std::move(details)});
}

git::Signature World::person(const std::string& name) const {
  return git::Signature{name, name + "@example.com", clock_.unixSeconds(), 0};
}

void World::start() {
  settle();  // the cluster's own start-up (nodes, default namespaces)
  for (const auto& repo : scenario_.world.repos) {
    git::Repository& r = workspace_->createRepo(repo.name, repo.files, repo.branch, person("gitops-sim"), "Initial commit");
    record("git/" + repo.name, "git.init", Json{{"branch", repo.branch}, {"commit", r.resolve(repo.branch)}, {"files", repo.files.size()}});
  }
  pushObserver_ = workspace_->subscribe([this](const git::PushEvent& e) {
    Json details{{"branch", e.branch}, {"before", e.before}, {"after", e.after}, {"by", e.actor}};
    if (auto info = workspace_->server(e.repo).tryResolve(e.after)) details["summary"] = workspace_->server(e.repo).commitInfo(*info).summary;
    record("git/" + e.repo, "git.push", std::move(details));
  });
  registry_.setImmutableTags(scenario_.world.registry.immutableTags);
  for (const auto& image : scenario_.world.registry.images) {
    const std::string digest = registry_.seed(image);
    record("registry", "image.seeded", Json{{"image", image}, {"digest", digest}});
  }
  for (const auto& ns : scenario_.world.cluster.namespaces) {
    cluster_->create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  }
  const auto& objects = scenario_.world.cluster.objects;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    Json o = objects[i];
    fake::dropResourceVersion(o);  // created as kubectl create -f would: an exported object's resourceVersion is dropped
    fake::WriteOptions asKubectl;
    asKubectl.fieldValidation = fake::FieldValidation::Strict;  // kubectl's --validate=strict
    Json created;
    try {
      created = cluster_->create(std::move(o), asKubectl);
    } catch (const fake::ApiError& e) {  // the scenario's object, refused as kubectl create would be
      const auto& where = scenario_.world.cluster.objectLocations;
      throw Error::invalid(std::string("the API server refused it: ") + e.what(), i < where.size() ? where[i] : SourceLocation{},
                           "world.cluster.objects[" + std::to_string(i) + "]");
    }
    record("cluster", "object.created", Json{{"kind", created["kind"]}, {"name", created["metadata"]["name"]},
                                             {"namespace", created["metadata"].value("namespace", "")}});
  }
  settle();
  for (const auto& spec : scenario_.world.pipelines) {
    auto pipeline = std::make_unique<ci::Pipeline>(spec, ci::PipelineContext{loop_, *workspace_, registry_, &log_});
    pipeline->start();
    pipelines_.emplace(spec.name, std::move(pipeline));
  }
  storeObserver_ = cluster_->store().subscribe([this](const fake::WatchEvent& e) {
    if (!e.object || !controllersUp_) return;
    for (auto& [name, app] : apps_) app->notifyLiveChange(*e.object);
  });
  std::map<std::string, sync::AppRecord> none;
  startControllers(std::move(none));
  settle();
}

void World::startControllers(std::map<std::string, sync::AppRecord> records) {
  for (const auto& spec : scenario_.world.applications) {
    sync::AppController::Context ctx{loop_, *cluster_, *workspace_, *renders_, controllerRng_, &log_, live_.get()};
    auto it = records.find(spec.name);
    if (it != records.end()) {
      apps_[spec.name] = std::make_unique<sync::AppController>(ctx, std::move(it->second), scenario_.world.controller);
    } else {
      apps_[spec.name] = std::make_unique<sync::AppController>(ctx, spec, scenario_.world.controller);
    }
  }
  controllersUp_ = true;
  for (auto& [name, app] : apps_) app->start();
}

void World::restartControllers(Duration downtime) {
  if (!controllersUp_) return;
  std::map<std::string, sync::AppRecord> records;
  for (auto& [name, app] : apps_) records.emplace(name, app->record());
  apps_.clear();
  controllersUp_ = false;
  record("argocd", "controller.stopped", Json{{"downtime", formatDuration(downtime)}});
  auto restart = [this, records = std::move(records)]() mutable {
    // A new process: its cluster cache starts empty and lists everything again.
    live_ = std::make_unique<sync::LiveCache>(*cluster_, sync::TrackingMethod::Annotation);
    record("argocd", "controller.started", Json::object());
    startControllers(std::move(records));
  };
  if (downtime.count() == 0) {
    restart();
  } else {
    loop_.after(downtime, 0, "argocd restart", std::move(restart));
  }
}

sync::AppController* World::app(const std::string& name) {
  auto it = apps_.find(name);
  return it == apps_.end() ? nullptr : it->second.get();
}

const RepoSpec& World::repoSpec(const std::string& name) const {
  for (const auto& r : scenario_.world.repos) {
    if (r.name == name) return r;
  }
  throw Error::internal("no repo " + name);
}

}  // namespace gs::scenario
