#include "fakecluster/work_queue.hpp"

#include <algorithm>

#include "fakecluster/api_error.hpp"

namespace gs::fake {

using namespace std::chrono_literals;

WorkQueue::WorkQueue(EventLoop& loop, std::string name, int priority, Handler handler)
    : loop_(loop), name_(std::move(name)), priority_(priority), handler_(std::move(handler)) {}

void WorkQueue::add(const kube::ObjectKey& key) {
  if (!queued_.insert(key).second) return;
  queue_.push_back(key);
  scheduleDrain(std::max(loop_.clock().now(), stalledUntil_));
}

void WorkQueue::addAfter(const kube::ObjectKey& key, Duration delay) {
  if (delay <= 0ms) {
    add(key);
    return;
  }
  auto at = loop_.clock().now() + delay;
  auto existing = delayed_.find(key);
  if (existing != delayed_.end()) {
    if (existing->second.second <= at) return;  // an earlier wake-up is already due
    loop_.cancel(existing->second.first);
  }
  delayed_[key].second = at;
  delayed_[key].first = loop_.schedule(at, priority_, name_ + " requeue " + key.str(), [this, key] {
    delayed_.erase(key);
    add(key);
  });
}

void WorkQueue::stallUntil(VirtualTime until) {
  stalledUntil_ = std::max(stalledUntil_, until);
  if (!queue_.empty()) scheduleDrain(stalledUntil_);
}

void WorkQueue::scheduleDrain(VirtualTime at) {
  if (drainScheduled_) return;
  drainScheduled_ = true;
  loop_.schedule(at, priority_, name_, [this] { drain(); });
}

void WorkQueue::drain() {
  drainScheduled_ = false;
  if (loop_.clock().now() < stalledUntil_) {
    scheduleDrain(stalledUntil_);
    return;
  }
  // Keys added while draining wait for the next drain at the same instant, so one
  // busy object cannot starve the rest.
  std::size_t batch = queue_.size();
  for (std::size_t i = 0; i < batch && !queue_.empty(); ++i) {
    kube::ObjectKey key = std::move(queue_.front());
    queue_.pop_front();
    queued_.erase(key);
    ++processed_;
    try {
      handler_(key);
      retries_.erase(key);
    } catch (const ApiError&) {
      ++failures_;
      int n = retries_[key]++;
      Duration backoff = std::min<Duration>(Duration(5) * (1LL << std::min(n, 20)), 1000s);
      addAfter(key, backoff);
    }
  }
}

}  // namespace gs::fake
