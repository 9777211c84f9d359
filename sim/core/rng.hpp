// The seeded random source of a simulation (the one documented seam for randomness).
// Wraps std::mt19937_64 with distribution helpers of our own, because the standard
// distributions give different numbers on different standard libraries.
// Not thread-safe; each subsystem forks its own stream so adding draws in one
// subsystem does not shift the numbers another one sees.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <utility>

namespace gs {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : seed_(seed), engine_(seed) {}

  std::uint64_t seed() const { return seed_; }
  std::uint64_t next() { return engine_(); }

  // Uniform in [0, bound); bound must be > 0. Unbiased (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [lo, hi] (inclusive); lo <= hi.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, 1) with 53 random bits.
  double unit();
  // True with probability p (p <= 0 never, p >= 1 always).
  bool chance(double p);

  template <typename T>
  T& pick(std::span<T> items) {
    return items[below(items.size())];
  }

  template <typename T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[below(i)]);
    }
  }

  // An independent stream for a named subsystem, derived from this seed and the name
  // only (not from how many numbers were drawn), so streams stay stable as code changes.
  Rng fork(std::string_view subsystem) const;

 private:
  std::uint64_t seed_;
  std::mt19937_64 engine_;
};

// SplitMix64 finaliser: a good 64-bit mix, used to derive sub-seeds.
std::uint64_t mix64(std::uint64_t x);

}  // namespace gs
