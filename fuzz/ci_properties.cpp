// CI write-back under concurrency (RapidCheck): random interleavings of developer
// commits to the source repo, people committing to the deployment repo (other files,
// and notes appended to the very kustomization CI edits), waits, failing tests and
// outages of the deployment repo and the registry, with either trigger and either
// concurrency policy. Afterwards, with the pipeline idle:
//   - every commit ever pushed to either repo is still reachable from its branch
//     (nothing was force-pushed or dropped);
//   - the kustomization holds the tag of the newest successful run, and every note a
//     person appended is still there, byte for byte;
//   - the registry holds exactly the images of the runs whose push step succeeded,
//     which include every successful run and no run whose tests failed.
// Replay a failure with RC_PARAMS="replay=...".
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <set>

#include "sim/ci/pipeline.hpp"
#include "sim/ci/yaml_edit.hpp"

using namespace gs;
using namespace std::chrono_literals;

namespace {

struct Op {
  int kind;   // 0 dev commit, 1 ops commit to another file, 2 ops note in the kustomization,
              // 3 wait, 4 fail next tests, 5 deployment repo outage, 6 registry outage
  int value;  // seconds, or a content variant
};

const char* kKustomization = "resources:\n- deployment.yaml\nimages:\n- name: registry.example.com/web\n  newTag: v0 # CI\n";

std::string tagIn(const std::string& kustomization) {
  // Read it the way kustomize would: as YAML.
  ci::KustomizeImageEdit none;
  auto at = kustomization.find("newTag: ");
  RC_ASSERT(at != std::string::npos);
  std::string tag = kustomization.substr(at + 8, kustomization.find_first_of(" \n", at + 8) - at - 8);
  if (!tag.empty() && tag.front() == '"') tag = tag.substr(1, tag.size() - 2);
  return tag;
}

}  // namespace

TEST_CASE("ci write-back properties", "[ci][property]") {
  rc::prop("write-back never loses a commit and ends at the newest successful tag", [] {
    const auto ops = *rc::gen::resize(
        40, rc::gen::container<std::vector<Op>>(rc::gen::build<Op>(rc::gen::set(&Op::kind, rc::gen::inRange(0, 7)),
                                                                   rc::gen::set(&Op::value, rc::gen::inRange(1, 120)))));
    const bool poll = *rc::gen::arbitrary<bool>();
    const bool supersede = *rc::gen::arbitrary<bool>();
    const int maxAttempts = *rc::gen::inRange(1, 6);
    RC_TAG(poll ? "poll" : "webhook", supersede ? "supersede" : "queue-all");

    VirtualClock clock;
    EventLoop loop(clock);
    git::Workspace workspace(clock);
    registry::Registry registry(clock);
    workspace.createRepo("web", {{"src/main.go", "package main\n"}});
    workspace.createRepo("deploy", {{"apps/web/kustomization.yaml", kKustomization}, {"apps/web/deployment.yaml", "kind: Deployment\n"}});

    std::map<std::string, std::vector<std::string>> pushed;  // repo -> every head ever pushed
    workspace.subscribe([&](const git::PushEvent& e) { pushed[e.repo].push_back(e.after); });

    ci::PipelineSpec spec;
    spec.name = "web";
    spec.repo = "web";
    spec.image = "registry.example.com/web";
    spec.tagTemplate = "{sha7}-{run}";
    spec.trigger = poll ? ci::Trigger::Poll : ci::Trigger::Webhook;
    spec.pollInterval = 45s;
    spec.concurrency = supersede ? ci::Concurrency::Supersede : ci::Concurrency::QueueAll;
    ci::WriteBackSpec wb;
    wb.repo = "deploy";
    wb.file = "apps/web/kustomization.yaml";
    wb.maxAttempts = maxAttempts;
    spec.writeBack = wb;
    ci::Pipeline pipeline(spec, ci::PipelineContext{loop, workspace, registry, nullptr});
    pipeline.start();

    std::vector<std::string> notes;
    int counter = 0;
    auto commit = [&](const std::string& actor, const std::string& repo, const std::string& path,
                      const std::function<std::string(const std::optional<std::string>&)>& edit, const std::string& message) {
      git::Clone& clone = workspace.clone(actor, repo);
      git::CommitRequest r;
      r.message = message;
      r.author.name = actor;
      r.author.time = clock.unixSeconds();
      for (int attempt = 0; attempt < 5; ++attempt) {
        if (!clone.fetch().ok()) return false;
        clone.resetToRemote("main");
        r.changes = {{path, edit(clone.repo().readFile("main", path))}};
        clone.repo().commit(r);
        auto result = clone.push("main");
        if (result.ok()) return true;
        if (result.status != git::RemoteResult::Status::Rejected) return false;
      }
      return false;
    };

    for (const auto& op : ops) {
      ++counter;
      switch (op.kind) {
        case 0:
          commit("dev", "web", "src/main.go", [&](auto) { return "package main // " + std::to_string(counter) + "\n"; },
                 "change " + std::to_string(counter));
          break;
        case 1:
          commit("ops", "deploy", "apps/web/deployment.yaml", [&](auto) { return "kind: Deployment # " + std::to_string(counter) + "\n"; },
                 "ops " + std::to_string(counter));
          break;
        case 2: {
          const std::string note = "# note " + std::to_string(counter) + "\n";
          if (commit("ops", "deploy", "apps/web/kustomization.yaml", [&](const std::optional<std::string>& old) { return old.value_or("") + note; },
                     "note " + std::to_string(counter))) {
            notes.push_back(note);
          }
          break;
        }
        case 3: loop.runUntil(clock.now() + std::chrono::seconds(op.value)); break;
        case 4: pipeline.failNextTests(1); break;
        case 5: workspace.setUnavailable("deploy", clock.now() + std::chrono::seconds(op.value)); break;
        case 6: registry.setOutage(clock.now() + std::chrono::seconds(op.value)); break;
      }
    }
    // Quiet: let every queued run finish (polling keeps scheduling, so run to a horizon).
    for (int i = 0; i < 200 && !(pipeline.idle() && clock.now() > VirtualTime{} + 1s); ++i) loop.runUntil(clock.now() + 5min);
    loop.runUntil(clock.now() + 10min);
    RC_ASSERT(pipeline.idle());

    // Nothing pushed was lost.
    for (const auto& [repo, heads] : pushed) {
      git::Repository& server = workspace.server(repo);
      for (const auto& sha : heads) RC_ASSERT(server.isAncestor(sha, "main"));
    }
    // The newest successful run's tag is deployed; every person's note survived.
    const std::string file = workspace.server("deploy").readFile("main", "apps/web/kustomization.yaml").value();
    const ci::RunRecord* newest = pipeline.last(ci::RunStatus::Succeeded);
    RC_TAG(newest != nullptr ? "deployed" : "nothing deployed");
    RC_ASSERT(tagIn(file) == (newest != nullptr ? newest->imageTag : std::string("v0")));
    for (const auto& note : notes) RC_ASSERT(file.find(note) != std::string::npos);
    // The registry holds exactly the images of runs whose push succeeded.
    std::set<std::string> expected;
    for (const auto& run : pipeline.runs()) {
      if (!run.digest.empty()) expected.insert(run.imageTag);
      if (run.status == ci::RunStatus::Succeeded) RC_ASSERT(!run.digest.empty());
      if (run.failedStep == "test" || run.failedStep == "build" || run.failedStep == "checkout") RC_ASSERT(run.digest.empty());
    }
    const auto tags = registry.tags("registry.example.com/web");
    RC_ASSERT(std::set<std::string>(tags.begin(), tags.end()) == expected);
  });
}
