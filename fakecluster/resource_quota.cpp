#include "fakecluster/resource_quota.hpp"

#include <set>
#include <vector>

#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

using kube::Quantity;

const Quantity kOne{1, 0};

// The compute resources quota makes every container state (validationSet upstream).
const std::set<std::string> kMustSpecify = {"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"};

void add(ResourceUsage& usage, const std::string& resource, const Quantity& amount) {
  auto [it, inserted] = usage.try_emplace(resource, amount);
  if (!inserted) it->second = it->second + amount;
}

// The pod's effective amount of `resource` in `list` (requests or limits): the larger of
// its containers' sum and any init container's, plus the pod overhead.
std::optional<Quantity> podAmount(const Json& spec, const char* list, const std::string& resource) {
  std::optional<Quantity> sum;
  for (const auto& c : at(spec, {"containers"_key})) {
    if (auto q = Quantity::fromJson(at(c, {"resources", list, resource}))) sum = sum ? *sum + *q : *q;
  }
  for (const auto& c : at(spec, {"initContainers"_key})) {
    if (auto q = Quantity::fromJson(at(c, {"resources", list, resource})); q && (!sum || *q > *sum)) sum = *q;
  }
  if (sum) {
    if (auto overhead = Quantity::fromJson(at(spec, {"overhead", resource}))) sum = *sum + *overhead;
  }
  return sum;
}

bool podTerminal(const Json& pod) {
  const std::string& phase = stringAt(pod, {"status"_key, "phase"_key});
  return phase == "Succeeded" || phase == "Failed";
}

std::string countName(const ResourceType& type) { return "count/" + type.plural + (type.group.empty() ? "" : "." + type.group); }

std::string pretty(const ResourceUsage& usage, const std::vector<std::string>& keys, const Json& texts) {
  std::string out;
  for (const auto& key : keys) {
    auto it = usage.find(key);
    if (it == usage.end()) continue;
    const Json& hard = at(texts, {key});
    const bool binary = hard.is_string() && kube::binarySuffix(hard.get_ref<const std::string&>());
    out += (out.empty() ? "" : ",") + key + "=" + it->second.canonical(binary);
  }
  return out;
}

// The resources hard limits name, with their amounts.
ResourceUsage amountsOf(const Json& hardTexts) {
  ResourceUsage hard;
  for (const auto& [resource, amount] : hardTexts.items()) {
    if (auto q = Quantity::fromJson(amount)) hard.emplace(resource, *q);
  }
  return hard;
}

std::vector<ObjectPtr> quotasIn(const ObjectStore& store, const std::string& ns) {
  std::vector<ObjectPtr> quotas;
  store.forEach("", "ResourceQuota", ns, [&](const ObjectPtr& q) { quotas.push_back(q); });
  return quotas;
}

// The text of a quantity as the API prints it.
std::string printed(const Json& amount) {
  const auto q = Quantity::fromJson(amount);
  if (!q) return amount.is_string() ? amount.get<std::string>() : amount.dump();
  return q->canonical(amount.is_string() && kube::binarySuffix(amount.get_ref<const std::string&>()));
}

