// In-memory workspaces (git::Storage::Memory) against the disk ones the git CLI checks
// in test_git_repository.cpp: one story of commits, branches, tags, merges, reverts,
// clones, pushes and fetches, told to both, must give the same SHAs, refs and answers;
// and the reference database keeps the file system's rules (no overwrite without force,
// compare-and-swap, no ref that is both a file and a folder).
#include <catch2/catch.hpp>

#include "git_requests.hpp"
#include "sim/core/error.hpp"
#include "sim/git/workspace.hpp"

using namespace gs;
using namespace gs::git;
using gs::test::at;
using gs::test::change;

namespace {

std::string describe(const MergeResult& m) {
  std::string out = std::to_string(static_cast<int>(m.kind)) + " " + m.sha;
  for (const auto& c : m.conflicts) out += " conflict:" + c;
  return out;
}

template <typename F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// Everything a run does with Git, written down as it happens.
std::vector<std::string> story(Workspace& ws) {
  std::vector<std::string> out;
  auto say = [&](std::string line) { out.push_back(std::move(line)); };
  Repository& repo = ws.createRepo("deploy", {{"apps/web/deploy.yaml", "image: web:1\n"}, {"apps/db/db.yaml", "d\n"}, {"f", "1\n2\n3\n4\n5\n6\n"}},
                                   "main", at(0));
  say("name " + repo.name());
  say("head " + repo.resolve("HEAD"));
  const std::string bad = repo.commit(change("f", "ONE\n2\n3\n4\n5\n6\n", "bad", 1));
  repo.commit(change("f", "ONE\n2\n3\n4\n5\nSIX\n", "later", 2));
  say("revert " + repo.revert("main", bad, at(3)));
  say("f " + *repo.readFile("main", "f"));
  repo.createBranch("feature", "main~1");
  repo.commit(change("apps/db/db.yaml", "d2\n", "feature work", 4, "feature"));
  say("merge " + describe(repo.merge("main", "feature", MergeMode::FastForwardOrMerge, at(5))));
  repo.commit(change("apps/db/db.yaml", "main\n", "main edit", 6));
  repo.commit(change("apps/db/db.yaml", "feature\n", "feature edit", 7, "feature"));
  say("conflict " + describe(repo.merge("main", "feature", MergeMode::FastForwardOrMerge, at(8))));
  say("ff-only " + errorOf([&] { repo.merge("main", "feature", MergeMode::FastForwardOnly, at(8)); }));
  repo.tag("v1", "main~2");
  repo.tag("v2", "main", std::string("release 2"), at(9));
  say("v2 " + repo.resolve("v2") + " short " + repo.resolve(repo.resolve("v1").substr(0, 8)));
  say("dup tag " + errorOf([&] { repo.tag("v1", "main"); }));
  say("dup branch " + errorOf([&] { repo.createBranch("feature", "main"); }));
  say("bad rev " + errorOf([&] { repo.resolve("nope~3"); }));
  for (const auto& b : repo.branches()) say("branch " + b);
  for (const auto& t : repo.tags()) say("tag " + t);
  for (const auto& c : repo.log("main")) say("log " + c.sha + " " + c.summary);
  for (const auto& c : repo.changedPaths("v1", "main")) say("changed " + c.path + " " + std::to_string(static_cast<int>(c.kind)));
  for (const auto& l : repo.history()) say("history " + l.sha + " " + std::to_string(l.parents.size()));
  say("ancestor " + std::to_string(repo.isAncestor("v1", "main")) + std::to_string(repo.isAncestor("feature", "main")));
  say("tree " + repo.treeId("main", "apps/web").value_or("-") + " " + std::to_string(repo.readTree("main", "apps").value()->files.size()));
  repo.deleteBranch("feature");

  // Two clones race; the loser is rejected, fetches and wins on the second attempt.
  std::vector<std::string> pushes;
  ws.subscribe([&](const PushEvent& e) { pushes.push_back(e.actor + " " + e.before + ".." + e.after); });
  Clone& alice = ws.clone("alice", "deploy");
  Clone& bob = ws.clone("bob", "deploy");
  REQUIRE(alice.resetToRemote("main"));
  REQUIRE(bob.resetToRemote("main"));
  alice.repo().commit(change("apps/web/deploy.yaml", "image: web:2\n", "alice", 10));
  bob.repo().commit(change("apps/db/db.yaml", "bob\n", "bob", 11));
  say("alice push " + std::to_string(static_cast<int>(alice.push("main").status)));
  const RemoteResult rejected = bob.push("main");
  say("bob push " + std::to_string(static_cast<int>(rejected.status)) + " " + rejected.message);
  const auto outcome = bob.commitAndPush(change("apps/db/db.yaml", "bob\n", "bob again", 12));
  say("bob again " + std::to_string(static_cast<int>(outcome.remote.status)) + " " + outcome.sha);
  say("server db " + *ws.server("deploy").readFile("main", "apps/db/db.yaml") + " web " + *ws.server("deploy").readFile("main", "apps/web/deploy.yaml"));
  // A branch made on the server and deleted again: fetch brings it, then prunes it.
  ws.server("deploy").createBranch("hotfix", "main");
  alice.fetch();
  say("alice sees hotfix " + alice.remoteHead("hotfix").value_or("-"));
  ws.server("deploy").deleteBranch("hotfix");
  alice.fetch();
  say("alice after prune " + alice.remoteHead("hotfix").value_or("-") + " main " + alice.remoteHead("main").value_or("-"));
  say("alice tags " + std::to_string(alice.repo().tags().size()));
  for (const auto& p : pushes) say("push " + p);
  return out;
}

}  // namespace

