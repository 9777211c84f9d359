#include "sim/git/repository.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>

#include "sim/core/error.hpp"
#include "sim/git/handle.hpp"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/refdb_backend.h>
#include <git2/sys/repository.h>

#include "sim/git/memory_backends.hpp"

#include <utility>

namespace gs::git {

namespace {

git_oid parseOid(const std::string& hex) {
  git_oid oid;
  check(git_oid_fromstr(&oid, hex.c_str()), "parse object id " + hex);
  return oid;
}

SignatureHandle makeSignature(const Signature& s) {
  git_signature* raw = nullptr;
  if (git_signature_new(&raw, s.name.c_str(), s.email.c_str(), s.time, s.offsetMinutes) < 0) {
    throw Error::invalid("invalid git identity \"" + s.name + " <" + s.email + ">\": " + lastGitError());
  }
  return SignatureHandle(raw);
}

// git's cleanup of a commit message: trailing whitespace removed, one final newline.
std::string cleanMessage(const std::string& message) {
  std::string out = message;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t' || out.back() == '\r')) out.pop_back();
  if (out.empty()) throw Error::invalid("a commit needs a message");
  return out + "\n";
}

std::string summaryOf(const std::string& message) {
  auto nl = message.find('\n');
  return nl == std::string::npos ? message : message.substr(0, nl);
}

std::string refForBranch(const std::string& branch) { return "refs/heads/" + branch; }

// The paths a merged index has conflicts in.
std::vector<std::string> conflictPaths(git_index* index) {
  std::vector<std::string> paths;
  git_index_conflict_iterator* it = nullptr;
  check(git_index_conflict_iterator_new(&it, index), "list conflicts");
  GitHandle<git_index_conflict_iterator, git_index_conflict_iterator_free> iter(it);
  const git_index_entry *ancestor = nullptr, *our = nullptr, *their = nullptr;
  while (git_index_conflict_next(&ancestor, &our, &their, iter.get()) == 0) {
    const git_index_entry* any = our != nullptr ? our : their != nullptr ? their : ancestor;
    paths.emplace_back(any->path);
  }
  return paths;
}

void checkRefName(const std::string& name, const char* what) {
  std::string full = std::string(what) == "tag" ? "refs/tags/" + name : refForBranch(name);
  int valid = 0;
  if (name.empty() || git_reference_name_is_valid(&valid, full.c_str()) < 0 || !valid) {
    throw Error::invalid("invalid " + std::string(what) + " name \"" + name + "\"");
  }
}

}  // namespace

const TreeFile* TreeSnapshot::find(const std::string& path) const {
  auto it = std::lower_bound(files.begin(), files.end(), path, [](const TreeFile& f, const std::string& p) { return f.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

bool isValidBranchName(std::string_view name) {
  ensureLibgit2();
  int valid = 0;
  const std::string ref = "refs/heads/" + std::string(name);
  return !name.empty() && name.find('\0') == std::string_view::npos && git_reference_name_is_valid(&valid, ref.c_str()) == 0 && valid != 0;
}

void checkRepoPath(std::string_view path) {
  auto bad = [&](const char* why) { throw Error::invalid("invalid repository path \"" + std::string(path) + "\": " + why); };
  if (path.empty()) bad("empty");
  if (path.front() == '/') bad("must be relative");
  if (path.back() == '/') bad("names a directory, not a file");
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    std::string_view part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty()) bad("empty path component");
    if (part == "." || part == "..") bad("\".\" and \"..\" are not allowed");
    if (part == ".git") bad("\".git\" is reserved");
    if (part.find('\0') != std::string_view::npos) bad("NUL byte");
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

void Repository::RepoDeleter::operator()(git_repository* r) const { git_repository_free(r); }

Repository::Repository(std::unique_ptr<git_repository, RepoDeleter> repo, std::filesystem::path path)
    : repo_(std::move(repo)), path_(std::move(path)) {}
Repository::Repository(Repository&& other) noexcept
    : repo_(std::move(other.repo_)),
      memory_(std::exchange(other.memory_, nullptr)),
      memoryDirty_(std::exchange(other.memoryDirty_, false)),
      inMemory_(other.inMemory_),
      path_(std::move(other.path_)),
      label_(std::move(other.label_)),
      treeCache_(std::move(other.treeCache_)),
      cacheHits_(other.cacheHits_),
      cacheResolves_(other.cacheResolves_),
      resolved_(std::move(other.resolved_)) {}

Repository& Repository::operator=(Repository&& other) noexcept {
  if (this == &other) return *this;
  try {
    flushMemoryWrites();
  } catch (const std::exception&) {
  }
  repo_ = std::move(other.repo_);
  memory_ = std::exchange(other.memory_, nullptr);
  memoryDirty_ = std::exchange(other.memoryDirty_, false);
  inMemory_ = other.inMemory_;
  path_ = std::move(other.path_);
  label_ = std::move(other.label_);
  treeCache_ = std::move(other.treeCache_);
  cacheHits_ = other.cacheHits_;
  cacheResolves_ = other.cacheResolves_;
  resolved_ = std::move(other.resolved_);
  return *this;
}

Repository::~Repository() {
  if (repo_ == nullptr) return;
  try {
    flushMemoryWrites();
  } catch (const std::exception&) {
    // A destructor cannot report it; the objects were pushed or are scratch anyway.
  }
}

void Repository::keepWritesInMemory() {
  if (memory_ != nullptr) return;
  git_odb* rawOdb = nullptr;
  check(git_repository_odb(&rawOdb, raw()), "open object database");
  OdbHandle odb(rawOdb);
  git_odb_backend* backend = nullptr;
  check(git_mempack_new(&backend), "create in-memory object store");
  if (git_odb_add_backend(odb.get(), backend, 999) < 0) {
    backend->free(backend);
    check(-1, "add in-memory object store");
  }
  memory_ = backend;
}

void Repository::flushMemoryWrites() {
  if (memory_ == nullptr || !memoryDirty_ || inMemory_) return;
  git_buf pack = GIT_BUF_INIT;
  check(git_mempack_dump(&pack, raw(), memory_), "pack in-memory objects");
  GitHandle<git_buf, git_buf_dispose> packOwner(&pack);
  git_odb* rawOdb = nullptr;
  check(git_repository_odb(&rawOdb, raw()), "open object database");
  OdbHandle odb(rawOdb);
  git_odb_writepack* writer = nullptr;
  check(git_odb_write_pack(&writer, odb.get(), nullptr, nullptr), "write pack");
  git_indexer_progress stats{};
  int rc = writer->append(writer, pack.ptr, pack.size, &stats);
  if (rc == 0) rc = writer->commit(writer, &stats);
  writer->free(writer);
  check(rc, "write pack");
  check(git_mempack_reset(memory_), "reset in-memory object store");
  memoryDirty_ = false;
}

namespace {

// A bare repository's files, written directly: what `git init --bare` leaves minus the
// samples (description, hooks/, info/exclude). libgit2's init probes the file system
// (file modes, symlinks, case) and rewrites the config once per setting, about 300 system
// calls; a simulation creates several repositories per world, so this takes a dozen.
void writeBareRepository(const std::filesystem::path& path, const std::string& defaultBranch, const std::string& extraConfig,
                         const std::vector<std::filesystem::path>& alternates) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path / "HEAD", ec)) throw Error::invalid("init " + path.string() + ": a repository already exists there");
  for (const char* folder : {"objects/info", "objects/pack", "refs/heads", "refs/tags"}) {
    fs::create_directories(path / folder, ec);
    if (ec) throw Error::internal("init " + path.string() + ": " + ec.message());
  }
  const auto write = [&](const char* name, const std::string& text) {
    std::ofstream out(path / name, std::ios::binary);
    out << text;
    if (!out.flush()) throw Error::internal("init " + path.string() + ": cannot write " + name);
  };
  write("HEAD", "ref: refs/heads/" + defaultBranch + "\n");
  write("config", "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n" + extraConfig);
  if (!alternates.empty()) {
    std::string lines;
    for (const auto& folder : alternates) lines += folder.string() + "\n";
    write("objects/info/alternates", lines);
  }
}

}  // namespace

Repository Repository::init(const std::filesystem::path& path, bool bare, const std::string& defaultBranch) {
  if (bare) return initBare(path, defaultBranch);
  ensureLibgit2();
  checkRefName(defaultBranch, "branch");
  git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
  opts.initial_head = defaultBranch.c_str();
  git_repository* raw = nullptr;
  check(git_repository_init_ext(&raw, path.c_str(), &opts), "init " + path.string());
  // A fixed identity for ref-update logs, so no update reads the user's git config.
  check(git_repository_set_ident(raw, "gitops-sim", "gitops-sim@example.invalid"), "set identity");
  return Repository(std::unique_ptr<git_repository, RepoDeleter>(raw), path);
}

Repository Repository::initBare(const std::filesystem::path& path, const std::string& defaultBranch, const std::string& extraConfig,
                                const std::vector<std::filesystem::path>& alternates) {
  ensureLibgit2();
  checkRefName(defaultBranch, "branch");
  writeBareRepository(path, defaultBranch, extraConfig, alternates);
  return open(path);
}

Repository Repository::open(const std::filesystem::path& path) {
  ensureLibgit2();
  git_repository* raw = nullptr;
  check(git_repository_open(&raw, path.c_str()), "open " + path.string());
  check(git_repository_set_ident(raw, "gitops-sim", "gitops-sim@example.invalid"), "set identity");
  return Repository(std::unique_ptr<git_repository, RepoDeleter>(raw), path);
}

Repository Repository::inMemory(const std::string& label, const std::string& defaultBranch, const Repository* sharesObjectsOf) {
  ensureLibgit2();
  checkRefName(defaultBranch, "branch");
  git_repository* raw = nullptr;
  check(git_repository_new(&raw), "create in-memory repository " + label);
  std::unique_ptr<git_repository, RepoDeleter> repo(raw);

  git_odb* rawOdb = nullptr;
  check(git_odb_new(&rawOdb), "create object database");
  OdbHandle odb(rawOdb);
  git_odb_backend* memory = newMemoryOdb();
  if (int rc = git_odb_add_backend(odb.get(), memory, 999); rc < 0) {
    memory->free(memory);
    check(rc, "add in-memory object store");
  }
  if (sharesObjectsOf != nullptr) {
    git_odb* source = nullptr;
    check(git_repository_odb(&source, sharesObjectsOf->raw()), "open shared objects");
    git_odb_backend* reader = newOdbReader(source);
    if (int rc = git_odb_add_backend(odb.get(), reader, 1); rc < 0) {
      reader->free(reader);
      check(rc, "share objects");
    }
  }
  check(git_repository_set_odb(repo.get(), odb.get()), "set object database");

  git_refdb* rawRefdb = nullptr;
  check(git_refdb_new(&rawRefdb, repo.get()), "create reference database");
  GitHandle<git_refdb, git_refdb_free> refdb(rawRefdb);
  git_refdb_backend* refs = newMemoryRefdb(defaultBranch.c_str());
  if (int rc = git_refdb_set_backend(refdb.get(), refs); rc < 0) {
    refs->free(refs);
    check(rc, "set reference database");
  }
  check(git_repository_set_refdb(repo.get(), refdb.get()), "set reference database");

  // An empty configuration: nothing to read, nothing from the user's files.
  git_config* rawConfig = nullptr;
  check(git_config_new(&rawConfig), "create configuration");
  GitHandle<git_config, git_config_free> config(rawConfig);
  check(git_repository_set_config(repo.get(), config.get()), "set configuration");
  check(git_repository_set_ident(repo.get(), "gitops-sim", "gitops-sim@example.invalid"), "set identity");

  Repository result(std::move(repo), {});
  result.memory_ = memory;
  result.inMemory_ = true;
  result.label_ = label;
  return result;
}

std::string Repository::name() const { return inMemory_ ? label_ : path_.filename().string(); }

// -- writing --------------------------------------------------------------------------

std::string Repository::writeObject(std::string_view data, int type) {
  git_oid oid;
  const auto objectType = static_cast<git_object_t>(type);
  if (memory_ != nullptr) {
    // Straight into memory: git_odb_write would first probe every backend (and the
    // server's, through alternates) on disk to "freshen" an existing copy.
    check(git_odb_hash(&oid, data.data(), data.size(), objectType), "hash object");
    check(memory_->write(memory_, &oid, data.data(), data.size(), objectType), "write object");
    memoryDirty_ = true;
    return oidHex(oid);
  }
  git_odb* rawOdb = nullptr;
  check(git_repository_odb(&rawOdb, raw()), "open object database");
  OdbHandle odb(rawOdb);
  check(git_odb_write(&oid, odb.get(), data.data(), data.size(), objectType), "write object");
  return oidHex(oid);
}

std::string Repository::writeCommit(const std::string& branch, const std::string& treeId,
                                    const std::vector<std::string>& parents, const std::string& message,
                                    const Signature& author, const Signature& committer) {
  git_oid treeOid = parseOid(treeId);
  git_tree* treeRaw = nullptr;
  check(git_tree_lookup(&treeRaw, raw(), &treeOid), "look up tree");
  TreeHandle tree(treeRaw);
  std::vector<CommitHandle> parentHandles;
  std::vector<const git_commit*> parentPtrs;
  for (const auto& p : parents) {
    git_oid oid = parseOid(p);
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, raw(), &oid), "look up parent commit");
    parentHandles.emplace_back(c);
    parentPtrs.push_back(c);
  }
  auto a = makeSignature(author);
  auto c = makeSignature(committer);
  const std::string text = cleanMessage(message);
  git_buf buffer = GIT_BUF_INIT;
  check(git_commit_create_buffer(&buffer, raw(), a.get(), c.get(), nullptr, text.c_str(), tree.get(), parentPtrs.size(),
                                 parentPtrs.data()),
        "format commit");
  GitHandle<git_buf, git_buf_dispose> owned(&buffer);
  const std::string sha = writeObject(std::string_view(buffer.ptr, buffer.size), GIT_OBJECT_COMMIT);
  // Move the branch only from the first parent (compare-and-swap), as git commit does.
  git_oid oid = parseOid(sha);
  const std::string ref = refForBranch(branch);
  git_reference* out = nullptr;
  int rc = 0;
  if (parents.empty()) {
    rc = git_reference_create(&out, raw(), ref.c_str(), &oid, 0, "commit (initial)");
  } else {
    git_oid expected = parseOid(parents.front());
    rc = git_reference_create_matching(&out, raw(), ref.c_str(), &oid, 1, &expected, "commit");
  }
  forgetResolves();
  if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS) throw Error::invalid("branch " + branch + " of " + name() + " moved during the commit");
  check(rc, "update " + ref);
  ReferenceHandle refOwned(out);
  return sha;
}

