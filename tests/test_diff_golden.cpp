// Golden desired/live pairs copied in the shape a real API server returns them, each with
// the expected verdict and changes (tests/data/diff/*/expected.yaml).
#include <catch2/catch.hpp>

#include "golden_case.hpp"
#include "sim/core/manifest.hpp"
#include "sim/diff/object_set.hpp"

using namespace gs;

TEST_CASE("golden diff cases", "[diff][golden]") {
  auto cases = testing::loadGoldenCases();
  REQUIRE(cases.size() >= 40);
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      diff::DiffOptions options;
      options.threeWay = c.threeWay;
      for (const auto& rule : c.ignore) options.ignore.push_back(diff::parseIgnoreRule(rule));
      auto desired = loadManifests((c.dir / "desired.yaml").string());
      auto live = loadManifests((c.dir / "live.yaml").string());
      auto diffs = diff::diffManifestSets(desired, live, options);
      REQUIRE(diffs.size() == 1);
      const auto& d = diffs[0];
      CHECK(d.status != diff::ObjectStatus::ToCreate);
      CHECK(d.status != diff::ObjectStatus::Extra);
      std::set<std::pair<std::string, std::string>> got;
      for (const auto& ch : d.result.changes) got.emplace(ch.path, diff::changeKindName(ch.kind));
      CHECK(d.result.modified == c.modified);
      CHECK(got == c.changes);
      // The patch of every case applies to normalized live and yields predicted live,
      // and predicted live is in sync with desired.
      if (d.result.modified) {
        CHECK(d.result.normalizedLive.patch(diff::toJsonPatch(d.result.changes)) == d.result.predictedLive);
        auto again = diff::diffObjects(desired[0].object, d.result.predictedLive, options);
        CHECK_FALSE(again.modified);
      }
    }
  }
}
