#include "fakecluster/event_recorder.hpp"

#include "fakecluster/object_util.hpp"
#include "sim/core/hash.hpp"
#include "sim/core/json_object_builder.hpp"

namespace gs::fake {

EventRecorder::EventRecorder(ObjectStore& store, const VirtualClock& clock, Duration ttl)
    : store_(store), clock_(clock), ttl_(ttl) {}

void EventRecorder::normal(const Json& object, const std::string& component, const std::string& reason,
                           const std::string& message, const std::string& host, const std::string& fieldPath) {
  record(object, "Normal", component, reason, message, host, fieldPath);
}

void EventRecorder::warning(const Json& object, const std::string& component, const std::string& reason,
                            const std::string& message, const std::string& host, const std::string& fieldPath) {
  record(object, "Warning", component, reason, message, host, fieldPath);
}

void EventRecorder::expire() {
  while (!expiry_.empty() && expiry_.front().recorded + ttl_ <= clock_.now()) {
    Expiry entry = std::move(expiry_.front());
    expiry_.pop_front();
    const auto& key = entry.key;
    auto stored = store_.find(key);
    // An aggregated Event lives for the TTL after its last occurrence.
    if (stored) {
      auto last = unixOf((*stored).value("lastTimestamp", ""), 0);
      if (last + ttl_.count() / 1000 > clock_.unixSeconds()) {
        entry.recorded = clock_.now();
        expiry_.push_back(std::move(entry));
        continue;
      }
      try {
        store_.removeShared("", "Event", key.ns, key.name);
      } catch (const ApiError&) {
      }
    }
    auto it = aggregated_.find(entry.aggregate);
    if (it != aggregated_.end() && it->second == key) aggregated_.erase(it);
  }
}

void EventRecorder::record(const Json& object, const std::string& type, const std::string& component,
                           const std::string& reason, const std::string& message, const std::string& host,
                           const std::string& fieldPath) {
  if (!enabled_) return;
  expire();
  const Json& meta = object["metadata"];
  const std::string uid = meta.value("uid", "");
  const std::string ns = meta.value("namespace", "default");
  const std::string now = clock_.rfc3339();
  AggregateKey aggregateKey;
  aggregateKey.reserve(uid.size() + fieldPath.size() + type.size() + reason.size() + message.size() + component.size() + 6);
  for (const std::string* part : {&uid, &fieldPath, &type, &reason, &message, &component}) {
    aggregateKey += *part;
    aggregateKey += '\0';
  }
  auto existing = aggregated_.find(aggregateKey);
  if (existing != aggregated_.end()) {
    if (auto stored = store_.find(existing->second)) {
      Json next = *stored;
      next["count"] = next.value("count", 1) + 1;
      next["lastTimestamp"] = now;
      next["metadata"].erase("resourceVersion");
      try {
        store_.updateShared(std::move(next));
        ++recorded_;
        return;
      } catch (const ApiError&) {
      }
    }
    aggregated_.erase(existing);
  }
  // Named as client-go names them: <object>.<hex of the event's nanosecond time>.
  std::uint64_t nanos = static_cast<std::uint64_t>(clock_.epochSeconds()) * 1000000000ull +
                        static_cast<std::uint64_t>(clock_.now().sinceStart.count()) * 1000000ull + (sequence_++ % 1000000ull);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(nanos));
  // Built with JsonObjectBuilder: nested initializer lists copy every level again, and
  // operator[] member by member searches and grows each object.
  const std::string name(stringOf(findMember(meta, "name"_key)));
  JsonObjectBuilder involved(7);
  involved.add("apiVersion", object.value("apiVersion", ""));
  if (!fieldPath.empty()) involved.add("fieldPath", fieldPath);
  involved.add("kind", object.value("kind", ""))
      .add("name", name)
      .add("namespace", ns)
      .add("resourceVersion", meta.value("resourceVersion", ""))
      .add("uid", uid);
  JsonObjectBuilder source(2);
  source.add("component", component);
  if (!host.empty()) source.add("host", host);
  Json event = JsonObjectBuilder(14)
                   .add("apiVersion", "v1")
                   .add("count", 1)
                   .add("eventTime", nullptr)
                   .add("firstTimestamp", now)
                   .add("involvedObject", std::move(involved).build())
                   .add("kind", "Event")
                   .add("lastTimestamp", now)
                   .add("message", message)
                   .add("metadata", JsonObjectBuilder(2).add("name", name + "." + hex).add("namespace", ns).build())
                   .add("reason", reason)
                   .add("reportingComponent", component)
                   .add("reportingInstance", host)
                   .add("source", std::move(source).build())
                   .add("type", type)
                   .build();
  try {
    const ObjectPtr stored = store_.createShared(std::move(event));
    kube::ObjectKey key{"", "Event", ns, (*stored)["metadata"]["name"].get<std::string>()};
    aggregated_[aggregateKey] = key;
    expiry_.push_back(Expiry{clock_.now(), key, aggregateKey});
    ++recorded_;
  } catch (const ApiError&) {
    // The namespace is gone or terminating: the event is dropped, as a real one would be.
  }
}

}  // namespace gs::fake
