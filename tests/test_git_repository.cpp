#include <catch2/catch.hpp>

#include "git_cli.hpp"
#include "git_requests.hpp"
#include "sim/core/error.hpp"
#include "sim/git/ancestry.hpp"
#include "sim/git/workspace.hpp"

using namespace gs;
using namespace gs::git;
using gs::test::at;
using gs::test::change;

namespace {

std::string gitOut(const std::filesystem::path& repo, const std::string& args) {
  auto r = test::git(repo, args);
  INFO(args << "\n" << r.output);
  REQUIRE(r.status == 0);
  return r.output;
}

}  // namespace

TEST_CASE("git: a repo is created with its files on main, readable by the git CLI", "[git]") {
  VirtualClock clock;
  Workspace ws(clock);
  Repository& repo = ws.createRepo("app", {{"README.md", "hello\n"}, {"deploy/app.yaml", "kind: Deployment\n"}}, "main", at(0));
  CHECK(repo.branches() == std::vector<std::string>{"main"});
  CHECK(repo.readFile("main", "deploy/app.yaml") == "kind: Deployment\n");
  CHECK_FALSE(repo.readFile("main", "missing").has_value());
  const auto path = ws.serverPath("app");
  CHECK(gitOut(path, "rev-parse --abbrev-ref HEAD") == "main\n");
  CHECK(gitOut(path, "log --format='%an <%ae> %at %s'") == "Ada <ada@example.com> 1767225600 Initial commit\n");
  CHECK(gitOut(path, "show main:README.md") == "hello\n");
  CHECK(gitOut(path, "rev-parse --is-bare-repository") == "true\n");
  CHECK(test::git(path, "fsck --strict").status == 0);
  // The git CLI can commit into it too, and nothing overwrites an existing repository.
  CHECK(test::git(path, "update-ref refs/heads/copy main").status == 0);
  CHECK(repo.branches() == std::vector<std::string>{"copy", "main"});
  CHECK_THROWS_WITH(Repository::init(path, /*bare=*/true), Catch::Contains("already exists"));
  CHECK(repo.readFile("main", "README.md") == "hello\n");
}

TEST_CASE("git: same inputs give the same commit SHAs in another workspace", "[git][determinism]") {
  auto run = [] {
    VirtualClock clock;
    Workspace ws(clock);
    Repository& repo = ws.createRepo("app", {{"a.txt", "1\n"}}, "main", at(0));
    repo.commit(change("a.txt", "2\n", "second", 60));
    return repo.log("main");
  };
  auto a = run(), b = run();
  REQUIRE(a.size() == 2);
  CHECK(a[0].sha == b[0].sha);
  CHECK(a[1].sha == b[1].sha);
  CHECK(a[0].parents == std::vector<std::string>{a[1].sha});
}

TEST_CASE("git: commits add, modify and delete nested files, and an empty commit is refused", "[git]") {
  VirtualClock clock;
  Workspace ws(clock);
  Repository& repo = ws.createRepo("app", {{"base/a.yaml", "a\n"}, {"base/b.yaml", "b\n"}, {"c.yaml", "c\n"}}, "main", at(0));
  CommitRequest r;
  r.message = "several";
  r.author = at(10);
  r.changes = {{"base/a.yaml", "a2\n"}, {"base/b.yaml", std::nullopt}, {"overlays/prod/d.yaml", "d\n"}};
  std::string sha = repo.commit(r);
  CHECK(repo.readFile(sha, "base/a.yaml") == "a2\n");
  CHECK_FALSE(repo.readFile(sha, "base/b.yaml").has_value());
  CHECK(repo.readFile(sha, "overlays/prod/d.yaml") == "d\n");
  auto changed = repo.changedPaths("main~1", "main");
  REQUIRE(changed.size() == 3);
  CHECK(changed[0].path == "base/a.yaml");
  CHECK(changed[0].kind == ChangeKind::Modified);
  CHECK(changed[1].path == "base/b.yaml");
  CHECK(changed[1].kind == ChangeKind::Deleted);
  CHECK(changed[2].path == "overlays/prod/d.yaml");
  CHECK(changed[2].kind == ChangeKind::Added);

  // Deleting the last file of a directory removes the directory.
  repo.commit(change("overlays/prod/d.yaml", std::nullopt, "drop overlay", 20));
  CHECK_FALSE(repo.treeId("main", "overlays").has_value());
  CHECK(gitOut(ws.serverPath("app"), "ls-tree -r --name-only main") == "base/a.yaml\nc.yaml\n");

  CHECK_THROWS_WITH(repo.commit(change("c.yaml", "c\n", "same", 30)), Catch::Contains("nothing to commit"));
  CHECK_THROWS_WITH(repo.commit(change("nope.yaml", std::nullopt, "rm", 30)), Catch::Contains("no such file"));
  CHECK_THROWS_WITH(repo.commit(change("../escape", "x", "bad", 30)), Catch::Contains("not allowed"));
  CHECK_THROWS_WITH(repo.commit(change(".git/config", "x", "bad", 30)), Catch::Contains("reserved"));
  CHECK_THROWS_WITH(repo.commit(change("/abs", "x", "bad", 30)), Catch::Contains("relative"));
  CHECK(test::git(ws.serverPath("app"), "fsck --strict").status == 0);
}

