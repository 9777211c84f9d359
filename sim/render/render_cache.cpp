#include "sim/render/renderer.hpp"

#include "sim/core/error.hpp"

namespace gs::render {

namespace {

// A Git revision as a FileSource, read lazily folder by folder through the repository's
// tree-id cache; every folder it was asked about is recorded with its tree id (the
// render's dependencies).
class GitSource final : public FileSource {
 public:
  GitSource(git::Repository& repo, std::string sha, std::string label) : repo_(repo), sha_(std::move(sha)), label_(std::move(label)) {}

  std::optional<std::string> read(const std::string& path) const override {
    auto dir = folder(parentPath(path));
    if (!dir) return std::nullopt;
    const git::TreeFile* f = (*dir)->find(baseName(path));
    if (f == nullptr) return std::nullopt;
    return f->content;
  }
  bool isDirectory(const std::string& path) const override { return folder(path).has_value(); }
  std::vector<std::string> list(const std::string& dir) const override {
    std::vector<std::string> out;
    auto tree = folder(dir);
    if (!tree) return out;
    for (const auto& f : (*tree)->files) {
      std::string first = f.path.substr(0, f.path.find('/'));
      if (out.empty() || out.back() != first) out.push_back(first);
    }
    return out;
  }
  std::string display(const std::string& path) const override { return label_ + ":" + path; }
  std::string contentId(const std::string& path) const override {
    auto dir = folder(parentPath(path));
    const git::TreeFile* f = dir ? (*dir)->find(baseName(path)) : nullptr;
    return f != nullptr ? f->blobId : std::string();
  }

  const std::map<std::string, std::string>& dependencies() const { return deps_; }

 private:
  std::optional<git::TreeSnapshotPtr> folder(const std::string& dir) const {
    auto tree = repo_.readTree(sha_, dir);
    // A folder's tree id; for a path asked about that is not a folder, its blob id or
    // "-" (absent), so the cache notices a file becoming a folder or appearing.
    deps_[dir] = tree ? (*tree)->treeId : repo_.treeId(sha_, dir).value_or("-");
    return tree;
  }

  git::Repository& repo_;
  std::string sha_;
  std::string label_;
  mutable std::map<std::string, std::string> deps_;
};

}  // namespace

std::shared_ptr<const std::vector<Json>> RenderCache::render(git::Repository& repo, const std::string& revision, const std::string& path,
                                                             const RenderOptions& options) {
  const std::string sha = repo.resolve(revision);
  const std::string app = normalizePath(path, "app path");
  auto appTree = repo.treeId(sha, app);
  if (!appTree) throw Error::invalid("app path \"" + app + "\" does not exist in " + repo.name() + " at " + revision);
  const std::string key = *appTree + "|" + options.key();
  auto& candidates = entries_[key];
  for (const auto& entry : candidates) {
    bool valid = true;
    // Dependencies are sorted, so a folder comes before the paths inside it: once a
    // folder's tree id is unchanged, nothing below it needs looking at.
    std::string unchangedFolder = "\x01";
    for (const auto& [dir, tree] : entry.dependencies) {
      if (unchangedFolder != "\x01" && isWithin(dir, unchangedFolder)) continue;
      if (!isWithin(dir, app) && entry.app != app) {
        valid = false;  // the same folder content elsewhere, with bases outside it
        break;
      }
      auto now = repo.treeId(sha, dir);
      if (now.value_or("-") != tree) {
        valid = false;
        break;
      }
      if (tree != "-") unchangedFolder = dir;
    }
    if (valid) {
      ++stats_.hits;
      return entry.objects;
    }
  }
  ++stats_.misses;
  GitSource source(repo, sha, repo.name() + "@" + sha.substr(0, 7));
  auto objects = std::make_shared<const std::vector<Json>>(gs::render::render(source, app, options, &manifests_));
  if (size_ >= maxEntries_ || manifests_.size() >= maxEntries_) clear();
  entries_[key].push_back(Entry{app, source.dependencies(), objects});
  ++size_;
  return objects;
}

}  // namespace gs::render