namespace {

struct TreeEntry {
  git_filemode_t mode;
  git_oid oid;
};

// Git's tree order without building strings: names compare bytewise, a directory as if
// its name ended in '/'.
bool gitTreeOrder(const std::string& a, bool aDir, const std::string& b, bool bDir) {
  const std::size_t n = std::min(a.size(), b.size());
  if (int c = std::memcmp(a.data(), b.data(), n); c != 0) return c < 0;
  const unsigned char ca = a.size() > n ? static_cast<unsigned char>(a[n]) : aDir ? '/' : 0;
  const unsigned char cb = b.size() > n ? static_cast<unsigned char>(b[n]) : bDir ? '/' : 0;
  return ca < cb;
}

}  // namespace

std::optional<std::string> Repository::updateTree(const git_tree* base, const std::map<std::string, const FileChange*>& changes,
                                                  const std::string& prefix, const std::string& branch) {
  std::map<std::string, TreeEntry> entries;
  if (base != nullptr) {
    for (std::size_t i = 0; i < git_tree_entrycount(base); ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(base, i);
      entries[git_tree_entry_name(e)] = TreeEntry{git_tree_entry_filemode(e), *git_tree_entry_id(e)};
    }
  }
  auto bad = [&](const std::string& path, const std::string& why) -> void {
    throw Error::invalid("cannot commit to " + name() + " (branch " + branch + "): \"" + prefix + path + "\" " + why);
  };
  std::map<std::string, std::map<std::string, const FileChange*>> subdirs;
  for (const auto& [path, change] : changes) {
    auto slash = path.find('/');
    if (slash != std::string::npos) {
      subdirs[path.substr(0, slash)][path.substr(slash + 1)] = change;
      continue;
    }
    auto existing = entries.find(path);
    if (existing != entries.end() && existing->second.mode == GIT_FILEMODE_TREE) bad(path, "is a directory");
    if (change->content) {
      git_oid oid = parseOid(writeObject(*change->content, GIT_OBJECT_BLOB));
      git_filemode_t mode = existing != entries.end() ? existing->second.mode : GIT_FILEMODE_BLOB;
      entries[path] = TreeEntry{mode, oid};
    } else {
      if (existing == entries.end()) bad(path, "does not exist (no such file to delete)");
      entries.erase(existing);
    }
  }
  for (const auto& [dir, sub] : subdirs) {
    auto existing = entries.find(dir);
    TreeHandle subtree;
    if (existing != entries.end()) {
      if (existing->second.mode != GIT_FILEMODE_TREE) bad(dir, "is a file, not a directory");
      git_tree* t = nullptr;
      check(git_tree_lookup(&t, raw(), &existing->second.oid), "read tree");
      subtree.reset(t);
    }
    auto written = updateTree(subtree.get(), sub, prefix + dir + "/", branch);
    if (written) {
      entries[dir] = TreeEntry{GIT_FILEMODE_TREE, parseOid(*written)};
    } else {
      entries.erase(dir);
    }
  }
  if (entries.empty() && !prefix.empty()) return std::nullopt;  // git has no empty subdirectories
  // Git's tree order: bytewise by name, a directory compared as if its name ended in '/'.
  std::vector<const std::pair<const std::string, TreeEntry>*> order;
  for (const auto& e : entries) order.push_back(&e);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) {
    return gitTreeOrder(a->first, a->second.mode == GIT_FILEMODE_TREE, b->first, b->second.mode == GIT_FILEMODE_TREE);
  });
  std::string buffer;
  for (const auto* e : order) {
    char mode[16];
    std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(e->second.mode));
    buffer += mode;
    buffer += ' ';
    buffer += e->first;
    buffer += '\0';
    buffer.append(reinterpret_cast<const char*>(e->second.oid.id), GIT_OID_RAWSZ);
  }
  return writeObject(buffer, GIT_OBJECT_TREE);
}

