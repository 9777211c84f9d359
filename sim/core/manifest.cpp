#include "sim/core/manifest.hpp"

#include <algorithm>
#include <filesystem>

#include "sim/core/yaml.hpp"

namespace gs {
namespace {

void requireString(const Json& obj, const char* field, const SourceLocation& where, const std::string& pointer) {
  auto it = obj.find(field);
  if (it == obj.end()) throw Error::invalid(std::string("missing required field '") + field + "' (not a Kubernetes object?)", where, pointer);
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw Error::invalid(std::string("field '") + field + "' must be a non-empty string", where, pointer + "/" + field);
  }
}

void addObject(std::vector<Manifest>& out, Json obj, const SourceLocation& where, const std::string& pointer) {
  if (!obj.is_object()) throw Error::invalid("a manifest document must be a map, found " + std::string(obj.type_name()), where, pointer);
  requireString(obj, "apiVersion", where, pointer);
  requireString(obj, "kind", where, pointer);
  const auto& kind = obj["kind"].get_ref<const std::string&>();
  auto items = obj.find("items");
  if (kind.size() >= 4 && kind.ends_with("List") && items != obj.end()) {
    if (!items->is_array()) throw Error::invalid("'items' of a " + kind + " must be a list", where, pointer + "/items");
    for (std::size_t i = 0; i < items->size(); ++i) {
      addObject(out, std::move((*items)[i]), where, pointer + "/items/" + std::to_string(i));
    }
    return;
  }
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) throw Error::invalid("missing 'metadata' map", where, pointer + "/metadata");
  auto name = meta->find("name");
  auto generateName = meta->find("generateName");
  bool hasName = name != meta->end() && name->is_string() && !name->get_ref<const std::string&>().empty();
  bool hasGenerate = generateName != meta->end() && generateName->is_string();
  if (!hasName && !hasGenerate) throw Error::invalid("missing 'metadata.name'", where, pointer + "/metadata/name");
  out.push_back(Manifest{std::move(obj), where});
}

}  // namespace

std::vector<Manifest> parseManifests(std::string_view text, const std::string& file) {
  std::vector<Manifest> out;
  for (auto& doc : loadYamlDocuments(text, file)) {
    addObject(out, std::move(doc.value), doc.where, "");
  }
  return out;
}

std::vector<Manifest> loadManifests(const std::string& path, bool recursive) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw Error::invalid("no such file or directory", SourceLocation{path, 0, 0});
  if (!fs::is_directory(status)) return parseManifests(readFile(path), path);

  std::vector<std::string> files;
  auto consider = [&](const fs::directory_entry& entry) {
    if (!entry.is_regular_file()) return;
    auto ext = entry.path().extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back(entry.path().string());
  };
  if (recursive) {
    for (const auto& entry : fs::recursive_directory_iterator(path)) consider(entry);
  } else {
    for (const auto& entry : fs::directory_iterator(path)) consider(entry);
  }
  std::sort(files.begin(), files.end());
  std::vector<Manifest> out;
  for (const auto& f : files) {
    auto part = parseManifests(readFile(f), f);
    std::move(part.begin(), part.end(), std::back_inserter(out));
  }
  return out;
}

}  // namespace gs
