// A strict, position-aware view of a parsed scenario file: every accessor checks the
// value's type and, when it is wrong, throws gs::Error (InvalidInput) naming the file,
// line, column and key path ("steps[3].drift.set"). Maps are checked for unknown keys
// (with a "did you mean" hint), so nothing a user writes is silently ignored.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/core/error.hpp"
#include "sim/core/json.hpp"
#include "sim/core/yaml.hpp"

namespace gs::scenario {

// The file a node belongs to (shared by every node of one document).
struct SpecSource {
  std::string file;
  const PositionIndex* positions = nullptr;
};

class SpecNode {
 public:
  SpecNode(const Json& value, const SpecSource& source, std::string pointer = {}, std::string path = {})
      : value_(&value), source_(&source), pointer_(std::move(pointer)), path_(std::move(path)) {}

  const Json& json() const { return *value_; }
  const std::string& path() const { return path_; }
  const std::string& pointer() const { return pointer_; }
  SourceLocation where() const;
  [[noreturn]] void fail(const std::string& message) const;
  // The same, located at this node's key in its map (where an unknown key is written).
  [[noreturn]] void failAtKey(const std::string& message) const;

  bool isMap() const { return value_->is_object(); }
  bool isList() const { return value_->is_array(); }
  bool isString() const { return value_->is_string(); }
  bool isNull() const { return value_->is_null(); }

  // Type checks that throw with the node's location.
  const SpecNode& requireMap() const;
  const SpecNode& requireList() const;
  // Every key must be one of `allowed`.
  const SpecNode& allowOnly(std::initializer_list<std::string_view> allowed) const;
  // Exactly one of `keys` present; returns it.
  std::string exactlyOne(std::initializer_list<std::string_view> keys) const;

  bool has(std::string_view key) const { return value_->is_object() && value_->contains(key); }
  std::optional<SpecNode> get(std::string_view key) const;
  SpecNode at(std::string_view key) const;  // required key
  std::vector<SpecNode> items() const;      // list elements
  std::vector<std::pair<std::string, SpecNode>> entries() const;  // map entries, in key order

  std::string str() const;           // a string (not a number or boolean written without quotes)
  std::string scalarText() const;    // a string, number or boolean, as text
  long long integer(long long min, long long max) const;
  std::uint64_t unsignedInteger() const;  // 0 to 2^64-1 (a seed)
  double number() const;
  bool boolean() const;
  Duration duration() const;         // "30s", "5m", "1h30m"
  // `str()` that must be one of `choices`.
  std::string oneOf(std::initializer_list<std::string_view> choices) const;
  std::vector<std::string> strings() const;  // a list of strings, or one string

  // Optional-key helpers.
  std::string str(std::string_view key, std::string fallback) const;
  bool boolean(std::string_view key, bool fallback) const;
  Duration duration(std::string_view key, Duration fallback) const;
  long long integer(std::string_view key, long long fallback, long long min, long long max) const;

 private:
  SpecNode child(const std::string& key, const Json& value) const;
  SpecNode element(std::size_t index, const Json& value) const;
  std::string typeName() const;

  const Json* value_;
  const SpecSource* source_;
  std::string pointer_;
  std::string path_;
};

// The closest of `candidates` to `word` (edit distance <= 2 or a case-insensitive
// match), or "" when none is close.
std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace gs::scenario