std::string Repository::commit(const CommitRequest& request) {
  checkRefName(request.branch, "branch");
  auto parent = branchHead(request.branch);
  TreeHandle base;
  if (parent) {
    git_oid oid = parseOid(*parent);
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, raw(), &oid), "look up branch head");
    CommitHandle head(c);
    git_tree* t = nullptr;
    check(git_commit_tree(&t, head.get()), "read head tree");
    base.reset(t);
  }

  // The last change to a path wins, as successive writes to one file would.
  std::map<std::string, const FileChange*> byPath;
  for (const auto& change : request.changes) {
    checkRepoPath(change.path);
    byPath[change.path] = &change;
  }
  const std::string treeId = *updateTree(base.get(), byPath, "", request.branch);
  if (!request.allowEmpty && parent && treeId == oidHex(*git_tree_id(base.get()))) {
    throw Error::invalid("nothing to commit on " + name() + " branch " + request.branch + ": the files already have that content");
  }
  std::vector<std::string> parents;
  if (parent) parents.push_back(*parent);
  return writeCommit(request.branch, treeId, parents, request.message, request.author,
                     request.committer.value_or(request.author));
}

void Repository::createBranch(const std::string& branch, std::string_view revision, bool force) {
  checkRefName(branch, "branch");
  if (!force && branchHead(branch)) throw Error::invalid("branch \"" + branch + "\" already exists in " + name());
  git_oid oid = parseOid(resolve(revision));
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, raw(), &oid), "look up commit");
  CommitHandle target(c);
  git_reference* ref = nullptr;
  const int rc = git_branch_create(&ref, raw(), branch.c_str(), target.get(), force ? 1 : 0);
  forgetResolves();
  check(rc, "create branch " + branch);
  ReferenceHandle owned(ref);
}

