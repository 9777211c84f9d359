// Parsed manifest and kustomization files by Git blob id: YAML parsing is the slowest
// step of a render (yaml-cpp reads about 10 MB/s), so a file whose content did not change
// is never parsed twice, even when its app is re-rendered because another file changed
// (design.md §6).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/core/yaml_scalar.hpp"
#include "sim/render/kustomization.hpp"
#include "sim/render/source.hpp"

namespace gs::render {

class ManifestCache {
 public:
  // The objects of the manifest file `path` (content already read), parsed or from the
  // cache when the source knows the file's content id.
  std::vector<Json> parse(const FileSource& source, const std::string& path, const std::string& content, YamlBooleans booleans);
  // The kustomization file `path` of folder `dir` (content already read), parsed or from
  // the cache in the same way: a CI image bump changes one app's kustomization, and the
  // other apps' files stay parsed.
  Kustomization kustomization(const FileSource& source, const std::string& path, const std::string& dir, const std::string& content);
  std::size_t hits() const { return hits_; }
  std::size_t size() const { return entries_.size() + kustomizations_.size(); }  // parsed files of both kinds
  std::size_t kustomizationsParsed() const { return kustomizations_.size(); }
  void clear() {
    entries_.clear();
    kustomizations_.clear();
  }

 private:
  std::unordered_map<std::string, std::shared_ptr<const std::vector<Json>>> entries_;
  std::unordered_map<std::string, std::shared_ptr<const Kustomization>> kustomizations_;
  std::size_t hits_ = 0;
};

// Parses without a cache (a null cache) or through one.
std::vector<Json> parseManifestFile(ManifestCache* cache, const FileSource& source, const std::string& path, const std::string& content,
                                    YamlBooleans booleans);

}  // namespace gs::render
