#include "sim/diff/ignore.hpp"

#include <regex>

#include <algorithm>

#include "sim/core/glob.hpp"

namespace gs::diff {
namespace {

Error badPath(std::string_view text, const std::string& why) {
  return Error::invalid("invalid ignore path '" + std::string(text) + "': " + why);
}

std::string unescapeToken(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::string unquote(std::string_view s) {
  if (s.size() >= 2 && ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\''))) {
    return std::string(s.substr(1, s.size() - 2));
  }
  return std::string(s);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "name=web" or "name==\"web\"" -> a Select step.
PathStep parseSelector(std::string_view text, std::string_view inner) {
  auto eq = inner.find('=');
  if (eq == std::string_view::npos) {
    if (inner.empty() || inner == "*") return PathStep{PathStep::AllElements, {}, {}, {}};
    throw badPath(text, "selector '[" + std::string(inner) + "]' must be [field=value]");
  }
  std::string_view field = trim(inner.substr(0, eq));
  std::string_view value = inner.substr(eq + 1);
  if (!value.empty() && value.front() == '=') value.remove_prefix(1);
  if (field.starts_with('.')) field.remove_prefix(1);
  if (field.empty()) throw badPath(text, "selector without a field name");
  return PathStep{PathStep::Select, {}, std::string(field), unquote(trim(value))};
}

// select()'s condition: `.f == "v"`, `.f != "v"`, or `.f | startswith("v")` (endswith,
// contains, test).
PathStep parseSelectCondition(std::string_view text, std::string_view inner) {
  inner = trim(inner);
  const auto bar = inner.find('|');
  if (bar != std::string_view::npos) {
    std::string_view field = trim(inner.substr(0, bar));
    std::string_view call = trim(inner.substr(bar + 1));
    if (field.starts_with('.')) field.remove_prefix(1);
    static constexpr std::pair<std::string_view, PathStep::Match> kCalls[] = {
        {"startswith", PathStep::StartsWith}, {"endswith", PathStep::EndsWith}, {"contains", PathStep::Contains}, {"test", PathStep::Test}};
    for (const auto& [name, match] : kCalls) {
      if (!call.starts_with(name) || call.size() < name.size() + 2 || call[name.size()] != '(' || call.back() != ')') continue;
      std::string_view arg = trim(call.substr(name.size() + 1, call.size() - name.size() - 2));
      if (arg.size() < 2 || arg.front() != '"' || arg.back() != '"') throw badPath(text, std::string(name) + "() takes a quoted string");
      if (field.empty()) throw badPath(text, "select() needs a field, e.g. .name | " + std::string(name) + "(\"x\")");
      PathStep step{PathStep::Select, {}, std::string(field), unquote(arg)};
      step.match = match;
      if (match == PathStep::Test) {
        try {
          std::regex check(step.selectValue, std::regex::ECMAScript);
        } catch (const std::regex_error&) {
          throw badPath(text, "test() needs a valid regular expression");
        }
      }
      return step;
    }
    throw badPath(text, "select() supports .f == \"v\", .f != \"v\" and .f | startswith/endswith/contains/test(\"v\")");
  }
  const auto notEquals = inner.find("!=");
  if (notEquals != std::string_view::npos) {
    std::string_view field = trim(inner.substr(0, notEquals));
    if (field.starts_with('.')) field.remove_prefix(1);
    if (field.empty()) throw badPath(text, "selector without a field name");
    PathStep step{PathStep::Select, {}, std::string(field), unquote(trim(inner.substr(notEquals + 2)))};
    step.match = PathStep::NotEquals;
    return step;
  }
  PathStep step = parseSelector(text, inner);
  if (step.kind != PathStep::Select) throw badPath(text, "select() needs .field == value");
  return step;
}

}  // namespace

IgnorePath parsePointerPath(std::string_view text) {
  if (text.empty() || text.front() != '/') throw badPath(text, "a JSON pointer starts with '/'");
  IgnorePath path{std::string(text), {}};
  std::size_t i = 1;
  while (i <= text.size()) {
    // Find the end of this token: the next '/' outside brackets and quotes.
    std::size_t j = i;
    int depth = 0;
    char quote = 0;
    for (; j < text.size(); ++j) {
      char c = text[j];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        if (depth > 0) quote = c;
      } else if (c == '[') {
        ++depth;
      } else if (c == ']') {
        --depth;
      } else if (c == '/' && depth == 0) {
        break;
      }
    }
    std::string_view token = text.substr(i, j - i);
    // Trailing [field=value] selectors on the token.
    std::size_t bracket = token.find('[');
    std::string_view name = token.substr(0, bracket);
    if (!name.empty() || bracket == std::string_view::npos) path.steps.push_back(PathStep{PathStep::Key, unescapeToken(name), {}, {}});
    while (bracket != std::string_view::npos) {
      std::size_t close = token.find(']', bracket);
      if (close == std::string_view::npos) throw badPath(text, "unclosed '['");
      path.steps.push_back(parseSelector(text, token.substr(bracket + 1, close - bracket - 1)));
      bracket = token.find('[', close);
      if (bracket == std::string_view::npos && close + 1 != token.size()) throw badPath(text, "text after ']'");
    }
    i = j + 1;
  }
  return path;
}

