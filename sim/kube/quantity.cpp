#include "sim/kube/quantity.hpp"

#include <array>

namespace gs::kube {
namespace {

void normalize(Quantity& q) {
  if (q.mantissa == 0) {
    q.exponent = 0;
    return;
  }
  while (q.mantissa % 10 == 0) {
    q.mantissa /= 10;
    ++q.exponent;
  }
}

}  // namespace

std::optional<Quantity> Quantity::parse(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  Quantity q;
  int digits = 0;
  bool any = false;
  int fraction = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (q.mantissa == 0 && c == '0') {
        if (dot) ++fraction;
        continue;
      }
      if (++digits > 30) return std::nullopt;
      q.mantissa = q.mantissa * 10 + (c - '0');
      if (dot) ++fraction;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  q.exponent = -fraction;
  std::string_view suffix = s.substr(i);
  static constexpr std::array<std::pair<std::string_view, int>, 6> kBinary = {
      {{"Ki", 1}, {"Mi", 2}, {"Gi", 3}, {"Ti", 4}, {"Pi", 5}, {"Ei", 6}}};
  static constexpr std::array<std::pair<std::string_view, int>, 10> kDecimal = {
      {{"n", -9}, {"u", -6}, {"m", -3}, {"", 0}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}}};
  bool matched = false;
  for (auto [name, power] : kBinary) {
    if (suffix == name) {
      for (int p = 0; p < power; ++p) q.mantissa *= 1024;
      matched = true;
    }
  }
  for (auto [name, power] : kDecimal) {
    if (!matched && suffix == name) {
      q.exponent += power;
      matched = true;
    }
  }
  if (!matched && !suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::size_t j = 1;
    bool expNegative = false;
    if (j < suffix.size() && (suffix[j] == '+' || suffix[j] == '-')) {
      expNegative = suffix[j] == '-';
      ++j;
    }
    if (j == suffix.size() || suffix.size() - j > 4) return std::nullopt;
    int e = 0;
    for (; j < suffix.size(); ++j) {
      if (suffix[j] < '0' || suffix[j] > '9') return std::nullopt;
      e = e * 10 + (suffix[j] - '0');
    }
    q.exponent += expNegative ? -e : e;
    matched = true;
  }
  if (!matched) return std::nullopt;
  if (negative) q.mantissa = -q.mantissa;
  normalize(q);
  return q;
}

std::optional<Quantity> Quantity::fromJson(const Json& value) {
  if (value.is_string()) return parse(value.get_ref<const std::string&>());
  if (value.is_number_integer()) {
    Quantity q;
    q.mantissa = value.is_number_unsigned() ? static_cast<__int128>(value.get<std::uint64_t>())
                                            : static_cast<__int128>(value.get<std::int64_t>());
    normalize(q);
    return q;
  }
  if (value.is_number_float()) return parse(value.dump());
  return std::nullopt;
}

std::string Quantity::str() const {
  __int128 m = mantissa;
  bool negative = m < 0;
  if (negative) m = -m;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  return (negative ? "-" : "") + digits + (exponent != 0 ? "e" + std::to_string(exponent) : "");
}

}  // namespace gs::kube
