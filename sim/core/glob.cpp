#include "sim/core/glob.hpp"

namespace gs {

namespace {

// Whether `c` matches the single-character token at pattern[p] ('?', a literal, or a
// "[...]" class); `next` is set past the token. A '[' without its ']' is a literal.
bool matchOne(std::string_view pattern, std::size_t p, char c, std::size_t& next) {
  if (pattern[p] == '?') {
    next = p + 1;
    return true;
  }
  if (pattern[p] == '[') {
    std::size_t i = p + 1;
    const bool negated = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
    if (negated) ++i;
    const std::size_t first = i;
    bool found = false;
    for (; i < pattern.size() && (pattern[i] != ']' || i == first); ++i) {
      if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
        found = found || (pattern[i] <= c && c <= pattern[i + 2]);
        i += 2;
      } else {
        found = found || pattern[i] == c;
      }
    }
    if (i < pattern.size()) {
      next = i + 1;
      return found != negated;
    }
  }
  next = p + 1;
  return pattern[p] == c;
}

}  // namespace

bool globMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    std::size_t next = 0;
    if (p < pattern.size() && pattern[p] != '*' && matchOne(pattern, p, text[t], next)) {
      p = next;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace gs
