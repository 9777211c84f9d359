#include <catch2/catch.hpp>

#include "git_cli.hpp"
#include "sim/ci/pipeline.hpp"
#include "sim/core/error.hpp"
#include "sim/core/yaml_scalar.hpp"

using namespace gs;
using namespace std::chrono_literals;

namespace {

// How write-back spells a tag: plain, or double-quoted when YAML would read it as a number.
std::string spelled(const std::string& tag) { return isPlainSafeString(tag) ? tag : "\"" + tag + "\""; }

const char* kKustomization =
    "apiVersion: kustomize.config.k8s.io/v1beta1\n"
    "kind: Kustomization\n"
    "resources:\n"
    "- deployment.yaml # web\n"
    "images:\n"
    "- name: registry.example.com/web\n"
    "  newTag: v0 # set by CI\n";

// A source repo "web", a deployment repo "deploy", a registry and an event log.
struct CiWorld {
  VirtualClock clock;
  EventLoop loop{clock};
  git::Workspace workspace{clock};
  registry::Registry registry{clock};
  EventLog log;

  CiWorld() {
    workspace.createRepo("web", {{"VERSION", "1.4.0\n"}, {"src/main.go", "package main\n"}}, "main", who(0));
    workspace.createRepo("deploy", {{"apps/web/kustomization.yaml", kKustomization}, {"apps/web/deployment.yaml", "kind: Deployment\n"}},
                         "main", who(0));
  }

  static git::Signature who(std::int64_t t, std::string name = "Dev") {
    git::Signature s;
    s.name = std::move(name);
    s.email = "dev@example.com";
    s.time = VirtualClock::kDefaultEpochSeconds + t;
    return s;
  }

  ci::PipelineSpec spec() const {
    ci::PipelineSpec s;
    s.name = "web";
    s.repo = "web";
    s.image = "registry.example.com/web";
    ci::WriteBackSpec wb;
    wb.repo = "deploy";
    wb.file = "apps/web/kustomization.yaml";
    s.writeBack = wb;
    return s;
  }

  std::unique_ptr<ci::Pipeline> pipeline(ci::PipelineSpec s) {
    auto p = std::make_unique<ci::Pipeline>(std::move(s), ci::PipelineContext{loop, workspace, registry, &log});
    p->start();
    return p;
  }

  // A developer pushes a commit to `repo` now.
  std::string commit(const std::string& repo, const std::string& path, const std::string& content, const std::string& message,
                     const std::string& actor = "dev") {
    git::CommitRequest r;
    r.changes.push_back({path, content});
    r.message = message;
    r.author = who(clock.unixSeconds() - VirtualClock::kDefaultEpochSeconds, actor);
    auto outcome = workspace.clone(actor, repo).commitAndPush(r);
    REQUIRE(outcome.remote.ok());
    return outcome.sha;
  }

  std::string deployFile() { return workspace.server("deploy").readFile("main", "apps/web/kustomization.yaml").value(); }
  // The newTag the kustomization holds (the tag may be quoted: "1234e56" reads as a float).
  std::string deployedTag() {
    std::string file = deployFile();
    auto at = file.find("newTag: ");
    std::string tag = file.substr(at + 8, file.find_first_of(" \n", at + 8) - at - 8);
    if (!tag.empty() && tag.front() == '"') tag = tag.substr(1, tag.size() - 2);
    return tag;
  }
};

}  // namespace

