#include "sim/diff/line_diff.hpp"

#include <algorithm>
#include <span>

#include "sim/core/lines.hpp"

namespace gs::diff {
namespace {


enum class Op { Keep, Delete, Insert };

// Myers' greedy algorithm with a saved trace, then backtracking to the edit script. The
// common leading lines are kept first: Myers' first snake takes exactly them, so the script
// is the same as without the shortcut, and the search (and its trace, O(D^2) entries: each
// round keeps only the diagonals it can reach) covers only what follows.
std::vector<Op> editScript(std::span<const std::string_view> a, std::span<const std::string_view> b) {
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::vector<Op> ops(prefix, Op::Keep);
  a = a.subspan(prefix);
  b = b.subspan(prefix);
  if (a.empty() || b.empty()) {  // one side is all that is left: the only script there is
    ops.insert(ops.end(), a.size(), Op::Delete);
    ops.insert(ops.end(), b.size(), Op::Insert);
    return ops;
  }
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  const int max = n + m;
  std::vector<int> v(2 * static_cast<std::size_t>(max) + 2, 0);
  // trace[d]: v on diagonals -d..d as round d found it (what rounds before d reached).
  std::vector<std::vector<int>> trace;
  const int offset = max + 1;
  int found = -1;
  constexpr int kMaxEdits = 2000;  // beyond this, show a plain replace instead of using O(D^2) memory
  for (int d = 0; d <= max && found < 0; ++d) {
    if (d > kMaxEdits) {
      ops.insert(ops.end(), static_cast<std::size_t>(n), Op::Delete);
      ops.insert(ops.end(), static_cast<std::size_t>(m), Op::Insert);
      return ops;
    }
    trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset])) ? v[k + 1 + offset] : v[k - 1 + offset] + 1;
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) {
        ++x;
        ++y;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  std::vector<Op> tail;
  int x = n, y = m;
  for (int d = found; d > 0; --d) {
    const auto& pv = trace[static_cast<std::size_t>(d)];
    auto reached = [&](int k) { return pv[static_cast<std::size_t>(k + d)]; };
    int k = x - y;
    int prevK = (k == -d || (k != d && reached(k - 1) < reached(k + 1))) ? k + 1 : k - 1;
    int prevX = reached(prevK);
    int prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      tail.push_back(Op::Keep);
      --x;
      --y;
    }
    tail.push_back(x == prevX ? Op::Insert : Op::Delete);
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    tail.push_back(Op::Keep);
    --x;
    --y;
  }
  ops.insert(ops.end(), tail.rbegin(), tail.rend());
  return ops;
}

}  // namespace

std::string unifiedDiff(std::string_view before, std::string_view after, const UnifiedDiffOptions& options) {
  if (before == after) return {};
  auto a = splitLines(before);
  auto b = splitLines(after);
  auto ops = editScript(a, b);
  const char* red = options.color ? "\x1b[31m" : "";
  const char* green = options.color ? "\x1b[32m" : "";
  const char* cyan = options.color ? "\x1b[36m" : "";
  const char* reset = options.color ? "\x1b[0m" : "";

  // Positions (in a and b) of each op.
  struct Step {
    Op op;
    int ai;
    int bi;
  };
  std::vector<Step> steps;
  steps.reserve(ops.size());
  int ai = 0, bi = 0;
  for (Op op : ops) {
    steps.push_back({op, ai, bi});
    if (op != Op::Insert) ++ai;
    if (op != Op::Delete) ++bi;
  }
  std::string out;
  const int ctx = options.context;
  std::size_t i = 0;
  while (i < steps.size()) {
    if (steps[i].op == Op::Keep) {
      ++i;
      continue;
    }
    // A hunk: from `ctx` keeps before the first change to `ctx` keeps after the last one
    // that is not followed by more than 2*ctx keeps.
    std::size_t start = i >= static_cast<std::size_t>(ctx) ? i - static_cast<std::size_t>(ctx) : 0;
    while (start < i && steps[start].op != Op::Keep) ++start;
    std::size_t end = i;
    std::size_t keeps = 0;
    for (std::size_t j = i; j < steps.size(); ++j) {
      if (steps[j].op == Op::Keep) {
        if (++keeps > static_cast<std::size_t>(2 * ctx)) break;
      } else {
        keeps = 0;
        end = j;
      }
    }
    std::size_t stop = std::min(steps.size(), end + 1 + static_cast<std::size_t>(ctx));
    int aStart = steps[start].ai, bStart = steps[start].bi, aLen = 0, bLen = 0;
    for (std::size_t j = start; j < stop; ++j) {
      if (steps[j].op != Op::Insert) ++aLen;
      if (steps[j].op != Op::Delete) ++bLen;
    }
    out += cyan;
    out += "@@ -" + std::to_string(aLen == 0 ? aStart : aStart + 1) + "," + std::to_string(aLen) + " +" +
           std::to_string(bLen == 0 ? bStart : bStart + 1) + "," + std::to_string(bLen) + " @@";
    out += reset;
    out += '\n';
    for (std::size_t j = start; j < stop; ++j) {
      switch (steps[j].op) {
        case Op::Keep: out += ' '; out += a[static_cast<std::size_t>(steps[j].ai)]; break;
        case Op::Delete: out += red; out += '-'; out += a[static_cast<std::size_t>(steps[j].ai)]; out += reset; break;
        case Op::Insert: out += green; out += '+'; out += b[static_cast<std::size_t>(steps[j].bi)]; out += reset; break;
      }
      out += '\n';
    }
    i = stop;
  }
  return out;
}

}  // namespace gs::diff
