#include "sim/kube/quantity.hpp"

#include <algorithm>
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

// The decimal digits of a value, with its sign.
std::string digitsOf(__int128 value) {
  bool negative = value < 0;
  if (negative) value = -value;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return (negative ? "-" : "") + digits;
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

Quantity Quantity::roundedUpToMilli() const {
  constexpr int kMilli = -3;
  if (exponent >= kMilli || mantissa == 0) return *this;
  const __int128 magnitude = mantissa < 0 ? -mantissa : mantissa;
  // At most 30 digits (parse's limit), so a divisor of 10^39 or more leaves a fraction of one.
  __int128 thousandths = 1;
  if (kMilli - exponent < 39) {
    __int128 divisor = 1;
    for (int e = exponent; e < kMilli; ++e) divisor *= 10;
    thousandths = magnitude / divisor + (magnitude % divisor != 0 ? 1 : 0);
  }
  Quantity rounded{mantissa < 0 ? -thousandths : thousandths, kMilli};
  normalize(rounded);
  return rounded;
}

std::string Quantity::str() const { return digitsOf(mantissa) + (exponent != 0 ? "e" + std::to_string(exponent) : ""); }

namespace {

// a and b brought to the smaller exponent (exact: mantissas stay far below 2^127 for
// the quantities the API holds).
std::pair<__int128, __int128> aligned(const Quantity& a, const Quantity& b) {
  __int128 x = a.mantissa, y = b.mantissa;
  for (int e = a.exponent; e > b.exponent; --e) x *= 10;
  for (int e = b.exponent; e > a.exponent; --e) y *= 10;
  return {x, y};
}

}  // namespace

Quantity operator+(Quantity a, const Quantity& b) {
  const int exponent = std::min(a.exponent, b.exponent);
  auto [x, y] = aligned(a, b);
  Quantity sum{x + y, exponent};
  normalize(sum);
  return sum;
}

std::strong_ordering operator<=>(const Quantity& a, const Quantity& b) {
  auto [x, y] = aligned(a, b);
  return x <=> y;
}

bool binarySuffix(std::string_view text) { return text.size() >= 2 && text.back() == 'i'; }

std::string Quantity::canonical(bool binary) const {
  if (mantissa == 0) return "0";
  if (binary && exponent >= 0) {
    __int128 value = mantissa;
    for (int e = 0; e < exponent; ++e) value *= 10;
    const __int128 magnitude = value < 0 ? -value : value;
    if (magnitude >= 1024) {
      static constexpr const char* kSuffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
      int power = 0;
      while (power < 6 && value % 1024 == 0) {
        value /= 1024;
        ++power;
      }
      return digitsOf(value) + kSuffixes[power];
    }
  }
  // Decimal: the exponent rounded down to a multiple of 3, then raised while the amount
  // divides by 1000, between nano and exa.
  __int128 amount = mantissa;
  int scale = exponent;
  while (((scale % 3) + 3) % 3 != 0) {
    amount *= 10;
    --scale;
  }
  while (scale < -9) {  // finer than nano: rounded up, as the API server rounds
    amount = amount / 1000 + (amount % 1000 != 0 ? (amount > 0 ? 1 : 0) : 0);
    scale += 3;
  }
  while (scale < 18 && amount % 1000 == 0) {
    amount /= 1000;
    scale += 3;
  }
  static constexpr std::pair<int, const char*> kSuffixes[] = {{-9, "n"}, {-6, "u"}, {-3, "m"}, {0, ""}, {3, "k"},
                                                              {6, "M"},  {9, "G"},  {12, "T"}, {15, "P"}, {18, "E"}};
  for (auto [power, suffix] : kSuffixes) {
    if (power == scale) return digitsOf(amount) + suffix;
  }
  for (; scale > 18; scale -= 3) amount *= 1000;
  return digitsOf(amount) + "E";
}

}  // namespace gs::kube
