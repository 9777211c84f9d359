#include "sim/ci/yaml_edit.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "sim/core/error.hpp"
#include "sim/core/yaml_scalar.hpp"

namespace gs::ci {

namespace {

[[noreturn]] void fail(std::string_view file, const YamlPath& path, const std::string& why, int line = 0, int column = 0) {
  const std::string key = formatYamlPath(path);
  throw Error::invalid(std::string(file) + ": cannot set " + key + ": " + why, SourceLocation{std::string(file), line, column}, key);
}

YAML::Node load(std::string_view text, std::string_view file) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw Error::invalid(std::string(file) + ": not valid YAML: " + e.msg, SourceLocation{std::string(file), e.mark.line + 1, e.mark.column + 1});
  }
}

// Finds the value of `key` in a mapping; also returns the key node (for its position).
bool findKey(const YAML::Node& map, const std::string& key, YAML::Node& keyNode, YAML::Node& value) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      keyNode.reset(it->first);
      value.reset(it->second);
      return true;
    }
  }
  return false;
}

std::size_t lineStart(std::string_view text, std::size_t pos) {
  while (pos > 0 && text[pos - 1] != '\n') --pos;
  return pos;
}

std::size_t lineEnd(std::string_view text, std::size_t pos) {
  auto nl = text.find('\n', pos);
  return nl == std::string_view::npos ? text.size() : nl;
}

// [start, end) of the scalar's source text that begins at `start`.
std::size_t scalarEnd(std::string_view text, std::size_t start, bool flow) {
  const char q = text[start];
  if (q == '"') {
    for (std::size_t i = start + 1; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == '"') {
        return i + 1;
      }
    }
    return text.size();
  }
  if (q == '\'') {
    for (std::size_t i = start + 1; i < text.size(); ++i) {
      if (text[i] == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
        } else {
          return i + 1;
        }
      }
    }
    return text.size();
  }
  std::size_t end = start;
  while (end < text.size() && text[end] != '\n' && text[end] != '\r') {
    if (text[end] == '#' && end > start && (text[end - 1] == ' ' || text[end - 1] == '\t')) break;
    if (flow && (text[end] == ',' || text[end] == ']' || text[end] == '}')) break;
    ++end;
  }
  while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return end;
}

std::string doubleQuoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// How to write `value` where a scalar written as `old` was (its quoting style kept).
std::string spell(std::string_view value, char oldStyle, bool flow) {
  if (oldStyle == '\'' && value.find('\n') == std::string_view::npos) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
  if (oldStyle == '"') return doubleQuoted(value);
  bool plain = isPlainSafeString(value) && value.find_first_of(flow ? "#,[]{}\n" : "#\n") == std::string_view::npos;
  return plain ? std::string(value) : doubleQuoted(value);
}

std::string spellKey(const std::string& key) { return spell(key, 0, false); }

// Lines "k1:\n  k2: value\n" for the missing tail of a path, at `indent`.
std::string newLines(const YamlPath& path, std::size_t from, std::string_view value, std::size_t indent) {
  std::string out;
  for (std::size_t i = from; i < path.size(); ++i) {
    out += std::string(indent + 2 * (i - from), ' ') + spellKey(path[i].key) + ":";
    out += i + 1 == path.size() ? " " + spell(value, 0, false) + "\n" : "\n";
  }
  return out;
}