void Repository::deleteBranch(const std::string& branch) {
  git_reference* ref = nullptr;
  if (git_branch_lookup(&ref, raw(), branch.c_str(), GIT_BRANCH_LOCAL) < 0) {
    throw Error::invalid("no branch \"" + branch + "\" in " + name());
  }
  ReferenceHandle owned(ref);
  if (git_branch_is_head(owned.get()) == 1) {
    throw Error::invalid("cannot delete branch \"" + branch + "\" of " + name() + ": it is the current HEAD of the repository");
  }
  // What git_branch_delete does, minus dropping the branch's config section (simulated
  // repositories have none, and libgit2 1.5 leaks the regex match data of that search).
  const std::string refName = git_reference_name(owned.get());
  const int rc = git_reference_delete(owned.get());
  forgetResolves();
  check(rc, "delete branch " + branch);
  git_reflog_delete(raw(), refName.c_str());
}

void Repository::setBranch(const std::string& branch, std::string_view revision) {
  checkRefName(branch, "branch");
  git_oid oid = parseOid(resolve(revision));
  git_reference* ref = nullptr;
  const int rc = git_reference_create(&ref, raw(), refForBranch(branch).c_str(), &oid, 1, "gitops-sim: set branch");
  forgetResolves();
  check(rc, "set branch " + branch);
  ReferenceHandle owned(ref);
}

