// The object representation of gs::Json: a map kept as one sorted vector of (key, value)
// pairs instead of std::map's red-black tree. Keys still iterate sorted and equality is still
// key-by-key, so every output and comparison is what std::map gave; but an object with n keys
// is one allocation instead of n nodes, copies are one block copy and lookups are a binary
// search over contiguous keys. Each key is a gs::JsonKey (json_key.hpp): 8 bytes, shared for
// the common Kubernetes field names, so a member is 24 bytes instead of std::map's 80. A
// running Pod takes 5.8 KB instead of 10.3 KB (docs/architecture.md, "The value model").
//
// The price is std::vector's reference rule: inserting a key into an object or erasing one
// from it invalidates references, pointers and iterators to that object's other members (the
// members' own children stay put). Take a reference to a member only after the last insertion
// into its parent, or re-find it. Builds with GITOPS_SIM_JSON_CHECKS (the sanitizer and
// libFuzzer builds) move every object's storage on every insertion and erase, so a stale
// reference is a use-after-free that AddressSanitizer reports at once instead of a silent
// read of a neighbour. Keys are not const in value_type (so members can shift): never
// change a key through an iterator.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/core/json_key.hpp"

namespace gs {

// The comparator and allocator nlohmann passes (for std::map) are ignored: keys compare by
// their text (so string_view and const char* keys need no std::string), and the storage uses
// std::allocator. Key is nlohmann's string type; members store it as a JsonKey, which reads
// as a `const Key&`.
template <class Key, class T, class... IgnoredCompareAndAllocator>
class SortedVectorMap : public std::vector<std::pair<JsonKey, T>> {
  static_assert(std::is_same_v<Key, std::string>, "JsonKey stands for std::string keys");

 public:
  using Container = std::vector<std::pair<JsonKey, T>>;
  using key_type = Key;
  using mapped_type = T;
  using value_type = typename Container::value_type;
  using iterator = typename Container::iterator;
  using const_iterator = typename Container::const_iterator;
  using size_type = typename Container::size_type;
  using key_compare = std::less<>;

  SortedVectorMap() noexcept = default;
  template <class InputIt>
  SortedVectorMap(InputIt first, InputIt last) {
    insert(first, last);
  }
  SortedVectorMap(std::initializer_list<value_type> init) { insert(init.begin(), init.end()); }

  template <class K>
  iterator find(const K& key) {
    if constexpr (std::is_same_v<K, JsonKey>) {
      if (key.ordersByAddress()) return findShared(*this, key);
    }
    const auto it = lowerBound(key);
    return it != this->end() && sameKey(it->first.view(), view(key)) ? it : this->end();
  }
  template <class K>
  const_iterator find(const K& key) const {
    if constexpr (std::is_same_v<K, JsonKey>) {
      if (key.ordersByAddress()) return findShared(*this, key);
    }
    const auto it = lowerBound(key);
    return it != this->end() && sameKey(it->first.view(), view(key)) ? it : this->end();
  }
  template <class K>
  size_type count(const K& key) const {
    return find(key) != this->end() ? 1 : 0;
  }
  template <class K>
  bool contains(const K& key) const {
    return find(key) != this->end();
  }

  template <class K>
  T& at(const K& key) {
    const auto it = find(key);
    if (it == this->end()) throw std::out_of_range("key not found");
    return it->second;
  }
  template <class K>
  const T& at(const K& key) const {
    const auto it = find(key);
    if (it == this->end()) throw std::out_of_range("key not found");
    return it->second;
  }
  template <class K>
  T& operator[](K&& key) {
    return emplace(std::forward<K>(key)).first->second;
  }

