#include "sim/core/json_key.hpp"

#include <algorithm>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/core/json_key_table.hpp"

namespace gs {

namespace {

// The shared keys: built once, never changed afterwards (so threads read it freely).
struct SharedKeys {
  std::vector<std::string> texts;
  std::unordered_map<std::string_view, const std::string*> byText;
  std::size_t longest = 0;

  SharedKeys() {
    const auto known = detail::knownJsonKeys();
    texts.reserve(known.size());
    for (std::string_view key : known) texts.emplace_back(key);
    byText.reserve(texts.size());
    for (const std::string& text : texts) {
      byText.emplace(text, &text);
      longest = std::max(longest, text.size());
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

std::uintptr_t JsonKey::bitsFor(std::string_view text) {
  if (text.empty()) return emptyBits();
  const SharedKeys& keys = sharedKeys();
  if (text.size() > keys.longest) return 0;
  const auto it = keys.byText.find(text);
  return it == keys.byText.end() ? 0 : reinterpret_cast<std::uintptr_t>(it->second);
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