void Repository::tag(const std::string& tagName, std::string_view revision, const std::optional<std::string>& message,
                     const Signature& tagger) {
  checkRefName(tagName, "tag");
  git_oid target = parseOid(resolve(revision));
  git_object* obj = nullptr;
  check(git_object_lookup(&obj, raw(), &target, GIT_OBJECT_COMMIT), "look up tag target");
  ObjectHandle object(obj);
  git_oid out;
  int rc = 0;
  memoryDirty_ = memory_ != nullptr;
  if (message) {
    auto sig = makeSignature(tagger);
    rc = git_tag_create(&out, raw(), tagName.c_str(), object.get(), sig.get(), cleanMessage(*message).c_str(), 0);
  } else {
    rc = git_tag_create_lightweight(&out, raw(), tagName.c_str(), object.get(), 0);
  }
  forgetResolves();
  if (rc == GIT_EEXISTS) throw Error::invalid("tag \"" + tagName + "\" already exists in " + name());
  check(rc, "create tag " + tagName);
}

MergeResult Repository::merge(const std::string& into, std::string_view from, MergeMode mode, const Signature& who,
                              const std::string& message) {
  auto head = branchHead(into);
  if (!head) throw Error::invalid("cannot merge into \"" + into + "\": no such branch in " + name());
  const std::string theirs = resolve(from);
  MergeResult result;
  result.sha = *head;
  if (theirs == *head || isAncestor(theirs, *head)) return result;  // already up to date
  const bool canFastForward = isAncestor(*head, theirs);
  if (mode == MergeMode::FastForwardOnly && !canFastForward) {
    throw Error::invalid("cannot fast-forward " + into + " to " + std::string(from) + " in " + name() + ": the branches have diverged");
  }
  if (canFastForward && mode != MergeMode::NoFastForward) {
    setBranch(into, theirs);
    result.kind = MergeResult::Kind::FastForward;
    result.sha = theirs;
    return result;
  }
  git_oid ourOid = parseOid(*head), theirOid = parseOid(theirs);
  git_commit *ourRaw = nullptr, *theirRaw = nullptr;
  check(git_commit_lookup(&ourRaw, raw(), &ourOid), "look up merge base");
  CommitHandle ours(ourRaw);
  check(git_commit_lookup(&theirRaw, raw(), &theirOid), "look up merge source");
  CommitHandle theirsCommit(theirRaw);
  git_merge_options opts = GIT_MERGE_OPTIONS_INIT;
  git_index* idx = nullptr;
  check(git_merge_commits(&idx, raw(), ours.get(), theirsCommit.get(), &opts), "merge");
  IndexHandle index(idx);
  if (git_index_has_conflicts(index.get())) {
    result.conflicts = conflictPaths(index.get());
    result.kind = MergeResult::Kind::Conflict;
    return result;
  }
  git_oid treeOid;
  check(git_index_write_tree_to(&treeOid, index.get(), raw()), "write merge tree");
  std::string text = message;
  if (text.empty()) {
    const std::string source(from);
    const bool isSha = source.size() >= 7 && source.find_first_not_of("0123456789abcdef") == std::string::npos;
    text = isSha ? "Merge commit '" + source + "'" : "Merge branch '" + source + "'";
    if (into != "main" && into != "master") text += " into " + into;
  }
  result.sha = writeCommit(into, oidHex(treeOid), {*head, theirs}, text, who, who);
  result.kind = MergeResult::Kind::MergeCommit;
  return result;
}

