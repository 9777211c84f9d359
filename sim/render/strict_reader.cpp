#include "sim/render/strict_reader.hpp"

namespace gs::render {

Error fieldError(const std::string& file, const PositionIndex* positions, std::string_view pointer, const std::string& message) {
  const SourceLocation where = positions != nullptr ? positions->locate(file, pointer) : SourceLocation{file, 0, 0};
  std::string key(pointer);
  for (auto& c : key) c = c == '/' ? '.' : c;
  if (!key.empty() && key.front() == '.') key.erase(0, 1);
  return Error::invalid(message, where, key);
}

void StrictReader::fail(const std::string& pointer, const std::string& message) const {
  throw fieldError(file_, positions_.get(), pointer, message);
}

// Go's JSON decoding, which kustomize reads these files with, leaves a field written as
// null (or with no value) at its zero value: "", false, 0, an empty list or map.
std::string StrictReader::string(const Json& v, const std::string& pointer) const {
  if (v.is_null()) return {};
  if (!v.is_string()) fail(pointer, "expected a string, got " + std::string(v.type_name()));
  return v.get<std::string>();
}

bool StrictReader::boolean(const Json& v, const std::string& pointer) const {
  if (v.is_null()) return false;
  if (!v.is_boolean()) fail(pointer, "expected true or false, got " + std::string(v.type_name()));
  return v.get<bool>();
}

std::int64_t StrictReader::integer(const Json& v, const std::string& pointer) const {
  if (v.is_null()) return 0;
  if (!v.is_number_integer()) fail(pointer, "expected an integer, got " + std::string(v.type_name()));
  return v.get<std::int64_t>();
}

std::vector<std::string> StrictReader::strings(const Json& v, const std::string& pointer) const {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_array()) fail(pointer, "expected a list of strings, got " + std::string(v.type_name()));
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(string(v[i], pointer + "/" + std::to_string(i)));
  return out;
}

std::map<std::string, std::string> StrictReader::stringMap(const Json& v, const std::string& pointer) const {
  std::map<std::string, std::string> out;
  if (v.is_null()) return out;
  if (!v.is_object()) fail(pointer, "expected a map of strings, got " + std::string(v.type_name()));
  for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = string(*it, pointer + "/" + it.key());
  return out;
}

void StrictReader::onlyKeys(const Json& v, const std::string& pointer, std::initializer_list<const char*> keys) const {
  if (v.is_null()) return;
  if (!v.is_object()) fail(pointer, "expected a map, got " + std::string(v.type_name()));
  for (auto it = v.begin(); it != v.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) fail(pointer + "/" + it.key(), "unknown field \"" + it.key() + "\"");
  }
}

std::string StrictReader::optionalString(const Json& v, const char* key, const std::string& pointer) const {
  auto it = v.find(key);
  if (it == v.end() || it->is_null()) return {};
  return string(*it, pointer + "/" + key);
}

StrictDocument loadStrictDocument(std::string_view text, const std::string& file) {
  YamlLoadOptions options;
  options.recordPositions = true;
  YamlDocument doc = loadYamlDocument(text, file, options);
  auto positions = std::make_shared<const PositionIndex>(std::move(doc.positions));
  return StrictDocument{std::move(doc.value), StrictReader(file, std::move(positions))};
}

}  // namespace gs::render