TEST_CASE("ci: a pushed commit is built, tested, pushed and written back on the virtual clock", "[ci]") {
  CiWorld w;
  auto p = w.pipeline(w.spec());
  const std::string sha = w.commit("web", "src/main.go", "package main // v2\n", "feat: v2");
  w.loop.runAll(1000);
  REQUIRE(p->runs().size() == 1);
  const ci::RunRecord& run = p->runs()[0];
  CHECK(run.status == ci::RunStatus::Succeeded);
  CHECK(run.commit == sha);
  CHECK(run.trigger == "webhook");
  CHECK(run.imageTag == sha.substr(0, 7));
  CHECK(run.finishedAt - run.startedAt == 110s);  // 5 + 60 + 30 + 10 + 5
  REQUIRE(run.steps.size() == 5);
  CHECK(run.steps[1].name == "build");
  CHECK(run.steps[1].finished - run.steps[1].started == 60s);
  CHECK(w.registry.exists("registry.example.com/web:" + run.imageTag));
  CHECK(w.registry.resolve(run.image).digest == run.digest);

  // Only the tag's bytes changed; the comment on that line survived.
  std::string expected = kKustomization;
  expected.replace(expected.find("v0 # set"), 2, spelled(run.imageTag));
  CHECK(w.deployFile() == expected);
  auto head = w.workspace.server("deploy").commitInfo("main");
  CHECK(head.sha == run.writeBackCommit);
  CHECK(head.summary == "ci: update registry.example.com/web to " + run.imageTag);
  CHECK(head.authorName == "gitops-sim-ci");
  CHECK(head.authorTime == VirtualClock::kDefaultEpochSeconds + 110);
  auto cli = test::git(w.workspace.serverPath("deploy"), "log --format='%an|%s' main");
  CHECK(cli.output == "gitops-sim-ci|ci: update registry.example.com/web to " + run.imageTag + "\nDev|Initial commit\n");
  CHECK(test::git(w.workspace.serverPath("deploy"), "fsck --strict").status == 0);

  std::vector<std::string> types;
  for (const auto& e : w.log.events()) types.push_back(e.type);
  CHECK(types == std::vector<std::string>{"ci.run.queued", "ci.run.started", "image.pushed", "ci.writeback.pushed", "ci.run.finished"});
}

TEST_CASE("ci: failing tests push no image and change no deployment repo", "[ci]") {
  CiWorld w;
  auto spec = w.spec();
  spec.failTestsWhen.push_back({"[break]", ""});
  spec.failTestsWhen.push_back({"", "src/broken/*"});
  auto p = w.pipeline(spec);
  const std::string deployHead = w.workspace.server("deploy").resolve("main");
  w.commit("web", "src/main.go", "x\n", "refactor [break]");
  w.loop.runAll(1000);
  w.commit("web", "src/broken/a.go", "y\n", "innocent message");
  w.loop.runAll(1000);
  p->failNextTests(1, "flaky integration test");
  w.commit("web", "src/main.go", "z\n", "third");
  w.loop.runAll(1000);
  REQUIRE(p->runs().size() == 3);
  for (const auto& run : p->runs()) {
    CHECK(run.status == ci::RunStatus::Failed);
    CHECK(run.failedStep == "test");
    CHECK(run.steps.size() == 3);
  }
  CHECK_THAT(p->runs()[0].error, Catch::Contains("message contains \"[break]\""));
  CHECK_THAT(p->runs()[1].error, Catch::Contains("path src/broken/*"));
  CHECK(p->runs()[2].error == "flaky integration test");
  CHECK(w.registry.repositories().empty());
  CHECK(w.workspace.server("deploy").resolve("main") == deployHead);
}

TEST_CASE("ci: commits during a run are queued in order, or supersede older pending ones", "[ci]") {
  for (auto mode : {ci::Concurrency::QueueAll, ci::Concurrency::Supersede}) {
    CiWorld w;
    auto spec = w.spec();
    spec.concurrency = mode;
    auto p = w.pipeline(spec);
    std::vector<std::string> shas;
    for (int i = 0; i < 3; ++i) {
      shas.push_back(w.commit("web", "src/main.go", "v" + std::to_string(i) + "\n", "change " + std::to_string(i)));
      w.loop.runUntil(w.clock.now() + 10s);
    }
    w.loop.runAll(1000);
    REQUIRE(p->runs().size() == 3);
    CHECK(p->runs()[0].status == ci::RunStatus::Succeeded);
    if (mode == ci::Concurrency::QueueAll) {
      CHECK(p->runs()[1].status == ci::RunStatus::Succeeded);
      CHECK(p->runs()[1].startedAt == p->runs()[0].finishedAt);
    } else {
      CHECK(p->runs()[1].status == ci::RunStatus::Superseded);
      CHECK(p->runs()[1].steps.empty());
    }
    CHECK(p->runs()[2].status == ci::RunStatus::Succeeded);
    // The deployment repo ends at the newest commit's tag either way.
    CHECK(w.deployedTag() == shas[2].substr(0, 7));
    CHECK(w.registry.tags("registry.example.com/web").size() == (mode == ci::Concurrency::QueueAll ? 3u : 2u));
  }
}

