// The append-only event log of a run: one line per event, in the order the event loop
// executed them, with a running hash. Same seed and inputs -> same lines -> same hash;
// CI compares hashes to prove a run is deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/core/json.hpp"

namespace gs {

struct Event {
  VirtualTime at;
  std::string actor;  // who acted: "git/app-repo", "ci/web", "sync/guestbook", "cluster", ...
  std::string type;   // what happened: "commit", "image.pushed", "sync.started", ...
  Json details = Json::object();
};

class EventLog {
 public:
  // Appends an event; its line is "<time> <actor> <type> <compact sorted JSON details>".
  void append(Event event);

  const std::vector<Event>& events() const { return events_; }
  std::size_t size() const { return events_.size(); }
  // The line an event is written as (and hashed as).
  static std::string formatLine(const Event& event);
  // FNV-1a 64 over every line (each followed by '\n'), as 16 hex digits.
  std::string hash() const;
  // All lines joined, each ending in '\n'.
  std::string text() const;

 private:
  std::vector<Event> events_;
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

}  // namespace gs
