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

Kustomization ManifestCache::kustomization(const FileSource& source, const std::string& path, const std::string& dir,
                                          const std::string& content) {
  const std::string id = source.contentId(path);
  const std::string display = source.display(path);
  if (id.empty()) return parseKustomization(content, display, dir);
  // Relative references resolve from the folder, so it is part of the key; the file's
  // display name (which names the revision) is only used in messages, and set anew.
  std::string key = id;
  for (const std::string* part : {&path, &dir}) {
    key += '\0';
    key += *part;
  }
  if (auto it = kustomizations_.find(key); it != kustomizations_.end()) {
    ++hits_;
    Kustomization k = *it->second;
    k.file = display;
    return k;
  }
  auto parsed = std::make_shared<const Kustomization>(parseKustomization(content, display, dir));
  kustomizations_.emplace(std::move(key), parsed);
  return *parsed;
}

std::vector<Json> parseManifestFile(ManifestCache* cache, const FileSource& source, const std::string& path, const std::string& content,
                                    YamlBooleans booleans) {
  return cache != nullptr ? cache->parse(source, path, content, booleans) : parseNow(source, path, content, booleans);
}

}  // namespace gs::render
