// A run's Git world on disk: a folder (a fresh temp folder removed afterwards, or one the
// user names and keeps) holding one bare "server" repository per named repo under
// repos/<name>.git, and the clones actors work in under clones/<actor>/<name>.git.
// Or, for a run nobody will look at afterwards (a fuzz case), the same repositories in
// memory only (Storage::Memory): the same objects, SHAs and refs, no file written.
// A clone shares its server's objects (alternates, as `git clone --shared`) and keeps
// new objects in memory until it pushes; a push does what a Git server's receive-pack
// does: a non-fast-forward is rejected, the missing objects are stored, and the branch
// moves only if it still points where it did. See docs/architecture.md for why this
// replaced libgit2's local transport.
// Failure injection: a repo can be made unavailable until a virtual time; fetch and
// push then fail with a clear message. Push observers are how webhooks are delivered.
// Not thread-safe (a simulation has no threads).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/git/repository.hpp"

namespace gs::git {

// What a fetch or push did.
struct RemoteResult {
  enum class Status { Ok, UpToDate, Rejected, Unavailable } status = Status::Ok;
  std::string message;  // why, for Rejected and Unavailable
  std::string before;   // remote branch head before a push ("" if the branch was new)
  std::string after;    // remote branch head after a push
  bool ok() const { return status == Status::Ok || status == Status::UpToDate; }
};

// A push that moved a branch on a server repo.
struct PushEvent {
  std::string repo;
  std::string branch;
  std::string before;  // "" when the push created the branch
  std::string after;
  std::string actor;
};

class Workspace;

// Where a workspace's repositories live.
enum class Storage { Disk, Memory };

// An actor's clone of one server repo (bare: the simulator builds trees in the object
// database and never checks files out). Its `origin` remote is the server repo, so
// `git fetch` works in it by hand too.
class Clone {
 public:
  Clone(Workspace& workspace, std::string repoName, std::string actor, Repository repo);

  Repository& repo() { return repo_; }
  const std::string& actor() const { return actor_; }
  const std::string& repoName() const { return repoName_; }

  // git fetch origin: updates refs/remotes/origin/* (and tags) from the server.
  RemoteResult fetch();
  // origin/<branch> as of the last fetch.
  std::optional<std::string> remoteHead(const std::string& branch) const;
  // "refs/remotes/origin/<branch>", for revisions that name the server's branches.
  static std::string remoteRef(const std::string& branch) { return "refs/remotes/origin/" + branch; }
  // Points the local branch at origin/<branch> (nothing is checked out, so this is all
  // `git reset --hard origin/<branch>` would do here). False if origin has no such branch.
  bool resetToRemote(const std::string& branch);
  // git push origin <branch>:<branch>, never forced. Rejected when the server's branch
  // has commits this clone does not (non-fast-forward).
  RemoteResult push(const std::string& branch);

  // The usual "someone commits" cycle: fetch, reset to origin, commit, push; on a
  // rejected push (someone else pushed in between) start again, up to `attempts` times.
  // Returns the pushed SHA, or the failed RemoteResult.
  struct CommitOutcome {
    RemoteResult remote;
    std::string sha;
  };
  CommitOutcome commitAndPush(const CommitRequest& request, int attempts = 3);

 private:
  Workspace& workspace_;
  std::string repoName_;
  std::string actor_;
  Repository repo_;
};

class Workspace {
 public:
  using PushObserver = std::function<void(const PushEvent&)>;

  // `root` empty: a fresh folder under the system temp dir, removed on destruction
  // unless keep() is called. A given `root` must be empty or absent (nothing a user
  // wrote is overwritten) and is always kept.
  // Storage::Memory: no folder at all (`root` must be empty); nothing is ever written.
  explicit Workspace(const VirtualClock& clock, std::filesystem::path root = {}, Storage storage = Storage::Disk);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::filesystem::path& root() const { return root_; }  // empty in memory
  Storage storage() const { return storage_; }
  void keep() { keep_ = true; }
  const VirtualClock& clock() const { return clock_; }

  // Creates the bare server repo `name` with one commit holding `files` on `branch`
  // (no commit when `files` is empty). Names are [a-z0-9][a-z0-9._-]*.
  Repository& createRepo(const std::string& name, const std::map<std::string, std::string>& files,
                         const std::string& branch = "main", const Signature& who = {},
                         const std::string& message = "Initial commit");
  bool hasRepo(const std::string& name) const { return servers_.count(name) != 0; }
  // The server repo; throws InvalidInput naming the known repos when there is none.
  Repository& server(const std::string& name);
  std::vector<std::string> repoNames() const;
  // The server repo's folder; throws InvalidInput in memory (there is none).
  std::filesystem::path serverPath(const std::string& name) const;

  // The clone `actor` works in (created and fetched on first use).
  Clone& clone(const std::string& actor, const std::string& repoName);

  // Fault injection: fetches and pushes of `name` fail until virtual time `until`.
  // `until` nullopt: until cleared.
  void setUnavailable(const std::string& name, std::optional<VirtualTime> until, std::string reason = {});
  void clearUnavailable(const std::string& name);
  // The error a fetch or push of `name` gets now, or nullopt when it is reachable.
  std::optional<std::string> unavailability(const std::string& name) const;

  int subscribe(PushObserver observer);
  void unsubscribe(int id);
  void notifyPush(const PushEvent& event);

 private:
  struct Outage {
    std::optional<VirtualTime> until;
    std::string reason;
  };

  const VirtualClock& clock_;
  std::filesystem::path root_;
  Storage storage_ = Storage::Disk;
  bool keep_ = false;
  std::map<std::string, std::unique_ptr<Repository>> servers_;
  std::map<std::pair<std::string, std::string>, std::unique_ptr<Clone>> clones_;
  std::map<std::string, Outage> outages_;
  std::map<int, PushObserver> observers_;
  int nextObserver_ = 1;
};

// Checks a workspace repo name ([a-z0-9][a-z0-9._-]*, at most 100 characters).
void checkRepoName(const std::string& name);

}  // namespace gs::git