std::string Repository::revert(const std::string& branch, std::string_view revision, const Signature& who) {
  auto head = branchHead(branch);
  if (!head) throw Error::invalid("cannot revert on \"" + branch + "\": no such branch in " + name());
  const std::string target = resolve(revision);
  if (!isAncestor(target, *head)) {
    throw Error::invalid("cannot revert " + target.substr(0, 7) + " on " + branch + ": it is not in that branch's history");
  }
  git_oid targetOid = parseOid(target), headOid = parseOid(*head);
  git_commit *targetRaw = nullptr, *headRaw = nullptr;
  check(git_commit_lookup(&targetRaw, raw(), &targetOid), "look up commit to revert");
  CommitHandle reverted(targetRaw);
  check(git_commit_lookup(&headRaw, raw(), &headOid), "look up branch head");
  CommitHandle ours(headRaw);
  const unsigned parentCount = git_commit_parentcount(reverted.get());
  if (parentCount == 0) throw Error::invalid("cannot revert " + target.substr(0, 7) + ": it is the root commit");
  git_index* idx = nullptr;
  check(git_revert_commit(&idx, raw(), reverted.get(), ours.get(), parentCount > 1 ? 1 : 0, nullptr), "revert");
  IndexHandle index(idx);
  if (git_index_has_conflicts(index.get())) {
    const std::vector<std::string> paths = conflictPaths(index.get());
    std::string list;
    for (const auto& p : paths) list += (list.empty() ? "" : ", ") + p;
    throw Error::invalid("revert of " + target.substr(0, 7) + " on " + branch + " in " + name() + " conflicts in: " + list);
  }
  git_oid treeOid;
  check(git_index_write_tree_to(&treeOid, index.get(), raw()), "write revert tree");
  if (git_oid_equal(&treeOid, git_commit_tree_id(ours.get()))) {
    throw Error::invalid("nothing to revert: the changes of " + target.substr(0, 7) + " are already undone on " + branch);
  }
  std::string message = "Revert \"" + summaryOf(git_commit_message(reverted.get())) + "\"\n\nThis reverts commit " + target;
  if (parentCount > 1) message += ", reversing\nchanges made to " + oidHex(*git_commit_parent_id(reverted.get(), 0));
  message += ".";
  return writeCommit(branch, oidHex(treeOid), {*head}, message, who, who);
}

// -- reading --------------------------------------------------------------------------

std::optional<std::string> Repository::tryResolve(std::string_view revision) const {
  if (!cacheResolves_) return resolveNow(revision);
  const std::string spec(revision);
  if (auto found = resolved_.find(spec); found != resolved_.end()) return found->second;
  if (resolved_.size() >= 4096) resolved_.clear();  // bounded: specs are mostly a few branch names
  return resolved_.emplace(spec, resolveNow(revision)).first->second;
}

std::optional<std::string> Repository::resolveNow(std::string_view revision) const {
  if (revision.empty()) return std::nullopt;
  const std::string spec(revision);
  git_object* obj = nullptr;
  if (git_revparse_single(&obj, raw(), spec.c_str()) < 0) return std::nullopt;
  ObjectHandle object(obj);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0) return std::nullopt;
  ObjectHandle commit(peeled);
  return oidHex(*git_object_id(commit.get()));
}