TEST_CASE("ci: a poll trigger builds the branch head at the next poll", "[ci]") {
  CiWorld w;
  auto spec = w.spec();
  spec.trigger = ci::Trigger::Poll;
  spec.pollInterval = 60s;
  auto p = w.pipeline(spec);
  w.loop.runUntil(VirtualTime{10s});
  w.commit("web", "src/main.go", "a\n", "one");
  w.commit("web", "src/main.go", "b\n", "two");  // both land before the poll: one run, for the head
  w.loop.runUntil(VirtualTime{59s});
  CHECK(p->runs().empty());
  w.loop.runUntil(VirtualTime{60s});
  REQUIRE(p->runs().size() == 1);
  CHECK(p->runs()[0].trigger == "poll");
  CHECK(p->runs()[0].commit == w.workspace.server("web").resolve("main"));
  w.loop.runUntil(VirtualTime{600s});
  CHECK(p->runs().size() == 1);  // nothing new, nothing built
}

TEST_CASE("ci: write-back re-applies its edit when someone pushed to the deployment repo meanwhile", "[ci]") {
  CiWorld w;
  auto p = w.pipeline(w.spec());
  w.commit("web", "src/main.go", "v2\n", "feat");
  w.loop.runUntil(VirtualTime{30s});  // checkout done (5s); the pipeline holds an old deploy head
  const std::string human = w.commit("deploy", "apps/web/deployment.yaml", "kind: Deployment # edited\n", "ops: annotate", "ops");
  w.loop.runAll(1000);
  const ci::RunRecord& run = p->runs()[0];
  CHECK(run.status == ci::RunStatus::Succeeded);
  CHECK(run.writeBackAttempts == 2);
  auto& deploy = w.workspace.server("deploy");
  CHECK(deploy.isAncestor(human, "main"));  // the person's commit was kept
  CHECK(deploy.readFile("main", "apps/web/deployment.yaml") == "kind: Deployment # edited\n");
  CHECK(w.deployedTag() == run.imageTag);
  CHECK(deploy.log("main").size() == 3);
  bool rejected = false;
  for (const auto& e : w.log.events()) rejected = rejected || e.type == "ci.writeback.rejected";
  CHECK(rejected);
}

TEST_CASE("ci: tag templates use files of the commit, the run number and the branch", "[ci]") {
  CiWorld w;
  auto spec = w.spec();
  spec.tagTemplate = "v{file:VERSION}-{run}-{branch}";
  auto p = w.pipeline(spec);
  w.commit("web", "src/main.go", "x\n", "c");
  w.loop.runAll(1000);
  CHECK(p->runs()[0].imageTag == "v1.4.0-1-main");
  CHECK(w.registry.exists("registry.example.com/web:v1.4.0-1-main"));

  spec.tagTemplate = "{file:MISSING}";
  spec.name = "web2";
  auto broken = w.pipeline(spec);
  w.commit("web", "src/main.go", "y\n", "d");
  w.loop.runAll(1000);
  CHECK(broken->runs()[0].status == ci::RunStatus::Failed);
  CHECK(broken->runs()[0].failedStep == "build");
  CHECK_THAT(broken->runs()[0].error, Catch::Contains("no file MISSING"));
}

