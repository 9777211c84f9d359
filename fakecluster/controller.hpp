// What every simulated controller shares: the cluster services it works with
// (ControllerContext), a work queue on the virtual clock, and the observe/reconcile
// split of a real controller: observe() sees every stored change and queues keys (it
// must not write), reconcile() runs later from the queue and may write. Controllers
// are level-triggered: reconcile reads the current state, never the event.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/cluster_options.hpp"
#include "fakecluster/event_recorder.hpp"
#include "fakecluster/faults.hpp"
#include "fakecluster/image_resolver.hpp"
#include "fakecluster/object_store.hpp"
#include "fakecluster/work_queue.hpp"
#include "sim/core/event_loop.hpp"

namespace gs::fake {


struct ControllerContext {
  ObjectStore& store;
  EventLoop& loop;
  EventRecorder& events;
  Faults& faults;
  ImageResolver*& images;
  const ClusterOptions& options;
};

class Controller {
 public:
  // `priority` orders controllers acting at the same virtual instant.
  Controller(ControllerContext& ctx, std::string name, int priority);
  virtual ~Controller() = default;
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  const std::string& name() const { return name_; }
  WorkQueue& queue() { return queue_; }
  virtual void observe(const WatchEvent& event) = 0;
  // The kinds observe() may act on (whatever their apiVersion, which observe() checks):
  // the cluster passes a controller only the changes of these kinds.
  virtual std::vector<std::string_view> watchedKinds() const = 0;
  // Non-empty when observe() does nothing with a Pod change but queue the pod's controller
  // of this kind: the cluster then passes only the changes of such pods.
  virtual std::string_view podOwnerKind() const { return {}; }

 protected:
  virtual void reconcile(const kube::ObjectKey& key) = 0;
  // Queues the object itself when it is of `apiVersion`/`kind` and still exists; true
  // when it is of that kind (whether queued or deleted).
  bool enqueueIfKind(const WatchEvent& event, std::string_view apiVersion, std::string_view kind);
  // Queues the object's controller owner when it is of `group`/`kind`.
  void enqueueOwner(const Json& object, std::string_view group, std::string_view kind);
  static bool is(const Json& object, std::string_view apiVersion, std::string_view kind);
  // Stores `next` (the object at `key`, changed) over whatever version is stored now; if
  // the store refuses (a terminating namespace, an injected fault), `key` comes back
  // after a second.
  void updateOrRetry(const kube::ObjectKey& key, Json next);
  std::string now() const { return ctx_.loop.clock().rfc3339(); }
  std::int64_t nowUnix() const { return ctx_.loop.clock().unixSeconds(); }

  ControllerContext& ctx_;

 private:
  std::string name_;
  WorkQueue queue_;
};

}  // namespace gs::fake