IgnorePath parseJqPath(std::string_view text) {
  IgnorePath path{std::string(text), {}};
  // Split on '|' outside quotes and parentheses.
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  int depth = 0;
  char quote = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : '|';
    if (quote != 0) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"') quote = c;
    else if (c == '(') ++depth;
    else if (c == ')') --depth;
    else if (c == '|' && (depth == 0 || i == text.size())) {
      parts.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  if (quote != 0) throw badPath(text, "unclosed quote");
  if (depth != 0) throw badPath(text, "unbalanced parentheses");
  for (auto part : parts) {
    if (part.empty()) throw badPath(text, "empty expression between '|'");
    if (part.starts_with("select(")) {
      if (!part.ends_with(")")) throw badPath(text, "unclosed select(");
      auto inner = part.substr(7, part.size() - 8);
      auto step = parseSelectCondition(text, inner);
      if (path.steps.empty() || path.steps.back().kind != PathStep::AllElements) {
        throw badPath(text, "select() must follow a list iteration such as .containers[]");
      }
      path.steps.back() = step;
      continue;
    }
    std::size_t i = 0;
    if (part.empty() || part == ".") continue;
    while (i < part.size()) {
      if (part[i] == '.') {
        ++i;
        if (i < part.size() && part[i] == '"') {
          auto close = part.find('"', i + 1);
          if (close == std::string_view::npos) throw badPath(text, "unclosed quote");
          path.steps.push_back(PathStep{PathStep::Key, std::string(part.substr(i + 1, close - i - 1)), {}, {}});
          i = close + 1;
        } else {
          std::size_t j = i;
          while (j < part.size() && part[j] != '.' && part[j] != '[') ++j;
          if (j == i) {
            if (i < part.size() && part[i] == '[') continue;
            throw badPath(text, "empty field name");
          }
          path.steps.push_back(PathStep{PathStep::Key, std::string(part.substr(i, j - i)), {}, {}});
          i = j;
        }
      } else if (part[i] == '[') {
        auto close = part.find(']', i);
        if (close == std::string_view::npos) throw badPath(text, "unclosed '['");
        auto inner = trim(part.substr(i + 1, close - i - 1));
        if (inner.empty()) {
          path.steps.push_back(PathStep{PathStep::AllElements, {}, {}, {}});
        } else {
          path.steps.push_back(PathStep{PathStep::Key, unquote(inner), {}, {}});
        }
        i = close + 1;
      } else {
        throw badPath(text, "unexpected '" + std::string(1, part[i]) + "' (supported: .a.b, [\"k\"], [0], [], select(.f == \"v\"), select(.f | startswith(\"v\")))");
      }
    }
  }
  if (path.steps.empty()) throw badPath(text, "the path selects the whole object");
  return path;
}

namespace {

// An object's identity is what pairs desired with live; ignoring it is always a mistake.
IgnorePath checked(IgnorePath path) {
  const auto& s = path.steps;
  bool identity = !s.empty() && s[0].kind == PathStep::Key &&
                  (s[0].key == "apiVersion" || s[0].key == "kind" ||
                   (s[0].key == "metadata" && (s.size() == 1 || (s[1].kind == PathStep::Key && (s[1].key == "name" || s[1].key == "namespace")))));
  if (identity) throw badPath(path.text, "apiVersion, kind, metadata.name and metadata.namespace identify the object and cannot be ignored");
  return path;
}

}  // namespace

IgnorePath parseIgnorePath(std::string_view text) {
  text = trim(text);
  if (text.starts_with('/')) return checked(parsePointerPath(text));
  if (text.starts_with('.')) return checked(parseJqPath(text));
  throw badPath(text, "start a JSON pointer with '/' or a jq path with '.'");
}

namespace {


}  // namespace

bool IgnoreRule::appliesTo(const kube::ObjectKey& key) const {
  if (!scoped) return true;
  // As Argo CD: group and kind are globs, a missing group is the core group "";
  // a missing name or namespace matches any.
  return globMatch(group.value_or(""), key.group) && globMatch(kind.value_or("*"), key.kind) &&
         (!name || name->empty() || *name == key.name) && (!ns || ns->empty() || *ns == key.ns);
}

IgnoreRule parseIgnoreRule(const Json& spec, const SourceLocation& where) {
  IgnoreRule rule;
  auto withLocation = [&](const std::string& key, auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      throw Error::invalid(e.message(), where, key);
    }
  };
  if (spec.is_string()) {
    withLocation("", [&] { rule.paths.push_back(parseIgnorePath(spec.get<std::string>())); });
    return rule;
  }
  if (!spec.is_object()) throw Error::invalid("an ignore rule is a path string or a map", where);
  rule.scoped = true;
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    const std::string& k = it.key();
    const Json& v = it.value();
    if (k == "group" || k == "kind" || k == "name" || k == "namespace") {
      if (!v.is_string()) throw Error::invalid("must be a string", where, k);
      auto& slot = k == "group" ? rule.group : k == "kind" ? rule.kind : k == "name" ? rule.name : rule.ns;
      slot = v.get<std::string>();
    } else if (k == "jsonPointers" || k == "jqPathExpressions") {
      if (!v.is_array()) throw Error::invalid("must be a list of strings", where, k);
      for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string key = k + "/" + std::to_string(i);
        if (!v[i].is_string()) throw Error::invalid("must be a string", where, key);
        withLocation(key, [&] {
          auto text = v[i].get<std::string>();
          rule.paths.push_back(checked(k == "jsonPointers" ? parsePointerPath(text) : parseJqPath(text)));
        });
      }
    } else if (k == "managedFieldsManagers") {
      if (!v.is_array()) throw Error::invalid("must be a list of field manager names", where, k);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty()) {
          throw Error::invalid("must be a non-empty string", where, k + "/" + std::to_string(i));
        }
        rule.managedFieldsManagers.push_back(v[i].get<std::string>());
      }
    } else {
      throw Error::invalid("unknown key (expected group, kind, name, namespace, jsonPointers, jqPathExpressions, managedFieldsManagers)", where, k);
    }
  }
  if (rule.paths.empty() && rule.managedFieldsManagers.empty()) {
    throw Error::invalid("an ignore rule needs jsonPointers, jqPathExpressions or managedFieldsManagers", where);
  }
  if (!rule.kind) throw Error::invalid("an ignoreDifferences entry needs 'kind' (use \"*\" for every kind)", where, "kind");
  return rule;
}

