#include "fakecluster/object_util.hpp"

#include <charconv>
#include <cmath>

#include "sim/core/json_dump.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::fake {

namespace {
const std::string kEmptyString;
}  // namespace

Json controllerReference(const Json& owner) {
  const Json& meta = owner["metadata"];
  return Json{{"apiVersion", owner.value("apiVersion", "")}, {"kind", owner.value("kind", "")},
              {"name", meta.value("name", "")},           {"uid", meta.value("uid", "")},
              {"controller", true},                        {"blockOwnerDeletion", true}};
}

const Json* controllerRef(const Json& object) {
  const Json& refs = at(object, {"metadata"_key, "ownerReferences"_key});
  if (!refs.is_array()) return nullptr;
  for (const auto& r : refs) {
    const Json& controller = at(r, {"controller"_key});
    if (controller.is_boolean() && controller.get<bool>()) return &r;
  }
  return nullptr;
}

const std::string& controllerUid(const Json& object) {
  const Json* ref = controllerRef(object);
  return ref == nullptr ? kEmptyString : stringAt(*ref, {"uid"_key});
}

const Json* findCondition(const Json& status, std::string_view type) {
  const Json* conditions = findMember(status, "conditions"_key);
  if (conditions == nullptr || !conditions->is_array()) return nullptr;
  for (const auto& c : *conditions) {
    const Json* t = findMember(c, "type"_key);
    if (t != nullptr && isString(*t, type)) return &c;
  }
  return nullptr;
}

const Json* conditionOf(const Json& object, std::string_view type) {
  const Json* status = findMember(object, "status"_key);
  return status == nullptr ? nullptr : findCondition(*status, type);
}

void removeCondition(Json& status, std::string_view type) {
  auto conditions = status.find("conditions");
  if (conditions == status.end() || !conditions->is_array()) return;
  Json kept = Json::array();
  for (auto& c : *conditions) {
    if (c.value("type", "") != type) kept.push_back(std::move(c));
  }
  if (kept.empty()) status.erase("conditions");
  else *conditions = std::move(kept);
}

void setCondition(Json& status, std::string_view type, std::string_view value, std::string_view reason,
                  std::string_view message, const std::string& now, bool withUpdateTime, bool withProbeTime) {
  const Json* current = findCondition(status, type);
  if (current != nullptr && current->value("status", "") == value && current->value("reason", "") == reason &&
      (!withProbeTime || current->value("message", "") == message)) {
    return;
  }
  Json condition{{"type", std::string(type)}, {"status", std::string(value)}};
  if (withProbeTime) condition["lastProbeTime"] = nullptr;
  if (withUpdateTime) condition["lastUpdateTime"] = now;
  condition["lastTransitionTime"] =
      current != nullptr && current->value("status", "") == value ? current->value("lastTransitionTime", now) : now;
  if (!reason.empty()) condition["reason"] = std::string(reason);
  if (!message.empty()) condition["message"] = std::string(message);
  removeCondition(status, type);
  status["conditions"].push_back(std::move(condition));
}

void omitZeroCounts(Json& status, std::initializer_list<const char*> fields) {
  for (const char* field : fields) {
    auto it = status.find(field);
    if (it != status.end() && *it == 0) status.erase(it);
  }
}

std::string podQosClass(const Json& podSpec) {
  bool any = false, guaranteed = true;
  for (const char* list : {"initContainers", "containers"}) {
    for (const auto& c : at(podSpec, {list})) {
      const Json& requests = objectAt(c, {"resources"_key, "requests"_key});
      const Json& limits = objectAt(c, {"resources"_key, "limits"_key});
      any = any || !requests.empty() || !limits.empty();
      for (const char* resource : {"cpu", "memory"}) {
        auto limit = limits.find(resource);
        auto request = requests.find(resource);
        if (limit == limits.end() || (request != requests.end() && *request != *limit)) guaranteed = false;
      }
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

bool podReady(const Json& pod) {
  const Json* ready = conditionOf(pod, "Ready");
  return ready != nullptr && isString(at(*ready, {"status"_key}), "True");
}

std::optional<std::int64_t> podReadySince(const Json& pod) {
  const Json* ready = conditionOf(pod, "Ready");
  if (ready == nullptr || !isString(at(*ready, {"status"_key}), "True")) return std::nullopt;
  return unixOf(stringAt(*ready, {"lastTransitionTime"_key}));
}

bool podAvailable(const Json& pod, std::int64_t minReadySeconds, std::int64_t nowUnix) {
  auto since = podReadySince(pod);
  if (!since) return false;
  return minReadySeconds <= 0 || *since + minReadySeconds <= nowUnix;
}

bool terminating(const Json& object) {
  const Json* meta = findMember(object, "metadata"_key);
  return meta != nullptr && findMember(*meta, "deletionTimestamp"_key) != nullptr;
}

std::string phaseOf(const Json& pod) { return stringField(pod, {"status"_key, "phase"_key}); }

bool podActive(const Json& pod) {
  const Json& phase = at(pod, {"status"_key, "phase"_key});
  return !isString(phase, "Succeeded") && !isString(phase, "Failed") && !terminating(pod);
}

namespace {
bool emptyValue(const Json& value) { return value.is_null() || (value.is_structured() && value.empty()); }
}  // namespace

bool semanticallyEqual(const Json& a, const Json& b, std::string_view skip) {
  // Plain equality settles most comparisons (a template against the ReplicaSet made from
  // it) in one pass; the walk below is for the values that differ.
  if (skip.empty() && a == b) return true;
  if (a.is_object() && b.is_object()) {
    // Both iterate in key order: walk them side by side.
    auto ia = a.begin();
    auto ib = b.begin();
    while (ia != a.end() || ib != b.end()) {
      const int order = ia == a.end() ? 1 : (ib == b.end() ? -1 : ia.key().compare(ib.key()));
      if (order < 0) {
        if (ia.key() != skip && !emptyValue(ia.value())) return false;
        ++ia;
      } else if (order > 0) {
        if (ib.key() != skip && !emptyValue(ib.value())) return false;
        ++ib;
      } else {
        if (ia.key() != skip && !semanticallyEqual(ia.value(), ib.value())) return false;
        ++ia;
        ++ib;
      }
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!semanticallyEqual(a[i], b[i])) return false;
    }
    return true;
  }
  return (emptyValue(a) && emptyValue(b)) || a == b;
}

std::string templateHash(const Json& podTemplate, std::int64_t collisionCount) {
  std::uint32_t h = 2166136261u;
  auto feed = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 16777619u;
    }
  };
  feed(dumpCompact(podTemplate));
  if (collisionCount > 0) feed(std::to_string(collisionCount));
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (char c : std::to_string(h)) out += kAlphabet[static_cast<unsigned char>(c) % 27];
  return out;
}

