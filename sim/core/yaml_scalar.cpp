#include "sim/core/yaml_scalar.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace gs {
namespace {

constexpr std::array<std::string_view, 11> kTrue = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"};
constexpr std::array<std::string_view, 11> kFalse = {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"};
constexpr std::array<std::string_view, 5> kNull = {"", "~", "null", "Null", "NULL"};

template <std::size_t N>
bool oneOf(std::string_view s, const std::array<std::string_view, N>& words) {
  for (auto w : words) {
    if (s == w) return true;
  }
  return false;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Integer forms go-yaml v2 accepts (strconv.ParseInt with base 0, underscores dropped).
bool parseInteger(const std::string& s, Json& out) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  if (i >= s.size()) return false;
  int base = 10;
  if (s.size() - i > 1 && s[i] == '0') {
    char p = s[i + 1];
    if (p == 'x' || p == 'X') {
      base = 16;
      i += 2;
    } else if (p == 'b' || p == 'B') {
      base = 2;
      i += 2;
    } else if (p == 'o' || p == 'O') {
      base = 8;
      i += 2;
    } else {
      base = 8;
      i += 1;
    }
  }
  if (i >= s.size()) return false;
  unsigned long long magnitude = 0;
  auto [ptr, ec] = std::from_chars(s.data() + i, s.data() + s.size(), magnitude, base);
  if (ec == std::errc::result_out_of_range) {
    return false;  // falls through to the float reading, as go-yaml does
  }
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;
  if (negative) {
    if (magnitude > static_cast<unsigned long long>(std::numeric_limits<long long>::max()) + 1ULL) return false;
    out = magnitude == 0 ? 0LL : static_cast<long long>(0ULL - magnitude);
  } else if (magnitude <= static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
    out = static_cast<long long>(magnitude);
  } else {
    out = magnitude;  // unsigned 64-bit
  }
  return true;
}

bool parseFloat(const std::string& s, Json& out) {
  // Decimal floats only: [+-]?(digits)?(.digits)?([eE][+-]?digits)?
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false;
  while (i < s.size() && isDigit(s[i])) {
    ++i;
    digits = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && isDigit(s[i])) {
      ++i;
      digits = true;
    }
  }
  if (!digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    bool expDigits = false;
    while (i < s.size() && isDigit(s[i])) {
      ++i;
      expDigits = true;
    }
    if (!expDigits) return false;
  }
  if (i != s.size()) return false;
  out = std::strtod(s.c_str(), nullptr);
  return true;
}

}  // namespace

Json resolvePlainScalar(std::string_view text, YamlBooleans booleans) {
  if (oneOf(text, kNull)) return nullptr;
  if (booleans == YamlBooleans::Yaml12) {
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  } else {
    if (oneOf(text, kTrue)) return true;
    if (oneOf(text, kFalse)) return false;
  }
  if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf" || text == "+.Inf" || text == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF") return -std::numeric_limits<double>::infinity();
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  char first = text.front();
  if (isDigit(first) || first == '+' || first == '-' || first == '.') {
    std::string plain;
    plain.reserve(text.size());
    for (char c : text) {
      if (c != '_') plain += c;
    }
    Json number;
    if (parseInteger(plain, number)) return number;
    if (parseFloat(plain, number)) return number;
  }
  return std::string(text);
}

bool isPlainSafeString(std::string_view s) {
  if (s.empty()) return false;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  switch (s.front()) {
    case '?':
    case ':':
    case '-':
      if (s.size() == 1 || s[1] == ' ') return false;
      break;
    case ',': case '[': case ']': case '{': case '}': case '#': case '&': case '*':
    case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
      return false;
    default:
      break;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;  // newlines, tabs and control characters
    if (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  if (s == "<<" || s == "=") return false;
  // Timestamps read as dates in YAML 1.1 parsers other than ours: quote them too.
  if (s.size() >= 10 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) && s[4] == '-') return false;
  // Only a word of at most five letters (null, booleans, inf, nan) or text that starts like
  // a number can read back as something else: anything longer that starts otherwise is a
  // string, without building the resolved value (this runs for every key emitted).
  const char first = s.front();
  if (s.size() > 5 && !isDigit(first) && first != '+' && first != '-' && first != '.') return true;
  Json resolved = resolvePlainScalar(s);
  if (!resolved.is_string()) return false;
  // Other YAML readers (1.2 core schema) would take these as numbers or booleans.
  std::string lower(s);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "nan" || lower == "+inf" || lower == "-inf") return false;
  return true;
}

}  // namespace gs
