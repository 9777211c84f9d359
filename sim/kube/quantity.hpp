// Kubernetes resource quantities ("500m", "1.5Gi", "2e3", "1") reduced to an exact
// canonical value, so that equal amounts written differently compare equal.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/json.hpp"

namespace gs::kube {

// value = mantissa * 10^exponent, with mantissa carrying no trailing decimal zeros.
struct Quantity {
  __int128 mantissa = 0;
  std::int32_t exponent = 0;
  bool operator==(const Quantity&) const = default;

  // Parses the Kubernetes quantity grammar (signed decimal number, then a binary suffix
  // Ki..Ei, a decimal suffix n u m k M G T P E, or an exponent e/E<n>). nullopt if invalid.
  static std::optional<Quantity> parse(std::string_view text);
  // A JSON number or string holding a quantity.
  static std::optional<Quantity> fromJson(const Json& value);
  std::string str() const;  // "15e-1"-style exact form, for messages and tests
  // The API server's canonical text: decimal ("1500m", "2", "1k", "5G"), or, for
  // `binary` quantities (those written with Ki..Ei), the largest binary suffix that is
  // exact ("1536Mi"); values that are not whole bytes, or below 1024, print decimal.
  std::string canonical(bool binary) const;
  // The value rounded away from zero to a whole number of thousandths, as the API server
  // stores every value of a ResourceList (SetDefaults_ResourceList: "100u" is "1m").
  Quantity roundedUpToMilli() const;

  friend Quantity operator+(Quantity a, const Quantity& b);
  friend std::strong_ordering operator<=>(const Quantity& a, const Quantity& b);
};

// Whether a quantity's text uses a binary suffix (Ki, Mi, ...).
bool binarySuffix(std::string_view text);

}  // namespace gs::kube
