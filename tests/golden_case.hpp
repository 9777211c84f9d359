// Reading the golden diff cases under tests/data/diff (desired.yaml, live.yaml,
// expected.yaml), shared by the library and the CLI tests.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/json.hpp"

namespace gs::testing {

struct GoldenCase {
  std::string name;
  std::filesystem::path dir;
  bool modified = false;
  std::set<std::pair<std::string, std::string>> changes;  // (path, kind)
  Json ignore = Json::array();
  bool threeWay = true;
};

std::vector<GoldenCase> loadGoldenCases();

}  // namespace gs::testing
