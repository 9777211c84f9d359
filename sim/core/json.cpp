#include "sim/core/json.hpp"

#include <algorithm>

namespace gs {

void shrinkToFit(Json& value) {
  if (auto* members = value.get_ptr<Json::object_t*>()) {
    if (members->capacity() != members->size()) members->shrink_to_fit();
    for (auto& [key, member] : *members) {
      key.shrinkToFit();
      shrinkToFit(member);
    }
  } else if (auto* items = value.get_ptr<Json::array_t*>()) {
    if (items->capacity() != items->size()) items->shrink_to_fit();
    for (auto& item : *items) shrinkToFit(item);
  } else if (auto* text = value.get_ptr<Json::string_t*>()) {
    // A short string lives inside the string object: nothing to give back.
    static const std::size_t kInlineCapacity = std::string().capacity();
    if (text->capacity() > std::max(text->size(), kInlineCapacity)) text->shrink_to_fit();
  }
}

std::string escapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace gs