// The position of the '}' closing the flow mapping that opens at `open` (quotes and
// nested collections skipped); npos when it is not closed.
std::size_t flowMappingClose(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      i = scalarEnd(text, i, true) - 1;
    } else if (c == '#' && i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return c == '}' ? i : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// Adds the keys path[from..] with `value` to the flow mapping `map` ({a: 1} becomes
// {a: 1, key: value}; a missing inner key nests: {a: 1, k1: {k2: value}}).
std::string insertIntoFlow(std::string_view text, const YAML::Node& map, const YamlPath& path, std::size_t from, std::string_view value,
                           std::string_view file) {
  const YAML::Mark mark = map.Mark();
  if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text.size() || text[static_cast<std::size_t>(mark.pos)] != '{') {
    fail(file, path, "cannot locate the flow mapping in the file");
  }
  const std::size_t close = flowMappingClose(text, static_cast<std::size_t>(mark.pos));
  if (close == std::string_view::npos) fail(file, path, "cannot find the end of the flow mapping", mark.line + 1, mark.column + 1);
  std::string entry = spell(value, 0, true);
  for (std::size_t i = path.size(); i-- > from;) entry = spellKey(path[i].key) + ": " + (i + 1 == path.size() ? entry : "{" + entry + "}");
  std::size_t at = close;
  while (at > static_cast<std::size_t>(mark.pos) + 1 && (text[at - 1] == ' ' || text[at - 1] == '\t')) --at;
  const bool empty = text.substr(static_cast<std::size_t>(mark.pos) + 1, at - static_cast<std::size_t>(mark.pos) - 1).find_first_not_of(" \t\n") ==
                     std::string_view::npos;
  std::string out(text);
  return out.insert(at, empty ? entry : ", " + entry);
}

// Adds the keys path[from..] with `value` to the block mapping `map`.
std::string insertInto(std::string_view text, const YAML::Node& map, bool isRoot, const YamlPath& path, std::size_t from,
                       std::string_view value, std::string_view file) {
  for (std::size_t i = from; i < path.size(); ++i) {
    if (path[i].index) fail(file, path, "index [" + std::to_string(*path[i].index) + "] does not exist");
  }
  std::string out(text);
  if (map.IsNull() && isRoot) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out + newLines(path, from, value, 0);
  }
  if (map.Style() == YAML::EmitterStyle::Flow) return insertIntoFlow(text, map, path, from, value, file);
  if (map.size() == 0) fail(file, path, "cannot add a key to an empty mapping");
  const YAML::Node firstKey = map.begin()->first;
  const YAML::Node firstValue = map.begin()->second;
  const YAML::Mark mark = firstKey.Mark();
  if (mark.pos < 0) fail(file, path, "cannot locate the mapping in the file");
  const auto keyPos = static_cast<std::size_t>(mark.pos);
  const std::size_t indent = static_cast<std::size_t>(mark.column);
  if (isRoot) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out + newLines(path, from, value, indent);
  }
  const std::size_t start = lineStart(text, keyPos);
  if (text.substr(start, keyPos - start).find_first_not_of(' ') == std::string_view::npos) {
    return out.insert(start, newLines(path, from, value, indent));
  }
  // "- name: app": the mapping starts after a sequence dash; add after that line when
  // the first value is a scalar on it.
  if (firstValue.IsScalar() && firstValue.Mark().line == mark.line) {
    std::size_t end = lineEnd(text, keyPos);
    std::string lines = newLines(path, from, value, indent);
    if (end == out.size()) return out + "\n" + lines.substr(0, lines.size() - 1);
    return out.insert(end + 1, lines);
  }
  fail(file, path, "cannot tell where to add the key in this mapping's layout; add it by hand once", mark.line + 1, mark.column + 1);
}

// A replacement of text[start, start + length) by `with`.
struct Splice {
  std::size_t start = 0;
  std::size_t length = 0;
  std::string with;
};

