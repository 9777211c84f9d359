// A Git repository on disk (or in memory: inMemory()), driven through libgit2: commits built straight into the
// object database (trees updated in memory from the parent, as `git fast-import` does:
// no checkout, no index), branches, tags, merges, reverts, revision parsing, reads of
// files and trees at a revision (tree snapshots cached by tree id), and diffs of paths.
// Used for the workspace's bare "server" repos and for the actors' clones alike.
// Errors are gs::Error: InvalidInput for a bad revision or request, Internal for
// libgit2 failures. Not thread-safe (a simulation has no threads).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/git/types.hpp"

struct git_repository;
struct git_odb_backend;
struct git_tree;

namespace gs::git {

class Repository {
 public:
  // Creates a repository at `path` (bare or not) whose HEAD points at `defaultBranch`.
  static Repository init(const std::filesystem::path& path, bool bare, const std::string& defaultBranch = "main");
  // A bare repository written directly (no probing), with `extraConfig` appended to its
  // config (say, a remote) and objects borrowed from `alternates` (objects/info/alternates).
  static Repository initBare(const std::filesystem::path& path, const std::string& defaultBranch, const std::string& extraConfig = {},
                             const std::vector<std::filesystem::path>& alternates = {});
  static Repository open(const std::filesystem::path& path);
  // A bare repository that lives only in memory (objects in libgit2's mempack, references
  // in a map; no file is ever written), named `label` in messages. With `sharesObjectsOf`,
  // it reads that repository's objects too (an in-memory clone of it) and keeps its own
  // new objects apart until they are pushed.
  static Repository inMemory(const std::string& label, const std::string& defaultBranch, const Repository* sharesObjectsOf = nullptr);

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  // The repository's folder; empty for an in-memory one.
  const std::filesystem::path& path() const { return path_; }
  bool inMemory() const { return inMemory_; }
  // A short name for messages (the folder name, or an in-memory repository's label).
  std::string name() const;

  // -- writing ----------------------------------------------------------------------
  // Commits `request.changes` on top of the branch head (a root commit when the branch
  // does not exist yet) and moves the branch. Returns the new commit's SHA. Throws
  // InvalidInput for an empty commit unless allowEmpty, or a bad path.
  std::string commit(const CommitRequest& request);
  // Creates `branch` at `revision`; throws if it exists (unless `force`).
  void createBranch(const std::string& branch, std::string_view revision, bool force = false);
  void deleteBranch(const std::string& branch);
  // Moves `branch` to `revision` (creating it if needed).
  void setBranch(const std::string& branch, std::string_view revision);
  // Lightweight tag, or an annotated one when `message` is given.
  void tag(const std::string& name, std::string_view revision, const std::optional<std::string>& message = std::nullopt,
           const Signature& tagger = {});
  // Merges `from` (any revision) into branch `into`. Conflicts are returned, never
  // resolved; FastForwardOnly throws InvalidInput when a fast-forward is not possible.
  MergeResult merge(const std::string& into, std::string_view from, MergeMode mode, const Signature& who,
                    const std::string& message = {});
  // Reverts the commit `revision` on top of `branch` with a new commit, as `git revert`
  // does (message `Revert "<summary>"` + `This reverts commit <sha>.`). A merge commit is
  // reverted relative to its first parent. Throws InvalidInput naming the paths on a
  // conflict, leaving the branch untouched.
  std::string revert(const std::string& branch, std::string_view revision, const Signature& who);

