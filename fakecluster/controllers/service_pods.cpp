#include "fakecluster/controllers/service_pods.hpp"

#include "fakecluster/object_util.hpp"
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

void forEachServiceSelecting(const ObjectStore& store, const Json& pod, const std::function<void(const ObjectPtr&)>& visit) {
  const Json& meta = objectAt(pod, {"metadata"_key});
  const Json& labels = objectAt(meta, {"labels"_key});
  store.forEach("", "Service", stringField(meta, {"namespace"_key}), [&](const ObjectPtr& service) {
    const Json* selector = podSelectorOf(*service);
    if (selector != nullptr && selectorMatches(*selector, labels)) visit(service);
  });
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

void PodChangeFilter::servicesToSync(const ObjectStore& store, const WatchEvent& event, const std::function<void(const ObjectPtr&)>& visit) {
  const Json& pod = *event.object;
  const kube::ObjectKey key = kube::objectKeyOf(pod);
  const Json& meta = objectAt(pod, {"metadata"_key});
  auto it = pods_.find(key);
  if (event.type == WatchEvent::Type::Deleted) {
    if (it != pods_.end()) pods_.erase(it);
    forEachServiceSelecting(store, pod, visit);
    return;
  }
  Seen now;
  now.labels = objectAt(meta, {"labels"_key});
  now.hostname = stringField(pod, {"spec"_key, "hostname"_key});
  now.subdomain = stringField(pod, {"spec"_key, "subdomain"_key});
  now.deletionTimestamp = stringField(meta, {"deletionTimestamp"_key});
  for (const auto& ip : memberOr(objectAt(pod, {"status"_key}), "podIPs", kEmptyArrayJson)) now.ips += (ip.is_object() ? ip.value("ip", "") : "") + ",";
  now.ready = podReady(pod);
  if (it == pods_.end()) {
    pods_.emplace(key, std::move(now));
    forEachServiceSelecting(store, pod, visit);
    return;
  }
  if (it->second == now) return;  // nothing an endpoint shows changed
  const bool relabelled = it->second.labels != now.labels;
  const Json oldLabels = relabelled ? std::move(it->second.labels) : Json();
  it->second = std::move(now);
  const std::string& ns = stringField(meta, {"namespace"_key});
  store.forEach("", "Service", ns, [&](const ObjectPtr& service) {
    const Json* selector = podSelectorOf(*service);
    if (selector == nullptr) return;
    if (selectorMatches(*selector, it->second.labels) || (relabelled && oldLabels.is_object() && selectorMatches(*selector, oldLabels))) visit(service);
  });
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

}  // namespace gs::fake
