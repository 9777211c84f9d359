#include "sim/core/json.hpp"

#include <algorithm>
#include <vector>

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

#ifdef GS_JSON_BOTTOM_UP_DESTROY

namespace gs {
namespace {

// Below this depth the emptying goes on with an explicit stack: a value nested deeper
// (input can be) must not overflow the call stack.
constexpr int kRecursionDepth = 64;

void emptyDeep(Json& value, int depth);

// Empties every child of `children` that is a container (its own children first), then
// `children` itself: destroying each child then finds nothing below it.
template <class Children, class ValueOf>
void emptyChildren(Children& children, int depth, ValueOf valueOf) {
  for (auto& child : children) {
    Json& value = valueOf(child);
    if (value.is_structured()) emptyDeep(value, depth + 1);
  }
  children.clear();
}

void emptyIteratively(Json& value) {
  std::vector<Json> pending;
  auto takeChildren = [&](Json& from) {
    if (auto* members = from.get_ptr<Json::object_t*>()) {
      for (auto& member : *members) pending.push_back(std::move(member.second));
      members->clear();
    } else if (auto* items = from.get_ptr<Json::array_t*>()) {
      for (auto& item : *items) pending.push_back(std::move(item));
      items->clear();
    }
  };
  takeChildren(value);
  while (!pending.empty()) {
    Json item = std::move(pending.back());
    pending.pop_back();
    takeChildren(item);
  }  // each item is destroyed childless
}

void emptyDeep(Json& value, int depth) {
  if (depth >= kRecursionDepth) return emptyIteratively(value);
  if (auto* members = value.get_ptr<Json::object_t*>()) {
    emptyChildren(*members, depth, [](auto& member) -> Json& { return member.second; });
  } else if (auto* items = value.get_ptr<Json::array_t*>()) {
    emptyChildren(*items, depth, [](Json& item) -> Json& { return item; });
  }
}

}  // namespace
}  // namespace gs

template <>
void nlohmann::basic_json<gs::SortedVectorMap>::json_value::destroy(nlohmann::detail::value_t t) {
  switch (t) {
    case value_t::object: {
      gs::emptyChildren(*object, 0, [](auto& member) -> basic_json& { return member.second; });
      std::allocator<object_t> alloc;  // the library's AllocatorType: std::allocator
      std::allocator_traits<decltype(alloc)>::destroy(alloc, object);
      std::allocator_traits<decltype(alloc)>::deallocate(alloc, object, 1);
      break;
    }
    case value_t::array: {
      gs::emptyChildren(*array, 0, [](basic_json& item) -> basic_json& { return item; });
      std::allocator<array_t> alloc;  // the library's AllocatorType: std::allocator
      std::allocator_traits<decltype(alloc)>::destroy(alloc, array);
      std::allocator_traits<decltype(alloc)>::deallocate(alloc, array, 1);
      break;
    }
    case value_t::string: {
      std::allocator<string_t> alloc;  // the library's AllocatorType: std::allocator
      std::allocator_traits<decltype(alloc)>::destroy(alloc, string);
      std::allocator_traits<decltype(alloc)>::deallocate(alloc, string, 1);
      break;
    }
    case value_t::binary: {
      std::allocator<binary_t> alloc;  // the library's AllocatorType: std::allocator
      std::allocator_traits<decltype(alloc)>::destroy(alloc, binary);
      std::allocator_traits<decltype(alloc)>::deallocate(alloc, binary, 1);
      break;
    }
    case value_t::null:
    case value_t::boolean:
    case value_t::number_integer:
    case value_t::number_unsigned:
    case value_t::number_float:
    case value_t::discarded:
    default:
      break;
  }
}

#endif  // GS_JSON_BOTTOM_UP_DESTROY