TEST_CASE("git: revisions resolve by branch, tag, full and short SHA and HEAD~n", "[git]") {
  VirtualClock clock;
  Workspace ws(clock);
  Repository& repo = ws.createRepo("app", {{"v", "1"}}, "main", at(0));
  std::string first = repo.resolve("main");
  std::string second = repo.commit(change("v", "2", "two", 1));
  std::string third = repo.commit(change("v", "3", "three", 2));
  repo.tag("v1.0.0", first);
  repo.tag("v2.0.0", second, std::string("release 2"), at(3));
  CHECK(repo.resolve("HEAD") == third);
  CHECK(repo.resolve("main") == third);
  CHECK(repo.resolve("HEAD~1") == second);
  CHECK(repo.resolve("main~2") == first);
  CHECK(repo.resolve("v1.0.0") == first);
  CHECK(repo.resolve("v2.0.0") == second);  // annotated tags peel to their commit
  CHECK(repo.resolve(second) == second);
  CHECK(repo.resolve(second.substr(0, 7)) == second);
  CHECK(repo.tags() == std::vector<std::string>{"v1.0.0", "v2.0.0"});
  CHECK_THROWS_WITH(repo.resolve("nope"), Catch::Contains("unknown revision \"nope\""));
  CHECK_THROWS_WITH(repo.resolve("HEAD~9"), Catch::Contains("unknown revision"));
  CHECK_THROWS_WITH(repo.tag("v1.0.0", "main"), Catch::Contains("already exists"));
  CHECK(gitOut(ws.serverPath("app"), "rev-parse v2.0.0^{commit}") == second + "\n");
  CHECK(gitOut(ws.serverPath("app"), "cat-file -t v2.0.0") == "tag\n");
}

TEST_CASE("git: merge fast-forwards, creates merge commits and reports conflicts", "[git]") {
  VirtualClock clock;
  Workspace ws(clock);
  Repository& repo = ws.createRepo("app", {{"a", "a\n"}, {"b", "b\n"}}, "main", at(0));
  repo.createBranch("feature", "main");
  repo.commit(change("a", "a-feature\n", "feature work", 1, "feature"));

  auto ff = repo.merge("main", "feature", MergeMode::FastForwardOrMerge, at(2));
  CHECK(ff.kind == MergeResult::Kind::FastForward);
  CHECK(repo.resolve("main") == repo.resolve("feature"));
  CHECK(repo.merge("main", "feature", MergeMode::FastForwardOrMerge, at(2)).kind == MergeResult::Kind::UpToDate);

  repo.commit(change("b", "b-main\n", "main work", 3));
  repo.commit(change("c", "c\n", "more feature", 4, "feature"));
  CHECK_THROWS_WITH(repo.merge("main", "feature", MergeMode::FastForwardOnly, at(5)), Catch::Contains("diverged"));
  auto merged = repo.merge("main", "feature", MergeMode::FastForwardOrMerge, at(5));
  REQUIRE(merged.kind == MergeResult::Kind::MergeCommit);
  auto info = repo.commitInfo(merged.sha);
  CHECK(info.parents.size() == 2);
  CHECK(info.summary == "Merge branch 'feature'");
  CHECK(repo.readFile("main", "b") == "b-main\n");
  CHECK(repo.readFile("main", "c") == "c\n");

  repo.commit(change("a", "main says\n", "main edit", 6));
  repo.commit(change("a", "feature says\n", "feature edit", 7, "feature"));
  const std::string before = repo.resolve("main");
  auto conflict = repo.merge("main", "feature", MergeMode::FastForwardOrMerge, at(8));
  CHECK(conflict.kind == MergeResult::Kind::Conflict);
  CHECK(conflict.conflicts == std::vector<std::string>{"a"});
  CHECK(repo.resolve("main") == before);  // nothing was committed
  CHECK(test::git(ws.serverPath("app"), "fsck --strict").status == 0);
  CHECK(gitOut(ws.serverPath("app"), "log --format=%s --first-parent main") ==
        "main edit\nMerge branch 'feature'\nmain work\nfeature work\nInitial commit\n");
}

