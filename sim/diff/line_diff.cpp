#include "sim/diff/line_diff.hpp"

#include <algorithm>

#include "sim/core/lines.hpp"

namespace gs::diff {
namespace {


enum class Op { Keep, Delete, Insert };

// Myers' greedy algorithm with a saved trace, then backtracking to the edit script.
std::vector<Op> editScript(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  const int max = n + m;
  std::vector<int> v(2 * static_cast<std::size_t>(max) + 2, 0);
  std::vector<std::vector<int>> trace;
  const int offset = max + 1;
  int found = -1;
  constexpr int kMaxEdits = 2000;  // beyond this, show a plain replace instead of using O(D^2) memory
  for (int d = 0; d <= max && found < 0; ++d) {
    if (d > kMaxEdits) {
      std::vector<Op> replace(static_cast<std::size_t>(n), Op::Delete);
      replace.insert(replace.end(), static_cast<std::size_t>(m), Op::Insert);
      return replace;
    }
    trace.push_back(v);
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
  std::vector<Op> ops;
  int x = n, y = m;
  for (int d = found; d > 0; --d) {
    const auto& pv = trace[static_cast<std::size_t>(d)];
    int k = x - y;
    int prevK = (k == -d || (k != d && pv[k - 1 + offset] < pv[k + 1 + offset])) ? k + 1 : k - 1;
    int prevX = pv[prevK + offset];
    int prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push_back(Op::Keep);
      --x;
      --y;
    }
    ops.push_back(x == prevX ? Op::Insert : Op::Delete);
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push_back(Op::Keep);
    --x;
    --y;
  }
  std::reverse(ops.begin(), ops.end());
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