std::string Repository::resolve(std::string_view revision) const {
  auto sha = tryResolve(revision);
  if (!sha) throw Error::invalid("unknown revision \"" + std::string(revision) + "\" in repository " + name());
  return *sha;
}

std::optional<std::string> Repository::branchHead(const std::string& branch) const {
  git_oid oid;
  if (git_reference_name_to_id(&oid, raw(), refForBranch(branch).c_str()) < 0) return std::nullopt;
  return oidHex(oid);
}

std::vector<std::string> Repository::branches() const {
  std::vector<std::string> out;
  git_branch_iterator* it = nullptr;
  check(git_branch_iterator_new(&it, raw(), GIT_BRANCH_LOCAL), "list branches");
  GitHandle<git_branch_iterator, git_branch_iterator_free> iter(it);
  git_reference* ref = nullptr;
  git_branch_t type;
  while (git_branch_next(&ref, &type, iter.get()) == 0) {
    ReferenceHandle owned(ref);
    const char* n = nullptr;
    if (git_branch_name(&n, owned.get()) == 0) out.emplace_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Repository::tags() const {
  git_strarray names{};
  check(git_tag_list(&names, raw()), "list tags");
  std::vector<std::string> out(names.strings, names.strings + names.count);
  git_strarray_dispose(&names);
  std::sort(out.begin(), out.end());
  return out;
}

bool Repository::isAncestor(std::string_view ancestor, std::string_view descendant) const {
  git_oid a = parseOid(resolve(ancestor)), d = parseOid(resolve(descendant));
  if (git_oid_equal(&a, &d)) return true;
  int rc = git_graph_descendant_of(raw(), &d, &a);
  check(rc, "ancestry");
  return rc == 1;
}

std::vector<Repository::CommitLinks> Repository::history() const {
  git_revwalk* w = nullptr;
  check(git_revwalk_new(&w, raw()), "walk history");
  RevwalkHandle walk(w);
  check(git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE), "sort history");
  if (git_revwalk_push_glob(walk.get(), "refs/*") < 0) return {};  // no refs yet
  std::vector<CommitLinks> out;
  git_oid oid;
  while (git_revwalk_next(&oid, walk.get()) == 0) {
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, raw(), &oid), "read commit");
    CommitHandle commit(c);
    CommitLinks links{oidHex(oid), {}};
    for (unsigned i = 0; i < git_commit_parentcount(commit.get()); ++i) links.parents.push_back(oidHex(*git_commit_parent_id(commit.get(), i)));
    out.push_back(std::move(links));
  }
  return out;
}

namespace {

CommitInfo describe(git_commit* c) {
  CommitInfo info;
  info.sha = oidHex(*git_commit_id(c));
  for (unsigned i = 0; i < git_commit_parentcount(c); ++i) info.parents.push_back(oidHex(*git_commit_parent_id(c, i)));
  const git_signature* a = git_commit_author(c);
  const git_signature* k = git_commit_committer(c);
  info.authorName = a->name;
  info.authorEmail = a->email;
  info.authorTime = a->when.time;
  info.committerName = k->name;
  info.commitTime = k->when.time;
  info.message = git_commit_message(c);
  info.summary = summaryOf(info.message);
  info.tree = oidHex(*git_commit_tree_id(c));
  return info;
}

}  // namespace

CommitInfo Repository::commitInfo(std::string_view revision) const {
  git_oid oid = parseOid(resolve(revision));
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, raw(), &oid), "look up commit");
  CommitHandle commit(c);
  return describe(commit.get());
}

std::vector<CommitInfo> Repository::log(std::string_view revision, const LogOptions& options) const {
  git_oid start = parseOid(resolve(revision));
  git_revwalk* w = nullptr;
  check(git_revwalk_new(&w, raw()), "walk history");
  RevwalkHandle walk(w);
  check(git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME), "sort history");
  if (options.firstParent) check(git_revwalk_simplify_first_parent(walk.get()), "first-parent walk");
  check(git_revwalk_push(walk.get(), &start), "walk history");
  std::vector<CommitInfo> out;
  git_oid oid;
  while ((options.limit == 0 || out.size() < options.limit) && git_revwalk_next(&oid, walk.get()) == 0) {
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, raw(), &oid), "look up commit");
    CommitHandle commit(c);
    out.push_back(describe(commit.get()));
  }
  return out;
}

namespace {

TreeHandle commitTree(git_repository* repo, const std::string& sha) {
  git_oid oid = parseOid(sha);
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, repo, &oid), "look up commit");
  CommitHandle commit(c);
  git_tree* t = nullptr;
  check(git_commit_tree(&t, commit.get()), "read commit tree");
  return TreeHandle(t);
}

