#include "fakecluster/controllers/service_pods.hpp"

#include "fakecluster/object_util.hpp"
#include "sim/core/hash.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::fake {

const Json* podSelectorOf(const Json& service) {
  const Json& selector = at(service, {"spec"_key, "selector"_key});
  if (!selector.is_object() || selector.empty()) return nullptr;
  if (stringField(service, {"spec"_key, "type"_key}) == "ExternalName") return nullptr;
  return &selector;
}

bool serviceIpSet(const Json& service) {
  const std::string ip = stringField(service, {"spec"_key, "clusterIP"_key});
  return !ip.empty() && ip != "None";
}

bool selectorMatches(const Json& selector, const Json& labels) {
  for (auto it = selector.begin(); it != selector.end(); ++it) {
    auto label = labels.find(it.key());
    if (label == labels.end() || *label != it.value()) return false;
  }
  return true;
}

std::vector<ObjectPtr> podsSelectedBy(const ObjectStore& store, const Json& service, const Json& selector) {
  std::vector<ObjectPtr> pods;
  store.forEach("", "Pod", stringField(service, {"metadata"_key, "namespace"_key}), [&](const ObjectPtr& pod) {
    if (selectorMatches(selector, objectAt(objectAt(*pod, {"metadata"_key}), {"labels"_key}))) pods.push_back(pod);
  });
  return pods;
}

std::optional<std::int64_t> resolveTargetPort(const Json& servicePort, const Json& pod) {
  const Json& target = servicePort.value("targetPort", servicePort.value("port", Json()));
  if (target.is_number_integer()) return target.get<std::int64_t>();
  if (!target.is_string()) return std::nullopt;
  const std::string& name = target.get_ref<const std::string&>();
  const std::string protocol = servicePort.value("protocol", "TCP");
  for (const auto& c : at(pod, {"spec"_key, "containers"_key})) {
    for (const auto& p : memberOr(c, "ports", kEmptyArrayJson)) {
      if (p.value("name", "") == name && p.value("protocol", "TCP") == protocol) return p.value("containerPort", 0);
    }
  }
  return std::nullopt;
}

void PodChangeFilter::serviceEvent(const WatchEvent& event) {
  const Json& service = *event.object;
  const Json& meta = objectAt(service, {"metadata"_key});
  const std::string& ns = stringField(meta, {"namespace"_key});
  const std::string& name = stringField(meta, {"name"_key});
  if (event.type != WatchEvent::Type::Deleted && podSelectorOf(service) != nullptr) {
    selecting_[ns][name] = event.object;
    return;
  }
  auto it = selecting_.find(ns);
  if (it == selecting_.end()) return;
  it->second.erase(name);
  if (it->second.empty()) selecting_.erase(it);
}

bool PodChangeFilter::queueServices(const WatchEvent& event, WorkQueue& queue) {
  const Json& object = *event.object;
  const std::string_view kind = stringOf(findMember(object, "kind"_key));
  if (stringOf(findMember(object, "apiVersion"_key)) != "v1" || (kind != "Service" && kind != "Pod")) return false;
  if (kind == "Service") {
    serviceEvent(event);
    queue.add(kube::objectKeyOf(object));
  } else {
    servicesToSync(event, [&](const ObjectPtr& service) { queue.add(kube::objectKeyOf(*service)); });
  }
  return true;
}

void PodChangeFilter::servicesToSync(const WatchEvent& event, const std::function<void(const ObjectPtr&)>& visit) {
  const Json& pod = *event.object;
  const Json& meta = objectAt(pod, {"metadata"_key});
  const Json& labels = objectAt(meta, {"labels"_key});
  static const std::map<std::string, ObjectPtr> kNone;
  auto inNamespace = selecting_.find(stringField(meta, {"namespace"_key}));
  const auto& selecting = inNamespace == selecting_.end() ? kNone : inNamespace->second;
  if (selecting.empty() && pods_.empty()) return;  // nothing selects pods, nothing remembered
  const kube::ObjectKey key = kube::objectKeyOf(pod);
  auto it = pods_.find(key);
  if (event.type == WatchEvent::Type::Deleted || selecting.empty()) {
    if (it != pods_.end()) pods_.erase(it);
    for (const auto& [name, service] : selecting) {
      if (selectorMatches(*podSelectorOf(*service), labels)) visit(service);
    }
    return;
  }
  Seen now;
  now.labels = kFnvOffset;
  for (auto l = labels.begin(); l != labels.end(); ++l) {
    now.labels = fnv1a64(l.key(), now.labels);
    now.labels = fnv1a64(std::string_view("\0", 1), now.labels);
    now.labels = fnv1a64(stringOf(&l.value()), now.labels);
    now.labels = fnv1a64(std::string_view("\0", 1), now.labels);
  }
  now.rest = kFnvOffset;
  for (const std::string& part : {stringField(pod, {"spec"_key, "hostname"_key}), stringField(pod, {"spec"_key, "subdomain"_key}),
                                  stringField(meta, {"deletionTimestamp"_key})}) {
    now.rest = fnv1a64(std::string_view(part.c_str(), part.size() + 1), now.rest);
  }
  for (const auto& ip : memberOr(objectAt(pod, {"status"_key}), "podIPs", kEmptyArrayJson)) {
    const std::string address = ip.is_object() ? ip.value("ip", "") : std::string();
    now.rest = fnv1a64(std::string_view(address.c_str(), address.size() + 1), now.rest);
  }
  now.ready = podReady(pod);
  const bool known = it != pods_.end();
  if (known && it->second == now) return;  // nothing an endpoint shows changed
  const bool relabelled = known && it->second.labels != now.labels;
  if (known) it->second = now;
  else pods_.emplace(key, now);
  for (const auto& [name, service] : selecting) {
    if (relabelled || selectorMatches(*podSelectorOf(*service), labels)) visit(service);
  }
}

namespace {

std::string readyTransition(const Json& pod) {
  const Json* ready = conditionOf(pod, "Ready");
  return ready != nullptr ? ready->value("lastTransitionTime", "") : std::string();
}

}  // namespace

std::string TriggerTimeTracker::compute(const kube::ObjectKey& key, const Json& service, const std::vector<ObjectPtr>& pods) {
  State& state = states_[key];
  State next;
  std::string earliest;
  auto consider = [&](const std::string& time) {
    if (earliest.empty() || time < earliest) earliest = time;  // RFC 3339 in seconds: text order is time order
  };
  for (const auto& pod : pods) {
    std::string time = readyTransition(*pod);
    if (time.empty()) continue;
    const std::string& name = stringField(*pod, {"metadata"_key, "name"_key});
    auto seen = state.pods.find(name);
    if (seen == state.pods.end() || time > seen->second) consider(time);
    next.pods.emplace(name, std::move(time));
  }
  next.service = stringField(service, {"metadata"_key, "creationTimestamp"_key});
  if (next.service > state.service) consider(next.service);
  state = std::move(next);
  return earliest;
}

std::optional<EndpointsInput> endpointsInput(const ObjectStore& store, const kube::ObjectKey& key, const Json& service,
                                             TriggerTimeTracker& triggerTimes) {
  const Json* selector = podSelectorOf(service);
  if (selector == nullptr || terminating(service)) return std::nullopt;
  EndpointsInput in{at(service, {"spec"_key, "ports"_key}), boolField(service, {"spec"_key, "publishNotReadyAddresses"_key}, false),
                    podsSelectedBy(store, service, *selector), {}};
  in.triggerTime = triggerTimes.compute(key, service, in.pods);
  return in;
}

}  // namespace gs::fake
