// Invariant 3, no lost history (safety, after every step): every push moves a branch
// forward (the old head is an ancestor of the new one: nothing is force-pushed), no
// branch moves without a push being logged, every commit a branch ever had stays
// reachable from it, and each revert (a revert step or a git-revert rollback) is a new
// commit on top of the one it reverts, whose tree at the app's path is that commit's
// parent's.
#include <set>

#include "sim/fuzz/invariants/facts.hpp"
#include "sim/fuzz/invariants/invariant.hpp"

namespace gs::fuzz {

namespace {

class History : public Invariant {
 public:
  History() : Invariant("history") {}

  void started(scenario::RunContext& run) override { afterStep(run, scenario::Step{}); }

  void afterStep(scenario::RunContext& run, const scenario::Step&) override {
    auto& workspace = run.world.workspace();
    forNewEvents(run, cursor_, [&](const Event& e) {
      const std::string repo = e.actor.rfind("git/", 0) == 0 ? e.actor.substr(4) : "";
      if (e.type == "git.init") {
        heads_[repo + "@" + e.details.value("branch", "")] = e.details.value("commit", "");
      } else if (e.type == "git.push") {
        const std::string before = e.details.value("before", "");
        const std::string after = e.details.value("after", "");
        const std::string branch = repo + "@" + e.details.value("branch", "");
        git::Repository& server = workspace.server(repo);
        if (!before.empty() && !server.isAncestor(before, after)) {
          violated("push to " + branch + " moved it from " + before.substr(0, 7) + " to " + after.substr(0, 7) + ", which does not contain it (a force push)");
        }
        heads_[branch] = after;
      } else if (e.type == "rollback" && e.details.value("policy", "") == "git-revert") {
        checkRevert(run, appOfActor(e.actor), e.details.value("from", ""), e.details.value("revert", ""));
      }
    });
    for (const auto& [branchKey, head] : heads_) {
      const auto at = branchKey.find('@');
      git::Repository& server = workspace.server(branchKey.substr(0, at));
      const auto now = server.branchHead(branchKey.substr(at + 1));
      if (!now) violated("branch " + branchKey + " is gone");
      if (*now != head && !server.isAncestor(head, *now)) {
        violated("branch " + branchKey + " moved from " + head.substr(0, 7) + " to " + now->substr(0, 7) + " without a push, losing commits");
      }
      if (*now != head) violated("branch " + branchKey + " moved from " + head.substr(0, 7) + " to " + now->substr(0, 7) + " without a logged push");
    }
  }

 private:
  void checkRevert(scenario::RunContext& run, const std::string& app, const std::string& from, const std::string& revert) {
    const sync::Application* spec = nullptr;
    for (const auto& a : run.world.scenario().world.applications) {
      if (a.name == app) spec = &a;
    }
    if (spec == nullptr || from.empty() || revert.empty()) return;
    git::Repository& server = run.world.workspace().server(spec->repo);
    if (revert == from || !server.isAncestor(from, revert)) {
      violated("the git-revert rollback of app " + app + " made " + revert.substr(0, 7) + ", which is not a new commit on top of " + from.substr(0, 7));
    }
    const git::CommitInfo reverted = server.commitInfo(from);
    const git::CommitInfo made = server.commitInfo(revert);
    if (reverted.parents.size() != 1 || made.parents.empty() || made.parents.front() != from) return;  // reverted under later commits: trees differ
    if (server.treeId(revert, spec->path) != server.treeId(reverted.parents.front(), spec->path)) {
      violated("the git-revert rollback of app " + app + " (" + revert.substr(0, 7) + ") does not restore " + spec->path + " as it was before " +
               from.substr(0, 7));
    }
  }

  std::size_t cursor_ = 0;
  std::map<std::string, std::string> heads_;  // "repo@branch" -> head as of the last logged push
};

}  // namespace

std::unique_ptr<Invariant> makeHistory() { return std::make_unique<History>(); }

}  // namespace gs::fuzz
