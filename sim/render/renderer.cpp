#include "sim/render/renderer.hpp"

#include "sim/core/glob.hpp"
#include "sim/render/kustomize.hpp"

namespace gs::render {

namespace {

// "{a,b}/*.yaml" -> "a/*.yaml", "b/*.yaml" (Argo CD's include/exclude accept braces).
std::vector<std::string> expandBraces(const std::string& pattern) {
  auto open = pattern.find('{');
  auto close = open == std::string::npos ? std::string::npos : pattern.find('}', open);
  if (close == std::string::npos) return {pattern};
  std::vector<std::string> out;
  const std::string head = pattern.substr(0, open), tail = pattern.substr(close + 1), body = pattern.substr(open + 1, close - open - 1);
  std::size_t start = 0;
  while (start <= body.size()) {
    auto comma = body.find(',', start);
    for (auto& rest : expandBraces(tail)) out.push_back(head + body.substr(start, comma == std::string::npos ? std::string::npos : comma - start) + rest);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool matchesAny(const std::string& pattern, const std::string& path) {
  for (const auto& p : expandBraces(pattern)) {
    if (globMatch(p, path) || globMatch(p, baseName(path))) return true;
  }
  return false;
}

bool manifestFile(const std::string& name) {
  auto ends = [&](const char* ext) {
    const std::size_t n = std::char_traits<char>::length(ext);
    return name.size() > n && name.compare(name.size() - n, n, ext) == 0;
  };
  return ends(".yaml") || ends(".yml") || ends(".json");
}

void collect(const FileSource& source, const std::string& root, const std::string& dir, const RenderOptions& options,
             ManifestCache* manifests, std::vector<Json>& out) {
  for (const auto& name : source.list(dir)) {
    const std::string path = dir.empty() ? name : dir + "/" + name;
    if (source.isDirectory(path)) {
      if (options.recurse && name.front() != '.') collect(source, root, path, options, manifests, out);
      continue;
    }
    if (!manifestFile(name)) continue;
    const std::string relative = root.empty() ? path : path.substr(root.size() + 1);
    if (!options.include.empty() && !matchesAny(options.include, relative)) continue;
    if (!options.exclude.empty() && matchesAny(options.exclude, relative)) continue;
    auto content = source.read(path);
    if (!content) continue;
    for (auto& o : parseManifestFile(manifests, source, path, *content, YamlBooleans::Yaml11)) out.push_back(std::move(o));
  }
}

}  // namespace

std::vector<Json> renderDirectory(const FileSource& source, const std::string& dir, const RenderOptions& options, ManifestCache* manifests) {
  if (!source.isDirectory(dir)) throw Error::invalid("app path " + source.display(dir) + " is not a directory");
  std::vector<Json> out;
  collect(source, dir, dir, options, manifests, out);
  return out;
}

std::vector<Json> render(const FileSource& source, const std::string& path, const RenderOptions& options, ManifestCache* manifests) {
  if (!source.isDirectory(path)) throw Error::invalid("app path " + source.display(path) + " is not a directory");
  if (hasKustomization(source, path)) return kustomizeBuild(source, path, manifests);
  return renderDirectory(source, path, options, manifests);
}

}  // namespace gs::render
