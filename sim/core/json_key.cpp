#include "sim/core/json_key.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sim/core/json_key_table.hpp"

namespace gs {

namespace {

// The shared keys: built once, never changed afterwards (so threads read it freely). Found
// through an open-addressing table whose hash reads four bytes of the key: a key lookup
// runs whenever a member is inserted, so it must cost less than the string copy it saves.
struct SharedKeys {
  static constexpr std::size_t kSlots = 8192;  // a power of two, at least 4x the table
  std::vector<std::string> texts;
  std::vector<const std::string*> slots = std::vector<const std::string*>(kSlots, nullptr);
  std::size_t longest = 0;

  static std::size_t slotOf(std::string_view text) {
    std::uint64_t h = text.size();
    for (std::size_t at : {std::size_t{0}, text.size() / 2, text.size() - 1, text.size() / 4}) {
      h = h * 131 + static_cast<unsigned char>(text[at]);
    }
    return static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ull) >> 51) & (kSlots - 1);
  }

  SharedKeys() {
    const auto known = detail::knownJsonKeys();
    if (known.size() * 2 > kSlots / 4) throw std::logic_error("json_key_table.cpp outgrew SharedKeys::kSlots");
    texts.reserve(known.size() * 2);
    for (std::string_view key : known) {
      if (key.empty()) continue;  // slotOf reads the last byte; "" is kEmpty
      texts.emplace_back(key);
      // Server-side apply's managedFields name each field it owns "f:<field>".
      if (key.find_first_of("./-") == std::string_view::npos) texts.push_back("f:" + std::string(key));
    }
    // Sorted (as SortedVectorMap orders keys: bytewise), so that addresses order as texts
    // do; never changed again, since the slots and every shared JsonKey point into it.
    std::sort(texts.begin(), texts.end());
    texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
    for (const std::string& text : texts) {
      std::size_t i = slotOf(text);
      while (slots[i] != nullptr) i = (i + 1) & (kSlots - 1);
      slots[i] = &text;
      longest = std::max(longest, text.size());
    }
  }

  const std::string* find(std::string_view text) const {
    for (std::size_t i = slotOf(text);; i = (i + 1) & (kSlots - 1)) {
      const std::string* slot = slots[i];
      if (slot == nullptr || *slot == text) return slot;
    }
  }
};

const SharedKeys& sharedKeys() {
  static const SharedKeys keys;
  return keys;
}

std::uintptr_t ownedBits(std::unique_ptr<std::string> text) {
  return reinterpret_cast<std::uintptr_t>(text.release()) | 1;
}

}  // namespace

const std::string JsonKey::kEmpty;

std::uintptr_t detail::sharedKeyAddress(const std::string& text) {
  const std::vector<std::string>& texts = sharedKeys().texts;
  const std::string* at = &text;
  return !texts.empty() && at >= texts.data() && at < texts.data() + texts.size() ? reinterpret_cast<std::uintptr_t>(at) : 0;
}

std::uintptr_t JsonKey::bitsFor(std::string_view text) {
  if (text.empty()) return emptyBits();
  const SharedKeys& keys = sharedKeys();
  if (text.size() > keys.longest) return 0;
  return reinterpret_cast<std::uintptr_t>(keys.find(text));
}

std::optional<JsonKey> JsonKey::findShared(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const std::uintptr_t bits = bitsFor(text);
  if (bits == 0) return std::nullopt;
  return JsonKey(SharedBits{}, bits);
}

JsonKey JsonKey::notShared(std::string_view text) {
  if (text.empty()) return JsonKey(SharedBits{}, emptyBits());
  return JsonKey(SharedBits{}, ownedBits(std::make_unique<std::string>(text)));
}

JsonKey JsonKey::notShared(std::string&& text) {
  if (text.empty()) return JsonKey(SharedBits{}, emptyBits());
  return JsonKey(SharedBits{}, ownedBits(std::make_unique<std::string>(std::move(text))));
}

JsonKey::JsonKey(std::string_view text) : bits_(bitsFor(text)) {
  if (bits_ == 0) bits_ = ownedBits(std::make_unique<std::string>(text));
}

JsonKey::JsonKey(std::string&& text) : bits_(bitsFor(text)) {
  if (bits_ == 0) bits_ = ownedBits(std::make_unique<std::string>(std::move(text)));
}

JsonKey::JsonKey(const JsonKey& other) : bits_(other.bits_) {
  if (!other.shared()) bits_ = ownedBits(std::make_unique<std::string>(other.str()));
}

JsonKey& JsonKey::operator=(const JsonKey& other) {
  if (this != &other) *this = JsonKey(other);
  return *this;
}

JsonKey& JsonKey::operator=(JsonKey&& other) noexcept {
  if (this != &other) {
    release();
    bits_ = other.bits_;
    other.bits_ = emptyBits();
  }
  return *this;
}

void JsonKey::release() noexcept {
  // Adopt an owned string back into a unique_ptr so it is freed exactly once.
  if (!shared()) std::unique_ptr<std::string>(const_cast<std::string*>(&str())).reset();
}

void JsonKey::shrinkToFit() {
  if (!shared()) const_cast<std::string&>(str()).shrink_to_fit();
}

}  // namespace gs
