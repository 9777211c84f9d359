#include "sim/render/field_path.hpp"

#include <cctype>

#include "sim/core/error.hpp"

namespace gs::render {

namespace {

// kyaml's PathSplitter: split on '.', where "\." is a dot inside a part.
std::vector<std::string> splitEscaped(std::string_view path) {
  std::vector<std::string> out{std::string()};
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\' && i + 1 < path.size() && path[i + 1] == '.') {
      out.back() += '.';
      ++i;
    } else if (path[i] == '.') {
      out.emplace_back();
    } else {
      out.back() += path[i];
    }
  }
  return out;
}

bool isListSelector(const std::string& part) {
  return part.size() >= 2 && part.front() == '[' && part.back() == ']' && part.find('=') != std::string::npos;
}

bool isIndex(const std::string& part) {
  if (part.empty()) return false;
  for (char c : part) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

// Whether list element `item` is the one "[key=value]" selects ("[=value]": a scalar).
bool selects(const Json& item, const std::string& part) {
  const std::string inner = part.substr(1, part.size() - 2);
  const auto eq = inner.find('=');
  const std::string key = inner.substr(0, eq), value = inner.substr(eq + 1);
  if (key.empty()) return !item.is_structured() && scalarText(item) == value;
  if (!item.is_object()) return false;
  auto it = item.find(key);
  return it != item.end() && !it->is_structured() && scalarText(*it) == value;
}

// One step of PathGetter / PathMatcher from `node`; `each` receives every match.
template <class Node, class Each>
void step(Node& node, const std::string& part, bool wildcard, Each&& each) {
  if (node.is_array()) {
    if (isListSelector(part)) {
      for (auto& item : node) {
        if (selects(item, part)) each(item);
      }
    } else if (isIndex(part)) {
      const std::size_t i = std::stoul(part);
      if (i < node.size()) each(node[i]);
    } else if (wildcard && part == "*") {
      for (auto& item : node) each(item);
    }
    return;
  }
  if (!node.is_object() || isListSelector(part)) return;
  if (wildcard && part == "*") {
    for (auto& [key, value] : node.items()) each(value);
    return;
  }
  auto it = node.find(part);
  if (it != node.end()) each(*it);
}

}  // namespace

std::string scalarText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  return {};
}

std::vector<std::string> splitFieldPath(std::string_view path) {
  std::vector<std::string> split = splitEscaped(path), out;
  // kyaml drops empty parts (".metadata.name" is "metadata.name") and trims spaces.
  auto keep = [&](std::string part) {
    const auto from = part.find_first_not_of(" \t"), to = part.find_last_not_of(" \t");
    if (from != std::string::npos) out.push_back(part.substr(from, to - from + 1));
  };
  for (std::size_t i = 0; i < split.size(); ++i) {
    const std::string& part = split[i];
    if (!part.empty() && part.front() == '[' && part.back() != ']') {
      // A bracketed part with dots inside: gather it up to the closing bracket.
      std::string bracketed = part;
      while (i + 1 < split.size()) {
        bracketed += "." + split[++i];
        if (!split[i].empty() && split[i].back() == ']') break;
      }
      if (bracketed.find('=') != std::string::npos) {
        keep(bracketed);
      } else {
        // A map key with dots: the brackets go.
        std::size_t from = bracketed.find_first_not_of('['), to = bracketed.find_last_not_of(']');
        if (from != std::string::npos) keep(bracketed.substr(from, to - from + 1));
      }
    } else {
      keep(part);
    }
  }
  return out;
}

const Json* lookupField(const Json& object, const std::vector<std::string>& parts) {
  const Json* node = &object;
  for (const auto& part : parts) {
    const Json* next = nullptr;
    step(*node, part, false, [&](const Json& found) {
      if (next == nullptr) next = &found;
    });
    if (next == nullptr) return nullptr;
    node = next;
  }
  return node;
}

std::vector<Json*> matchFields(Json& object, const std::vector<std::string>& parts) {
  std::vector<Json*> current{&object};
  for (const auto& part : parts) {
    std::vector<Json*> next;
    for (Json* node : current) step(*node, part, true, [&](Json& found) { next.push_back(&found); });
    current = std::move(next);
    if (current.empty()) break;
  }
  return current;
}

namespace {

void createAt(Json& node, const std::vector<std::string>& parts, std::size_t i, const Json& leaf, std::vector<Json*>& out) {
  if (i == parts.size()) {
    out.push_back(&node);
    return;
  }
  const std::string& part = parts[i];
  const bool last = i + 1 == parts.size();
  const std::string& next = last ? part : parts[i + 1];
  // What a missing value on the way is made as: a list before a list step, else a map.
  auto fresh = [&]() -> Json {
    if (last) return leaf;
    return isListSelector(next) || isIndex(next) ? Json::array() : Json::object();
  };
  auto kindName = [](const Json& n) { return n.is_object() ? "MappingNode" : n.is_array() ? "SequenceNode" : "ScalarNode"; };
  if (part == "*") {
    // Every element there is (nothing is made for a wildcard).
    if (node.is_array()) {
      for (auto& item : node) createAt(item, parts, i + 1, leaf, out);
    } else if (node.is_object()) {
      for (auto& [key, value] : node.items()) createAt(value, parts, i + 1, leaf, out);
    }
    return;
  }
  if (isListSelector(part) || isIndex(part)) {
    if (node.is_null()) node = Json::array();
    if (!node.is_array()) throw Error::invalid(std::string("wrong node kind: expected SequenceNode but got ") + kindName(node));
    if (isIndex(part)) {
      const std::size_t index = std::stoul(part);
      // kyaml's PathGetter appends an element for the index just past the end.
      if (index == node.size()) node.push_back(fresh());
      if (index >= node.size()) throw Error::invalid("index " + part + " specified but only " + std::to_string(node.size()) + " elements found");
      return createAt(node[index], parts, i + 1, leaf, out);
    }
    for (auto& item : node) {
      if (selects(item, part)) return createAt(item, parts, i + 1, leaf, out);
    }
    const std::string inner = part.substr(1, part.size() - 2);
    const auto eq = inner.find('=');
    node.push_back(inner.substr(0, eq).empty() ? Json(inner.substr(eq + 1)) : Json::object({{inner.substr(0, eq), inner.substr(eq + 1)}}));
    return createAt(node.back(), parts, i + 1, leaf, out);
  }
  if (node.is_null()) node = Json::object();
  if (!node.is_object()) throw Error::invalid(std::string("wrong node kind: expected MappingNode but got ") + kindName(node));
  auto it = node.find(part);
  if (it == node.end() || it->is_null()) {
    node[part] = fresh();
    return createAt(node[part], parts, i + 1, leaf, out);
  }
  createAt(*it, parts, i + 1, leaf, out);
}

}  // namespace

std::vector<Json*> lookupCreateFields(Json& object, const std::vector<std::string>& parts, const Json& leaf) {
  std::vector<Json*> out;
  createAt(object, parts, 0, leaf, out);
  return out;
}

}  // namespace gs::render
