#include "sim/diff/tree.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <optional>
#include <span>

namespace gs::diff {

std::uint64_t keyPrefixOf(std::string_view s) {
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) prefix = (prefix << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0U);
  return prefix;
}

namespace {

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

std::uint64_t combine(std::uint64_t h, std::uint64_t v) { return mix(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2))); }

// Fields of built-in kinds whose empty value means the same as no value: Go maps
// (string maps, resource lists), which the API server drops when empty, and structs it
// always writes out even when empty (resources, securityContext).
bool isMapTypedField(std::string_view key) {
  static constexpr std::string_view kMapFields[] = {
      "annotations", "labels", "data", "binaryData", "stringData", "nodeSelector", "matchLabels", "limits",
      "requests", "capacity", "allocatable", "hard", "parameters", "selector", "overhead", "attributes",
      "resources", "securityContext"};
  for (auto name : kMapFields) {
    if (key == name) return true;
  }
  return false;
}

std::uint64_t hashBytes(std::string_view s, std::uint64_t seed) {
  std::uint64_t h = seed ^ (s.size() * 0x9e3779b97f4a7c15ULL);
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, s.data() + i, 8);
    h = combine(h, chunk);
  }
  std::uint64_t tail = 0;
  if (s.size() > i) std::memcpy(&tail, s.data() + i, s.size() - i);
  return combine(h, tail);
}

}  // namespace

class DiffTree::Builder {
 public:
  Builder(DiffTree& tree, const kube::DefaultedValues* weak, bool emptyIsMissing)
      : tree_(tree), weak_(weak), emptyIsMissing_(emptyIsMissing) {}

  // Builds the whole tree in level order: a node's children form one contiguous block,
  // and the blocks of one depth come before those of the next, so the top levels of an
  // object (what an in-sync walk mostly reads) sit together at the front of the array.
  void run(const Json& root, const kube::FieldSchema* schema) {
    tree_.nodes_.emplace_back();
    tree_.data_.emplace_back();
    pending_.push_back(Pending{0, &root, {}, 0, schema});
    for (std::size_t head = 0; head < pending_.size(); ++head) {
      Pending p = pending_[head];
      place(p.slot, *p.value, p.key, p.index, p.schema);
    }
    // Children always come after their parent: hash bottom-up by walking backwards.
    for (std::size_t i = tree_.nodes_.size(); i-- > 0;) finish(static_cast<std::uint32_t>(i));
  }

 private:
  struct Pending {
    std::uint32_t slot;
    const Json* value;
    std::string_view key;
    std::uint32_t index;
    const kube::FieldSchema* schema;
  };

  void enqueue(std::uint32_t slot, const Json& v, std::string_view key, std::uint32_t index, const kube::FieldSchema* schema) {
    pending_.push_back(Pending{slot, &v, key, index, schema});
  }

  void finish(std::uint32_t me) {
    Node& n = tree_.nodes_[me];
    n.hash = hashOf(me);
    if (n.type == NodeType::Null) {
      n.hollow = true;
    } else if (!emptyIsMissing_) {
      n.hollow = false;
    } else if ((n.type == NodeType::Array || n.type == NodeType::KeyedArray) && n.count == 0) {
      n.hollow = true;
    } else if (n.type == NodeType::Object && n.count == 0) {
      // An empty map-typed field is dropped by the server (omitempty); an empty optional
      // struct (emptyDir: {}, subresources.status: {}) is kept and means something.
      // An empty `metadata` (a pod template's whose annotations remarshalling took away)
      // says nothing either.
      n.hollow = isMapTypedField(tree_.key(me)) || tree_.key(me) == "metadata";
    } else if (n.type == NodeType::Object) {
      n.hollow = true;
      for (std::uint32_t c = n.first; c < n.first + n.count && n.hollow; ++c) n.hollow = tree_.nodes_[c].hollow;
    }
  }

