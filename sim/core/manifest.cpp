#include "sim/core/manifest.hpp"

#include <algorithm>
#include <filesystem>

#include "sim/core/yaml.hpp"

namespace gs {

SourceLocation Manifest::locate(std::string_view fieldPointer) const {
  if (!positions) return where;
  auto at = positions->locate(where.file, pointer + std::string(fieldPointer));
  return at.known() ? at : where;
}

namespace {

struct DocumentContext {
  const std::string& file;
  std::shared_ptr<const PositionIndex> positions;
  bool kustomize = false;  // read as kustomize reads resources
  SourceLocation at(const std::string& pointer) const { return positions->locate(file, pointer); }
};

void requireString(const Json& obj, const char* field, const DocumentContext& doc, const std::string& pointer) {
  auto it = obj.find(field);
  if (it == obj.end()) {
    throw Error::invalid(std::string("missing required field '") + field + "' (not a Kubernetes object?)", doc.at(pointer), pointer);
  }
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw Error::invalid(std::string("field '") + field + "' must be a non-empty string", doc.at(pointer + "/" + field),
                         pointer + "/" + field);
  }
}

void addObject(std::vector<Manifest>& out, Json obj, const DocumentContext& doc, const std::string& pointer) {
  SourceLocation where = doc.at(pointer);
  if (!obj.is_object()) throw Error::invalid("a manifest document must be a map, found " + std::string(obj.type_name()), where, pointer);
  requireString(obj, "apiVersion", doc, pointer);
  requireString(obj, "kind", doc, pointer);
  const auto& kind = obj["kind"].get_ref<const std::string&>();
  auto items = obj.find("items");
  if (kind.size() >= 4 && kind.ends_with("List") && items != obj.end()) {
    if (!items->is_array()) throw Error::invalid("'items' of a " + kind + " must be a list", where, pointer + "/items");
    for (std::size_t i = 0; i < items->size(); ++i) {
      addObject(out, std::move((*items)[i]), doc, pointer + "/items/" + std::to_string(i));
    }
    return;
  }
  auto meta = obj.find("metadata");
  // kyaml keeps an object whose kind ends in List but has no items, with or without
  // metadata or a name (kustomize prints it with `metadata: {}`).
  const bool nameless = doc.kustomize && kind.size() >= 4 && kind.ends_with("List");
  if (meta == obj.end() && nameless) meta = obj.emplace("metadata", Json::object()).first;
  if (meta == obj.end()) throw Error::invalid("missing 'metadata' map", where, pointer + "/metadata");
  if (!meta->is_object()) throw Error::invalid("'metadata' must be a map", doc.at(pointer + "/metadata"), pointer + "/metadata");
  for (const char* field : {"name", "namespace", "generateName"}) {
    auto it = meta->find(field);
    if (it != meta->end() && !it->is_string()) {
      std::string p = pointer + "/metadata/" + field;
      throw Error::invalid(std::string("'metadata.") + field + "' must be a string, found " + it->type_name(), doc.at(p), p);
    }
  }
  auto name = meta->find("name");
  auto generateName = meta->find("generateName");
  bool hasName = name != meta->end() && !name->get_ref<const std::string&>().empty();
  if (!hasName && generateName == meta->end() && !nameless) throw Error::invalid("missing 'metadata.name'", where, pointer + "/metadata/name");
  out.push_back(Manifest{std::move(obj), where, doc.positions, pointer});
}

void requireStrictJson(std::string_view text, const std::string& file) {
  if (Json::accept(text)) return;
  try {
    Json parsed = Json::parse(text);
    (void)parsed;
  } catch (const Json::parse_error& e) {
    std::string message = e.what();
    auto colon = message.find("syntax error");
    if (colon != std::string::npos) message = message.substr(colon);
    throw Error::invalid("invalid JSON: " + message, locationOf(text, e.byte > 0 ? e.byte - 1 : 0, file));
  }
  throw Error::invalid("invalid JSON", SourceLocation{file, 0, 0});
}

}  // namespace

std::vector<Manifest> parseManifests(std::string_view text, const std::string& file, YamlBooleans booleans) {
  if (file.ends_with(".json")) {
    requireUtf8(text, file);
    requireStrictJson(text, file);
  }
  std::vector<Manifest> out;
  YamlLoadOptions options;
  options.recordPositions = true;
  options.booleans = booleans;
  options.kustomizeTimestamps = booleans == YamlBooleans::Yaml12;  // kustomize's reading (see parseManifests)
  options.kustomizeAnnotations = options.kustomizeTimestamps;
  std::vector<YamlDocument> docs;
  try {
    docs = loadYamlDocuments(text, file, options);
  } catch (const Error&) {
    if (!file.ends_with(".json")) throw;
    // Valid JSON that yaml-cpp cannot read (escaped surrogate pairs such as "\ud83d\ude00"):
    // take nlohmann's reading, without field positions.
    docs.clear();
    docs.push_back(YamlDocument{Json::parse(text), SourceLocation{file, 1, 1}, {}});
  }
  for (auto& doc : docs) {
    auto positions = std::make_shared<PositionIndex>(std::move(doc.positions));
    addObject(out, std::move(doc.value), DocumentContext{file, positions, booleans == YamlBooleans::Yaml12}, "");
  }
  return out;
}

std::vector<Manifest> loadManifests(const std::string& path, bool recursive) {
  namespace fs = std::filesystem;
  if (path == "-") return parseManifests(readFile(path), "<stdin>");
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw Error::invalid("no such file or directory", SourceLocation{path, 0, 0});
  if (!fs::is_directory(status)) return parseManifests(readFile(path), path);

  std::vector<std::string> files;
  auto consider = [&](const fs::directory_entry& entry) {
    auto ext = entry.path().extension().string();
    if (ext != ".yaml" && ext != ".yml" && ext != ".json") return;
    std::error_code statError;
    if (entry.is_symlink(statError) && !fs::exists(entry.path(), statError)) {
      throw Error::invalid("broken symbolic link to " + fs::read_symlink(entry.path(), statError).string(),
                           SourceLocation{entry.path().string(), 0, 0});
    }
    if (entry.is_regular_file(statError)) files.push_back(entry.path().string());
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