// Where and how to write `newValue` over the scalar (or null) value of `keyNode`.
Splice scalarSplice(std::string_view text, const YAML::Node& keyNode, const YAML::Node& value, bool flow, const YamlPath& path,
                    std::string_view file, std::string_view newValue) {
  if (value.IsNull()) {
    // "key:" with nothing after it, or "key: ~" / "key: null".
    const YAML::Mark km = keyNode.Mark();
    const auto keyPos = static_cast<std::size_t>(km.pos);
    std::size_t colon = text[keyPos] == '"' || text[keyPos] == '\'' ? text.find(':', scalarEnd(text, keyPos, flow)) : keyPos;
    // A plain key ends at the first ':' followed by a space, a line end or the end.
    while (colon < text.size() && !(text[colon] == ':' && (colon + 1 == text.size() || text[colon + 1] == ' ' || text[colon + 1] == '\n'))) ++colon;
    if (colon >= text.size()) colon = std::string_view::npos;
    if (colon == std::string_view::npos) fail(file, path, "cannot locate the value", km.line + 1, km.column + 1);
    std::size_t valueStart = colon + 1;
    while (valueStart < text.size() && text[valueStart] == ' ') ++valueStart;
    std::size_t valueEnd = valueStart;
    if (valueStart < text.size() && text[valueStart] != '\n' && text[valueStart] != '#') valueEnd = scalarEnd(text, valueStart, flow);
    return Splice{colon + 1, valueEnd - colon - 1, " " + spell(newValue, 0, flow)};
  }
  if (!value.IsScalar()) fail(file, path, "the value there is a " + std::string(value.IsMap() ? "mapping" : "sequence") + ", not a scalar",
                              value.Mark().line + 1, value.Mark().column + 1);
  const YAML::Mark vm = value.Mark();
  const auto start = static_cast<std::size_t>(vm.pos);
  const char style = text[start];
  if (style == '|' || style == '>') fail(file, path, "block scalars (| and >) are not edited", vm.line + 1, vm.column + 1);
  if (style == '!' || style == '&' || style == '*') fail(file, path, "tagged, anchored or aliased values are not edited", vm.line + 1, vm.column + 1);
  const std::size_t end = scalarEnd(text, start, flow);
  if (style != '"' && style != '\'' && text.substr(start, end - start) != value.Scalar()) {
    fail(file, path, "multi-line plain scalars are not edited", vm.line + 1, vm.column + 1);
  }
  return Splice{start, end - start, spell(newValue, style == '"' || style == '\'' ? style : 0, flow)};
}

std::string replaceScalar(std::string_view text, const YAML::Node& keyNode, const YAML::Node& value, bool flow,
                          const YamlPath& path, std::string_view file, std::string_view newValue) {
  Splice splice = scalarSplice(text, keyNode, value, flow, path, file, newValue);
  return std::string(text).replace(splice.start, splice.length, splice.with);
}

std::string applySet(std::string_view text, const YamlPath& path, std::string_view value, std::string_view file) {
  if (path.empty()) fail(file, path, "empty path");
  YAML::Node root = load(text, file);
  YAML::Node current = root;
  bool flow = false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const YamlPathStep& step = path[i];
    const bool last = i + 1 == path.size();
    if (step.index) {
      if (!current.IsSequence() || *step.index >= current.size()) {
        fail(file, path, "no element [" + std::to_string(*step.index) + "] at " + formatYamlPath(YamlPath(path.begin(), path.begin() + static_cast<long>(i) + 1)));
      }
      flow = flow || current.Style() == YAML::EmitterStyle::Flow;
      YAML::Node next = current[*step.index];
      if (last) {
        if (!next.IsScalar()) fail(file, path, "the element is not a scalar");
        std::string out(text);
        const auto start = static_cast<std::size_t>(next.Mark().pos);
        const char style = text[start];
        return out.replace(start, scalarEnd(text, start, flow) - start, spell(value, style == '"' || style == '\'' ? style : 0, flow));
      }
      current.reset(next);
      continue;
    }
    if (!current.IsMap() && !(current.IsNull() && i == 0)) {
      fail(file, path, formatYamlPath(YamlPath(path.begin(), path.begin() + static_cast<long>(i))) + " is not a mapping");
    }
    YAML::Node keyNode, next;
    if (current.IsNull() || !findKey(current, step.key, keyNode, next)) {
      return insertInto(text, current, i == 0, path, i, value, file);
    }
    flow = flow || current.Style() == YAML::EmitterStyle::Flow;
    if (last) return replaceScalar(text, keyNode, next, flow, path, file, value);
    current.reset(next);
  }
  fail(file, path, "unreachable");
}