std::string trimSlashes(std::string_view dir) {
  while (!dir.empty() && dir.front() == '/') dir.remove_prefix(1);
  while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  if (dir == ".") return {};
  return std::string(dir);
}

}  // namespace

std::optional<std::string> Repository::readFile(std::string_view revision, std::string_view path) const {
  TreeHandle root = commitTree(raw(), resolve(revision));
  const std::string p = trimSlashes(path);
  git_tree_entry* e = nullptr;
  if (p.empty() || git_tree_entry_bypath(&e, root.get(), p.c_str()) < 0) return std::nullopt;
  TreeEntryHandle entry(e);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  git_blob* b = nullptr;
  check(git_blob_lookup(&b, raw(), git_tree_entry_id(entry.get())), "read blob");
  BlobHandle blob(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

std::optional<std::string> Repository::treeId(std::string_view revision, std::string_view path) const {
  TreeHandle root = commitTree(raw(), resolve(revision));
  const std::string p = trimSlashes(path);
  if (p.empty()) return oidHex(*git_tree_id(root.get()));
  git_tree_entry* e = nullptr;
  if (git_tree_entry_bypath(&e, root.get(), p.c_str()) < 0) return std::nullopt;
  TreeEntryHandle entry(e);
  return oidHex(*git_tree_entry_id(entry.get()));
}

std::optional<TreeSnapshotPtr> Repository::readTree(std::string_view revision, std::string_view dir) {
  TreeHandle root = commitTree(raw(), resolve(revision));
  const std::string d = trimSlashes(dir);
  TreeHandle tree;
  if (d.empty()) {
    tree = std::move(root);
  } else {
    git_tree_entry* e = nullptr;
    if (git_tree_entry_bypath(&e, root.get(), d.c_str()) < 0) return std::nullopt;
    TreeEntryHandle entry(e);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return std::nullopt;
    git_tree* t = nullptr;
    check(git_tree_lookup(&t, raw(), git_tree_entry_id(entry.get())), "read tree");
    tree.reset(t);
  }
  const std::string id = oidHex(*git_tree_id(tree.get()));
  if (auto it = treeCache_.find(id); it != treeCache_.end()) {
    ++cacheHits_;
    return it->second;
  }
  auto snapshot = std::make_shared<TreeSnapshot>();
  snapshot->treeId = id;
  struct Walk {
    git_repository* repo;
    TreeSnapshot* out;
    int error = 0;
  } walk{raw(), snapshot.get()};
  auto visit = [](const char* rootPath, const git_tree_entry* entry, void* payload) -> int {
    auto* w = static_cast<Walk*>(payload);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
    git_blob* b = nullptr;
    if ((w->error = git_blob_lookup(&b, w->repo, git_tree_entry_id(entry))) < 0) return -1;
    BlobHandle blob(b);
    TreeFile f;
    f.path = std::string(rootPath) + git_tree_entry_name(entry);
    f.blobId = oidHex(*git_tree_entry_id(entry));
    f.content.assign(static_cast<const char*>(git_blob_rawcontent(blob.get())), static_cast<std::size_t>(git_blob_rawsize(blob.get())));
    w->out->files.push_back(std::move(f));
    return 0;
  };
  int rc = git_tree_walk(tree.get(), GIT_TREEWALK_PRE, visit, &walk);
  check(walk.error < 0 ? walk.error : rc, "read tree " + d);
  std::sort(snapshot->files.begin(), snapshot->files.end(), [](const TreeFile& a, const TreeFile& b) { return a.path < b.path; });
  TreeSnapshotPtr shared = std::move(snapshot);
  treeCache_.emplace(id, shared);
  return shared;
}

std::vector<ChangedPath> Repository::changedPaths(std::string_view from, std::string_view to) const {
  TreeHandle a = commitTree(raw(), resolve(from));
  TreeHandle b = commitTree(raw(), resolve(to));
  git_diff* d = nullptr;
  check(git_diff_tree_to_tree(&d, raw(), a.get(), b.get(), nullptr), "diff trees");
  DiffHandle diff(d);
  std::vector<ChangedPath> out;
  const std::size_t n = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < n; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    ChangedPath c;
    switch (delta->status) {
      case GIT_DELTA_ADDED:
        c.kind = ChangeKind::Added;
        c.path = delta->new_file.path;
        break;
      case GIT_DELTA_DELETED:
        c.kind = ChangeKind::Deleted;
        c.path = delta->old_file.path;
        break;
      default:
        c.kind = ChangeKind::Modified;
        c.path = delta->new_file.path;
        break;
    }
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const ChangedPath& x, const ChangedPath& y) { return x.path < y.path; });
  return out;
}

}  // namespace gs::git
