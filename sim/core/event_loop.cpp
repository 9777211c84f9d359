#include "sim/core/event_loop.hpp"

#include "sim/core/error.hpp"

namespace gs {

EventId EventLoop::schedule(VirtualTime at, int priority, std::string label, Action action) {
  if (at < clock_.now()) {
    throw Error::internal("event '" + label + "' scheduled at " + formatDuration(at.sinceStart) + ", before now (" +
                          formatDuration(clock_.now().sinceStart) + ")");
  }
  EventId id = ++sequence_;
  queue_.push(Scheduled{at, priority, sequence_, id});
  actions_.emplace(id, Entry{std::move(label), std::move(action)});
  return id;
}

bool EventLoop::cancel(EventId id) { return actions_.erase(id) > 0; }

void EventLoop::dropCancelled() {
  while (!queue_.empty() && !actions_.contains(queue_.top().id)) queue_.pop();
}

std::optional<VirtualTime> EventLoop::nextTime() {
  dropCancelled();
  if (queue_.empty()) return std::nullopt;
  return queue_.top().at;
}

bool EventLoop::step() {
  dropCancelled();
  if (queue_.empty()) return false;
  Scheduled next = queue_.top();
  queue_.pop();
  auto node = actions_.extract(next.id);
  sameInstant_ = next.at == clock_.now() ? sameInstant_ + 1 : 0;
  if (sameInstant_ > kMaxEventsPerInstant) {
    throw Error::internal("event storm: over " + std::to_string(kMaxEventsPerInstant) + " events at virtual time " + formatDuration(next.at.sinceStart) +
                          " without time moving (the last one: " + node.mapped().label + "); a feedback loop in the simulation");
  }
  clock_.advanceTo(next.at);
  current_ = std::move(node.mapped().label);
  node.mapped().action();
  current_.clear();
  return true;
}

std::size_t EventLoop::runUntil(VirtualTime deadline) {
  std::size_t ran = 0;
  while (true) {
    auto at = nextTime();
    if (!at || *at > deadline) break;
    step();
    ++ran;
  }
  if (clock_.now() < deadline) clock_.advanceTo(deadline);
  return ran;
}

std::size_t EventLoop::runAll(std::size_t limit) {
  std::size_t ran = 0;
  while (ran < limit && step()) ++ran;
  return ran;
}

}  // namespace gs