// The scalar at `path` under `root`, or nullopt.
std::optional<std::string> scalarAt(const YAML::Node& root, const YamlPath& path) {
  YAML::Node current = root;
  for (const auto& step : path) {
    if (step.index) {
      if (!current.IsSequence() || *step.index >= current.size()) return std::nullopt;
      current.reset(current[*step.index]);
    } else {
      YAML::Node keyNode, next;
      if (!current.IsMap() || !findKey(current, step.key, keyNode, next)) return std::nullopt;
      current.reset(next);
    }
  }
  if (!current.IsScalar()) return std::nullopt;
  return current.Scalar();
}

}  // namespace

YamlPath parseYamlPath(std::string_view text) {
  YamlPath path;
  std::string key;
  bool pending = false;
  auto flush = [&] {
    if (pending || !key.empty()) path.push_back({key, std::nullopt});
    key.clear();
    pending = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      key += text[++i];
      pending = true;
    } else if (c == '.') {
      if (key.empty() && !pending) throw Error::invalid("invalid YAML path \"" + std::string(text) + "\": empty key");
      flush();
    } else if (c == '[') {
      if (!key.empty() || pending) flush();
      auto close = text.find(']', i);
      std::string digits(text.substr(i + 1, close == std::string_view::npos ? 0 : close - i - 1));
      if (close == std::string_view::npos || digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
        throw Error::invalid("invalid YAML path \"" + std::string(text) + "\": expected [<index>]");
      }
      path.push_back({{}, static_cast<std::size_t>(std::stoull(digits))});
      i = close;
      if (i + 1 < text.size() && text[i + 1] == '.') ++i;
    } else {
      key += c;
    }
  }
  if (!key.empty() || pending) flush();
  if (path.empty()) throw Error::invalid("invalid YAML path \"" + std::string(text) + "\": empty");
  return path;
}

