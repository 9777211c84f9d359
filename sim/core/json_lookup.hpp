// Member lookup on gs::Json straight through the object's SortedVectorMap, without
// nlohmann's iterators (which wrap, check and compare on every step): the hot path of
// reading fields of stored Kubernetes objects in the fake cluster and the diff core.
#pragma once

#include <string>
#include <string_view>

#include "sim/core/json.hpp"

namespace gs {

// The member `key` of `object`; nullptr when `object` is not an object or has no such member.
inline const Json* findMember(const Json& object, std::string_view key) {
  const auto* members = object.get_ptr<const Json::object_t*>();
  if (members == nullptr) return nullptr;
  const auto it = members->find(key);
  return it == members->end() ? nullptr : &it->second;
}

// The same by a JsonKey: by address when it is a shared one ("metadata"_key).
inline const Json* findMember(const Json& object, const JsonKey& key) {
  const auto* members = object.get_ptr<const Json::object_t*>();
  if (members == nullptr) return nullptr;
  const auto it = members->find(key);
  return it == members->end() ? nullptr : &it->second;
}

// One step of a path of member names: a text, or a JsonKey ("status"_key) to look up by
// address. Paths are written as braced lists: {"spec", "replicas"}, {"status"_key, "phase"_key}.
class PathKey {
 public:
  PathKey(std::string_view text) : text_(text) {}         // NOLINT: implicit, for braced paths
  PathKey(const char* text) : text_(text) {}              // NOLINT
  PathKey(const std::string& text) : text_(text) {}       // NOLINT
  PathKey(const JsonKey& key) : key_(&key) {}             // NOLINT
  const Json* in(const Json& object) const { return key_ != nullptr ? findMember(object, *key_) : findMember(object, text_); }

 private:
  std::string_view text_;
  const JsonKey* key_ = nullptr;
};

// The text of a string value; empty for a missing (nullptr) or non-string value.
inline std::string_view stringOf(const Json* value) {
  const auto* text = value != nullptr ? value->get_ptr<const std::string*>() : nullptr;
  return text != nullptr ? std::string_view(*text) : std::string_view();
}

// A string member's text; empty when `object` has no such member or it is not a string
// (null, as a YAML key with no value reads): kustomize's GetString, which never throws.
inline std::string stringMember(const Json& object, std::string_view key) { return std::string(stringOf(findMember(object, key))); }

}  // namespace gs
