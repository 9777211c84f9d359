#include "sim/kube/json_patch.hpp"

#include <charconv>
#include <optional>
#include <vector>

namespace gs::kube {

namespace {

constexpr const char* kMissing = ": missing value";
constexpr const char* kInvalidIndex = ": invalid index referenced";

[[noreturn]] void fail(const std::string& message) { throw JsonPatchError(message); }

// The pointer's tokens, unescaped (~1 is '/', ~0 is '~'); "" is the whole document. As
// evanphx splits a path on '/' and drops the first part, a path without its leading '/'
// loses its first token ("spec/foo" is /foo).
std::vector<std::string> tokensOf(const std::string& pointer) {
  std::vector<std::string> out;
  if (pointer.empty()) return out;
  const std::size_t first = pointer.find('/');
  std::size_t start = first == std::string::npos ? 0 : first + 1;
  while (true) {
    const std::size_t slash = pointer.find('/', start);
    std::string token = pointer.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    std::string decoded;
    for (std::size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        decoded += token[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        decoded += token[i];
      }
    }
    out.push_back(std::move(decoded));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

std::optional<long long> indexOf(const std::string& token) {
  long long value = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || token.empty()) return std::nullopt;
  return value;
}

// findObject: the container that holds the path's last token, or nullptr when a step on
// the way is missing (or the path is the whole document).
Json* containerOf(Json& doc, const std::vector<std::string>& tokens) {
  if (tokens.empty()) return nullptr;
  Json* at = &doc;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (at->is_object()) {
      auto it = at->find(tokens[i]);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array()) {
      auto index = indexOf(tokens[i]);
      if (!index || *index < 0 || *index >= static_cast<long long>(at->size())) return nullptr;
      at = &(*at)[static_cast<std::size_t>(*index)];
    } else {
      return nullptr;
    }
  }
  return at->is_object() || at->is_array() ? at : nullptr;
}

std::string invalidIndex(long long index) { return "Unable to access invalid index: " + std::to_string(index) + kInvalidIndex; }

// The value at `key` of a container, or nullptr (a missing map key is not an error, as
// evanphx's partialDoc.get; an array index out of range is).
const Json* get(const Json& container, const std::string& key, std::string* error) {
  if (container.is_object()) {
    auto it = container.find(key);
    return it == container.end() ? nullptr : &*it;
  }
  auto index = indexOf(key);
  if (!index) {
    *error = "strconv.Atoi: parsing \"" + key + "\": invalid syntax";
    return nullptr;
  }
  if (*index < 0 || *index >= static_cast<long long>(container.size())) {
    *error = invalidIndex(*index);
    return nullptr;
  }
  return &container[static_cast<std::size_t>(*index)];
}

void add(Json& container, const std::string& key, Json value, const std::string& context) {
  if (container.is_object()) {
    container[key] = std::move(value);
    return;
  }
  auto& items = container.get_ref<Json::array_t&>();
  long long index = static_cast<long long>(items.size());
  if (key != "-") {
    auto parsed = indexOf(key);
    if (!parsed) fail(context + ": strconv.Atoi: parsing \"" + key + "\": invalid syntax");
    index = *parsed;
  }
  if (index < 0 || index > static_cast<long long>(items.size())) fail(context + ": " + invalidIndex(index));
  items.insert(items.begin() + index, std::move(value));
}

void remove(Json& container, const std::string& key, const std::string& context) {
  if (container.is_object()) {
    if (!container.contains(key)) fail(context + ": Unable to remove nonexistent key: " + key + kMissing);
    container.erase(key);
    return;
  }
  auto index = indexOf(key);
  if (!index) fail(context + ": strconv.Atoi: parsing \"" + key + "\": invalid syntax");
  auto& items = container.get_ref<Json::array_t&>();
  if (*index < 0 || *index >= static_cast<long long>(items.size())) fail(context + ": " + invalidIndex(*index));
  items.erase(items.begin() + *index);
}

std::string stringMember(const Json& op, const char* name, const std::string& what) {
  auto it = op.find(name);
  if (it == op.end() || !it->is_string()) fail(what + " operation failed to decode " + name);
  return it->get<std::string>();
}

}  // namespace

Json applyJsonPatch(const Json& document, const Json& patch) {
  if (!patch.is_array()) fail("json: cannot unmarshal " + std::string(patch.type_name()) + " into Go value of type jsonpatch.Patch");
  Json doc = document;
  for (const Json& op : patch) {
    const std::string kind = op.is_object() ? op.value("op", "") : "";
    if (kind != "add" && kind != "remove" && kind != "replace" && kind != "move" && kind != "copy" && kind != "test") {
      fail("Unexpected kind: " + kind);
    }
    const std::string path = stringMember(op, "path", kind);
    const auto tokens = tokensOf(path);
    if (kind == "add") {
      if (!op.contains("value")) fail("add operation does not apply: missing value");
      Json* con = containerOf(doc, tokens);
      if (con == nullptr) fail("add operation does not apply: doc is missing path: \"" + path + "\"" + kMissing);
      add(*con, tokens.back(), op["value"], "error in add for path: '" + path + "'");
    } else if (kind == "remove") {
      Json* con = containerOf(doc, tokens);
      if (con == nullptr) fail("remove operation does not apply: doc is missing path: \"" + path + "\"" + kMissing);
      remove(*con, tokens.back(), "error in remove for path: '" + path + "'");
    } else if (kind == "replace") {
      Json* con = containerOf(doc, tokens);
      if (con == nullptr) fail("replace operation does not apply: doc is missing path: " + path + kMissing);
      std::string error;
      const Json* current = get(*con, tokens.back(), &error);
      if (current == nullptr && !error.empty()) fail("replace operation does not apply: doc is missing key: " + path + kMissing);
      if (con->is_object()) (*con)[tokens.back()] = op.value("value", Json());
      else (*con)[static_cast<std::size_t>(*indexOf(tokens.back()))] = op.value("value", Json());
    } else if (kind == "test") {
      Json* con = containerOf(doc, tokens);
      if (tokens.empty()) {
        if (doc != op.value("value", Json())) fail("testing value " + path + " failed: test failed");
        continue;
      }
      if (con == nullptr) fail("test operation does not apply: is missing path: " + path + kMissing);
      std::string error;
      const Json* current = get(*con, tokens.back(), &error);
      if (!error.empty()) fail("error in test for path: '" + path + "': " + error);
      const Json expected = op.value("value", Json());
      if ((current == nullptr ? Json() : *current) != expected) fail("testing value " + path + " failed: test failed");
    } else {  // move, copy
      const std::string from = stringMember(op, "from", kind);
      const auto fromTokens = tokensOf(from);
      Json* source = containerOf(doc, fromTokens);
      if (source == nullptr) fail(kind + " operation does not apply: doc is missing from path: " + from + kMissing);
      std::string error;
      const Json* value = get(*source, fromTokens.back(), &error);
      if (value == nullptr) {
        if (kind == "move" && error.empty()) error = "Unable to remove nonexistent key: " + fromTokens.back() + kMissing;
        if (error.empty()) error = "Unable to access key: " + fromTokens.back() + kMissing;
        fail(kind == "move" ? "error in move for path: '" + fromTokens.back() + "': " + error : "error in copy for from: '" + from + "': " + error);
      }
      Json moved = *value;
      if (kind == "move") remove(*source, fromTokens.back(), "error in move for path: '" + fromTokens.back() + "'");
      Json* target = containerOf(doc, tokens);
      if (target == nullptr) fail(kind + " operation does not apply: doc is missing destination path: " + path + kMissing);
      add(*target, tokens.back(), std::move(moved), kind == "move" ? "error in move for path: '" + path + "'" : "error while adding value during copy");
    }
  }
  return doc;
}

}  // namespace gs::kube