std::string formatYamlPath(const YamlPath& path) {
  std::string out;
  for (const auto& step : path) {
    if (step.index) {
      out += "[" + std::to_string(*step.index) + "]";
      continue;
    }
    if (!out.empty()) out += ".";
    for (char c : step.key) {
      if (c == '.' || c == '[' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out;
}

namespace {

// Edits must read back as exactly what was asked, or nothing is written.
void checkReadsBack(const std::string& out, const std::vector<std::pair<YamlPath, std::string>>& edits, std::string_view file) {
  YAML::Node root;
  bool parsed = true;
  try {
    root = YAML::Load(out);
  } catch (const YAML::Exception&) {
    parsed = false;
  }
  for (const auto& [path, value] : edits) {
    std::optional<std::string> check;
    try {
      if (parsed) check = scalarAt(root, path);
    } catch (const YAML::Exception&) {
    }
    if (check != value) {
      throw Error::internal(std::string(file) + ": the edit of " + formatYamlPath(path) + " did not read back as \"" + value + "\"");
    }
  }
}

// Sets the fields of the images entry `entry` that all exist as scalars (or nulls) in
// place, from this one parse: the splices go last-first, so each one's position holds.
// nullopt when a field is missing (adding keys is left to setYamlScalar, one at a time).
std::optional<std::string> setExistingImageFields(std::string_view text, const YAML::Node& entry, std::size_t index, bool flow,
                                                  const std::vector<std::pair<std::string, std::string>>& fields, std::string_view file) {
  std::vector<Splice> splices;
  std::vector<std::pair<YamlPath, std::string>> edits;
  for (const auto& [k, v] : fields) {
    YamlPath path{{"images", std::nullopt}, {{}, index}, {k, std::nullopt}};
    YAML::Node keyNode, value;
    if (!findKey(entry, k, keyNode, value)) return std::nullopt;
    splices.push_back(scalarSplice(text, keyNode, value, flow, path, file, v));
    edits.emplace_back(std::move(path), v);
  }
  std::sort(splices.begin(), splices.end(), [](const Splice& a, const Splice& b) { return a.start > b.start; });
  std::string out(text);
  for (const auto& splice : splices) out.replace(splice.start, splice.length, splice.with);
  checkReadsBack(out, edits, file);
  return out;
}

}  // namespace

std::string setYamlScalar(std::string_view text, const YamlPath& path, std::string_view value, std::string_view file) {
  std::string out = applySet(text, path, value, file);
  checkReadsBack(out, {{path, std::string(value)}}, file);
  return out;
}

std::string setKustomizeImage(std::string_view text, const KustomizeImageEdit& edit, std::string_view file) {
  const YamlPath imagesPath{{"images", std::nullopt}};
  YAML::Node root = load(text, file);
  if (!root.IsMap() && !root.IsNull()) fail(file, imagesPath, "the kustomization is not a mapping");
  std::vector<std::pair<std::string, std::string>> fields;
  if (edit.newName) fields.emplace_back("newName", *edit.newName);
  if (edit.newTag) fields.emplace_back("newTag", *edit.newTag);
  if (edit.digest) fields.emplace_back("digest", *edit.digest);
  YAML::Node keyNode, images;
  if (root.IsNull() || !findKey(root, "images", keyNode, images)) {
    std::string out(text);
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "images:\n- name: " + spell(edit.name, 0, false) + "\n";
    for (const auto& [k, v] : fields) out += "  " + k + ": " + spell(v, 0, false) + "\n";
    return out;
  }
  if (!images.IsSequence()) fail(file, imagesPath, "images is not a list", keyNode.Mark().line + 1, keyNode.Mark().column + 1);
  for (std::size_t i = 0; i < images.size(); ++i) {
    YAML::Node entry = images[i];
    if (!entry.IsMap() || !entry["name"] || !entry["name"].IsScalar() || entry["name"].Scalar() != edit.name) continue;
    const bool flow = root.Style() == YAML::EmitterStyle::Flow || images.Style() == YAML::EmitterStyle::Flow ||
                      entry.Style() == YAML::EmitterStyle::Flow;
    if (auto inPlace = setExistingImageFields(text, entry, i, flow, fields, file)) return *std::move(inPlace);
    std::string out(text);
    for (const auto& [k, v] : fields) out = setYamlScalar(out, YamlPath{{"images", std::nullopt}, {{}, i}, {k, std::nullopt}}, v, file);
    return out;
  }
  if (images.Style() == YAML::EmitterStyle::Flow || images.size() == 0 || !images[0].IsMap()) {
    fail(file, imagesPath, "images is a flow or empty list; add the entry for " + edit.name + " by hand once");
  }
  // A new entry, written before the first one in the same layout.
  const YAML::Mark first = images[0].Mark();
  const auto firstPos = static_cast<std::size_t>(first.pos);
  const std::size_t start = lineStart(text, firstPos);
  std::string_view prefix = text.substr(start, firstPos - start);
  const auto dash = prefix.find('-');
  if (dash == std::string_view::npos || prefix.find_first_not_of(' ') != dash || prefix.find_first_not_of(' ', dash + 1) != std::string_view::npos) {
    fail(file, imagesPath, "cannot tell the layout of the images list; add the entry for " + edit.name + " by hand once", first.line + 1,
         first.column + 1);
  }
  std::string entry = std::string(prefix) + "name: " + spell(edit.name, 0, false) + "\n";
  for (const auto& [k, v] : fields) entry += std::string(prefix.size(), ' ') + k + ": " + spell(v, 0, false) + "\n";
  return std::string(text).insert(start, entry);
}

}  // namespace gs::ci
