// The key of a gs::Json object member: 8 bytes instead of a 32-byte std::string. Most keys
// in Kubernetes objects are a few hundred field names ("metadata", "containerStatuses",
// "lastTransitionTime"...) repeated in every object; a JsonKey for one of those points at
// the one shared, immutable copy in a table built on first use (json_key_table.cpp), so a
// member costs 24 bytes and copying it copies a pointer. Any other key is owned: the
// JsonKey holds its own heap std::string, copied with it. Either way the key reads as a
// `const std::string&`, which is what nlohmann's iterators hand out (`it.key()`), so the
// sharing is invisible to code that uses gs::Json. Keys compare by their text.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace gs {

class JsonKey {
 public:
  explicit JsonKey(std::string_view text);
  explicit JsonKey(std::string&& text);
  explicit JsonKey(const std::string& text) : JsonKey(std::string_view(text)) {}
  explicit JsonKey(const char* text) : JsonKey(std::string_view(text)) {}
  JsonKey(const JsonKey& other);
  JsonKey(JsonKey&& other) noexcept : bits_(other.bits_) { other.bits_ = emptyBits(); }
  JsonKey& operator=(const JsonKey& other);
  JsonKey& operator=(JsonKey&& other) noexcept;
  ~JsonKey() { release(); }

  const std::string& str() const { return *reinterpret_cast<const std::string*>(bits_ & ~kOwnedBit); }
  operator const std::string&() const { return str(); }  // NOLINT: reads as the key text
  std::string_view view() const { return str(); }
  std::size_t size() const { return str().size(); }
  const char* c_str() const { return str().c_str(); }
  const char* data() const { return str().data(); }
  bool shared() const { return (bits_ & kOwnedBit) == 0; }
  // Gives back an owned key's spare capacity (shared keys have none).
  void shrinkToFit();

  friend bool operator==(const JsonKey& a, const JsonKey& b) { return a.bits_ == b.bits_ || a.view() == b.view(); }
  friend std::strong_ordering operator<=>(const JsonKey& a, const JsonKey& b) { return a.view() <=> b.view(); }

 private:
  static constexpr std::uintptr_t kOwnedBit = 1;
  static const std::string kEmpty;  // the shared empty key, which moved-from keys become
  static std::uintptr_t emptyBits() { return reinterpret_cast<std::uintptr_t>(&kEmpty); }
  static std::uintptr_t bitsFor(std::string_view text);  // a shared key's bits, or 0
  void release() noexcept;

  std::uintptr_t bits_;  // address of the key's std::string; the low bit set when owned
};

}  // namespace gs