// LimitRanger's validation of a pod's containers against the ranges' min and max (after
// the defaults); throws 403 with every violation, as the plugin aggregates them.
void checkLimitRanges(const std::vector<ObjectPtr>& ranges, const Json& pod) {
  std::vector<std::string> errors;
  for (const auto& range : ranges) {
    for (const auto& item : at(*range, {"spec"_key, "limits"_key})) {
      if (item.value("type", "") != "Container") continue;
      for (const auto* list : {&at(pod, {"spec"_key, "containers"_key}), &at(pod, {"spec"_key, "initContainers"_key})}) {
        for (const auto& container : *list) {
          const Json& requests = at(container, {"resources", "requests"});
          const Json& limits = at(container, {"resources", "limits"});
          for (const auto& [resource, enforcedText] : objectAt(item, {"min"}).items()) {
            const auto enforced = Quantity::fromJson(enforcedText);
            const Json& request = at(requests, {resource});
            const Json& limit = at(limits, {resource});
            const std::string prefix = "minimum " + resource + " usage per Container is " + printed(enforcedText);
            if (request.is_null()) errors.push_back(prefix + ".  No request is specified");
            else if (enforced && Quantity::fromJson(request).value_or(*enforced) < *enforced) errors.push_back(prefix + ", but request is " + printed(request));
            else if (enforced && !limit.is_null() && Quantity::fromJson(limit).value_or(*enforced) < *enforced) errors.push_back(prefix + ", but limit is " + printed(limit));
          }
          for (const auto& [resource, enforcedText] : objectAt(item, {"max"}).items()) {
            const auto enforced = Quantity::fromJson(enforcedText);
            const Json& request = at(requests, {resource});
            const Json& limit = at(limits, {resource});
            const std::string prefix = "maximum " + resource + " usage per Container is " + printed(enforcedText);
            if (limit.is_null()) errors.push_back(prefix + ".  No limit is specified");
            else if (enforced && Quantity::fromJson(limit).value_or(*enforced) > *enforced) errors.push_back(prefix + ", but limit is " + printed(limit));
            else if (enforced && !request.is_null() && Quantity::fromJson(request).value_or(*enforced) > *enforced) errors.push_back(prefix + ", but request is " + printed(request));
          }
        }
      }
    }
  }
  if (errors.empty()) return;
  std::string message = errors.front();
  if (errors.size() > 1) {  // a Go error aggregate
    message = "[";
    for (std::size_t i = 0; i < errors.size(); ++i) message += (i > 0 ? ", " : "") + errors[i];
    message += "]";
  }
  throw ApiError(403, "Forbidden", "pods \"" + stringAt(pod, {"metadata"_key, "name"_key}) + "\" is forbidden: " + message);
}

}  // namespace

ResourceUsage quotaUsage(const ResourceType& type, const Json& object) {
  ResourceUsage usage;
  add(usage, countName(type), kOne);
  if (!type.group.empty()) return usage;
  if (type.kind == "Pod") {
    if (podTerminal(object)) return {};
    add(usage, "pods", kOne);
    const Json& spec = at(object, {"spec"_key});
    for (const char* resource : {"cpu", "memory", "ephemeral-storage"}) {
      if (auto q = podAmount(spec, "requests", resource)) {
        add(usage, std::string("requests.") + resource, *q);
        add(usage, resource, *q);
      }
      if (auto q = podAmount(spec, "limits", resource)) add(usage, std::string("limits.") + resource, *q);
    }
  } else if (type.kind == "Service") {
    add(usage, "services", kOne);
    const std::string& serviceType = stringAt(object, {"spec"_key, "type"_key});
    if (serviceType == "LoadBalancer") add(usage, "services.loadbalancers", kOne);
    if (serviceType == "NodePort" || serviceType == "LoadBalancer") {
      add(usage, "services.nodeports", Quantity{static_cast<__int128>(at(object, {"spec"_key, "ports"_key}).size()), 0});
    }
  } else if (type.kind == "PersistentVolumeClaim") {
    add(usage, "persistentvolumeclaims", kOne);
    const std::string& storageClass = stringAt(object, {"spec"_key, "storageClassName"_key});
    if (!storageClass.empty()) add(usage, storageClass + ".storageclass.storage.k8s.io/persistentvolumeclaims", kOne);
    if (auto storage = Quantity::fromJson(at(object, {"spec", "resources", "requests", "storage"}))) {
      add(usage, "requests.storage", *storage);
      if (!storageClass.empty()) add(usage, storageClass + ".storageclass.storage.k8s.io/requests.storage", *storage);
    }
  } else if (type.kind == "ConfigMap" || type.kind == "Secret" || type.kind == "ResourceQuota" || type.kind == "ReplicationController") {
    add(usage, type.plural, kOne);
  }
  return usage;
}

