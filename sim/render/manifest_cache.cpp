#include "sim/render/manifest_cache.hpp"

#include "sim/core/manifest.hpp"

namespace gs::render {

namespace {

std::vector<Json> parseNow(const FileSource& source, const std::string& path, const std::string& content, YamlBooleans booleans) {
  std::vector<Json> out;
  for (auto& m : parseManifests(content, source.display(path), booleans)) out.push_back(std::move(m.object));
  return out;
}

}  // namespace

std::vector<Json> ManifestCache::parse(const FileSource& source, const std::string& path, const std::string& content, YamlBooleans booleans) {
  const std::string id = source.contentId(path);
  if (id.empty()) return parseNow(source, path, content, booleans);
  // The file name matters too: a ".json" file must be strict JSON.
  const std::string key = id + (booleans == YamlBooleans::Yaml12 ? "|12|" : "|11|") + (path.ends_with(".json") ? "json" : "yaml");
  if (auto it = entries_.find(key); it != entries_.end()) {
    ++hits_;
    return *it->second;
  }
  auto parsed = std::make_shared<const std::vector<Json>>(parseNow(source, path, content, booleans));
  entries_.emplace(key, parsed);
  return *parsed;
}

std::vector<Json> parseManifestFile(ManifestCache* cache, const FileSource& source, const std::string& path, const std::string& content,
                                    YamlBooleans booleans) {
  return cache != nullptr ? cache->parse(source, path, content, booleans) : parseNow(source, path, content, booleans);
}

}  // namespace gs::render