TEST_CASE("git: the ancestry index answers as the repository does, across branches and merges", "[git]") {
  VirtualClock clock;
  Workspace ws(clock);
  Repository& repo = ws.createRepo("app", {{"a", "a\n"}}, "main", at(0));
  repo.createBranch("feature", "main");
  std::vector<std::string> shas{repo.resolve("main")};
  for (int i = 1; i <= 6; ++i) {
    const bool onFeature = i % 2 == 0;
    shas.push_back(repo.commit(change(onFeature ? "f" : "m", std::to_string(i) + "\n", "change " + std::to_string(i), i, onFeature ? "feature" : "main")));
  }
  shas.push_back(repo.merge("main", "feature", MergeMode::FastForwardOrMerge, at(7)).sha);
  repo.createBranch("side", shas[2]);
  shas.push_back(repo.commit(change("s", "s\n", "side", 8, "side")));
  for (std::size_t limit : {std::size_t{16384}, std::size_t{2}}) {  // the bit sets, and the repository fallback
    AncestryIndex index(repo, limit);
    for (const auto& a : shas) {
      for (const auto& d : shas) {
        INFO(a.substr(0, 7) << " ancestor of " << d.substr(0, 7) << " (limit " << limit << ")");
        CHECK(index.isAncestor(a, d) == repo.isAncestor(a, d));
      }
    }
  }
  // A commit made after the index was built is answered too.
  AncestryIndex index(repo);
  const std::string later = repo.commit(change("m", "later\n", "later", 9));
  CHECK(index.isAncestor(shas.front(), later));
  CHECK_FALSE(index.isAncestor(later, shas.front()));
  CHECK_FALSE(index.isAncestor(shas.back(), later));  // the side branch is not in main
}

TEST_CASE("git: revert undoes a commit that later commits touched, and a conflicting revert is an error", "[git]") {
  VirtualClock clock;
  Workspace ws(clock);
  std::string file = "line1\nline2\nline3\nline4\nline5\nline6\nline7\nline8\n";
  Repository& repo = ws.createRepo("app", {{"f", file}}, "main", at(0));
  std::string bad = repo.commit(change("f", "LINE1\nline2\nline3\nline4\nline5\nline6\nline7\nline8\n", "bad change", 1));
  repo.commit(change("f", "LINE1\nline2\nline3\nline4\nline5\nline6\nline7\nLINE8\n", "later change", 2));
  std::string reverted = repo.revert("main", bad, at(3));
  CHECK(repo.readFile("main", "f") == "line1\nline2\nline3\nline4\nline5\nline6\nline7\nLINE8\n");
  auto info = repo.commitInfo(reverted);
  CHECK(info.message == "Revert \"bad change\"\n\nThis reverts commit " + bad + ".\n");
  CHECK(repo.log("main").size() == 4);  // history kept, nothing rewritten

  std::string conflicting = repo.commit(change("f", "X\n", "rewrite", 4));
  repo.commit(change("f", "Y\n", "rewrite again", 5));
  const std::string head = repo.resolve("main");
  CHECK_THROWS_WITH(repo.revert("main", conflicting, at(6)), Catch::Contains("conflicts in: f"));
  CHECK(repo.resolve("main") == head);
  CHECK(gitOut(ws.serverPath("app"), "log -1 --skip=2 --format=%B main") == info.message + "\n");
  CHECK(test::git(ws.serverPath("app"), "fsck --strict").status == 0);
}

TEST_CASE("git: trees are read at a revision and cached by tree id", "[git]") {
  VirtualClock clock;
  Workspace ws(clock);
  Repository& repo = ws.createRepo("deploy", {{"apps/web/deploy.yaml", "w\n"}, {"apps/web/svc.yaml", "s\n"}, {"apps/db/db.yaml", "d\n"}},
                                   "main", at(0));
  auto web = repo.readTree("main", "apps/web");
  REQUIRE(web.has_value());
  REQUIRE((*web)->files.size() == 2);
  CHECK((*web)->files[0].path == "deploy.yaml");
  CHECK((*web)->find("svc.yaml")->content == "s\n");
  CHECK((*web)->treeId == repo.treeId("main", "apps/web"));
  CHECK((*web)->treeId == gitOut(ws.serverPath("deploy"), "rev-parse main:apps/web").substr(0, 40));

  repo.commit(change("apps/db/db.yaml", "d2\n", "db only", 1));
  auto again = repo.readTree("main", "apps/web");
  CHECK(again->get() == web->get());  // unchanged directory: the same snapshot
  CHECK(repo.treeCacheHits() == 1);
  CHECK(repo.readTree("main", "apps/db").value()->files[0].content == "d2\n");
  CHECK_FALSE(repo.readTree("main", "apps/none").has_value());
  CHECK_FALSE(repo.readTree("main", "apps/web/svc.yaml").has_value());
  CHECK(repo.readTree("main").value()->files.size() == 3);
}