void admitLimitRanges(const ObjectStore& store, Json& pod) {
  const std::string& ns = stringAt(pod, {"metadata"_key, "namespace"_key});
  std::vector<ObjectPtr> ranges;
  store.forEach("", "LimitRange", ns, [&](const ObjectPtr& r) { ranges.push_back(r); });
  if (ranges.empty() || !pod["spec"].is_object()) return;
  std::vector<std::string> requestContainers, limitContainers;
  auto defaults = [&](Json& container) {
    if (!container.is_object()) return;
    std::vector<std::string> requested, limited;
    for (const auto& range : ranges) {
      for (const auto& item : at(*range, {"spec"_key, "limits"_key})) {
        if (item.value("type", "") != "Container") continue;
        Json defaultRequest = item.value("defaultRequest", Json::object());
        const Json defaultLimit = item.value("default", Json::object());
        // A LimitRange's defaultRequest defaults to its default (limit).
        for (const auto& [resource, amount] : defaultLimit.items()) {
          if (!defaultRequest.contains(resource)) defaultRequest[resource] = amount;
        }
        Json& resources = container["resources"];
        if (!resources.is_object()) resources = Json::object();
        for (const auto& [resource, amount] : defaultLimit.items()) {
          if (at(resources, {"limits", resource}).is_null()) {
            resources["limits"][resource] = amount;
            limited.push_back(resource);
          }
        }
        for (const auto& [resource, amount] : defaultRequest.items()) {
          if (at(resources, {"requests", resource}).is_null()) {
            resources["requests"][resource] = amount;
            requested.push_back(resource);
          }
        }
      }
    }
    const std::string& name = stringAt(container, {"name"_key});
    auto join = [](const std::vector<std::string>& v) {
      std::string out;
      for (const auto& r : v) out += (out.empty() ? "" : ", ") + r;
      return out;
    };
    if (!requested.empty()) requestContainers.push_back(join(requested) + " request for container " + name);
    if (!limited.empty()) limitContainers.push_back(join(limited) + " limit for container " + name);
  };
  for (auto& c : pod["spec"]["containers"]) defaults(c);
  if (pod["spec"].contains("initContainers")) {
    for (auto& c : pod["spec"]["initContainers"]) defaults(c);
  }
  std::vector<std::string> parts = requestContainers;
  parts.insert(parts.end(), limitContainers.begin(), limitContainers.end());
  if (!parts.empty()) {
    std::string annotation = "LimitRanger plugin set: ";
    for (std::size_t i = 0; i < parts.size(); ++i) annotation += (i > 0 ? "; " : "") + parts[i];
    pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"] = annotation;
  }
  checkLimitRanges(ranges, pod);
}

