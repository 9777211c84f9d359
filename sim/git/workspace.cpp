#include "sim/git/workspace.hpp"

#include <git2/sys/odb_backend.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <system_error>

#include "sim/core/error.hpp"
#include "sim/git/handle.hpp"

namespace gs::git {

namespace fs = std::filesystem;

namespace {

// Scratch workspaces live in memory when they can: $TMPDIR if the user set one, else
// /dev/shm (tmpfs) when it is writable, else the system temp folder. On a disk, each
// loose object costs a few milliseconds of metadata I/O; on tmpfs, microseconds.
fs::path tempParent() {
  if (const char* tmp = std::getenv("TMPDIR"); tmp != nullptr && *tmp != '\0') return tmp;
  std::error_code ec;
  if (fs::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0) return "/dev/shm";
  return fs::temp_directory_path();
}

fs::path makeTempRoot() {
  const fs::path parent = tempParent();
  std::string pattern = (parent / "gitops-sim-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw Error::internal("cannot create a temporary workspace under " + parent.string());
  return fs::path(pattern);
}

// Actor names become folder names: keep [A-Za-z0-9._-], map the rest to '-'.
std::string folderName(const std::string& actor) {
  std::string out;
  for (char c : actor) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out += ok ? c : '-';
  }
  if (out.empty() || out.front() == '.') out = "_" + out;
  return out;
}

}  // namespace

void checkRepoName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 100 && ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9'));
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  }
  if (!ok || name.find("..") != std::string::npos) {
    throw Error::invalid("invalid repository name \"" + name + "\": use lower-case letters, digits, '.', '_' and '-'");
  }
}

// -- Clone ----------------------------------------------------------------------------

Clone::Clone(Workspace& workspace, std::string repoName, std::string actor, Repository repo)
    : workspace_(workspace), repoName_(std::move(repoName)), actor_(std::move(actor)), repo_(std::move(repo)) {}

RemoteResult Clone::fetch() {
  RemoteResult result;
  if (auto down = workspace_.unavailability(repoName_)) {
    result.status = RemoteResult::Status::Unavailable;
    result.message = *down;
    return result;
  }
  // The clone shares the server's objects (alternates, as `git clone --shared`), so a
  // fetch only has to bring the server's branches and tags over as origin/* refs.
  Repository& server = workspace_.server(repoName_);
  std::set<std::string> live;
  for (const auto& branch : server.branches()) {
    const std::string ref = remoteRef(branch);
    live.insert(ref);
    git_oid oid, current;
    check(git_oid_fromstr(&oid, server.branchHead(branch)->c_str()), "parse branch head");
    if (git_reference_name_to_id(&current, repo_.raw(), ref.c_str()) == 0 && git_oid_equal(&oid, &current)) continue;
    git_reference* out = nullptr;
    check(git_reference_create(&out, repo_.raw(), ref.c_str(), &oid, 1, "fetch"), "update " + ref);
    ReferenceHandle owned(out);
  }
  for (const auto& tag : server.tags()) {
    const std::string ref = "refs/tags/" + tag;
    git_oid oid, current;
    if (git_reference_name_to_id(&oid, server.raw(), ref.c_str()) < 0) continue;
    if (git_reference_name_to_id(&current, repo_.raw(), ref.c_str()) == 0) continue;  // tags do not move
    git_reference* out = nullptr;
    if (git_reference_create(&out, repo_.raw(), ref.c_str(), &oid, 0, "fetch") == 0) ReferenceHandle owned(out);
  }
  // Prune origin/* branches the server no longer has.
  git_reference_iterator* it = nullptr;
  check(git_reference_iterator_glob_new(&it, repo_.raw(), "refs/remotes/origin/*"), "list remote branches");
  GitHandle<git_reference_iterator, git_reference_iterator_free> iter(it);
  std::vector<std::string> stale;
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, iter.get()) == 0) {
    ReferenceHandle owned(ref);
    if (live.count(git_reference_name(owned.get())) == 0) stale.emplace_back(git_reference_name(owned.get()));
  }
  for (const auto& name : stale) git_reference_remove(repo_.raw(), name.c_str());
  return result;
}