TEST_CASE("git: a push that is not a fast-forward is rejected, and fetch + re-apply succeeds", "[git]") {
  VirtualClock clock;
  Workspace ws(clock);
  ws.createRepo("deploy", {{"values.yaml", "tag: v1\n"}, {"other.yaml", "x: 1\n"}}, "main", at(0));
  std::vector<PushEvent> pushes;
  ws.subscribe([&](const PushEvent& e) { pushes.push_back(e); });

  Clone& alice = ws.clone("alice", "deploy");
  Clone& bob = ws.clone("bob", "deploy");
  REQUIRE(alice.resetToRemote("main"));
  REQUIRE(bob.resetToRemote("main"));
  alice.repo().commit(change("values.yaml", "tag: v2\n", "alice", 1));
  bob.repo().commit(change("other.yaml", "x: 2\n", "bob", 2));
  CHECK(alice.push("main").status == RemoteResult::Status::Ok);
  auto rejected = bob.push("main");
  CHECK(rejected.status == RemoteResult::Status::Rejected);
  CHECK_THAT(rejected.message, Catch::Contains("non-fast-forward"));
  REQUIRE(pushes.size() == 1);
  CHECK(pushes[0].actor == "alice");

  auto outcome = bob.commitAndPush(change("other.yaml", "x: 2\n", "bob again", 3));
  REQUIRE(outcome.remote.status == RemoteResult::Status::Ok);
  Repository& server = ws.server("deploy");
  CHECK(server.readFile("main", "values.yaml") == "tag: v2\n");
  CHECK(server.readFile("main", "other.yaml") == "x: 2\n");
  CHECK(server.log("main").size() == 3);
  REQUIRE(pushes.size() == 2);
  CHECK(pushes[1].before == pushes[0].after);
  CHECK(gitOut(ws.serverPath("deploy"), "log --format=%s main") == "bob again\nalice\nInitial commit\n");
  CHECK(test::git(ws.serverPath("deploy"), "fsck --strict").status == 0);
  const auto bobPath = ws.root() / "clones" / "bob" / "deploy.git";
  CHECK(test::git(bobPath, "fsck --strict").status == 0);
  // A real clone: its origin is the server, and git itself can fetch from it.
  CHECK(gitOut(bobPath, "remote get-url origin") == ws.serverPath("deploy").string() + "\n");
  CHECK(test::git(bobPath, "fetch -q origin").status == 0);
  CHECK(gitOut(bobPath, "rev-parse origin/main") == ws.server("deploy").resolve("main") + "\n");
}

TEST_CASE("git: an unavailable repo fails fetch and push until the outage ends", "[git][faults]") {
  VirtualClock clock;
  Workspace ws(clock);
  ws.createRepo("deploy", {{"a", "1"}}, "main", at(0));
  Clone& c = ws.clone("ci", "deploy");
  ws.setUnavailable("deploy", VirtualTime{std::chrono::minutes(5)}, "injected outage");
  auto fetched = c.fetch();
  CHECK(fetched.status == RemoteResult::Status::Unavailable);
  CHECK_THAT(fetched.message, Catch::Contains("repository deploy is unavailable until 2026-01-01T00:05:00Z: injected outage"));
  auto outcome = c.commitAndPush(change("a", "2", "during outage", 1));
  CHECK(outcome.remote.status == RemoteResult::Status::Unavailable);
  CHECK(ws.server("deploy").log("main").size() == 1);
  clock.advanceTo(VirtualTime{std::chrono::minutes(5)});
  CHECK(c.commitAndPush(change("a", "2", "after outage", 301)).remote.ok());
  CHECK(ws.server("deploy").readFile("main", "a") == "2");
}

TEST_CASE("git: a kept workspace stays on disk, and a non-empty folder is refused", "[git]") {
  VirtualClock clock;
  std::filesystem::path root;
  {
    Workspace ws(clock);
    root = ws.root();
    ws.createRepo("app", {{"a", "1"}});
    ws.keep();
  }
  CHECK(std::filesystem::exists(root / "repos" / "app.git" / "HEAD"));
  CHECK_THROWS_WITH(Workspace(clock, root), Catch::Contains("is not empty"));
  std::filesystem::remove_all(root);
  {
    Workspace temp(clock);
    root = temp.root();
  }
  CHECK_FALSE(std::filesystem::exists(root));
  Workspace ws(clock);
  CHECK_THROWS_WITH(ws.createRepo("../evil", {}), Catch::Contains("invalid repository name"));
  CHECK_THROWS_WITH(ws.server("nope"), Catch::Contains("no repository named \"nope\""));
}