void admitQuota(ObjectStore& store, const ResourceType& type, const Json& object, bool dryRun) {
  const std::string& ns = stringAt(object, {"metadata"_key, "namespace"_key});
  if (ns.empty()) return;
  const std::vector<ObjectPtr> quotas = quotasIn(store, ns);
  if (quotas.empty()) return;
  const ResourceUsage delta = quotaUsage(type, object);
  if (delta.empty()) return;
  const std::string resource = type.resourceName();
  const std::string name = stringAt(object, {"metadata"_key, "name"_key});
  auto forbidden = [&](const std::string& why) { return ApiError(403, "Forbidden", resource + " \"" + name + "\" is forbidden: " + why); };
  std::vector<std::pair<kube::ObjectKey, Json>> charged;
  for (const auto& quota : quotas) {
    const std::string& quotaName = stringAt(*quota, {"metadata"_key, "name"_key});
    // Admission goes by the limits the controller has confirmed (status.hard): a quota it
    // has not seen yet limits nothing.
    const Json& hardTexts = objectAt(*quota, {"status"_key, "hard"_key});
    const ResourceUsage hard = amountsOf(hardTexts);
    std::vector<std::string> interesting;
    for (const auto& [r, amount] : hard) {
      if (delta.contains(r) || (type.kind == "Pod" && type.group.empty() && kMustSpecify.contains(r))) interesting.push_back(r);
    }
    if (interesting.empty()) continue;
    // A pod must state every compute resource the quota limits, container by container.
    if (type.kind == "Pod" && type.group.empty()) {
      std::map<std::string, std::set<std::string>> missing;
      auto check = [&](const Json& container) {
        for (const auto& r : interesting) {
          if (!kMustSpecify.contains(r)) continue;
          const bool limit = r.rfind("limits.", 0) == 0;
          const std::string bare = r.substr(r.find('.') == std::string::npos ? 0 : r.find('.') + 1);
          if (at(container, {"resources", limit ? "limits" : "requests", bare}).is_null()) missing[r].insert(stringAt(container, {"name"_key}));
        }
      };
      for (const auto& c : at(object, {"spec"_key, "containers"_key})) check(c);
      for (const auto& c : at(object, {"spec"_key, "initContainers"_key})) check(c);
      if (!missing.empty()) {
        std::string what;
        for (const auto& [r, containers] : missing) {
          std::string names;
          for (const auto& c : containers) names += (names.empty() ? "" : ",") + c;
          what += (what.empty() ? "" : "; ") + r + " for: " + names;
        }
        throw forbidden("failed quota: " + quotaName + ": must specify " + what);
      }
    }
    const Json& used = at(*quota, {"status"_key, "used"_key});
    std::vector<std::string> unknown;
    for (const auto& r : interesting) {
      if (!used.is_object() || !used.contains(r)) unknown.push_back(r);
    }
    if (!unknown.empty()) {
      std::string list;
      for (const auto& r : unknown) list += (list.empty() ? "" : ",") + r;
      throw forbidden("status unknown for quota: " + quotaName + ", resources: " + list);
    }
    ResourceUsage nowUsed, next;
    std::vector<std::string> exceeded;
    for (const auto& r : interesting) {
      const auto deltaIt = delta.find(r);
      const Quantity current = Quantity::fromJson(used[r]).value_or(Quantity{});
      nowUsed.emplace(r, current);
      const Quantity after = deltaIt == delta.end() ? current : current + deltaIt->second;
      next.emplace(r, after);
      if (deltaIt != delta.end() && after > hard.at(r)) exceeded.push_back(r);
    }
    if (!exceeded.empty()) {
      throw forbidden("exceeded quota: " + quotaName + ", requested: " + pretty(delta, exceeded, hardTexts) + ", used: " +
                      pretty(nowUsed, exceeded, hardTexts) + ", limited: " + pretty(hard, exceeded, hardTexts));
    }
    Json status = quota->value("status", Json::object());
    for (const auto& [r, amount] : next) {
      const Json& text = at(hardTexts, {r});
      status["used"][r] = amount.canonical(text.is_string() && kube::binarySuffix(text.get_ref<const std::string&>()));
    }
    charged.emplace_back(kube::objectKeyOf(*quota), std::move(status));
  }
  if (dryRun) return;
  for (auto& [key, status] : charged) store.writeStatus(key, std::move(status));
}

Json computedQuotaStatus(const ObjectStore& store, const Json& quota) {
  const Json& hardTexts = objectAt(quota, {"spec"_key, "hard"_key});
  const ResourceUsage hard = amountsOf(hardTexts);
  ResourceUsage used;
  for (const auto& [r, amount] : hard) used.emplace(r, Quantity{});
  const std::string& ns = stringAt(quota, {"metadata"_key, "namespace"_key});
  store.forEachObject([&](const kube::ObjectKey& key, const ObjectPtr& object) {
    if (key.ns != ns) return;
    const ResourceType* type = store.registry().byKind(key.group, key.kind);
    if (type == nullptr) return;
    for (const auto& [r, amount] : quotaUsage(*type, *object)) {
      if (hard.contains(r)) used[r] = used[r] + amount;
    }
  });
  Json usedJson = Json::object();
  for (const auto& [r, amount] : used) {
    const Json& text = at(hardTexts, {r});
    usedJson[r] = amount.canonical(text.is_string() && kube::binarySuffix(text.get_ref<const std::string&>()));
  }
  return Json{{"hard", hardTexts}, {"used", std::move(usedJson)}};
}

}  // namespace gs::fake
