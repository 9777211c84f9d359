#include "golden_case.hpp"

#include <algorithm>

#include "sim/core/yaml.hpp"

namespace gs::testing {

std::vector<GoldenCase> loadGoldenCases() {
  std::vector<GoldenCase> cases;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(GS_TEST_DATA_DIR) / "diff")) {
    if (!entry.is_directory()) continue;
    GoldenCase c;
    c.dir = entry.path();
    c.name = entry.path().filename().string();
    auto file = (c.dir / "expected.yaml").string();
    Json expected = loadYamlDocument(readFile(file), file).value;
    c.modified = expected.at("modified").get<bool>();
    for (const auto& ch : expected.value("changes", Json::array())) {
      c.changes.emplace(ch.at("path").get<std::string>(), ch.at("kind").get<std::string>());
    }
    if (expected.contains("options")) {
      const Json& o = expected["options"];
      c.ignore = o.value("ignore", Json::array());
      c.threeWay = o.value("threeWay", true);
    }
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return cases;
}

}  // namespace gs::testing
