#include "sim/core/json_dump.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

namespace gs {

namespace {

// 0: copied as it is; 1: escaped (control characters, '"', '\\'); 2: not ASCII.
constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = 1;
  table['"'] = 1;
  table['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) table[static_cast<std::size_t>(c)] = 2;
  return table;
}();

void escapeInto(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:  // another control character: \u00XX, lower-case hex as nlohmann writes it
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
}

void stringInto(const std::string& text, std::string& out) {
  const char* data = text.data();
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size && kByteClass[static_cast<unsigned char>(data[i])] == 0) ++i;
  if (i == size) {  // the common case: nothing to escape
    out += '"';
    out.append(data, size);
    out += '"';
    return;
  }
  for (std::size_t j = i; j < size; ++j) {
    if (kByteClass[static_cast<unsigned char>(data[j])] == 2) {
      out += Json(text).dump();  // UTF-8 text (or invalid bytes, which it rejects): nlohmann's own rules
      return;
    }
  }
  out += '"';
  std::size_t runStart = 0;
  while (runStart < size) {
    std::size_t runEnd = runStart;
    while (runEnd < size && kByteClass[static_cast<unsigned char>(data[runEnd])] == 0) ++runEnd;
    out.append(data + runStart, runEnd - runStart);
    std::size_t escapedEnd = runEnd;
    while (escapedEnd < size && kByteClass[static_cast<unsigned char>(data[escapedEnd])] == 1) ++escapedEnd;
    escapeInto(std::string_view(data + runEnd, escapedEnd - runEnd), out);
    runStart = escapedEnd;
  }
  out += '"';
}

template <class Integer>
void integerInto(Integer value, std::string& out) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace

void dumpCompact(const Json& value, std::string& out) {
  switch (value.type()) {
    case Json::value_t::object: {
      const auto& members = *value.get_ptr<const Json::object_t*>();
      out += '{';
      bool first = true;
      for (const auto& [key, member] : members) {
        if (!first) out += ',';
        first = false;
        stringInto(key, out);
        out += ':';
        dumpCompact(member, out);
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      const auto& items = *value.get_ptr<const Json::array_t*>();
      out += '[';
      bool first = true;
      for (const auto& item : items) {
        if (!first) out += ',';
        first = false;
        dumpCompact(item, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::string:
      stringInto(*value.get_ptr<const std::string*>(), out);
      return;
    case Json::value_t::boolean:
      out += *value.get_ptr<const bool*>() ? "true" : "false";
      return;
    case Json::value_t::number_integer:
      integerInto(*value.get_ptr<const std::int64_t*>(), out);
      return;
    case Json::value_t::number_unsigned:
      integerInto(*value.get_ptr<const std::uint64_t*>(), out);
      return;
    case Json::value_t::null:
      out += "null";
      return;
    default:  // floats (nlohmann's shortest round-trip form), binary, discarded
      out += value.dump();
      return;
  }
}

std::string dumpCompact(const Json& value) {
  std::string out;
  dumpCompact(value, out);
  return out;
}

}  // namespace gs