  // Like std::map::emplace(key, args...): an existing key is left as it is. A key in the
  // shared table (most keys: the table is looked up to build the member's JsonKey anyway)
  // is searched for by address.
  template <class K, class... Args>
  std::pair<iterator, bool> emplace(K&& key, Args&&... args) {
    std::optional<JsonKey> shared;
    if constexpr (std::is_same_v<std::remove_cvref_t<K>, JsonKey>) {
      if (key.ordersByAddress()) shared = key;
    } else {
      shared = JsonKey::findShared(view(key));
    }
    iterator it;
    if (shared) {
      it = lowerBoundShared(*this, *shared);
      if (it != this->end() && it->first.sameAs(*shared)) return {it, false};
    } else {
      it = lowerBound(key);
      if (it != this->end() && sameKey(it->first.view(), view(key))) return {it, false};
    }
    if (this->empty() && this->capacity() == 0) {
      // Objects are built member by member: room for four at once spares std::vector's
      // reallocations at one and two members (stored objects are shrunk to fit anyway).
      this->reserve(4);
      it = this->begin();
    }
    if (shared) {
      it = Container::emplace(it, std::piecewise_construct, std::forward_as_tuple(*std::move(shared)),
                              std::forward_as_tuple(std::forward<Args>(args)...));
    } else if constexpr (std::is_same_v<std::remove_cvref_t<K>, JsonKey>) {
      it = Container::emplace(it, std::piecewise_construct, std::forward_as_tuple(JsonKey(std::forward<K>(key))),
                              std::forward_as_tuple(std::forward<Args>(args)...));
    } else {
      it = Container::emplace(it, std::piecewise_construct, std::forward_as_tuple(JsonKey::notShared(std::forward<K>(key))),
                              std::forward_as_tuple(std::forward<Args>(args)...));
    }
    return {relocateForChecks(it), true};
  }
  std::pair<iterator, bool> insert(const value_type& value) { return emplace(value.first, value.second); }
  std::pair<iterator, bool> insert(value_type&& value) {
    return emplace(std::move(value.first), std::move(value.second));
  }
  template <class InputIt>
  void insert(InputIt first, InputIt last) {
    for (; first != last; ++first) emplace(first->first, first->second);
  }

  iterator erase(const_iterator pos) { return relocateForChecks(Container::erase(pos)); }
  iterator erase(iterator pos) { return relocateForChecks(Container::erase(pos)); }
  iterator erase(const_iterator first, const_iterator last) {
    return relocateForChecks(Container::erase(first, last));
  }
  template <class K>
    requires(!std::convertible_to<const K&, const_iterator>)
  size_type erase(const K& key) {
    const auto it = find(key);
    if (it == this->end()) return 0;
    erase(it);
    return 1;
  }

 private:
  static std::string_view view(const JsonKey& key) { return key.view(); }
  static std::string_view view(std::string_view key) { return key; }

  // Binary search by a shared key's address (JsonKey::sortsBefore); `Self` is this map,
  // const or not.
  template <class Self>
  static auto lowerBoundShared(Self& self, const JsonKey& key) {
    return std::lower_bound(self.begin(), self.end(), key,
                            [](const value_type& entry, const JsonKey& probe) { return entry.first.sortsBefore(probe); });
  }
  template <class Self>
  static auto findShared(Self& self, const JsonKey& key) {
    const auto it = lowerBoundShared(self, key);
    return it != self.end() && it->first.sameAs(key) ? it : self.end();
  }

  // Keys are field names of a few bytes that mostly differ early: an inline byte loop
  // decides before a memcmp call would have started (memcmp was the top symbol of the
  // fake cluster's profile).
  static int compareKeys(std::string_view a, std::string_view b) {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  }
  // Equality, which ends every successful lookup: eight bytes at a time (the last word
  // overlapping the one before), bytes only for keys shorter than a word.
  static std::uint64_t word(const char* at) {
    std::uint64_t w;
    std::memcpy(&w, at, sizeof w);
    return w;
  }
  static bool sameKey(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    const char* p = a.data();
    const char* q = b.data();
    if (n >= 8) {
      for (std::size_t i = 0; i + 8 <= n; i += 8) {
        if (word(p + i) != word(q + i)) return false;
      }
      return word(p + n - 8) == word(q + n - 8);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] != q[i]) return false;
    }
    return true;
  }
  static bool keyLess(const value_type& entry, std::string_view key) { return compareKeys(entry.first.view(), key) < 0; }
  template <class K>
  iterator lowerBound(const K& key) {
    return std::lower_bound(this->begin(), this->end(), view(key), keyLess);
  }
  template <class K>
  const_iterator lowerBound(const K& key) const {
    return std::lower_bound(this->begin(), this->end(), view(key), keyLess);
  }

  // With GITOPS_SIM_JSON_CHECKS, move the members to a fresh block after every insertion and
  // erase and free the old one, so a reference held across the change dangles detectably.
  iterator relocateForChecks(iterator it) {
#ifdef GITOPS_SIM_JSON_CHECKS
    const auto index = it - this->begin();
    Container fresh;
    fresh.reserve(this->size());
    for (auto& entry : *this) fresh.push_back(std::move(entry));
    this->swap(fresh);
    return this->begin() + index;
#else
    return it;
#endif
  }
};

}  // namespace gs