  // Fills the (already allocated) node `me` for value `v`; containers get their block
  // of children allocated and queued.
  void place(std::uint32_t me, const Json& v, std::string_view key, std::uint32_t index, const kube::FieldSchema* schema) {
    {
      Node& n = tree_.nodes_[me];
      n.keyPrefix = keyPrefixOf(key);
      n.keySize = static_cast<std::uint32_t>(key.size());
      n.weak = weak_ != nullptr && !weak_->empty() && weak_->contains(&v);
      NodeData& d = tree_.data_[me];
      d.src = &v;
      d.keyData = key.data();
      d.index = index;
    }
    auto scalarKind = schema != nullptr ? schema->scalar() : kube::ScalarKind::Plain;
    switch (v.type()) {
      case Json::value_t::null:
      case Json::value_t::discarded:
        tree_.nodes_[me].type = NodeType::Null;
        break;
      case Json::value_t::boolean:
        tree_.nodes_[me].type = NodeType::Bool;
        tree_.data_[me].boolean = v.get<bool>();
        break;
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned:
      case Json::value_t::number_float:
        if (isQuantity(scalarKind) && setQuantity(me, v, scalarKind)) break;
        setNumber(me, v);
        break;
      case Json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        if (isQuantity(scalarKind) && setQuantity(me, v, scalarKind)) break;
        if (scalarKind == kube::ScalarKind::IntOrString && isSmallDecimal(s)) {
          tree_.nodes_[me].type = NodeType::Number;
          tree_.data_[me].isInt = true;
          tree_.data_[me].integer = std::stoll(s);
          break;
        }
        tree_.nodes_[me].type = NodeType::String;
        tree_.data_[me].text = s.data();
        tree_.data_[me].textSize = static_cast<std::uint32_t>(s.size());
        break;
      }
      case Json::value_t::object: {
        std::uint32_t first = allocateChildren(me, NodeType::Object, v.size());
        std::uint32_t i = 0;
        for (auto it = v.begin(); it != v.end(); ++it, ++i) {
          enqueue(first + i, it.value(), it.key(), 0, schema != nullptr ? schema->field(it.key()) : nullptr);
        }
        break;
      }
      case Json::value_t::array:
        addArray(me, v, schema);
        break;
      case Json::value_t::binary:
        tree_.nodes_[me].type = NodeType::String;
        break;
    }
  }

  std::uint32_t allocateChildren(std::uint32_t me, NodeType type, std::size_t count) {
    auto first = static_cast<std::uint32_t>(tree_.nodes_.size());
    tree_.nodes_.resize(tree_.nodes_.size() + count);
    tree_.data_.resize(tree_.nodes_.size());
    Node& n = tree_.nodes_[me];
    n.type = type;
    n.first = first;
    n.count = static_cast<std::uint32_t>(count);
    return first;
  }

  // Hash of the node's key, type and canonical value; children are already hashed.
  std::uint64_t hashOf(std::uint32_t me) const {
    const Node& n = tree_.nodes_[me];
    const NodeData& d = tree_.data_[me];
    std::uint64_t h = combine(hashBytes(tree_.key(me), 0x6b6579), static_cast<std::uint64_t>(n.type));
    switch (n.type) {
      case NodeType::Null: break;
      case NodeType::Bool: h = combine(h, d.boolean ? 1 : 0); break;
      case NodeType::Number: {
        std::uint64_t bits;
        if (d.isInt) {
          bits = static_cast<std::uint64_t>(d.integer);
        } else {
          std::memcpy(&bits, &d.number, sizeof bits);
        }
        h = combine(combine(h, d.isInt ? 1 : 2), bits);
        break;
      }
      case NodeType::String: h = combine(h, hashBytes(tree_.text(me), 0x737472)); break;
      case NodeType::Quantity: {
        const auto& q = tree_.quantity(me);
        h = combine(combine(combine(h, static_cast<std::uint64_t>(q.mantissa)),
                            static_cast<std::uint64_t>(q.mantissa >> 64)), static_cast<std::uint64_t>(q.exponent));
        break;
      }
      case NodeType::Object:
      case NodeType::Array:
        for (std::uint32_t c = n.first; c < n.first + n.count; ++c) h = combine(h, tree_.nodes_[c].hash);
        h = combine(h, n.count);
        break;
      case NodeType::KeyedArray:
        // Children are in key order; their positions count too (a reordered list is a
        // change: kubectl apply's $setElementOrder brings live to Git's order).
        for (std::uint32_t c = n.first; c < n.first + n.count; ++c) {
          h = combine(h, tree_.nodes_[c].hash);
          if (!n.replacedWhole) h = combine(h, tree_.data_[c].index);
        }
        h = combine(h, n.count);
        break;
    }
    return h;
  }

  static bool isSmallDecimal(const std::string& s) {
    if (s.empty() || s.size() > 18) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  void setNumber(std::uint32_t me, const Json& v) {
    tree_.nodes_[me].type = NodeType::Number;
    NodeData& n = tree_.data_[me];
    if (v.is_number_integer() && !(v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX)) {
      n.isInt = true;
      n.integer = v.get<std::int64_t>();
    } else {
      n.number = v.get<double>();
      // A float that holds an integer compares equal to that integer (1.0 == 1).
      if (n.number >= -9.0e15 && n.number <= 9.0e15 && n.number == static_cast<double>(static_cast<std::int64_t>(n.number))) {
        n.isInt = true;
        n.integer = static_cast<std::int64_t>(n.number);
      }
    }
  }

  static bool isQuantity(kube::ScalarKind kind) { return kind == kube::ScalarKind::Quantity || kind == kube::ScalarKind::ResourceQuantity; }

  // A ResourceList's value compares as the API server stores it, rounded up to thousandths.
  bool setQuantity(std::uint32_t me, const Json& v, kube::ScalarKind kind) {
    auto q = kube::Quantity::fromJson(v);
    if (!q) return false;
    tree_.nodes_[me].type = NodeType::Quantity;
    tree_.data_[me].quantity = static_cast<std::uint32_t>(tree_.quantities_.size());
    tree_.quantities_.push_back(kind == kube::ScalarKind::ResourceQuantity ? q->roundedUpToMilli() : *q);
    return true;
  }

  // The canonical key of a keyed-list element, or nullopt when the element lacks it.
  std::optional<std::string> elementKey(const Json& element, std::span<const kube::MergeKeyField> mergeKey) {
    if (mergeKey.size() == 1 && mergeKey[0].name == ".") {
      if (element.is_object() || element.is_array() || element.is_null()) return std::nullopt;
      return element.is_string() ? element.get<std::string>() : element.dump();
    }
    if (!element.is_object()) return std::nullopt;
    std::string key;
    bool any = false;
    for (const auto& field : mergeKey) {
      auto it = element.find(field.name);
      std::string value;
      if (it != element.end() && !it->is_null()) {
        value = it->is_string() ? it->get<std::string>() : it->dump();
        any = true;
      }
      if (value.empty() || value == field.fallback) continue;
      if (!key.empty()) key += ',';
      key += field.name;
      key += '=';
      key += value;
    }
    if (!any && mergeKey.size() == 1) return std::nullopt;
    return key;
  }

  void addArray(std::uint32_t me, const Json& v, const kube::FieldSchema* schema) {
    const kube::FieldSchema* elementSchema = schema != nullptr ? schema->element() : nullptr;
    auto mergeKey = schema != nullptr ? schema->mergeKey() : std::span<const kube::MergeKeyField>{};
    if (!mergeKey.empty()) {  // an empty keyed list is still keyed: it merges, it does not replace
      std::vector<std::pair<std::string, std::uint32_t>> keyed;
      keyed.reserve(v.size());
      bool ok = true;
      for (std::uint32_t i = 0; i < v.size() && ok; ++i) {
        auto key = elementKey(v[i], mergeKey);
        if (!key) ok = false;
        else keyed.emplace_back(std::move(*key), i);
      }
      if (ok) {
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        // Duplicate keys (env vars defined twice happen in real manifests) get "#2", "#3".
        bool duplicates = false;
        std::string previous;
        std::size_t run = 1;
        for (std::size_t i = 0; i < keyed.size(); ++i) {
          if (i > 0 && keyed[i].first == previous) {
            keyed[i].first += "#" + std::to_string(++run);
            duplicates = true;
          } else {
            previous = keyed[i].first;
            run = 1;
          }
        }
        if (duplicates) {
          std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        }
        std::uint32_t first = allocateChildren(me, NodeType::KeyedArray, keyed.size());
        tree_.nodes_[me].replacedWhole = schema->replacedWhole();
        for (std::uint32_t i = 0; i < keyed.size(); ++i) {
          const std::string& owned = tree_.strings_.emplace_back(std::move(keyed[i].first));
          enqueue(first + i, v[keyed[i].second], owned, keyed[i].second, elementSchema);
        }
        return;
      }
    }
    std::uint32_t first = allocateChildren(me, NodeType::Array, v.size());
    for (std::uint32_t i = 0; i < v.size(); ++i) enqueue(first + i, v[i], {}, i, elementSchema);
  }

  DiffTree& tree_;
  const kube::DefaultedValues* weak_;
  bool emptyIsMissing_;
  std::vector<Pending> pending_;
};

DiffTree DiffTree::build(const Json& root, const kube::FieldSchema* schema, const kube::DefaultedValues* weak,
                         bool emptyIsMissing) {
  DiffTree tree;
  tree.typed_ = emptyIsMissing;
  tree.nodes_.reserve(64);
  tree.data_.reserve(64);
  Builder(tree, weak, emptyIsMissing).run(root, schema);
  return tree;
}

}  // namespace gs::diff
