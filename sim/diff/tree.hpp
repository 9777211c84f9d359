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

// A node is split in two parallel arrays: the hot part every walk reads (32 bytes, two
// per cache line: key prefix and length, subtree hash, links, type and flags) and the
// cold part read only where subtrees differ or a change is reported.
struct Node {
  std::uint64_t keyPrefix = 0;  // first 8 key bytes big-endian: integer order = byte order
  std::uint64_t hash = 0;       // of key and canonical value, subtree included
  std::uint32_t keySize = 0;    // member name, or keyed-list element key ("name=web")
  std::uint32_t first = 0;      // index of the first child; children are contiguous
  std::uint32_t count = 0;      // number of children
  NodeType type = NodeType::Null;
  bool weak = false;           // inserted by defaulting, not declared
  bool hollow = false;         // null, or an empty value the API treats as absent
  bool replacedWhole = false;  // keyed list the API replaces whole (see FieldSchema)
};
static_assert(sizeof(Node) == 32, "hot node part should stay at half a cache line");

struct NodeData {
  const Json* src = nullptr;  // the value this node stands for
  const char* keyData = nullptr;
  union {
    std::int64_t integer;
    double number;
    bool boolean;
    std::uint32_t quantity;  // index into DiffTree::quantity()
    const char* text;        // String payload (textSize bytes)
  };
  std::uint32_t textSize = 0;
  std::uint32_t index = 0;  // position in the source array, for array elements
  bool isInt = false;
  NodeData() : integer(0) {}
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
  const NodeData& data(std::uint32_t i) const { return data_[i]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(nodes_.size()); }
  bool empty() const { return nodes_.empty(); }
  std::string_view key(std::uint32_t i) const { return {data_[i].keyData, nodes_[i].keySize}; }
  // Built with emptyIsMissing: a built-in kind's object, which the API server decodes typed.
  bool typed() const { return typed_; }
  std::string_view text(std::uint32_t i) const { return {data_[i].text, data_[i].textSize}; }
  const kube::Quantity& quantity(std::uint32_t i) const { return quantities_[data_[i].quantity]; }
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
  std::vector<NodeData> data_;
  std::deque<std::string> strings_;  // owned keyed-list element keys (stable addresses)
  std::vector<kube::Quantity> quantities_;
  bool typed_ = true;
};

// True for null, [], {} and maps of only such values: what the API treats like a
// missing field.
inline bool isEmptyValue(const Node& n) { return n.hollow; }

// Byte-wise order of node a.i's key and node b.j's key (std::map's order): <0, 0, >0.
// Reads the cold part only for keys longer than 8 bytes that share their first 8.
inline int compareKeys(const DiffTree& a, std::uint32_t i, const DiffTree& b, std::uint32_t j) {
  const Node& x = a[i];
  const Node& y = b[j];
  if (x.keyPrefix != y.keyPrefix) return x.keyPrefix < y.keyPrefix ? -1 : 1;
  if (x.keySize <= 8 && y.keySize <= 8) return static_cast<int>(x.keySize) - static_cast<int>(y.keySize);
  return a.key(i).compare(b.key(j));
}

// The 8-byte big-endian, zero-padded prefix of a key.
std::uint64_t keyPrefixOf(std::string_view key);

}  // namespace gs::diff
