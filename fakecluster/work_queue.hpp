// A controller's work queue on the virtual clock, as client-go's rate-limited queue:
// keys are deduplicated while waiting, processed in the order they were added, retried
// with exponential backoff (5 ms doubling, capped at 1000 s) when the handler throws,
// and can be re-added after a delay. A stalled queue keeps its keys until the stall
// ends (the "controller stalled" fault).
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "sim/core/event_loop.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::fake {

class WorkQueue {
 public:
  using Handler = std::function<void(const kube::ObjectKey&)>;
  // `priority` orders this queue's drain among events at the same instant.
  WorkQueue(EventLoop& loop, std::string name, int priority, Handler handler);
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const kube::ObjectKey& key);
  void addAfter(const kube::ObjectKey& key, Duration delay);
  // Nothing is processed before `until`; keys keep queueing.
  void stallUntil(VirtualTime until);
  std::size_t length() const { return queue_.size(); }
  // Handler failures so far (each retried).
  std::size_t failures() const { return failures_; }
  // Keys handled so far.
  std::size_t processed() const { return processed_; }

 private:
  void scheduleDrain(VirtualTime at);
  void drain();

  EventLoop& loop_;
  std::string name_;
  int priority_;
  Handler handler_;
  std::deque<kube::ObjectKey> queue_;
  // Looked up, never iterated (so hashing keeps the order deterministic).
  std::unordered_set<kube::ObjectKey, kube::ObjectKeyHash> queued_;
  std::unordered_map<kube::ObjectKey, int, kube::ObjectKeyHash> retries_;
  std::unordered_map<kube::ObjectKey, std::pair<EventId, VirtualTime>, kube::ObjectKeyHash> delayed_;
  bool drainScheduled_ = false;
  VirtualTime stalledUntil_{};
  std::size_t failures_ = 0;
  std::size_t processed_ = 0;
};

}  // namespace gs::fake
