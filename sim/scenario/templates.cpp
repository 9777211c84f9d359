#include "sim/scenario/templates.hpp"

#include <algorithm>
#include <cctype>

namespace gs::scenario {

namespace {

bool isRefChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-' || c == '/'; }  // '/': branch names

// Calls `each(start, end)` for every "{ref}" in text (start at '{', end after '}').
template <typename F>
void scan(const std::string& text, F each) {
  std::size_t i = 0;
  while ((i = text.find('{', i)) != std::string::npos) {
    std::size_t j = i + 1;
    while (j < text.size() && isRefChar(text[j])) ++j;
    if (j < text.size() && text[j] == '}' && j > i + 1 && std::isalpha(static_cast<unsigned char>(text[i + 1])) != 0) {
      each(i, j + 1);
      i = j + 1;
    } else {
      ++i;
    }
  }
}

std::vector<std::string> split(const std::string& ref) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = ref.find('.', start);
    parts.push_back(ref.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

std::string list(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

bool oneOf(const std::string& v, std::initializer_list<const char*> options) {
  return std::any_of(options.begin(), options.end(), [&](const char* o) { return v == o; });
}

// Resolves shorthand, checks names and fields; returns the full form or an error text.
std::string canonical(std::vector<std::string> parts, const TemplateNames& names, std::string& error) {
  const std::string& category = parts[0];
  auto named = [&](const std::set<std::string>& set, const char* what, const std::vector<std::string>& keywords) -> bool {
    // "{pipeline.last.tag}": no name given; fill it in when there is exactly one.
    if (set.empty()) {
      error = std::string("'{") + join(parts) + "}' names a " + what + ", but the world has none";
      return false;
    }
    if (parts.size() >= 2 && std::find(keywords.begin(), keywords.end(), parts[1]) != keywords.end() && set.count(parts[1]) == 0) {
      if (set.size() != 1) {
        error = std::string("'{") + join(parts) + "}' does not say which " + what + " (there are " + std::to_string(set.size()) + ": " + list(set) +
                "); write {" + category + ".<name>." + join(std::vector<std::string>(parts.begin() + 1, parts.end())) + "}";
        return false;
      }
      parts.insert(parts.begin() + 1, *set.begin());
    }
    if (parts.size() < 2 || set.count(parts[1]) == 0) {
      const std::string name = parts.size() > 1 ? parts[1] : "";
      const std::string best = closestMatch(name, std::vector<std::string>(set.begin(), set.end()));
      error = std::string("no ") + what + " named '" + name + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)") + " (known: " + list(set) + ")";
      return false;
    }
    return true;
  };
  if (category == "seed" && parts.size() == 1) return "seed";
  if (category == "repo") {
    if (!named(names.repos, "repo", {"head", "commits", "branch"})) return {};
    if (parts.size() == 3 && parts[2] == "commits") return join(parts);
    if (parts.size() == 4 && parts[2] == "head" && oneOf(parts[3], {"sha", "sha7", "message", "summary", "author"})) return join(parts);
    // {repo.<name>.branch.<branch>.sha}: another branch's head (its name may hold dots).
    if (parts.size() >= 5 && parts[2] == "branch" && oneOf(parts.back(), {"sha", "sha7", "message", "summary", "author"})) return join(parts);
    error = "use {repo.<name>.head.sha|sha7|message|summary|author}, {repo.<name>.branch.<branch>.sha|...} or {repo.<name>.commits}";
    return {};
  }
  if (category == "pipeline") {
    if (!named(names.pipelines, "pipeline", {"last", "lastSucceeded"})) return {};
    if (parts.size() == 4 && (parts[2] == "last" || parts[2] == "lastSucceeded") &&
        oneOf(parts[3], {"tag", "image", "digest", "commit", "commit7", "status", "writeback", "writeback7"})) {
      return join(parts);
    }
    error = "use {pipeline.<name>.last.tag|image|digest|commit|commit7|status|writeback|writeback7} (or lastSucceeded)";
    return {};
  }
  if (category == "app") {
    static const std::vector<std::string> fields = {"revision", "revision7", "synced", "synced7", "sync", "health"};
    if (!named(names.apps, "application", fields)) return {};
    if (parts.size() == 3 && std::find(fields.begin(), fields.end(), parts[2]) != fields.end()) return join(parts);
    error = "use {app.<name>.revision|revision7|synced|synced7|sync|health}";
    return {};
  }
  if (category == "step") {
    if (parts.size() == 3 && names.steps.count(parts[1]) != 0 && oneOf(parts[2], {"sha", "sha7"})) return join(parts);
    error = "use {step.<id>.sha|sha7}";
    if (parts.size() > 1 && names.steps.count(parts[1]) == 0) {
      const std::string best = closestMatch(parts[1], std::vector<std::string>(names.steps.begin(), names.steps.end()));
      error = "no step with id '" + parts[1] + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)") + " (step ids: " + list(names.steps) + ")";
    }
    return {};
  }
  error = "unknown template '{" + join(parts) + "}': templates start with repo., pipeline., app., step. or are {seed}";
  return {};
}

}  // namespace

std::string checkTemplate(const std::string& text, const TemplateNames& names, const SpecNode& node) {
  std::string out;
  std::size_t copied = 0;
  scan(text, [&](std::size_t start, std::size_t end) {
    std::string error;
    std::string full = canonical(split(text.substr(start + 1, end - start - 2)), names, error);
    if (full.empty()) node.fail(error);
    out += text.substr(copied, start - copied) + "{" + full + "}";
    copied = end;
  });
  out += text.substr(copied);
  return out;
}

std::string expandTemplate(const std::string& text, const TemplateResolver& resolve) {
  std::string out;
  std::size_t copied = 0;
  scan(text, [&](std::size_t start, std::size_t end) {
    out += text.substr(copied, start - copied) + resolve(split(text.substr(start + 1, end - start - 2)));
    copied = end;
  });
  out += text.substr(copied);
  return out;
}

}  // namespace gs::scenario
