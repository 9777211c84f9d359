// The --seed option's check, shared by the commands that take one: a decimal integer
// from 0 to 2^64-1, written out (CLI11 alone would wrap "-1" and clamp an overflow).
#pragma once

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <string>

namespace gs::cli {

inline CLI::Validator seedValidator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc() || ptr != end) return "a seed is a decimal integer from 0 to 18446744073709551615, not \"" + text + "\"";
        return {};
      },
      "SEED");
}

}  // namespace gs::cli