TEST_CASE("ci: git and registry outages fail the step that needs them", "[ci][faults]") {
  CiWorld w;
  auto p = w.pipeline(w.spec());
  w.workspace.setUnavailable("web", VirtualTime{1min}, "git server down");
  w.commit("deploy", "apps/web/deployment.yaml", "k\n", "unrelated");  // deploy is still reachable
  // The developer pushed before the outage; the pipeline's checkout runs inside it.
  w.workspace.clearUnavailable("web");
  w.commit("web", "src/main.go", "x\n", "c1");
  w.workspace.setUnavailable("web", VirtualTime{1min}, "git server down");
  w.loop.runAll(1000);
  CHECK(p->runs()[0].status == ci::RunStatus::Failed);
  CHECK(p->runs()[0].failedStep == "checkout");
  CHECK_THAT(p->runs()[0].error, Catch::Contains("repository web is unavailable"));

  w.loop.runUntil(VirtualTime{2min});
  w.registry.setOutage(VirtualTime{10min});
  w.commit("web", "src/main.go", "y\n", "c2");
  w.loop.runAll(1000);
  CHECK(p->runs()[1].failedStep == "push");
  CHECK_THAT(p->runs()[1].error, Catch::Contains("connection refused"));
  CHECK(w.deployFile() == kKustomization);
}

TEST_CASE("ci: write-back to a YAML field of a values file keeps the rest of the file", "[ci]") {
  CiWorld w;
  const std::string values = "# web values\nimage:\n  repository: registry.example.com/web\n  tag: \"0.1\"  # CI\nreplicas: 3\n";
  w.commit("deploy", "charts/web/values.yaml", values, "add chart values");
  auto spec = w.spec();
  spec.writeBack->kind = ci::WriteBackSpec::Kind::YamlField;
  spec.writeBack->file = "charts/web/values.yaml";
  spec.writeBack->field = "image.tag";
  auto p = w.pipeline(spec);
  const std::string sha = w.commit("web", "src/main.go", "x\n", "c");
  w.loop.runAll(1000);
  REQUIRE(p->runs()[0].status == ci::RunStatus::Succeeded);
  CHECK(w.workspace.server("deploy").readFile("main", "charts/web/values.yaml") ==
        "# web values\nimage:\n  repository: registry.example.com/web\n  tag: \"" + sha.substr(0, 7) + "\"  # CI\nreplicas: 3\n");
}

TEST_CASE("ci: a write-back to a file that is not there fails the run, as kustomize edit set image does", "[ci]") {
  CiWorld w;
  auto spec = w.spec();
  spec.writeBack->file = "apps/web/kustomizaton.yaml";  // misspelt
  auto p = w.pipeline(spec);
  const std::string before = w.workspace.server("deploy").resolve("main");
  w.commit("web", "src/main.go", "x\n", "c");
  w.loop.runAll(1000);
  REQUIRE(p->runs().size() == 1);
  CHECK(p->runs()[0].status == ci::RunStatus::Failed);
  CHECK_THAT(p->runs()[0].steps.back().message, Catch::Contains("no file apps/web/kustomizaton.yaml on deploy@main (kustomize edit set image: Missing kustomization file)"));
  CHECK(w.workspace.server("deploy").resolve("main") == before);  // nothing committed
}

TEST_CASE("ci: a monorepo pipeline does not rebuild its own write-back, and [skip ci] is honoured", "[ci]") {
  CiWorld w;
  auto spec = w.spec();
  spec.writeBack->repo = "web";
  spec.writeBack->file = "deploy/kustomization.yaml";
  w.commit("web", "deploy/kustomization.yaml", "resources:\n- deployment.yaml\n", "add the kustomization");  // before the pipeline exists
  auto p = w.pipeline(spec);
  w.commit("web", "src/main.go", "x\n", "code");
  w.loop.runAll(1000);
  w.commit("web", "README.md", "docs\n", "docs only [skip ci]");
  w.loop.runAll(1000);
  REQUIRE(p->runs().size() == 1);
  CHECK(p->runs()[0].status == ci::RunStatus::Succeeded);
  CHECK(w.workspace.server("web").readFile("main", "deploy/kustomization.yaml") ==
        "resources:\n- deployment.yaml\nimages:\n- name: registry.example.com/web\n  newTag: " + spelled(p->runs()[0].imageTag) + "\n");
}

