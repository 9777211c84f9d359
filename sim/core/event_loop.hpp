// The single-threaded discrete-event loop every simulated actor runs on (design.md §3):
// events ordered by (virtual time, priority, sequence number), so the same inputs always
// run in the same order. Running an event moves the VirtualClock to its time. Actions
// may schedule and cancel events, including at the current instant.
// Not thread-safe, by design: a simulation has no threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "sim/core/clock.hpp"

namespace gs {

using EventId = std::uint64_t;

class EventLoop {
 public:
  // More events than this in a row at one virtual instant is a feedback loop (a bug):
  // step() throws an Internal error instead of running forever.
  static constexpr std::uint64_t kMaxEventsPerInstant = 10'000'000;

  using Action = std::function<void()>;

  explicit EventLoop(VirtualClock& clock) : clock_(clock) {}

  // Runs `action` at `at`. Among events at the same time, lower `priority` runs first,
  // then the one scheduled first. Throws gs::Error (Internal) for a time in the past.
  EventId schedule(VirtualTime at, int priority, std::string label, Action action);
  EventId after(Duration delay, int priority, std::string label, Action action) {
    return schedule(clock_.now() + delay, priority, std::move(label), std::move(action));
  }
  // False when the event already ran or was cancelled.
  bool cancel(EventId id);

  // Runs the next event; false when none is left.
  bool step();
  // Runs every event at or before `deadline`, then moves the clock to `deadline`.
  // Returns how many ran.
  std::size_t runUntil(VirtualTime deadline);
  // Runs events until none is left or `limit` have run; returns how many ran.
  std::size_t runAll(std::size_t limit);

  std::size_t pending() const { return actions_.size(); }
  std::optional<VirtualTime> nextTime();
  // Label of the event running now (empty between events): for logs and errors.
  const std::string& current() const { return current_; }
  VirtualClock& clock() { return clock_; }

 private:
  struct Scheduled {
    VirtualTime at;
    int priority;
    std::uint64_t sequence;
    EventId id;
    bool operator>(const Scheduled& o) const {
      if (at != o.at) return at > o.at;
      if (priority != o.priority) return priority > o.priority;
      return sequence > o.sequence;
    }
  };
  struct Entry {
    std::string label;
    Action action;
  };
  void dropCancelled();

  VirtualClock& clock_;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_;
  std::map<EventId, Entry> actions_;  // pending events; cancelled ones are absent
  std::uint64_t sequence_ = 0;
  std::string current_;
  std::uint64_t sameInstant_ = 0;  // events run in a row without the clock moving
};

}  // namespace gs
