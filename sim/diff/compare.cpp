#include "sim/diff/compare.hpp"

#include <algorithm>
#include <climits>
#include <vector>

namespace gs::diff {

const char* changeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Added: return "added";
    case ChangeKind::Removed: return "removed";
    case ChangeKind::Changed: return "changed";
  }
  return "changed";
}

namespace {

constexpr std::int64_t kNone = -1;

struct Segment {
  enum Kind : std::uint8_t { Member, Keyed, Index };
  Kind kind;
  std::string_view key;    // member name or element key
  std::uint32_t liveIndex;  // array position in live (Keyed, Index)
  bool append;              // the element does not exist in live yet
};

template <bool Collect>
class Walker {
 public:
  Walker(const DiffTree& d, const DiffTree& l, const DiffTree* a, std::vector<Change>* out)
      : D(d), L(l), A(a != nullptr ? *a : d), out_(out) {}

  bool run() {
    if (D.empty() || L.empty()) return D.empty() == L.empty();
    return value(0, 0, 0);
  }

 private:
  bool value(std::uint32_t d, std::uint32_t l, std::int64_t a) {
    const Node& dn = D[d];
    const Node& ln = L[l];
    if (dn.hash == ln.hash) return true;  // identical subtrees (keys already match)
    if (dn.type != ln.type) {
      if (isEmptyValue(dn) && isEmptyValue(ln)) return true;
      if (dn.type == NodeType::Null) {
        report(ChangeKind::Removed, kNone, l);
      } else {
        report(ChangeKind::Changed, d, l);
      }
      return false;
    }
    bool equal = true;
    switch (dn.type) {
      case NodeType::Null: return true;
      case NodeType::Bool: equal = D.data(d).boolean == L.data(l).boolean; break;
      case NodeType::Number: {
        const NodeData& x = D.data(d);
        const NodeData& y = L.data(l);
        equal = (x.isInt && y.isInt) ? x.integer == y.integer : numberOf(x) == numberOf(y);
        break;
      }
      case NodeType::String: equal = D.text(d) == L.text(l); break;
      case NodeType::Quantity: equal = D.quantity(d) == L.quantity(l); break;
      case NodeType::Object: return members(d, l, a, Segment::Member);
      case NodeType::KeyedArray: return members(d, l, a, Segment::Keyed);
      case NodeType::Array: return elements(d, l, a);
    }
    if (!equal) report(ChangeKind::Changed, d, l);
    return equal;
  }

  static double numberOf(const NodeData& n) { return n.isInt ? static_cast<double>(n.integer) : n.number; }

  // Objects and keyed lists: children sorted by key, walked together. The last-applied
  // cursor moves only when a decision needs it (a subtree that differs, a field only in
  // live, a defaulted field): in-sync walks never touch that tree.
  bool members(std::uint32_t d, std::uint32_t l, std::int64_t a, Segment::Kind kind) {
    std::uint32_t di = D[d].first, dEnd = di + D[d].count;
    std::uint32_t li = L[l].first, lEnd = li + L[l].count;
    std::uint32_t ai = 0, aEnd = 0;
    if (a != kNone && A[static_cast<std::uint32_t>(a)].type == D[d].type) {
      ai = A[static_cast<std::uint32_t>(a)].first;
      aEnd = ai + A[static_cast<std::uint32_t>(a)].count;
    }
    // The last-applied child with the key of node t of tree T, or kNone.
    auto lastApplied = [&](const DiffTree& T, std::uint32_t t) -> std::int64_t {
      int ac = 1;
      while (ai < aEnd && (ac = compareKeys(A, ai, T, t)) < 0) ++ai;
      return (ai < aEnd && ac == 0 && !A[ai].weak) ? ai : kNone;
    };
    // Git's order differs from live's: kubectl apply's patch carries $setElementOrder
    // (strategic merge's diffLists), which reorders live, so Argo CD's predicted live
    // differs. The whole list is the change (Git's list, in Git's order).
    if (kind == Segment::Keyed && !L[l].replacedWhole && !inGitOrder(d, l)) {
      report(ChangeKind::Changed, d, l);
      return false;
    }
    bool equal = true;
    while (di < dEnd || li < lEnd) {
      int c = di >= dEnd ? 1 : (li >= lEnd ? -1 : compareKeys(D, di, L, li));
      if (c == 0) {
        if (D[di].hash != L[li].hash) {
          std::int64_t ak = lastApplied(D, di);
          // A default counts where Git once declared the field, and inside lists the
          // API replaces whole (the server re-defaults the replaced elements).
          if (!(D[di].weak && ak == kNone && atomicDepth_ == 0)) {
            push(kind, D.key(di), L.data(li).index, false);
            bool same = value(di, li, ak);
            pop();
            if (!same) {
              equal = false;
              if constexpr (!Collect) return false;
            }
          }
        }
        ++di;
        ++li;
      } else if (c < 0) {
        if (!D[di].weak && !isEmptyValue(D[di])) {
          push(kind, D.key(di), 0, true);
          report(ChangeKind::Added, di, kNone);
          pop();
          equal = false;
          if constexpr (!Collect) return false;
        }
        ++di;
      } else {
        // Only live has it: drift if Git once declared it, or if it sits in a list the
        // API replaces whole (kubectl apply writes desired's list over it). A custom
        // resource's list elements are no exception: Argo CD first strips from live every
        // field last-applied lacks, into list elements by index (RemoveMapFields).
        if (!isEmptyValue(L[li]) && ((atomicDepth_ > 0 && L.typed()) || L[l].replacedWhole || lastApplied(L, li) != kNone)) {
          push(kind, L.key(li), L.data(li).index, false);
          report(ChangeKind::Removed, kNone, li);
          pop();
          equal = false;
          if constexpr (!Collect) return false;
        }
        ++li;
      }
    }
    return equal;
  }

