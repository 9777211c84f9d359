// Where rendering reads files from: a folder on disk, or a Git tree at a revision (what
// Argo CD's repo-server renders). Paths are '/'-separated and relative to the source's
// root ("" is the root); "." and ".." are resolved by normalizePath and may not leave the
// root. Every read is recorded, so a render knows which folders it depended on (the
// render cache's key).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/git/types.hpp"

namespace gs::render {

class FileSource {
 public:
  virtual ~FileSource() = default;
  // Content of a file, or nullopt when there is no such file.
  virtual std::optional<std::string> read(const std::string& path) const = 0;
  virtual bool isDirectory(const std::string& path) const = 0;
  // Names (not paths) of the files and folders directly in `dir`, sorted.
  virtual std::vector<std::string> list(const std::string& dir) const = 0;
  // How to name `path` in messages (an absolute path on disk, "repo@rev:path" in git).
  virtual std::string display(const std::string& path) const = 0;
  // The path with symbolic links resolved, relative to the root (kustomize checks that a
  // file it reads really lies in or below its kustomization's folder); a path that leaves
  // the root starts with "../". Sources without links give the path back.
  virtual std::string realPath(const std::string& path) const { return path; }
  // An id that changes whenever the file's content does (a Git blob id), or "" when
  // the source cannot tell (files on disk): used to cache parsed files.
  virtual std::string contentId(const std::string& path) const {
    (void)path;
    return {};
  }
};

// A folder on disk. Symbolic links are followed only if they stay inside the root.
class DiskSource final : public FileSource {
 public:
  explicit DiskSource(std::filesystem::path root);
  std::optional<std::string> read(const std::string& path) const override;
  bool isDirectory(const std::string& path) const override;
  std::vector<std::string> list(const std::string& dir) const override;
  std::string display(const std::string& path) const override;
  std::string realPath(const std::string& path) const override;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::optional<std::filesystem::path> resolve(const std::string& path) const;
  std::filesystem::path root_;
};

// The whole tree of a Git revision, as a snapshot from git::Repository::readTree.
class TreeSource final : public FileSource {
 public:
  TreeSource(git::TreeSnapshotPtr tree, std::string label);
  std::optional<std::string> read(const std::string& path) const override;
  bool isDirectory(const std::string& path) const override;
  std::vector<std::string> list(const std::string& dir) const override;
  std::string display(const std::string& path) const override;

 private:
  git::TreeSnapshotPtr tree_;
  std::string label_;
  std::set<std::string> directories_;
};

// Joins and normalizes: "a/b" + "../c" -> "a/c". Throws InvalidInput when the result
// would leave the root (`what` names the reference in the message).
std::string joinPath(const std::string& dir, const std::string& relative, const std::string& what);
std::string normalizePath(const std::string& path, const std::string& what);
std::string parentPath(const std::string& path);
std::string baseName(const std::string& path);
// True when `path` is `dir` or below it.
bool isWithin(const std::string& path, const std::string& dir);
// The same once symbolic links are resolved (kustomize's loader restriction: a file a
// kustomization reads must really be in or below its folder).
bool isReallyWithin(const FileSource& source, const std::string& path, const std::string& dir);

}  // namespace gs::render