TEST_CASE("ci: lost webhooks start no run", "[ci][faults]") {
  CiWorld w;
  auto p = w.pipeline(w.spec());
  p->dropWebhooksUntil(VirtualTime{1min});
  w.commit("web", "src/main.go", "x\n", "lost");
  w.loop.runAll(1000);
  CHECK(p->runs().empty());
  w.loop.runUntil(VirtualTime{2min});
  w.commit("web", "src/main.go", "y\n", "delivered");
  w.loop.runAll(1000);
  CHECK(p->runs().size() == 1);
}

TEST_CASE("ci: a pipeline spec that cannot run is refused with the key", "[ci]") {
  CiWorld w;
  auto expectInvalid = [&](ci::PipelineSpec s, const std::string& text) {
    try {
      ci::Pipeline p(std::move(s), ci::PipelineContext{w.loop, w.workspace, w.registry, nullptr});
      FAIL("expected an error containing " << text);
    } catch (const Error& e) {
      CHECK(e.errorClass() == ErrorClass::InvalidInput);
      CHECK_THAT(e.message(), Catch::Contains(text));
    }
  };
  auto s = w.spec();
  s.image = "registry.example.com/web:v1";
  expectInvalid(s, "repository only");
  s = w.spec();
  s.image = "Bad/Image";
  expectInvalid(s, "lowercase");
  s = w.spec();
  s.tagTemplate = "{commit}";
  expectInvalid(s, "unknown placeholder {commit}");
  s = w.spec();
  s.repo = "nope";
  expectInvalid(s, "no repository named \"nope\"");
  s = w.spec();
  s.writeBack->file = "../x";
  expectInvalid(s, "not allowed");
  s = w.spec();
  s.writeBack->kind = ci::WriteBackSpec::Kind::YamlField;
  expectInvalid(s, "writeBack.field");
}

TEST_CASE("ci: git log on a kept workspace tells the story of a run", "[ci][git]") {
  std::filesystem::path root;
  std::string devSha;
  std::string tag;
  {
    CiWorld w;
    w.workspace.keep();
    root = w.workspace.root();
    auto p = w.pipeline(w.spec());
    devSha = w.commit("web", "src/main.go", "package main // v2\n", "feat: faster handler");
    w.loop.runAll(1000);
    w.loop.runUntil(w.clock.now() + std::chrono::minutes(5));
    w.commit("deploy", "apps/web/deployment.yaml", "kind: Deployment # 3 replicas\n", "ops: scale web", "ops");
    tag = p->runs().at(0).imageTag;
  }
  // The workspace outlives the run; the git CLI reads it like any repository.
  auto web = test::git(root / "repos" / "web.git", "log --format='%an|%ad|%s' --date=iso-strict-local main");
  CHECK(web.output ==
        "dev|2026-01-01T00:00:00+00:00|feat: faster handler\n"
        "Dev|2026-01-01T00:00:00+00:00|Initial commit\n");
  auto deploy = test::git(root / "repos" / "deploy.git", "log --format='%an|%ad|%s' --date=iso-strict-local main");
  CHECK(deploy.output ==
        "ops|2026-01-01T00:06:50+00:00|ops: scale web\n"
        "gitops-sim-ci|2026-01-01T00:01:50+00:00|ci: update registry.example.com/web to " + tag + "\n"
        "Dev|2026-01-01T00:00:00+00:00|Initial commit\n");
  CHECK(test::git(root / "repos" / "deploy.git", "show --stat --format= main~1").output.find("apps/web/kustomization.yaml | 2 +-") !=
        std::string::npos);
  CHECK(test::git(root / "repos" / "deploy.git", "fsck --strict").status == 0);
  CHECK(test::git(root / "clones" / "ci-web" / "deploy.git", "fsck --strict").status == 0);
  std::filesystem::remove_all(root);
}