  // Whether the elements of keyed list d that live's list l has too come in the same
  // order in both, and Git's new elements all come after them (so that adding them at
  // the end gives Git's order). Elements only live has do not count: apply keeps them in
  // their places.
  bool inGitOrder(std::uint32_t d, std::uint32_t l) const {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> positions;  // (desired, live) position
    std::uint32_t firstAdded = UINT32_MAX;                           // desired position of the first new element
    std::uint32_t lastAdded = 0;
    bool addedInOrder = true;  // the new elements, appended in key order (the order changes are reported in), keep Git's order
    std::uint32_t di = D[d].first, dEnd = di + D[d].count;
    std::uint32_t li = L[l].first, lEnd = li + L[l].count;
    while (di < dEnd) {
      const int c = li >= lEnd ? -1 : compareKeys(D, di, L, li);
      if (c == 0) {
        positions.emplace_back(D.data(di++).index, L.data(li++).index);
      } else if (c < 0) {
        if (!D[di].weak && !isEmptyValue(D[di])) {
          const std::uint32_t at = D.data(di).index;
          if (firstAdded != UINT32_MAX && at < lastAdded) addedInOrder = false;
          firstAdded = std::min(firstAdded, at);
          lastAdded = at;
        }
        ++di;
      } else {
        ++li;
      }
    }
    if (!addedInOrder) return false;
    std::sort(positions.begin(), positions.end());
    if (!positions.empty() && firstAdded < positions.back().first) return false;
    for (std::size_t i = 1; i < positions.size(); ++i) {
      if (positions[i].second < positions[i - 1].second) return false;
    }
    return true;
  }

  // Atomic lists: same length, then element by element.
  bool elements(std::uint32_t d, std::uint32_t l, std::int64_t a) {
    if (D[d].count != L[l].count) {
      report(ChangeKind::Changed, d, l);
      return false;
    }
    bool withA = a != kNone && A[static_cast<std::uint32_t>(a)].type == NodeType::Array;
    std::uint32_t aFirst = withA ? A[static_cast<std::uint32_t>(a)].first : 0;
    std::uint32_t aCount = withA ? A[static_cast<std::uint32_t>(a)].count : 0;
    bool equal = true;
    ++atomicDepth_;
    for (std::uint32_t i = 0; i < D[d].count; ++i) {
      std::uint32_t di = D[d].first + i, li = L[l].first + i;
      if (D[di].hash == L[li].hash) continue;
      std::int64_t ak = i < aCount ? aFirst + i : kNone;
      push(Segment::Index, {}, L.data(li).index, false);
      bool same = value(di, li, ak);
      pop();
      if (!same) {
        equal = false;
        if constexpr (!Collect) break;
      }
    }
    --atomicDepth_;
    return equal;
  }

  void push(Segment::Kind kind, std::string_view key, std::uint32_t liveIndex, bool append) {
    if constexpr (Collect) path_.push_back(Segment{kind, key, liveIndex, append});
  }
  void pop() {
    if constexpr (Collect) path_.pop_back();
  }

  void report(ChangeKind kind, std::int64_t d, std::int64_t l) {
    if constexpr (Collect) {
      Change change;
      change.kind = kind;
      for (const auto& seg : path_) {
        switch (seg.kind) {
          case Segment::Member:
            change.path += '/';
            change.path += escapePointerToken(seg.key);
            change.pointer += '/';
            change.pointer += escapePointerToken(seg.key);
            break;
          case Segment::Keyed:
            change.path += '[';
            change.path += seg.key;
            change.path += ']';
            change.pointer += seg.append ? "/-" : "/" + std::to_string(seg.liveIndex);
            break;
          case Segment::Index:
            change.path += '/' + std::to_string(seg.liveIndex);
            change.pointer += '/' + std::to_string(seg.liveIndex);
            break;
        }
      }
      change.listElement = !path_.empty() && path_.back().kind != Segment::Member;
      if (d != kNone) change.desired = *D.data(static_cast<std::uint32_t>(d)).src;
      if (l != kNone) change.live = *L.data(static_cast<std::uint32_t>(l)).src;
      out_->push_back(std::move(change));
    } else {
      (void)kind;
      (void)d;
      (void)l;
    }
  }

  const DiffTree& D;
  const DiffTree& L;
  const DiffTree& A;
  std::vector<Change>* out_;
  std::vector<Segment> path_;
  int atomicDepth_ = 0;  // > 0 inside elements of a list the API replaces whole
};

}  // namespace

bool treesMatch(const DiffTree& desired, const DiffTree& live, const DiffTree* lastApplied) {
  return Walker<false>(desired, live, lastApplied, nullptr).run();
}

std::vector<Change> compareTrees(const DiffTree& desired, const DiffTree& live, const DiffTree* lastApplied) {
  std::vector<Change> changes;
  Walker<true>(desired, live, lastApplied, &changes).run();
  return changes;
}

}  // namespace gs::diff