std::optional<std::string> Clone::remoteHead(const std::string& branch) const { return repo_.tryResolve(remoteRef(branch)); }

bool Clone::resetToRemote(const std::string& branch) {
  auto head = remoteHead(branch);
  if (!head) return false;
  repo_.setBranch(branch, *head);
  return true;
}

namespace {

// Copies `oid` and what it references from the clone's in-memory objects to the
// server's object database. Objects not in memory are already shared with the server.
void copyToServer(git_repository* clone, git_odb_backend* memory, git_odb* cloneOdb, git_odb* serverOdb, const git_oid& oid) {
  if (memory == nullptr || !memory->exists(memory, &oid) || git_odb_exists(serverOdb, &oid)) return;
  git_odb_object* raw = nullptr;
  check(git_odb_read(&raw, cloneOdb, &oid), "read object to push");
  OdbObjectHandle object(raw);
  const git_object_t type = git_odb_object_type(object.get());
  if (type == GIT_OBJECT_COMMIT) {
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, clone, &oid), "read commit to push");
    CommitHandle commit(c);
    copyToServer(clone, memory, cloneOdb, serverOdb, *git_commit_tree_id(commit.get()));
  } else if (type == GIT_OBJECT_TREE) {
    git_tree* t = nullptr;
    check(git_tree_lookup(&t, clone, &oid), "read tree to push");
    TreeHandle tree(t);
    for (std::size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
      if (git_tree_entry_type(entry) != GIT_OBJECT_COMMIT) copyToServer(clone, memory, cloneOdb, serverOdb, *git_tree_entry_id(entry));
    }
  } else if (type == GIT_OBJECT_TAG) {
    git_tag* t = nullptr;
    check(git_tag_lookup(&t, clone, &oid), "read tag to push");
    TagHandle tag(t);
    copyToServer(clone, memory, cloneOdb, serverOdb, *git_tag_target_id(tag.get()));
  }
  git_oid written;
  check(git_odb_write(&written, serverOdb, git_odb_object_data(object.get()), git_odb_object_size(object.get()), type), "push object");
}

}  // namespace

RemoteResult Clone::push(const std::string& branch) {
  RemoteResult result;
  if (auto down = workspace_.unavailability(repoName_)) {
    result.status = RemoteResult::Status::Unavailable;
    result.message = *down;
    return result;
  }
  auto local = repo_.branchHead(branch);
  if (!local) throw Error::invalid("cannot push " + branch + " of " + repoName_ + ": the clone has no such branch");
  Repository& server = workspace_.server(repoName_);
  const std::string ref = "refs/heads/" + branch;
  result.before = server.branchHead(branch).value_or("");
  result.after = *local;
  if (result.before == *local) {
    result.status = RemoteResult::Status::UpToDate;
    return result;
  }
  git_odb *cloneRaw = nullptr, *serverRaw = nullptr;
  check(git_repository_odb(&cloneRaw, repo_.raw()), "open clone objects");
  OdbHandle cloneOdb(cloneRaw);
  check(git_repository_odb(&serverRaw, server.raw()), "open server objects");
  OdbHandle serverOdb(serverRaw);
  git_oid localOid, beforeOid;
  check(git_oid_fromstr(&localOid, local->c_str()), "parse head");
  if (!result.before.empty()) check(git_oid_fromstr(&beforeOid, result.before.c_str()), "parse server head");

  // The commits the server lacks: walk back from the local head until commits the
  // server has (the boundary). Neither a revision walk nor a merge-base search is
  // needed: both would scan the whole history on every push.
  std::vector<git_oid> missing;
  std::vector<git_oid> stack{localOid};
  std::set<std::string> seen;
  bool boundaryHasBefore = result.before.empty();
  while (!stack.empty()) {
    git_oid oid = stack.back();
    stack.pop_back();
    if (!seen.insert(oidHex(oid)).second) continue;
    if (git_odb_exists(serverOdb.get(), &oid)) {
      boundaryHasBefore = boundaryHasBefore || git_oid_equal(&oid, &beforeOid);
      continue;
    }
    missing.push_back(oid);
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, repo_.raw(), &oid), "read commit to push");
    CommitHandle commit(c);
    for (unsigned i = 0; i < git_commit_parentcount(commit.get()); ++i) stack.push_back(*git_commit_parent_id(commit.get(), i));
  }
  // What a Git server's receive-pack does: refuse a non-fast-forward, store the
  // objects, then move the ref only if it still points where it did (compare-and-swap).
  // The full ancestry check runs only in the rare case the boundary does not settle it.
  if (!boundaryHasBefore && !repo_.isAncestor(result.before, *local)) {
    result.status = RemoteResult::Status::Rejected;
    result.message = "! [rejected] " + branch + " -> " + branch + " (non-fast-forward): " + repoName_ + "'s " + branch +
                     " has commits this clone does not have; fetch and apply the change again";
    return result;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    copyToServer(repo_.raw(), repo_.memoryBackend(), cloneOdb.get(), serverOdb.get(), *it);
  }
  git_reference* updated = nullptr;
  const std::string log = "push by " + actor_;
  int rc = result.before.empty()
               ? git_reference_create(&updated, server.raw(), ref.c_str(), &localOid, 0, log.c_str())
               : git_reference_create_matching(&updated, server.raw(), ref.c_str(), &localOid, 1, &beforeOid, log.c_str());
  server.forgetResolves();
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) {
    result.status = RemoteResult::Status::Rejected;
    result.message = "! [remote rejected] " + branch + " -> " + branch + " (cannot lock ref '" + ref + "': it moved during the push)";
    return result;
  }
  check(rc, "update " + ref + " on " + repoName_);
  ReferenceHandle owned(updated);
  git_reference* tracking = nullptr;
  check(git_reference_create(&tracking, repo_.raw(), remoteRef(branch).c_str(), &localOid, 1, "push"), "update remote-tracking ref");
  ReferenceHandle trackingOwned(tracking);
  workspace_.notifyPush(PushEvent{repoName_, branch, result.before, result.after, actor_});
  return result;
}

