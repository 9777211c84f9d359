#include "fakecluster/priority_admission.hpp"

#include <limits>

#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

constexpr std::int64_t kHighestUserDefinablePriority = 1000000000;
constexpr const char* kPreemptLowerPriority = "PreemptLowerPriority";

struct SystemClass {
  const char* name;
  std::int64_t value;
  const char* description;
};
constexpr SystemClass kSystemClasses[] = {
    {"system-node-critical", 2000001000, "Used for system critical pods that must not be moved from their current node."},
    {"system-cluster-critical", 2000000000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."},
};

const SystemClass* systemClass(const std::string& name) {
  for (const auto& c : kSystemClasses) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

ApiError forbidden(const std::string& resource, const std::string& name, const std::string& why) {
  return ApiError(403, "Forbidden", resource + " \"" + name + "\" is forbidden: " + why);
}

}  // namespace

std::vector<Json> systemPriorityClasses() {
  std::vector<Json> classes;
  for (const auto& c : kSystemClasses) {
    classes.push_back(Json{{"apiVersion", "scheduling.k8s.io/v1"},
                           {"kind", "PriorityClass"},
                           {"metadata", {{"name", c.name}}},
                           {"value", c.value},
                           {"description", c.description},
                           {"preemptionPolicy", kPreemptLowerPriority}});
  }
  return classes;
}

void admitPodPriority(const ObjectStore& store, Json& pod) {
  Json& spec = pod["spec"];
  if (!spec.is_object()) return;  // validation refuses it
  const std::string podName = stringAt(pod, {"metadata"_key, "name"_key});
  std::string className = stringAt(spec, {"priorityClassName"_key});
  ObjectPtr found;
  if (className.empty()) {
    // The global default class, if any (the lowest value among several).
    store.forEach("scheduling.k8s.io", "PriorityClass", "", [&](const ObjectPtr& c) {
      if (!c->value("globalDefault", false)) return;
      if (!found || c->value("value", std::int64_t{0}) < found->value("value", std::int64_t{0})) found = c;
    });
    if (found) className = stringAt(*found, {"metadata"_key, "name"_key});
  } else {
    found = store.find(kube::ObjectKey{"scheduling.k8s.io", "PriorityClass", "", className});
    if (!found) throw forbidden("pods", podName, "no PriorityClass with name " + className + " was found");
  }
  const std::int64_t priority = found ? found->value("value", std::int64_t{0}) : 0;
  const Json* given = findMember(spec, "priority");
  if (given != nullptr && !given->is_null() && *given != priority) {
    throw forbidden("pods", podName, "the integer value of priority (" + given->dump() +
                                         ") must not be provided in pod spec; priority admission controller computed " +
                                         std::to_string(priority) + " from the given PriorityClass name");
  }
  if (found) spec["priorityClassName"] = className;
  spec["priority"] = priority;
  const std::string policy = found ? found->value("preemptionPolicy", kPreemptLowerPriority) : kPreemptLowerPriority;
  if (!findMember(spec, "preemptionPolicy") || spec["preemptionPolicy"].is_null()) spec["preemptionPolicy"] = policy;
}

void admitPriorityClass(const ObjectStore& store, const Json& priorityClass, const Json* old) {
  const std::string name = stringAt(priorityClass, {"metadata"_key, "name"_key});
  const Json* valueField = findMember(priorityClass, "value");
  std::vector<StatusCause> causes;
  if (valueField == nullptr || !valueField->is_number_integer()) {
    causes.push_back(StatusCause{"FieldValueRequired", "value", "Required value"});
  } else {
    const std::int64_t value = valueField->get<std::int64_t>();
    const SystemClass* system = systemClass(name);
    if (system != nullptr && value != system->value) {
      causes.push_back(StatusCause{"FieldValueForbidden", "value", "Forbidden: " + name + " is a system priority class and its value must be " +
                                                                      std::to_string(system->value)});
    } else if (system == nullptr && name.rfind("system-", 0) == 0) {
      causes.push_back(StatusCause{"FieldValueForbidden", "metadata.name", "Forbidden: priority class names with 'system-' prefix are reserved"});
    } else if (system == nullptr && value > kHighestUserDefinablePriority) {
      causes.push_back(StatusCause{"FieldValueForbidden", "value", "Forbidden: maximum allowed value of a user defined priority is " +
                                                                      std::to_string(kHighestUserDefinablePriority)});
    }
  }
  const std::string policy = priorityClass.value("preemptionPolicy", kPreemptLowerPriority);
  if (policy != kPreemptLowerPriority && policy != "Never") {
    causes.push_back(StatusCause{"FieldValueNotSupported", "preemptionPolicy",
                                 "Unsupported value: \"" + policy + "\": supported values: \"Never\", \"PreemptLowerPriority\""});
  }
  if (old != nullptr) {
    if (memberOr(priorityClass, "value", kNullJson) != memberOr(*old, "value", kNullJson)) {
      causes.push_back(StatusCause{"FieldValueForbidden", "value", "Forbidden: may not be changed in an update."});
    }
    if (policy != old->value("preemptionPolicy", kPreemptLowerPriority)) {
      causes.push_back(StatusCause{"FieldValueInvalid", "preemptionPolicy", "Invalid value: \"" + policy + "\": field is immutable"});
    }
  }
  if (!causes.empty()) throw ApiError::invalid("PriorityClass.scheduling.k8s.io", name, std::move(causes));
  if (priorityClass.value("globalDefault", false)) {
    store.forEach("scheduling.k8s.io", "PriorityClass", "", [&](const ObjectPtr& c) {
      const std::string other = stringAt(*c, {"metadata"_key, "name"_key});
      if (other != name && c->value("globalDefault", false)) {
        throw forbidden("priorityclasses.scheduling.k8s.io", name, "PriorityClass " + other + " is already marked as default. Only one default can exist");
      }
    });
  }
}

}  // namespace gs::fake