std::int64_t scaledValue(const Json& intOrPercent, std::int64_t total, bool roundUp) {
  if (intOrPercent.is_number_integer()) return intOrPercent.get<std::int64_t>();
  if (!intOrPercent.is_string()) return 0;
  std::string s = intOrPercent.get<std::string>();
  if (s.empty()) return 0;
  if (s.back() != '%') {
    try {
      return std::stoll(s);
    } catch (...) {
      return 0;
    }
  }
  double percent = 0;
  try {
    percent = std::stod(s.substr(0, s.size() - 1));
  } catch (...) {
    return 0;
  }
  double value = percent * static_cast<double>(total) / 100.0;
  return static_cast<std::int64_t>(roundUp ? std::ceil(value) : std::floor(value));
}

void dropNullMembers(Json& object) {
  std::vector<Json*> pending{&object};  // a stack, not recursion: input may nest deeply
  while (!pending.empty()) {
    Json* value = pending.back();
    pending.pop_back();
    if (auto* members = value->get_ptr<Json::object_t*>()) {
      std::erase_if(*members, [](const auto& member) { return member.second.is_null(); });
      for (auto& [key, member] : *members) {
        if (member.is_structured()) pending.push_back(&member);
      }
    } else if (auto* items = value->get_ptr<Json::array_t*>()) {
      for (auto& item : *items) {
        if (item.is_structured()) pending.push_back(&item);
      }
    }
  }
}

bool carriesResourceVersion(const Json& object) {
  const std::string& text = stringAt(object, {"metadata"_key, "resourceVersion"_key});
  if (text.empty()) return false;
  std::uint64_t version = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  return error == std::errc() && end == text.data() + text.size() && version != 0;
}

void dropResourceVersion(Json& object) {
  if (!object.is_object()) return;
  auto meta = object.find("metadata");
  if (meta != object.end() && meta->is_object()) meta->erase("resourceVersion");
}

const Json& at(const Json& object, std::initializer_list<PathKey> path) {
  static const Json kNull;
  const Json* current = &object;
  for (const PathKey& key : path) {
    current = key.in(*current);
    if (current == nullptr) return kNull;
  }
  return *current;
}

const Json& objectAt(const Json& object, std::initializer_list<PathKey> path) {
  static const Json kEmpty = Json::object();
  const Json& found = at(object, path);
  return found.is_object() ? found : kEmpty;
}

const std::string& stringAt(const Json& object, std::initializer_list<PathKey> path) {
  const Json& found = at(object, path);
  return found.is_string() ? found.get_ref<const std::string&>() : kEmptyString;
}

const Json kNullJson;
const Json kEmptyObjectJson = Json::object();
const Json kEmptyArrayJson = Json::array();

const Json& memberOr(const Json& object, std::string_view key, const Json& fallback) {
  const Json* member = findMember(object, key);
  return member != nullptr ? *member : fallback;
}

std::int64_t intField(const Json& object, std::initializer_list<PathKey> path, std::int64_t fallback) {
  const Json& v = at(object, path);
  return v.is_number_integer() ? v.get<std::int64_t>() : fallback;
}

std::string stringField(const Json& object, std::initializer_list<PathKey> path, const std::string& fallback) {
  const Json& v = at(object, path);
  return v.is_string() ? v.get<std::string>() : fallback;
}

bool boolField(const Json& object, std::initializer_list<PathKey> path, bool fallback) {
  const Json& v = at(object, path);
  return v.is_boolean() ? v.get<bool>() : fallback;
}

std::int64_t unixOf(const std::string& rfc3339, std::int64_t fallback) { return parseRfc3339(rfc3339).value_or(fallback); }

std::string jobFinishedAs(const Json& job) {
  for (const char* type : {"Complete", "Failed"}) {
    const Json* c = conditionOf(job, type);
    if (c != nullptr && c->value("status", "") == "True") return type;
  }
  return {};
}

}  // namespace gs::fake
