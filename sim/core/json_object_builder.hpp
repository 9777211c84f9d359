// Builds a gs::Json object from its members in one go: each member is appended to the
// object's storage (sorted once at the end), instead of going through operator[] member
// by member, which builds a key string, searches, and inserts into a growing vector. For
// the objects the fake cluster makes over and over: Events, pod status conditions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "sim/core/json.hpp"

namespace gs {

class JsonObjectBuilder {
 public:
  explicit JsonObjectBuilder(std::size_t expectedMembers) { members_.reserve(expectedMembers); }

  // Adds a member; keys must be distinct (a repeated key is a programming error, reported
  // by build()).
  JsonObjectBuilder& add(std::string_view key, Json value) & {
    members_.emplace_back(JsonKey(key), std::move(value));
    return *this;
  }
  JsonObjectBuilder&& add(std::string_view key, Json value) && {
    members_.emplace_back(JsonKey(key), std::move(value));
    return std::move(*this);
  }

  Json build() && {
    auto byKey = [](const auto& a, const auto& b) { return a.first.view() < b.first.view(); };
    if (!std::is_sorted(members_.begin(), members_.end(), byKey)) std::sort(members_.begin(), members_.end(), byKey);
    const auto repeated = std::adjacent_find(members_.begin(), members_.end(),
                                             [](const auto& a, const auto& b) { return a.first.view() == b.first.view(); });
    if (repeated != members_.end()) throw std::logic_error("JsonObjectBuilder: key \"" + repeated->first.str() + "\" added twice");
    Json object(std::move(members_));
    return object;
  }

 private:
  Json::object_t members_;
};

}  // namespace gs
