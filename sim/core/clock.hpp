// Virtual time: the only clock a simulation reads. Durations are integral milliseconds;
// parseDuration/formatDuration speak Go's duration syntax ("1m30s", "500ms", "2h").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gs {

using Duration = std::chrono::milliseconds;

// A point in virtual time: milliseconds since the start of the simulation.
struct VirtualTime {
  Duration sinceStart{0};
  auto operator<=>(const VirtualTime&) const = default;
  VirtualTime operator+(Duration d) const { return VirtualTime{sinceStart + d}; }
  Duration operator-(VirtualTime other) const { return sinceStart - other.sinceStart; }
};

// The simulation clock. It moves only when the event loop advances it, never backwards.
class VirtualClock {
 public:
  // `epochSeconds` is the wall-clock instant virtual time 0 stands for (used for
  // timestamps in objects and git commits); fixed so runs are reproducible.
  explicit VirtualClock(std::int64_t epochSeconds = kDefaultEpochSeconds) : epochSeconds_(epochSeconds) {}

  VirtualTime now() const { return now_; }
  // Moves to `t`; throws gs::Error (Internal) if `t` is in the past.
  void advanceTo(VirtualTime t);
  void advanceBy(Duration d) { advanceTo(now_ + d); }

  std::int64_t epochSeconds() const { return epochSeconds_; }
  // Unix seconds of the current virtual instant.
  std::int64_t unixSeconds() const { return epochSeconds_ + now_.sinceStart.count() / 1000; }
  // RFC 3339 UTC timestamp of the current instant, as Kubernetes writes them.
  std::string rfc3339() const;

  static constexpr std::int64_t kDefaultEpochSeconds = 1767225600;  // 2026-01-01T00:00:00Z

 private:
  std::int64_t epochSeconds_;
  VirtualTime now_{};
};

// Parses a Go-style duration: a sequence of decimal numbers with units ns, us, ms, s, m,
// h (e.g. "300ms", "1.5h", "2h45m"), or "0". Throws gs::Error (InvalidInput) otherwise.
// Sub-millisecond remainders are rounded down.
Duration parseDuration(std::string_view text);

// The shortest Go-style form: "0s", "250ms", "5s", "1m30s", "2h0m0s" style simplified to "2h".
std::string formatDuration(Duration d);

// Unix seconds -> "2026-01-01T00:00:00Z".
std::string formatRfc3339(std::int64_t unixSeconds);
// "2026-01-01T00:00:00Z" (fractional seconds and numeric offsets accepted) -> Unix
// seconds; nullopt when it is not such a timestamp.
std::optional<std::int64_t> parseRfc3339(std::string_view text);

}  // namespace gs
