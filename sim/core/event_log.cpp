#include "sim/core/event_log.hpp"

#include "sim/core/hash.hpp"
#include "sim/core/json_dump.hpp"

namespace gs {

std::string EventLog::formatLine(const Event& event) {
  std::string line = formatDuration(event.at.sinceStart);
  line += ' ';
  line += event.actor;
  line += ' ';
  line += event.type;
  if (!event.details.empty()) {
    line += ' ';
    dumpCompact(event.details, line);  // keys sorted, so stable; the same bytes as dump()
  }
  return line;
}

void EventLog::append(Event event) {
  state_ = fnv1a64(formatLine(event), state_);
  state_ = fnv1a64("\n", state_);
  events_.push_back(std::move(event));
}

std::string EventLog::hash() const { return hex64(state_); }

std::string EventLog::text() const {
  std::string out;
  for (const auto& e : events_) {
    out += formatLine(e);
    out += '\n';
  }
  return out;
}

}  // namespace gs
