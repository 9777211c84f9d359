#include "sim/scenario/run_context.hpp"

#include <algorithm>

#include "fakecluster/api_error.hpp"
#include "sim/scenario/templates.hpp"

namespace gs::scenario {

void failExpectation(const Origin& origin, const std::string& message) {
  throw Error(ErrorClass::ExpectationFailed, message, origin.where, origin.path);
}

namespace {
[[noreturn]] void notYet(const std::string& message) { throw Error(ErrorClass::ExpectationFailed, message); }

std::string short7(const std::string& sha) { return sha.substr(0, 7); }
}  // namespace

std::string RunContext::expand(const std::string& text) {
  return expandTemplate(text, [this](const std::vector<std::string>& p) -> std::string {
    if (p[0] == "seed") return std::to_string(world.seed());
    if (p[0] == "repo") {
      const RepoSpec& spec = world.repoSpec(p[1]);
      git::Repository& repo = world.workspace().server(p[1]);
      if (p[2] == "commits") return std::to_string(repo.log(spec.branch).size());
      std::string branch = spec.branch;
      if (p[2] == "branch") {
        branch = p[3];
        for (std::size_t i = 4; i + 1 < p.size(); ++i) branch += "." + p[i];
        if (!repo.branchHead(branch)) notYet("{repo." + p[1] + ".branch." + branch + "." + p.back() + "}: repo " + p[1] + " has no branch " + branch + " yet");
      }
      const git::CommitInfo info = repo.commitInfo(branch);
      const std::string& field = p.back();
      if (field == "sha") return info.sha;
      if (field == "sha7") return short7(info.sha);
      if (field == "message") return info.message;
      if (field == "summary") return info.summary;
      return info.authorName;
    }
    if (p[0] == "pipeline") {
      const ci::Pipeline& pipeline = world.pipeline(p[1]);
      const ci::RunRecord* run = p[2] == "last" ? pipeline.last() : pipeline.last(ci::RunStatus::Succeeded);
      if (run == nullptr) notYet("{" + p[0] + "." + p[1] + "." + p[2] + "." + p[3] + "}: pipeline " + p[1] + " has no " + (p[2] == "last" ? "run" : "successful run") + " yet");
      const std::string& f = p[3];
      if (f == "tag") return run->imageTag;
      if (f == "image") return run->image;
      if (f == "digest") return run->digest;
      if (f == "commit") return run->commit;
      if (f == "commit7") return short7(run->commit);
      if (f == "status") return ci::toString(run->status);
      if (f == "writeback") return run->writeBackCommit;
      return short7(run->writeBackCommit);
    }
    if (p[0] == "app") {
      sync::AppController* app = world.app(p[1]);
      if (app == nullptr) notYet("{app." + p[1] + "." + p[2] + "}: the application controller is not running (restart in progress)");
      const auto& s = app->status();
      const std::string& f = p[2];
      if (f == "revision") return s.revision;
      if (f == "revision7") return short7(s.revision);
      if (f == "synced") return s.lastSyncedRevision;
      if (f == "synced7") return short7(s.lastSyncedRevision);
      if (f == "sync") return sync::toString(s.sync);
      return sync::toString(s.health.status);
    }
    // step.<id>.sha|sha7
    auto it = stepSha.find(p[1]);
    if (it == stepSha.end()) notYet("{step." + p[1] + "." + p[2] + "}: step '" + p[1] + "' has not made a commit (yet)");
    return p[2] == "sha" ? it->second : short7(it->second);
  });
}

Json RunContext::expand(const Json& value) {
  if (value.is_string()) return expand(value.get<std::string>());
  return value;
}

std::string RunContext::groupOf(const ObjectRef& ref) {
  if (!ref.apiVersion.empty()) {
    const auto slash = ref.apiVersion.find('/');
    return slash == std::string::npos ? "" : ref.apiVersion.substr(0, slash);
  }
  std::vector<std::string> groups;
  for (const auto& type : world.cluster().resources()) {
    if (type.kind == ref.kind) groups.push_back(type.group);
  }
  if (groups.empty()) failExpectation(ref.origin, "the cluster serves no kind '" + ref.kind + "' (a custom resource needs its CRD applied first)");
  if (groups.size() > 1) failExpectation(ref.origin, "kind '" + ref.kind + "' is served by several API groups: give apiVersion");
  return groups.front();
}

std::optional<Json> RunContext::find(const ObjectRef& ref) {
  const std::string group = groupOf(ref);
  const auto* type = world.cluster().store().registry().byKind(group, ref.kind);
  const std::string ns = type != nullptr && !type->namespaced ? "" : ref.ns;
  try {
    return world.cluster().store().get(group, ref.kind, ns, expand(ref.name));
  } catch (const fake::ApiError& e) {
    if (e.code() == 404) return std::nullopt;
    throw;
  }
}

std::string RunContext::describe(const ObjectRef& ref) { return ref.kind + " " + (ref.ns.empty() ? "" : ref.ns + "/") + ref.name; }

}  // namespace gs::scenario
