#include <catch2/catch.hpp>

#include "sim/kube/quantity.hpp"

using gs::kube::Quantity;

static Quantity q(const char* s) {
  auto parsed = Quantity::parse(s);
  INFO(s);
  REQUIRE(parsed.has_value());
  return *parsed;
}

TEST_CASE("equal amounts written differently are equal", "[kube][quantity]") {
  CHECK(q("1000m") == q("1"));
  CHECK(q("0.5") == q("500m"));
  CHECK(q("1Gi") == q("1024Mi"));
  CHECK(q("1Ki") == q("1024"));
  CHECK(q("1k") == q("1000"));
  CHECK(q("1e3") == q("1k"));
  CHECK(q("1E-3") == q("1m"));
  CHECK(q("1.5Gi") == q("1536Mi"));
  CHECK(q("0") == q("0m"));
  CHECK(q("100u") == q("100000n"));
  CHECK(q("+2") == q("2"));
  CHECK(*Quantity::fromJson(gs::Json(1)) == q("1000m"));
  CHECK(*Quantity::fromJson(gs::Json(0.25)) == q("250m"));
}

TEST_CASE("different amounts differ", "[kube][quantity]") {
  CHECK_FALSE(q("1G") == q("1Gi"));
  CHECK_FALSE(q("256Mi") == q("512Mi"));
  CHECK_FALSE(q("100m") == q("1"));
  CHECK_FALSE(q("-1") == q("1"));
}

TEST_CASE("invalid quantities are rejected", "[kube][quantity]") {
  for (const char* bad : {"", "abc", "1Gb", "1.2.3", "Mi", "1 Gi", "1e", "1x"}) {
    INFO(bad);
    CHECK_FALSE(Quantity::parse(bad).has_value());
  }
}

TEST_CASE("quantities add, compare and print in the API server's canonical form", "[kube][quantity]") {
  auto q = [](const char* text) { return *gs::kube::Quantity::parse(text); };
  CHECK((q("400m") + q("400m")).canonical(false) == "800m");
  CHECK((q("600m") + q("400m")).canonical(false) == "1");
  CHECK(q("1000").canonical(false) == "1k");
  CHECK(q("1500").canonical(false) == "1500");
  CHECK(q("0.5").canonical(false) == "500m");
  CHECK(q("5G").canonical(false) == "5G");
  CHECK(q("0").canonical(true) == "0");
  CHECK((q("1Gi") + q("512Mi")).canonical(true) == "1536Mi");
  CHECK((q("256Mi") + q("256Mi")).canonical(true) == "512Mi");
  CHECK(q("1000").canonical(true) == "1k");  // below 1024: decimal
  CHECK(q("1025").canonical(true) == "1025");
  CHECK(q("2Ki").canonical(true) == "2Ki");
  CHECK(q("1200m") > q("1"));
  CHECK(q("1") == q("1000m"));
  CHECK(q("1Gi") < q("2G"));
  CHECK_FALSE(gs::kube::binarySuffix("1G"));
  CHECK(gs::kube::binarySuffix("1Gi"));
}

TEST_CASE("a ResourceList value is rounded away from zero to thousandths, as SetDefaults_ResourceList does", "[kube][quantity]") {
  auto rounded = [](const char* text) { return q(text).roundedUpToMilli().canonical(gs::kube::binarySuffix(text)); };
  CHECK(rounded("100u") == "1m");
  CHECK(rounded("0.1m") == "1m");
  CHECK(rounded("1001u") == "2m");
  CHECK(rounded("1500u") == "2m");
  CHECK(rounded("1n") == "1m");
  CHECK(rounded("-100u") == "-1m");  // away from zero, as Go's RoundUp
  CHECK(rounded("1e-40") == "1m");   // far below a thousandth
  // Values at or above thousandths are unchanged.
  CHECK(rounded("250m") == "250m");
  CHECK(rounded("1.5") == "1500m");
  CHECK(rounded("1Gi") == "1Gi");
  CHECK(rounded("0") == "0");
  CHECK(q("2000u").roundedUpToMilli() == q("2m"));
}
