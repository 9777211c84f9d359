// Small stable hashes (same value on every platform and run): FNV-1a 64 for names and
// logs, printed as 16 hex digits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gs {

inline constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

constexpr std::uint64_t fnv1a64(std::string_view data, std::uint64_t state = kFnvOffset) {
  for (char c : data) {
    state ^= static_cast<unsigned char>(c);
    state *= kFnvPrime;
  }
  return state;
}

std::string hex64(std::uint64_t value);

}  // namespace gs
