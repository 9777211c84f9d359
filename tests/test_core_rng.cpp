#include <catch2/catch.hpp>

#include <array>
#include <set>

#include "sim/core/rng.hpp"

using gs::Rng;

TEST_CASE("Rng is a pure function of its seed", "[core][rng]") {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    auto x = a.next();
    CHECK(x == b.next());
    differs = differs || x != c.next();
  }
  CHECK(differs);
  // mt19937_64's 10000th output for the default seed is fixed by the C++ standard; the
  // first output for seed 42 pins our wrapper to the engine.
  Rng pinned(5489);
  std::uint64_t v = 0;
  for (int i = 0; i < 10000; ++i) v = pinned.next();
  CHECK(v == 9981545732273789042ULL);
}

TEST_CASE("below() stays in range and covers it evenly", "[core][rng]") {
  Rng rng(7);
  std::array<int, 6> counts{};
  for (int i = 0; i < 60000; ++i) {
    auto x = rng.below(6);
    REQUIRE(x < 6);
    ++counts[x];
  }
  for (int c : counts) CHECK((c > 9400 && c < 10600));
  for (int i = 0; i < 1000; ++i) {
    auto v = rng.between(-3, 3);
    CHECK((v >= -3 && v <= 3));
  }
  CHECK(rng.between(5, 5) == 5);
}

TEST_CASE("unit() and chance()", "[core][rng]") {
  Rng rng(1);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) {
    double u = rng.unit();
    REQUIRE((u >= 0.0 && u < 1.0));
    hits += rng.chance(0.25) ? 1 : 0;
  }
  CHECK((hits > 2200 && hits < 2800));
  CHECK_FALSE(rng.chance(0));
  CHECK(rng.chance(1));
}

TEST_CASE("fork() gives independent, stable streams per subsystem", "[core][rng]") {
  Rng root(99);
  Rng ci1 = root.fork("ci");
  root.next();  // drawing from the parent does not shift the child streams
  Rng ci2 = root.fork("ci");
  Rng git = root.fork("git");
  CHECK(ci1.next() == ci2.next());
  CHECK(ci1.seed() != git.seed());
}

TEST_CASE("shuffle() is a permutation and seed-determined", "[core][rng]") {
  std::array<int, 10> a{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, b = a;
  Rng r1(5), r2(5);
  r1.shuffle(std::span<int>(a));
  r2.shuffle(std::span<int>(b));
  CHECK(a == b);
  CHECK(std::set<int>(a.begin(), a.end()).size() == 10);
}
