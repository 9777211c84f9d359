// The key of a gs::Json object member: 8 bytes instead of a 32-byte std::string. Most keys
// in Kubernetes objects are a few hundred field names ("metadata", "containerStatuses",
// "lastTransitionTime"...) repeated in every object; a JsonKey for one of those points at
// the one shared, immutable copy in a table built on first use (json_key_table.cpp), so a
// member costs 24 bytes and copying it copies a pointer. Any other key is owned: the
// JsonKey holds its own heap std::string, copied with it. Either way the key reads as a
// `const std::string&`, which is what nlohmann's iterators hand out (`it.key()`), so the
// sharing is invisible to code that uses gs::Json. Keys compare by their text.
//
// The shared table is sorted, so the addresses of its entries are in their texts' order:
// a member looked up by a shared key (a `static const JsonKey`, or the key of a member being
// inserted) is found by comparing addresses, not bytes (SortedVectorMap::find).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
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

  // The shared key with this text, without allocating; nullopt when the text is not in
  // the shared table (or is empty).
  static std::optional<JsonKey> findShared(std::string_view text);
  // A key for a text findShared did not find, without looking the table up again.
  static JsonKey notShared(std::string_view text);
  static JsonKey notShared(const char* text) { return notShared(std::string_view(text)); }
  static JsonKey notShared(std::string&& text);
  // Whether this is a shared key that orders by address (any shared key but "").
  bool ordersByAddress() const { return (bits_ & kOwnedBit) == 0 && bits_ != emptyBits(); }
  // For `probe` with ordersByAddress(): whether this key's text sorts before the probe's,
  // and whether the two are the same key. Two shared keys compare their addresses; an
  // owned key never has a shared key's text (construction looks the table up first).
  bool sortsBefore(const JsonKey& probe) const {
    if ((bits_ & kOwnedBit) == 0) return bits_ == emptyBits() || bits_ < probe.bits_;
    return view() < probe.view();
  }
  bool sameAs(const JsonKey& probe) const { return bits_ == probe.bits_; }

 private:
  struct SharedBits {};
  JsonKey(SharedBits, std::uintptr_t bits) noexcept : bits_(bits) {}
  static constexpr std::uintptr_t kOwnedBit = 1;
  static const std::string kEmpty;  // the shared empty key, which moved-from keys become
  static std::uintptr_t emptyBits() { return reinterpret_cast<std::uintptr_t>(&kEmpty); }
  static std::uintptr_t bitsFor(std::string_view text);  // a shared key's bits, or 0
  void release() noexcept;

  std::uintptr_t bits_;  // address of the key's std::string; the low bit set when owned
};

// "metadata"_key: the JsonKey for a literal, made once (a function-local static), for
// lookups by address. Use it on hot paths for keys in the shared table.
template <std::size_t N>
struct KeyLiteral {
  char text[N];
  constexpr KeyLiteral(const char (&literal)[N]) {  // NOLINT: implicit, as a literal's template argument
    for (std::size_t i = 0; i < N; ++i) text[i] = literal[i];
  }
};

template <KeyLiteral L>
const JsonKey& operator""_key() {
  static const JsonKey key(std::string_view(L.text, sizeof(L.text) - 1));
  return key;
}

}  // namespace gs