Clone::CommitOutcome Clone::commitAndPush(const CommitRequest& request, int attempts) {
  CommitOutcome outcome;
  for (int attempt = 0; attempt < std::max(1, attempts); ++attempt) {
    outcome.remote = fetch();
    if (outcome.remote.status == RemoteResult::Status::Unavailable) return outcome;
    if (!resetToRemote(request.branch)) {
      // A new branch: start it from nothing only if the server has no such branch.
      if (repo_.branchHead(request.branch)) repo_.deleteBranch(request.branch);
    }
    outcome.sha = repo_.commit(request);
    outcome.remote = push(request.branch);
    if (outcome.remote.status != RemoteResult::Status::Rejected) return outcome;
  }
  outcome.sha.clear();
  return outcome;
}

// -- Workspace ------------------------------------------------------------------------

Workspace::Workspace(const VirtualClock& clock, fs::path root, Storage storage) : clock_(clock), storage_(storage) {
  ensureLibgit2();
  if (storage_ == Storage::Memory) {
    if (!root.empty()) throw Error::invalid("an in-memory workspace has no folder (given " + root.string() + ")");
    return;
  }
  if (root.empty()) {
    root_ = makeTempRoot();
    return;
  }
  std::error_code ec;
  if (fs::exists(root, ec) && !fs::is_empty(root, ec)) {
    throw Error::invalid("workspace folder " + root.string() + " is not empty: give an empty or new folder (nothing in it is overwritten)");
  }
  fs::create_directories(root, ec);
  if (ec) throw Error::invalid("cannot create workspace folder " + root.string() + ": " + ec.message());
  root_ = fs::absolute(root);
  keep_ = true;
}