namespace {

// Whether a list element passes a Select step; its field may be a dotted path
// (select(.resource.name == "memory")). jq's string functions on a missing or non-string
// field are an error there, which Argo CD logs before it compares without the rule: here
// such an element does not match.
bool selects(const Json& element, const PathStep& step) {
  const std::string& field = step.selectField;
  const std::string& want = step.selectValue;
  const Json* v = &element;
  std::size_t start = 0;
  while (true) {
    if (!v->is_object()) return step.match == PathStep::NotEquals;
    auto dot = field.find('.', start);
    auto it = v->find(field.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (it == v->end()) return step.match == PathStep::NotEquals;
    v = &*it;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  const std::string text = v->is_string() ? v->get<std::string>() : v->dump();
  switch (step.match) {
    case PathStep::Equals: return text == want;
    case PathStep::NotEquals: return text != want;
    case PathStep::StartsWith: return v->is_string() && text.starts_with(want);
    case PathStep::EndsWith: return v->is_string() && text.ends_with(want);
    case PathStep::Contains: return v->is_string() && text.find(want) != std::string::npos;
    case PathStep::Test: return v->is_string() && std::regex_search(text, std::regex(want, std::regex::ECMAScript));
  }
  return false;
}

std::optional<std::size_t> arrayIndex(const std::string& key, std::size_t size) {
  if (key.empty() || key.size() > 9 || !std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::size_t i = std::stoul(key);
  if (i >= size) return std::nullopt;
  return i;
}

void removeAt(Json& value, const std::vector<PathStep>& steps, std::size_t at) {
  const PathStep& step = steps[at];
  bool last = at + 1 == steps.size();
  switch (step.kind) {
    case PathStep::Key:
      if (value.is_object()) {
        auto it = value.find(step.key);
        if (it == value.end()) return;
        if (last) value.erase(it);
        else removeAt(*it, steps, at + 1);
      } else if (value.is_array()) {
        auto index = arrayIndex(step.key, value.size());
        if (!index) return;
        if (last) value.erase(*index);
        else removeAt(value[*index], steps, at + 1);
      }
      return;
    case PathStep::AllElements:
      if (value.is_array()) {
        if (last) value = Json::array();
        else for (auto& e : value) removeAt(e, steps, at + 1);
      } else if (value.is_object()) {
        if (last) value = Json::object();
        else for (auto& [k, v] : value.items()) removeAt(v, steps, at + 1);
      }
      return;
    case PathStep::Select:
      if (!value.is_array()) return;
      if (last) {
        Json kept = Json::array();
        for (auto& e : value) {
          if (!selects(e, step)) kept.push_back(std::move(e));
        }
        value = std::move(kept);
      } else {
        for (auto& e : value) {
          if (selects(e, step)) removeAt(e, steps, at + 1);
        }
      }
      return;
  }
}

}  // namespace

void removePath(Json& value, const IgnorePath& path) {
  if (!path.steps.empty()) removeAt(value, path.steps, 0);
}

void applyIgnoreRules(Json& object, const kube::ObjectKey& key, const std::vector<IgnoreRule>& rules) {
  for (const auto& rule : rules) {
    if (!rule.appliesTo(key)) continue;
    for (const auto& path : rule.paths) removePath(object, path);
  }
}

}  // namespace gs::diff
