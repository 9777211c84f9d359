// The garbage collector's second rule, for objects written with ownerReferences that name
// an owner that does not exist (an object copied from another cluster, a manifest with
// a stale owner uid): as kube-controller-manager's garbage collector does, an object
// whose every owner is absent is deleted, and one with an owner still present loses the
// references to the absent ones. It acts at the same virtual instant, after the write
// that made the reference returns. (Dependents of an owner being deleted are collected
// by the store itself, inside the delete: object_store.hpp.)
#pragma once

#include "fakecluster/object_store.hpp"
#include "sim/core/event_loop.hpp"

namespace gs::fake {

class GarbageCollector {
 public:
  GarbageCollector(ObjectStore& store, EventLoop& loop);
  ~GarbageCollector();
  GarbageCollector(const GarbageCollector&) = delete;
  GarbageCollector& operator=(const GarbageCollector&) = delete;

  std::size_t collected() const { return collected_; }

 private:
  void collect(const kube::ObjectKey& key);

  ObjectStore& store_;
  EventLoop& loop_;
  std::size_t collected_ = 0;  // objects deleted or stripped of absent owners
};

}  // namespace gs::fake
