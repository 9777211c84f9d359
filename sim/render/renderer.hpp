// Rendering an app path into desired objects, as Argo CD's repo-server does: a folder
// with a kustomization is built with kustomize semantics; any other folder is a plain
// directory of YAML/JSON manifests (recursive on request, with include/exclude globs).
// RenderCache keeps results keyed by the git tree ids of every folder a render read
// (the app path and any bases outside it) plus the options, so an unchanged app is
// rendered once across syncs and apps.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/git/repository.hpp"
#include "sim/render/manifest_cache.hpp"
#include "sim/render/source.hpp"

namespace gs::render {

struct RenderOptions {
  bool recurse = false;     // plain directories: include subfolders (directory.recurse)
  std::string include;      // plain directories: glob of paths to include ("*.yaml", "{a.yaml,b/*}")
  std::string exclude;      // plain directories: glob of paths to leave out
  std::string key() const { return (recurse ? "r" : "-") + std::string("|") + include + "|" + exclude; }
};

// Renders the app at `path`. Objects come in kustomize's order for kustomizations and
// in file order for plain directories.
// `manifests`, when given, caches parsed files by content id across renders.
std::vector<Json> render(const FileSource& source, const std::string& path, const RenderOptions& options = {},
                         ManifestCache* manifests = nullptr);

// A plain directory of manifests. Files that are not YAML/JSON are skipped; a YAML
// document that is not a Kubernetes object is an error naming the file.
std::vector<Json> renderDirectory(const FileSource& source, const std::string& dir, const RenderOptions& options,
                                  ManifestCache* manifests = nullptr);

// Renders from a Git repository at a revision, with a cache. Results are keyed by
// content (tree ids), never by repository, so one cache can serve many repositories
// and worlds. It holds at most `maxEntries` renders (and as many parsed files): when
// full, it starts over, so a long fuzz campaign sharing one stays bounded.
class RenderCache {
 public:
  struct Stats {
    std::size_t hits = 0;
    std::size_t misses = 0;
  };
  explicit RenderCache(std::size_t maxEntries = 4096) : maxEntries_(maxEntries) {}

  // Renders `path` of `repo` at `revision`. A result is reused when the app folder's
  // tree id, the tree ids of every other folder the render read, and the options are
  // all unchanged.
  std::shared_ptr<const std::vector<Json>> render(git::Repository& repo, const std::string& revision, const std::string& path,
                                                   const RenderOptions& options = {});
  const Stats& stats() const { return stats_; }
  // Parsed files shared by every render through this cache.
  const ManifestCache& manifests() const { return manifests_; }
  void clear() {
    entries_.clear();
    manifests_.clear();
    size_ = 0;
  }

 private:
  struct Entry {
    std::string app;                                  // the app path it was rendered for
    std::map<std::string, std::string> dependencies;  // folder -> tree id it had
    std::shared_ptr<const std::vector<Json>> objects;
  };
  std::map<std::string, std::vector<Entry>> entries_;  // app tree id + options -> results
  ManifestCache manifests_;
  Stats stats_;
  std::size_t maxEntries_;
  std::size_t size_ = 0;  // renders held
};

}  // namespace gs::render
