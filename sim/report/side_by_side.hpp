// A unified diff (kubectl diff style, as the diff core renders it) laid out side by side
// for the run report: live on the left, desired on the right, changed lines paired.
#pragma once

#include <string_view>

#include "sim/core/json.hpp"

namespace gs::report {

// [{"type": "file"|"hunk"|"same"|"change"|"note", "left": "...", "right": "...",
//   "leftNo": n, "rightNo": n}] -- "change" rows pair a removed line with an added one
// (either side may be absent); "file" rows carry the object's header, "note" rows the
// lines outside hunks (summaries, extra objects).
Json sideBySide(std::string_view unifiedDiff);

}  // namespace gs::report