TEST_CASE("git: an in-memory workspace tells the same story as one on disk", "[git][memory]") {
  VirtualClock diskClock, memoryClock;
  Workspace disk(diskClock);
  Workspace memory(memoryClock, {}, Storage::Memory);
  const auto onDisk = story(disk);
  const auto inMemory = story(memory);
  REQUIRE(onDisk.size() == inMemory.size());
  for (std::size_t i = 0; i < onDisk.size(); ++i) CHECK(inMemory[i] == onDisk[i]);
  CHECK(memory.storage() == Storage::Memory);
  CHECK(memory.root().empty());
  CHECK(memory.server("deploy").path().empty());
  CHECK_THROWS_WITH(memory.serverPath("deploy"), Catch::Contains("in memory"));
  CHECK_THROWS_WITH(Workspace(memoryClock, "/tmp/somewhere", Storage::Memory), Catch::Contains("no folder"));
}

TEST_CASE("git: the in-memory reference database keeps the file system's rules", "[git][memory]") {
  VirtualClock clock;
  Workspace ws(clock, {}, Storage::Memory);
  Repository& repo = ws.createRepo("app", {{"a", "1"}}, "main", at(0));
  repo.createBranch("team/x", "main");
  // "team" cannot be a branch while "team/x" is one, nor "main/y" while "main" is.
  CHECK_THROWS_WITH(repo.createBranch("team", "main"), Catch::Contains("collides"));
  CHECK_THROWS_WITH(repo.createBranch("main/y", "main"), Catch::Contains("collides"));
  CHECK(repo.branches() == std::vector<std::string>{"main", "team/x"});
  // Forced moves work; deleting what is not there is an error.
  const std::string second = repo.commit(change("a", "2", "two", 1));
  repo.createBranch("team/x", second, /*force=*/true);
  CHECK(repo.resolve("team/x") == second);
  repo.deleteBranch("team/x");
  CHECK_THROWS(repo.deleteBranch("team/x"));
  repo.createBranch("team", "main");  // free again
  CHECK(repo.resolve("team") == second);
  // A push whose server branch moved meanwhile is rejected by compare-and-swap, in memory too.
  Clone& c = ws.clone("ci", "app");
  REQUIRE(c.resetToRemote("main"));
  c.repo().commit(change("a", "3", "three", 2));
  repo.commit(change("a", "4", "four", 3));  // the server moved under the clone
  CHECK(c.push("main").status == RemoteResult::Status::Rejected);
  CHECK(repo.readFile("main", "a") == "4");
}
