#include "sim/report/side_by_side.hpp"

#include <charconv>
#include <string>
#include <vector>

#include "sim/core/lines.hpp"

namespace gs::report {

namespace {


// "@@ -27,7 +27,7 @@" -> 27, 27 (the first line numbers of each side).
void hunkStarts(std::string_view header, int& left, int& right) {
  auto number = [&](char sign) {
    const auto at = header.find(sign, 2);
    if (at == std::string_view::npos) return 1;
    int n = 1;
    std::from_chars(header.data() + at + 1, header.data() + header.size(), n);
    return n;
  };
  left = number('-');
  right = number('+');
}

}  // namespace

Json sideBySide(std::string_view unifiedDiff) {
  Json rows = Json::array();
  int leftNo = 0, rightNo = 0;
  bool inHunk = false;
  std::vector<std::string_view> removed, added;
  auto flush = [&] {
    const std::size_t n = std::max(removed.size(), added.size());
    for (std::size_t i = 0; i < n; ++i) {
      Json row{{"type", "change"}};
      if (i < removed.size()) {
        row["left"] = std::string(removed[i]);
        row["leftNo"] = leftNo++;
      }
      if (i < added.size()) {
        row["right"] = std::string(added[i]);
        row["rightNo"] = rightNo++;
      }
      rows.push_back(std::move(row));
    }
    removed.clear();
    added.clear();
  };
  for (std::string_view line : splitLines(unifiedDiff)) {
    if (line.rfind("diff ", 0) == 0) {
      flush();
      inHunk = false;
      rows.push_back(Json{{"type", "file"}, {"left", std::string(line)}});
    } else if (!inHunk && (line.rfind("--- ", 0) == 0 || line.rfind("+++ ", 0) == 0)) {
      // Under a "diff" line the file row says it; a bare unified diff gets one from "---".
      const bool underFile = !rows.empty() && rows.back()["type"] == "file";
      if (!underFile && line[0] == '-') rows.push_back(Json{{"type", "file"}, {"left", std::string(line.substr(4))}});
    } else if (line.rfind("@@", 0) == 0) {
      flush();
      inHunk = true;
      hunkStarts(line, leftNo, rightNo);
      rows.push_back(Json{{"type", "hunk"}, {"left", std::string(line)}});
    } else if (inHunk && !line.empty() && line[0] == '-') {
      if (!added.empty()) flush();
      removed.push_back(line.substr(1));
    } else if (inHunk && !line.empty() && line[0] == '+') {
      added.push_back(line.substr(1));
    } else if (inHunk && (line.empty() || line[0] == ' ')) {
      flush();
      const std::string same(line.empty() ? line : line.substr(1));
      rows.push_back(Json{{"type", "same"}, {"left", same}, {"right", same}, {"leftNo", leftNo++}, {"rightNo", rightNo++}});
    } else {
      flush();
      inHunk = false;
      rows.push_back(Json{{"type", "note"}, {"left", std::string(line)}});
    }
  }
  flush();
  return rows;
}

}  // namespace gs::report
