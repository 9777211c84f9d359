#include <catch2/catch.hpp>

#include "sim/core/glob.hpp"

using gs::globMatch;

TEST_CASE("globs: stars, question marks and character classes", "[core][glob]") {
  CHECK(globMatch("*", ""));
  CHECK(globMatch("web-*", "web-api"));
  CHECK_FALSE(globMatch("web-*", "api-web"));
  CHECK(globMatch("s2?-*", "s21-drift"));
  CHECK(globMatch("*s2[0-2]*", "scenarios/s21-drift.yaml"));
  CHECK_FALSE(globMatch("*s2[0-2]*", "scenarios/s23-drift.yaml"));
  CHECK(globMatch("[!a]pi", "xpi"));
  CHECK_FALSE(globMatch("[!a]pi", "api"));
  CHECK(globMatch("[ab]*", "bee"));
  CHECK(globMatch("[]]x", "]x"));         // a ']' first in a class is a member
  CHECK(globMatch("a[b", "a[b"));         // an unclosed '[' is a literal
  CHECK(globMatch("*.y[a]ml", "x.yaml"));
  CHECK(globMatch("*[0-9]", "pod-7"));
  CHECK_FALSE(globMatch("*[0-9]", "pod-x"));
}
