#include "sim/git/workspace.hpp"

#include <cstdlib>
#include <system_error>

#include "sim/core/error.hpp"
#include "sim/git/handle.hpp"

namespace gs::git {

namespace fs = std::filesystem;

namespace {

fs::path makeTempRoot() {
  std::string pattern = (fs::temp_directory_path() / "gitops-sim-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw Error::internal("cannot create a temporary workspace under " + fs::temp_directory_path().string());
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
  git_remote* r = nullptr;
  check(git_remote_lookup(&r, repo_.raw(), "origin"), "look up origin of " + repoName_);
  RemoteHandle remote(r);
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  opts.prune = GIT_FETCH_PRUNE;
  check(git_remote_fetch(remote.get(), nullptr, &opts, "fetch"), "fetch " + repoName_);
  return result;
}

std::optional<std::string> Clone::remoteHead(const std::string& branch) const { return repo_.tryResolve(remoteRef(branch)); }

bool Clone::resetToRemote(const std::string& branch) {
  auto head = remoteHead(branch);
  if (!head) return false;
  repo_.setBranch(branch, *head);
  return true;
}

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
  result.before = server.branchHead(branch).value_or("");
  result.after = *local;
  if (result.before == *local) {
    result.status = RemoteResult::Status::UpToDate;
    return result;
  }
  git_remote* r = nullptr;
  check(git_remote_lookup(&r, repo_.raw(), "origin"), "look up origin of " + repoName_);
  RemoteHandle remote(r);
  const std::string spec = "refs/heads/" + branch + ":refs/heads/" + branch;
  char* specs[] = {const_cast<char*>(spec.c_str())};
  git_strarray refspecs{specs, 1};
  struct Status {
    std::string rejection;
  } status;
  git_push_options opts = GIT_PUSH_OPTIONS_INIT;
  opts.callbacks.payload = &status;
  opts.callbacks.push_update_reference = [](const char* ref, const char* msg, void* payload) -> int {
    if (msg != nullptr) static_cast<Status*>(payload)->rejection = std::string(ref) + ": " + msg;
    return 0;
  };
  int rc = git_remote_push(remote.get(), &refspecs, &opts);
  if (rc == GIT_ENONFASTFORWARD || (rc == 0 && !status.rejection.empty())) {
    result.status = RemoteResult::Status::Rejected;
    result.message = "! [rejected] " + branch + " -> " + branch + " (non-fast-forward): " + repoName_ + "'s " + branch +
                     " has commits this clone does not have; fetch and apply the change again";
    if (!status.rejection.empty()) result.message = "! [remote rejected] " + status.rejection;
    return result;
  }
  check(rc, "push " + branch + " to " + repoName_);
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

Workspace::Workspace(const VirtualClock& clock, fs::path root) : clock_(clock) {
  ensureLibgit2();
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
  clones_.clear();
  servers_.clear();
  if (!keep_) {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
}

fs::path Workspace::serverPath(const std::string& name) const { return root_ / "repos" / (name + ".git"); }

Repository& Workspace::createRepo(const std::string& name, const std::map<std::string, std::string>& files,
                                  const std::string& branch, const Signature& who, const std::string& message) {
  checkRepoName(name);
  if (hasRepo(name)) throw Error::invalid("repository \"" + name + "\" already exists");
  auto repo = std::make_unique<Repository>(Repository::init(serverPath(name), /*bare=*/true, branch));
  if (!files.empty()) {
    CommitRequest initial;
    initial.branch = branch;
    initial.message = message;
    initial.author = who;
    for (const auto& [path, content] : files) initial.changes.push_back({path, content});
    repo->commit(initial);
  }
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
  server(repoName);  // must exist
  const fs::path path = root_ / "clones" / folderName(actor) / (repoName + ".git");
  Repository repo = Repository::init(path, /*bare=*/true);
  git_remote* r = nullptr;
  check(git_remote_create(&r, repo.raw(), "origin", serverPath(repoName).c_str()), "add origin to clone of " + repoName);
  RemoteHandle remote(r);
  auto clone = std::make_unique<Clone>(*this, repoName, actor, std::move(repo));
  clone->fetch();
  return *clones_.emplace(key, std::move(clone)).first->second;
}

void Workspace::setUnavailable(const std::string& name, VirtualTime until, std::string reason) {
  server(name);
  outages_[name] = Outage{until, std::move(reason)};
}

void Workspace::clearUnavailable(const std::string& name) { outages_.erase(name); }

std::optional<std::string> Workspace::unavailability(const std::string& name) const {
  auto it = outages_.find(name);
  if (it == outages_.end() || clock_.now() >= it->second.until) return std::nullopt;
  std::string message = "repository " + name + " is unavailable until " + formatRfc3339(clock_.epochSeconds() + it->second.until.sinceStart.count() / 1000);
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