  // -- reading ----------------------------------------------------------------------
  // The commit SHA `revision` names: branch, tag, full or short SHA, `HEAD~n`, `main^`...
  // Throws InvalidInput when it names nothing.
  std::string resolve(std::string_view revision) const;
  std::optional<std::string> tryResolve(std::string_view revision) const;
  // The branch head, or nullopt when the branch does not exist.
  std::optional<std::string> branchHead(const std::string& branch) const;
  std::vector<std::string> branches() const;
  std::vector<std::string> tags() const;
  bool isAncestor(std::string_view ancestor, std::string_view descendant) const;
  // Every commit reachable from any ref, with its parents, parents before children.
  struct CommitLinks {
    std::string sha;
    std::vector<std::string> parents;
  };
  std::vector<CommitLinks> history() const;
  CommitInfo commitInfo(std::string_view revision) const;
  std::vector<CommitInfo> log(std::string_view revision, const LogOptions& options = {}) const;
  // Content of the file `path` at `revision`; nullopt when there is no such file.
  std::optional<std::string> readFile(std::string_view revision, std::string_view path) const;
  // Every file below directory `dir` ("" = the root) at `revision`; nullopt when `dir`
  // is not a directory there. Cached by tree id: the same tree is read once.
  std::optional<TreeSnapshotPtr> readTree(std::string_view revision, std::string_view dir = {});
  // Id of the tree (or blob) at `path` at `revision` ("" = the root tree): the render
  // cache key. nullopt when the path does not exist.
  std::optional<std::string> treeId(std::string_view revision, std::string_view path = {}) const;
  // Paths that differ between two revisions (no rename detection), sorted.
  std::vector<ChangedPath> changedPaths(std::string_view from, std::string_view to) const;

  std::size_t treeCacheHits() const { return cacheHits_; }

  // -- revision cache ------------------------------------------------------------------
  // From now on tryResolve()/resolve() remember their answers until a ref changes through
  // this object (forgetResolves() is called by every ref write of this module). Only for
  // repositories nothing else writes to: the workspace's server repos.
  void cacheResolves() { cacheResolves_ = true; }
  void forgetResolves() { resolved_.clear(); }

  // -- object storage ---------------------------------------------------------------
  // From now on new objects go to memory (libgit2's mempack) instead of one file each;
  // reads see both. flushMemoryWrites() stores them on disk as one pack (done on
  // destruction too), as `git fast-import` does. Used by clones, whose objects reach the
  // server repo by push.
  void keepWritesInMemory();
  void flushMemoryWrites();
  // Forgets the objects not flushed yet (for a repository about to be deleted).
  void discardMemoryWrites() { memoryDirty_ = false; }
  // The in-memory backend, or nullptr (for the push code of this module).
  git_odb_backend* memoryBackend() const { return memory_; }

  // The libgit2 handle, for the other classes of this module only.
  git_repository* raw() const { return repo_.get(); }

 private:
  struct RepoDeleter {
    void operator()(git_repository* r) const;
  };
  Repository(std::unique_ptr<git_repository, RepoDeleter> repo, std::filesystem::path path);

  // Writes a raw object (to memory when keepWritesInMemory() was called); returns its id.
  std::string writeObject(std::string_view data, int type);
  // Writes the tree `base` becomes with `changes` (paths relative to it) applied;
  // nullopt when it ends up empty (below the root). `prefix` is for error messages.
  std::optional<std::string> updateTree(const git_tree* base, const std::map<std::string, const FileChange*>& changes,
                                        const std::string& prefix, const std::string& branch);
  std::string writeCommit(const std::string& branch, const std::string& treeId, const std::vector<std::string>& parents,
                          const std::string& message, const Signature& author, const Signature& committer);

  std::unique_ptr<git_repository, RepoDeleter> repo_;
  git_odb_backend* memory_ = nullptr;  // owned by the repository's odb
  bool memoryDirty_ = false;
  bool inMemory_ = false;  // nothing on disk: memory_ is where every object lives
  std::filesystem::path path_;
  std::string label_;  // an in-memory repository's name
  std::unordered_map<std::string, TreeSnapshotPtr> treeCache_;
  std::size_t cacheHits_ = 0;
  std::optional<std::string> resolveNow(std::string_view revision) const;
  bool cacheResolves_ = false;
  mutable std::unordered_map<std::string, std::optional<std::string>> resolved_;
};

// Checks a repository-relative file path: non-empty, '/'-separated, no "." or ".."
// components, no leading '/', no ".git" component. Throws InvalidInput naming it.
void checkRepoPath(std::string_view path);

// Whether `name` is a branch name git accepts (git check-ref-format refs/heads/<name>).
bool isValidBranchName(std::string_view name);

}  // namespace gs::git
