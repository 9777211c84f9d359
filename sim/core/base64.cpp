#include "sim/core/base64.hpp"

#include <cstdint>

namespace gs {

std::string base64Encode(std::string_view data) {
  static constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < data.size()) {
    std::uint32_t v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

namespace {

bool base64Digit(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

std::optional<std::size_t> base64ErrorOffset(std::string_view text) {
  const auto lineBreak = [](char c) { return c == '\n' || c == '\r'; };
  std::size_t i = 0;
  while (true) {
    // One quantum of four digits; the input may end only before its first.
    std::size_t digits = 0;
    while (digits < 4) {
      if (i == text.size()) {
        if (digits == 0) return std::nullopt;
        return i - digits;
      }
      const char c = text[i++];
      if (base64Digit(c)) {
        ++digits;
        continue;
      }
      if (lineBreak(c)) continue;
      if (c != '=' || digits < 2) return i - 1;
      if (digits == 2) {  // "==" expected
        while (i < text.size() && lineBreak(text[i])) ++i;
        if (i == text.size()) return text.size();
        if (text[i] != '=') return i - 1;
        ++i;
      }
      while (i < text.size() && lineBreak(text[i])) ++i;
      if (i < text.size()) return i;  // something after the padding
      return std::nullopt;
    }
  }
}

}  // namespace gs
