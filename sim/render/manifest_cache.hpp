// Parsed manifest files by Git blob id: YAML parsing is the slowest step of a render
// (yaml-cpp reads about 10 MB/s), so a file whose content did not change is never parsed
// twice, even when its app is re-rendered because another file changed (design.md §6).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/core/yaml_scalar.hpp"
#include "sim/render/source.hpp"

namespace gs::render {

class ManifestCache {
 public:
  // The objects of the manifest file `path` (content already read), parsed or from the
  // cache when the source knows the file's content id.
  std::vector<Json> parse(const FileSource& source, const std::string& path, const std::string& content, YamlBooleans booleans);
  std::size_t hits() const { return hits_; }
  std::size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  std::unordered_map<std::string, std::shared_ptr<const std::vector<Json>>> entries_;
  std::size_t hits_ = 0;
};

// Parses without a cache (a null cache) or through one.
std::vector<Json> parseManifestFile(ManifestCache* cache, const FileSource& source, const std::string& path, const std::string& content,
                                    YamlBooleans booleans);

}  // namespace gs::render
