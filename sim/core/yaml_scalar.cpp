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
    // go-yaml drops underscores from numbers. One that starts with '.' is a float to v2
    // (Go's ParseFloat: underscores between digits) and a string to v3 (kustomize's reader).
    if (first == '.' && text.find('_') != std::string_view::npos) {
      if (booleans == YamlBooleans::Yaml12) return std::string(text);
      for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_' && (i == 0 || i + 1 == text.size() || !isDigit(text[i - 1]) || !isDigit(text[i + 1]))) return std::string(text);
      }
    }
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

namespace {

// Reads one or two digits (Go's getnum for layout fields such as "1", "15", "4").
bool readSmall(std::string_view s, std::size_t& i, int& out) {
  if (i >= s.size() || !isDigit(s[i])) return false;
  out = s[i++] - '0';
  if (i < s.size() && isDigit(s[i])) out = out * 10 + (s[i++] - '0');
  return true;
}

bool leapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::string twoDigits(int v) { return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)}; }

}  // namespace

std::optional<std::string> timestampAsRfc3339(std::string_view s) {
  // go-yaml's quick check: four digits and a dash.
  if (s.size() < 8 || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) || s[4] != '-') return std::nullopt;
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  std::size_t i = 5;
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!readSmall(s, i, month) || i >= s.size() || s[i++] != '-' || !readSmall(s, i, day)) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > kDays[month - 1] + (month == 2 && leapYear(year) ? 1 : 0)) return std::nullopt;
  std::string fraction;
  std::string zone = "Z";
  if (i < s.size()) {
    const char separator = s[i++];
    if (separator != 'T' && separator != 't' && separator != ' ') return std::nullopt;
    if (!readSmall(s, i, hour) || i >= s.size() || s[i++] != ':' || !readSmall(s, i, minute) || i >= s.size() || s[i++] != ':' ||
        !readSmall(s, i, second)) {
      return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && isDigit(s[i + 1])) {
      ++i;
      while (i < s.size() && isDigit(s[i])) fraction += s[i++];
      if (fraction.size() > 9) fraction.resize(9);  // Go keeps nanoseconds
      while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    }
    if (separator == ' ') {
      if (i != s.size()) return std::nullopt;  // "2006-1-2 15:4:5.999999999" has no zone
    } else {
      if (i >= s.size()) return std::nullopt;
      if (s[i] == 'Z') {
        ++i;
      } else if ((s[i] == '+' || s[i] == '-') && i + 6 == s.size() && isDigit(s[i + 1]) && isDigit(s[i + 2]) && s[i + 3] == ':' &&
                 isDigit(s[i + 4]) && isDigit(s[i + 5])) {
        const int hh = (s[i + 1] - '0') * 10 + (s[i + 2] - '0'), mm = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
        if (hh > 24 || mm > 59) return std::nullopt;
        if (hh != 0 || mm != 0) zone = std::string(s.substr(i, 6));
        i += 6;
      } else {
        return std::nullopt;
      }
      if (i != s.size()) return std::nullopt;
    }
  }
  std::string out = std::string(s.substr(0, 4)) + "-" + twoDigits(month) + "-" + twoDigits(day) + "T" + twoDigits(hour) + ":" +
                    twoDigits(minute) + ":" + twoDigits(second);
  if (!fraction.empty()) out += "." + fraction;
  return out + zone;
}

char unicodeBreakAt(std::string_view s, std::size_t i) {
  if (s[i] == '\xC2' && i + 1 < s.size() && s[i + 1] == '\x85') return 'N';
  if (s[i] == '\xE2' && i + 2 < s.size() && s[i + 1] == '\x80' && (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) return s[i + 2] == '\xA8' ? 'L' : 'P';
  return 0;
}

bool hasUnicodeBreak(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '\xC2' || s[i] == '\xE2') && unicodeBreakAt(s, i) != 0) return true;
  }
  return false;
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
    if ((c == 0xC2 || c == 0xE2) && unicodeBreakAt(s, i) != 0) return false;  // line breaks to YAML 1.1 readers
    if (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  // go-yaml quotes what starts like a document marker.
  if (s.starts_with("---") || s.starts_with("...")) return false;
  // What go-yaml reads as a timestamp (kubectl and kustomize quote those).
  if (s.size() >= 8 && isDigit(s[0]) && s[4] == '-' && timestampAsRfc3339(s)) return false;
  // Only a word of at most five letters (null, booleans, inf, nan) or text that starts like
  // a number can read back as something else: anything longer that starts otherwise is a
  // string, without building the resolved value (this runs for every key emitted).
  const char first = s.front();
  if (s.size() > 5 && !isDigit(first) && first != '+' && first != '-' && first != '.') return true;
  return resolvePlainScalar(s).is_string() && !isBase60Float(s);
}

bool isBase60Float(std::string_view s) {
  // go-yaml's ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ (YAML 1.1's sexagesimal
  // numbers: "12:30" is 750 to a YAML 1.1 reader, so go-yaml quotes it).
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i >= s.size() || !isDigit(s[i])) return false;
  while (i < s.size() && (isDigit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    std::size_t digits = 0;
    while (i < s.size() && isDigit(s[i]) && digits < 2) {
      ++i;
      ++digits;
    }
    if (digits == 0 || (digits == 2 && s[i - 2] > '5')) return false;
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (isDigit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

}  // namespace gs
