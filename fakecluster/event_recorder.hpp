// core/v1 Events as the controllers and the kubelet record them (client-go's
// EventRecorder with its correlator): an Event names its involved object, reason,
// message, type and source component; repeating the same one while it exists raises
// its count and lastTimestamp instead of creating a new object, and Events expire after the API server's event TTL (1 h by default). This is what
// `kubectl describe` shows under Events.
#pragma once

#include <deque>
#include <string>
#include <unordered_map>

#include "fakecluster/object_store.hpp"

namespace gs::fake {

class EventRecorder {
 public:
  EventRecorder(ObjectStore& store, const VirtualClock& clock, Duration ttl);

  // Records a Normal or Warning Event about `object` from `component` (e.g.
  // "deployment-controller", "kubelet"); `host` is the node for kubelet events;
  // `fieldPath` names the part of the object the event is about, as the kubelet names a
  // container ("spec.containers{main}"): involvedObject.fieldPath, the SUBOBJECT column of
  // `kubectl get events -o wide`. Events differing only in it are not aggregated.
  void normal(const Json& object, const std::string& component, const std::string& reason, const std::string& message,
              const std::string& host = {}, const std::string& fieldPath = {});
  void warning(const Json& object, const std::string& component, const std::string& reason, const std::string& message,
               const std::string& host = {}, const std::string& fieldPath = {});
  // Turns recording off (benchmarks measuring the controllers alone) or on.
  void setEnabled(bool enabled) { enabled_ = enabled; }
  bool enabled() const { return enabled_; }
  std::size_t recorded() const { return recorded_; }

 private:
  void record(const Json& object, const std::string& type, const std::string& component, const std::string& reason,
              const std::string& message, const std::string& host, const std::string& fieldPath);
  void expire();

  ObjectStore& store_;
  const VirtualClock& clock_;
  Duration ttl_;
  bool enabled_ = true;
  std::size_t recorded_ = 0;
  std::uint64_t sequence_ = 0;
  // involved uid, field path, type, reason, message and component, joined by NULs -> the Event's key.
  using AggregateKey = std::string;
  struct Expiry {
    VirtualTime recorded;
    kube::ObjectKey key;
    AggregateKey aggregate;
  };
  std::unordered_map<AggregateKey, kube::ObjectKey> aggregated_;
  std::deque<Expiry> expiry_;
};

}  // namespace gs::fake
