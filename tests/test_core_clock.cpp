#include <catch2/catch.hpp>

#include <ctime>

#include "sim/core/clock.hpp"
#include "sim/core/error.hpp"

using namespace gs;
using namespace std::chrono_literals;

TEST_CASE("parseDuration reads Go duration syntax", "[core][clock]") {
  CHECK(parseDuration("0") == 0ms);
  CHECK(parseDuration("250ms") == 250ms);
  CHECK(parseDuration("5s") == 5000ms);
  CHECK(parseDuration("3m") == 180000ms);
  CHECK(parseDuration("1h30m") == 5400000ms);
  CHECK(parseDuration("1.5s") == 1500ms);
  CHECK(parseDuration("2h45m10s") == Duration{(2 * 3600 + 45 * 60 + 10) * 1000});
  CHECK(parseDuration("-5s") == -5000ms);
}

TEST_CASE("parseDuration rejects malformed durations with the reason", "[core][clock]") {
  for (const char* bad : {"", "5", "s", "5x", "1.2.3s", "--5s", "5 s"}) {
    INFO(bad);
    CHECK_THROWS_AS(parseDuration(bad), Error);
  }
  try {
    parseDuration("10 minutes");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.errorClass() == ErrorClass::InvalidInput);
    CHECK_THAT(e.what(), Catch::Contains("10 minutes"));
  }
}

TEST_CASE("formatDuration gives the short form and round-trips", "[core][clock]") {
  CHECK(formatDuration(0ms) == "0s");
  CHECK(formatDuration(250ms) == "250ms");
  CHECK(formatDuration(5000ms) == "5s");
  CHECK(formatDuration(90000ms) == "1m30s");
  CHECK(formatDuration(7200000ms) == "2h");
  CHECK(formatDuration(1500ms) == "1.5s");
  for (long long ms : {1LL, 999LL, 1000LL, 61001LL, 3600000LL, 86400123LL}) {
    CHECK(parseDuration(formatDuration(Duration{ms})) == Duration{ms});
  }
}

TEST_CASE("VirtualClock only moves forward", "[core][clock]") {
  VirtualClock clock;
  CHECK(clock.now().sinceStart == 0ms);
  CHECK(clock.rfc3339() == "2026-01-01T00:00:00Z");
  clock.advanceBy(90s);
  CHECK(clock.rfc3339() == "2026-01-01T00:01:30Z");
  clock.advanceTo(VirtualTime{1h});
  CHECK(clock.unixSeconds() == VirtualClock::kDefaultEpochSeconds + 3600);
  CHECK_THROWS_AS(clock.advanceTo(VirtualTime{1s}), Error);
}

TEST_CASE("formatRfc3339 handles leap years", "[core][clock]") {
  CHECK(formatRfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(formatRfc3339(951782400) == "2000-02-29T00:00:00Z");
  CHECK(formatRfc3339(1709164800 + 86399) == "2024-02-29T23:59:59Z");
}

TEST_CASE("formatRfc3339 agrees with the C library's gmtime", "[core][clock]") {
  for (std::int64_t t = -86400LL * 365 * 3; t < 4102444800LL /* 2100 */; t += 86400LL * 7 + 3607) {
    const std::time_t when = static_cast<std::time_t>(t);
    std::tm parts{};
    REQUIRE(gmtime_r(&when, &parts) != nullptr);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%SZ", &parts);
    REQUIRE(formatRfc3339(t) == expected);
  }
}

TEST_CASE("parseRfc3339 reads what formatRfc3339 writes, offsets and fractions", "[core][clock]") {
  for (std::int64_t t : {0LL, 1767225600LL, 1767225600LL + 86399, 951782400LL /* 2000-02-29 */}) {
    CHECK(gs::parseRfc3339(gs::formatRfc3339(t)) == t);
  }
  CHECK(gs::parseRfc3339("2026-01-01T01:00:00+01:00") == 1767225600);
  CHECK(gs::parseRfc3339("2026-01-01T00:00:00.123456Z") == 1767225600);
  CHECK_FALSE(gs::parseRfc3339("2026-01-01 00:00:00Z").has_value());
  CHECK_FALSE(gs::parseRfc3339("2026-13-01T00:00:00Z").has_value());
  CHECK_FALSE(gs::parseRfc3339("yesterday").has_value());
}