Workspace::~Workspace() {
  if (!keep_) {
    // Everything is deleted below: writing the clones' in-memory objects to disk first
    // would be wasted work (a large share of tearing down a big world).
    for (auto& [key, clone] : clones_) clone->repo().discardMemoryWrites();
  }
  clones_.clear();
  servers_.clear();
  if (!keep_ && storage_ == Storage::Disk) {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
}

fs::path Workspace::serverPath(const std::string& name) const {
  if (storage_ == Storage::Memory) throw Error::invalid("repository \"" + name + "\" is in memory: it has no folder");
  return root_ / "repos" / (name + ".git");
}

Repository& Workspace::createRepo(const std::string& name, const std::map<std::string, std::string>& files,
                                  const std::string& branch, const Signature& who, const std::string& message) {
  checkRepoName(name);
  if (hasRepo(name)) throw Error::invalid("repository \"" + name + "\" already exists");
  auto repo = std::make_unique<Repository>(storage_ == Storage::Memory ? Repository::inMemory(name + ".git", branch)
                                                                       : Repository::init(serverPath(name), /*bare=*/true, branch));
  if (!files.empty()) {
    CommitRequest initial;
    initial.branch = branch;
    initial.message = message;
    initial.author = who;
    for (const auto& [path, content] : files) initial.changes.push_back({path, content});
    repo->commit(initial);
  }
  // Server repos are written only through this workspace (commits, pushes, branch and
  // tag operations), which tells them when a ref moves: they may remember resolutions.
  repo->cacheResolves();
  return *servers_.emplace(name, std::move(repo)).first->second;
}

Repository& Workspace::server(const std::string& name) {
  auto it = servers_.find(name);
  if (it == servers_.end()) {
    std::string known;
    for (const auto& [n, _] : servers_) known += (known.empty() ? "" : ", ") + n;
    throw Error::invalid("no repository named \"" + name + "\" (known: " + (known.empty() ? "none" : known) + ")");
  }
  return *it->second;
}

std::vector<std::string> Workspace::repoNames() const {
  std::vector<std::string> out;
  for (const auto& [n, _] : servers_) out.push_back(n);
  return out;
}

Clone& Workspace::clone(const std::string& actor, const std::string& repoName) {
  auto key = std::make_pair(actor, repoName);
  if (auto it = clones_.find(key); it != clones_.end()) return *it->second;
  Repository& origin = server(repoName);
  if (storage_ == Storage::Memory) {
    auto clone = std::make_unique<Clone>(*this, repoName, actor, Repository::inMemory(repoName + ".git", "main", &origin));
    clone->fetch();
    return *clones_.emplace(key, std::move(clone)).first->second;
  }
  const fs::path path = root_ / "clones" / folderName(actor) / (repoName + ".git");
  // Objects are shared with the server, as `git clone --shared` does: the clone's
  // objects/info/alternates names the server's object folder. The `origin` remote is
  // written into the config as git would write it (git_remote_create leaks in libgit2
  // 1.5's config regex code, so the file is written directly).
  Repository repo = Repository::initBare(
      path, "main", "[remote \"origin\"]\n\turl = " + serverPath(repoName).string() + "\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
      {serverPath(repoName) / "objects"});
  repo.keepWritesInMemory();
  auto clone = std::make_unique<Clone>(*this, repoName, actor, std::move(repo));
  clone->fetch();
  return *clones_.emplace(key, std::move(clone)).first->second;
}

void Workspace::setUnavailable(const std::string& name, std::optional<VirtualTime> until, std::string reason) {
  server(name);
  outages_[name] = Outage{until, std::move(reason)};
}

void Workspace::clearUnavailable(const std::string& name) { outages_.erase(name); }

std::optional<std::string> Workspace::unavailability(const std::string& name) const {
  auto it = outages_.find(name);
  if (it == outages_.end() || (it->second.until && clock_.now() >= *it->second.until)) return std::nullopt;
  std::string message = "repository " + name + " is unavailable";
  if (it->second.until) message += " until " + formatRfc3339(clock_.epochSeconds() + it->second.until->sinceStart.count() / 1000);
  if (!it->second.reason.empty()) message += ": " + it->second.reason;
  return message;
}

int Workspace::subscribe(PushObserver observer) {
  int id = nextObserver_++;
  observers_.emplace(id, std::move(observer));
  return id;
}

void Workspace::unsubscribe(int id) { observers_.erase(id); }

void Workspace::notifyPush(const PushEvent& event) {
  // Copy: an observer may subscribe or unsubscribe while being notified.
  auto observers = observers_;
  for (auto& [_, observer] : observers) observer(event);
}

}  // namespace gs::git
