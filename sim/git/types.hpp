// Plain values the git module takes and returns: identities with virtual-time stamps,
// file changes, commits, tree snapshots. No libgit2 types here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gs::git {

// Who made a commit, and when (Unix seconds from the virtual clock; offset in minutes).
struct Signature {
  std::string name = "gitops-sim";
  std::string email = "gitops-sim@example.invalid";
  std::int64_t time = 0;
  int offsetMinutes = 0;
};

// One file change in a commit: content to write, or nullopt to delete the path.
struct FileChange {
  std::string path;
  std::optional<std::string> content;
};

struct CommitRequest {
  std::string branch = "main";
  std::vector<FileChange> changes;
  std::string message;
  Signature author;
  std::optional<Signature> committer;  // the author when absent
  bool allowEmpty = false;             // commit even when the tree does not change
};

struct CommitInfo {
  std::string sha;
  std::vector<std::string> parents;
  std::string authorName;
  std::string authorEmail;
  std::int64_t authorTime = 0;
  std::string committerName;
  std::int64_t commitTime = 0;
  std::string message;  // full message
  std::string summary;  // first line
  std::string tree;     // root tree id
};

// A file of a tree at some revision; `path` is relative to the directory that was read.
struct TreeFile {
  std::string path;
  std::string blobId;
  std::string content;
};

// Every file below a directory at a revision, sorted by path. Shared and immutable:
// snapshots are cached by tree id, so an unchanged directory is read once.
struct TreeSnapshot {
  std::string treeId;
  std::vector<TreeFile> files;

  const TreeFile* find(const std::string& path) const;
};
using TreeSnapshotPtr = std::shared_ptr<const TreeSnapshot>;

enum class ChangeKind { Added, Modified, Deleted };

struct ChangedPath {
  std::string path;
  ChangeKind kind = ChangeKind::Modified;
};

enum class MergeMode {
  FastForwardOrMerge,  // git merge: fast-forward when possible, else a merge commit
  NoFastForward,       // git merge --no-ff
  FastForwardOnly,     // git merge --ff-only: anything else is an error
};

struct MergeResult {
  enum class Kind { UpToDate, FastForward, MergeCommit, Conflict } kind = Kind::UpToDate;
  std::string sha;                     // the branch head afterwards (unchanged on conflict)
  std::vector<std::string> conflicts;  // conflicting paths when kind == Conflict
};

struct LogOptions {
  std::size_t limit = 0;     // 0 = no limit
  bool firstParent = false;  // follow only first parents, as git log --first-parent
};

}  // namespace gs::git
