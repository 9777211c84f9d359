// Line-based unified diff (Myers' O(ND) algorithm), for showing YAML side by side the
// way `diff -u` and `kubectl diff` do.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gs::diff {

struct UnifiedDiffOptions {
  int context = 3;
  bool color = false;  // ANSI colours: red for removed, green for added, cyan hunk headers
};

// The hunks ("@@ -a,b +c,d @@" and lines) between two texts; empty when equal.
std::string unifiedDiff(std::string_view before, std::string_view after, const UnifiedDiffOptions& options = {});

}  // namespace gs::diff
