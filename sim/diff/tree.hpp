// The comparable form of one object: a flat array of nodes in level order (each node's
// children stored contiguously) built once per
// object version, with object members in key order, keyed lists (containers, env,
// ports, ...) sorted by their merge key, quantities and int-or-string values reduced to
// canonical values, and the API-server defaults marked "weak". Every node carries a
// 64-bit hash of its subtree (key and canonical value), so identical subtrees are
// skipped in O(1); comparing two trees is otherwise a linear merge walk with no
// allocation and no schema look-ups. (Two different subtrees with the same hash would
// be taken as equal: odds of 2^-64 per pair, the trade git makes with object ids.)
// The tree points into the Json it was built from; that Json must outlive it unchanged.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/kube/defaults.hpp"
#include "sim/kube/quantity.hpp"
#include "sim/kube/schema.hpp"

namespace gs::diff {

enum class NodeType : std::uint8_t { Null, Bool, Number, String, Quantity, Object, Array, KeyedArray };

// An object member's or keyed element's key, pre-digested for fast ordering: the first
// 8 bytes big-endian (so integer order is byte order) and the length.
struct NodeKey {
  const char* data = nullptr;
  std::uint32_t size = 0;
  std::uint64_t prefix = 0;

  std::string_view view() const { return {data, size}; }
  static NodeKey of(std::string_view s);
};

// Byte-wise order of two keys (std::map's order): <0, 0, >0. No call for keys that
// differ in their first 8 bytes or are at most 8 bytes long.
inline int compareKeys(const NodeKey& a, const NodeKey& b) {
  if (a.prefix != b.prefix) return a.prefix < b.prefix ? -1 : 1;
  if (a.size <= 8 && b.size <= 8) return static_cast<int>(a.size) - static_cast<int>(b.size);
  return a.view().compare(b.view());
}

struct Node {
  const Json* src = nullptr;  // the value this node stands for
  NodeKey key;                // member name, or a keyed-list element's key ("name=web")
  std::uint64_t hash = 0;     // of key and canonical value, subtree included
  union {
    std::int64_t integer;
    double number;
    bool boolean;
    std::uint32_t quantity;  // index into DiffTree::quantity()
    const char* text;        // String payload (textSize bytes)
  };
  std::uint32_t textSize = 0;
  std::uint32_t first = 0;  // index of the first child; children are contiguous
  std::uint32_t index = 0;  // position in the source array, for array elements
  std::uint32_t count = 0;  // number of children
  NodeType type = NodeType::Null;
  bool weak = false;    // inserted by defaulting, not declared
  bool hollow = false;  // null, [], {} or a map holding only hollow values
  bool isInt = false;
  bool replacedWhole = false;  // keyed list the API replaces whole (see FieldSchema)
  Node() : integer(0) {}

  std::string_view textView() const { return {text, textSize}; }
};

class DiffTree {
 public:
  DiffTree() = default;
  // Builds the tree of `root` using `schema` (may be null: no keyed lists, no special
  // scalars) and the set of values defaulting inserted (may be null).
  // `emptyIsMissing`: {} and [] count as absent (built-in kinds, whose typed decoding
  // drops empty optional values); for custom resources only null does (`automated: {}`
  // in an Argo CD Application means something).
  static DiffTree build(const Json& root, const kube::FieldSchema* schema, const kube::DefaultedValues* weak,
                        bool emptyIsMissing = true);

  const Node& operator[](std::uint32_t i) const { return nodes_[i]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(nodes_.size()); }
  bool empty() const { return nodes_.empty(); }
  const kube::Quantity& quantity(const Node& n) const { return quantities_[n.quantity]; }
  // Asks the CPU to start loading the first `bytes` of the node array (the top levels of
  // the object, thanks to the breadth-first layout) before they are needed.
  void prefetch(std::size_t bytes = 2048) const {
    const char* p = reinterpret_cast<const char*>(nodes_.data());
    std::size_t n = std::min(bytes, nodes_.size() * sizeof(Node));
    for (std::size_t off = 0; off < n; off += 64) __builtin_prefetch(p + off);
  }

 private:
  class Builder;
  std::vector<Node> nodes_;
  std::deque<std::string> strings_;  // owned keyed-list element keys (stable addresses)
  std::vector<kube::Quantity> quantities_;
};

// True for null, [], {} and maps of only such values: what the API treats like a
// missing field.
inline bool isEmptyValue(const Node& n) { return n.hollow; }

}  // namespace gs::diff
