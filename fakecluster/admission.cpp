#include "fakecluster/admission.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

#include "fakecluster/api_error.hpp"
#include "fakecluster/cron_schedule.hpp"
#include "fakecluster/label_selector.hpp"
#include "fakecluster/metadata_validation.hpp"
#include "fakecluster/object_util.hpp"
#include "fakecluster/rollout_validation.hpp"
#include "sim/kube/quantity.hpp"

namespace gs::fake {

namespace {

// How Go's %#v prints a map[string]string, which is what the real messages embed.
std::string goStringMap(const Json& labels) {
  std::string out = "map[string]string{";
  bool first = true;
  if (labels.is_object()) {
    for (auto it = labels.begin(); it != labels.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      out += "\"" + it.key() + "\":" + it.value().dump();
    }
  }
  return out + "}";
}

// A label selector as Go's %#v prints it in the API server's messages.
std::string goLabelSelector(const Json& value) {
  std::string labels = "map[string]string(nil)";
  if (const Json* m = findMember(value, "matchLabels"); m != nullptr && m->is_object()) labels = goStringMap(*m);
  std::string expressions = "[]v1.LabelSelectorRequirement(nil)";
  if (const Json* e = findMember(value, "matchExpressions"); e != nullptr && e->is_array()) {
    expressions = "[]v1.LabelSelectorRequirement{";
    for (std::size_t i = 0; i < e->size(); ++i) {
      const Json& r = (*e)[i];
      std::string values = "[]string(nil)";
      if (const Json* v = findMember(r, "values"); v != nullptr && v->is_array()) {
        values = "[]string{";
        for (std::size_t j = 0; j < v->size(); ++j) values += (j > 0 ? ", " : "") + (*v)[j].dump();
        values += "}";
      }
      expressions += std::string(i > 0 ? ", " : "") + "v1.LabelSelectorRequirement{Key:" + Json(stringField(r, {"key"})).dump() +
                     ", Operator:" + Json(stringField(r, {"operator"})).dump() + ", Values:" + values + "}";
    }
    expressions += "}";
  }
  return "v1.LabelSelector{MatchLabels:" + labels + ", MatchExpressions:" + expressions + "}";
}

std::string shown(const Json& value) { return value.is_string() ? "\"" + value.get<std::string>() + "\"" : value.dump(); }

class Checker {
 public:
  void required(const std::string& field, const Json& value, const std::string& detail = {}) {
    if (value.is_null() || (value.is_string() && value.get<std::string>().empty()) || (value.is_array() && value.empty())) {
      add("FieldValueRequired", field, "Required value" + (detail.empty() ? "" : ": " + detail));
    }
  }
  void invalid(const std::string& field, const std::string& value, const std::string& detail) {
    add("FieldValueInvalid", field, "Invalid value: " + value + ": " + detail);
  }
  void unsupported(const std::string& field, const Json& value, const std::string& supported) {
    add("FieldValueNotSupported", field, "Unsupported value: " + shown(value) + ": supported values: " + supported);
  }
  void forbidden(const std::string& field, const std::string& detail) { add("FieldValueForbidden", field, "Forbidden: " + detail); }
  void add(std::string reason, std::string field, std::string message) {
    causes.push_back(StatusCause{std::move(reason), std::move(field), std::move(message)});
  }

  std::vector<StatusCause> causes;
};

bool isIpv4(const std::string& text) {
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string part = text.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return false;
    if (std::stoi(part) > 255 || (part.size() > 1 && part[0] == '0')) return false;
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// validateTimeZone: an IANA name, each part of it plain characters, known to the time zone
// database (Go's LoadLocation; here the system's, /usr/share/zoneinfo, when it is there).
void checkTimeZone(Checker& c, const Json& timeZone) {
  if (!timeZone.is_string()) return;
  const std::string& zone = timeZone.get_ref<const std::string&>();
  if (zone.empty()) return c.invalid("spec.timeZone", "\"\"", "timeZone must be nil or non-empty string");
  std::size_t start = 0;
  while (start <= zone.size()) {
    const std::size_t end = std::min(zone.find('/', start), zone.size());
    const std::string part = zone.substr(start, end - start);
    // validTimeZoneCharacters: ^[A-Za-z\.\-_0-9+]{1,14}$
    const bool plain = !part.empty() && part.size() <= 14 && std::all_of(part.begin(), part.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' || ch == '+';
    });
    if (part == "." || part == ".." || (!part.empty() && part[0] == '-') || !plain) {
      return c.invalid("spec.timeZone", shown(timeZone), "unknown time zone " + zone);
    }
    start = end + 1;
  }
  std::string lower = zone;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (lower == "local") c.invalid("spec.timeZone", shown(timeZone), "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
  const std::filesystem::path database("/usr/share/zoneinfo");
  std::error_code ignored;
  if (zone != "UTC" && zone != "Local" && std::filesystem::is_directory(database, ignored) && !std::filesystem::is_regular_file(database / zone, ignored)) {
    c.invalid("spec.timeZone", shown(timeZone), "unknown time zone " + zone);
  }
}

// validateScheduleFormat (pkg/apis/batch/validation): the parser's own words.
void checkCronJobSchedule(Checker& c, const Json& cronJob) {
  const Json& spec = memberOr(cronJob, "spec", kNullJson);
  const Json& schedule = spec.is_object() ? memberOr(spec, "schedule", kNullJson) : kNullJson;
  if (!schedule.is_string() || schedule.get_ref<const std::string&>().empty()) {
    c.required("spec.schedule", Json());
    return;
  }
  const std::string& text = schedule.get_ref<const std::string&>();
  std::string error;
  CronSchedule::parse(text, &error);
  if (!error.empty()) c.invalid("spec.schedule", shown(schedule), error);
  if (text.find("TZ") != std::string::npos) c.invalid("spec.schedule", shown(schedule), "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
  checkTimeZone(c, memberOr(spec, "timeZone", kNullJson));
}

// ValidateEndpointSlice (pkg/apis/discovery/validation): the address type, its
// immutability, and the endpoints' addresses.
void checkEndpointSlice(Checker& c, const Json& slice, const Json* old) {
  const Json& addressType = memberOr(slice, "addressType", kNullJson);
  if (addressType.is_null() || addressType == "") {
    c.required("addressType", Json());
  } else if (addressType != "IPv4" && addressType != "IPv6" && addressType != "FQDN") {
    c.unsupported("addressType", addressType, "\"FQDN\", \"IPv4\", \"IPv6\"");
  } else if (old != nullptr && memberOr(*old, "addressType", kNullJson) != addressType) {
    c.invalid("addressType", shown(addressType), "field is immutable");
  }
  const Json& endpoints = memberOr(slice, "endpoints", kNullJson);
  if (endpoints.is_array()) {
    if (endpoints.size() > 1000) c.add("FieldValueTooMany", "endpoints", "Too many: " + std::to_string(endpoints.size()) + ": must have at most 1000 items");
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      const std::string path = "endpoints[" + std::to_string(i) + "].addresses";
      const Json& addresses = endpoints[i].is_object() ? memberOr(endpoints[i], "addresses", kNullJson) : kNullJson;
      if (!addresses.is_array() || addresses.empty()) {
        c.required(path, Json(), "must contain at least 1 address");
        continue;
      }
      if (addresses.size() > 100) c.add("FieldValueTooMany", path, "Too many: " + std::to_string(addresses.size()) + ": must have at most 100 items");
      for (std::size_t j = 0; j < addresses.size(); ++j) {
        if (addressType == "IPv4" && !(addresses[j].is_string() && isIpv4(addresses[j].get<std::string>()))) {
          c.invalid(path + "[" + std::to_string(j) + "]", shown(addresses[j]), "must be a valid IPv4 address");
        }
      }
    }
  }
  const Json& ports = memberOr(slice, "ports", kNullJson);
  if (ports.is_array() && ports.size() > 100) c.add("FieldValueTooMany", "ports", "Too many: " + std::to_string(ports.size()) + ": must have at most 100 items");
}

void checkNonNegative(Checker& c, const Json& spec, const char* field, const std::string& prefix) {
  auto it = spec.find(field);
  if (it != spec.end() && it->is_number_integer() && it->get<std::int64_t>() < 0) {
    c.invalid(prefix + field, it->dump(), "must be greater than or equal to 0");
  }
}

// A container's ports, pull policy and resources (validateContainerPorts,
// validatePullPolicy, ValidateResourceRequirements).
void checkContainerFields(Checker& c, const Json& container, const std::string& path) {
  const Json& policy = memberOr(container, "imagePullPolicy", kNullJson);
  if (policy.is_string() && !isString(policy, "Always") && !isString(policy, "IfNotPresent") && !isString(policy, "Never")) {
    c.unsupported(path + ".imagePullPolicy", policy, "\"Always\", \"IfNotPresent\", \"Never\"");
  }
  const Json& ports = memberOr(container, "ports", kEmptyArrayJson);
  for (std::size_t j = 0; ports.is_array() && j < ports.size(); ++j) {
    for (const char* field : {"containerPort", "hostPort"}) {
      const Json& port = memberOr(ports[j], field, kNullJson);
      if (!port.is_number_integer()) continue;
      const std::int64_t n = port.get<std::int64_t>();
      if ((n < 1 && std::string_view(field) == "containerPort") || n < 0 || n > 65535) {
        c.invalid(path + ".ports[" + std::to_string(j) + "]." + field, port.dump(), "must be between 1 and 65535, inclusive");
      }
    }
  }
  const Json& requests = at(container, {"resources", "requests"});
  const Json& limits = at(container, {"resources", "limits"});
  if (requests.is_object() && limits.is_object()) {
    for (auto it = requests.begin(); it != requests.end(); ++it) {
      const Json& limit = memberOr(limits, it.key(), kNullJson);
      const auto request = kube::Quantity::fromJson(*it);
      const auto max = kube::Quantity::fromJson(limit);
      if (request && max && *max < *request) {
        auto text = [](const Json& q) { return q.is_string() ? q.get<std::string>() : q.dump(); };  // a quantity's text
        c.invalid(path + ".resources.requests", "\"" + text(*it) + "\"", "must be less than or equal to " + it.key() + " limit of " + text(limit));
      }
    }
  }
}

void checkContainers(Checker& c, const Json& podSpec, const std::string& prefix) {
  const Json& containers = memberOr(podSpec, "containers", kNullJson);
  if (!containers.is_array() || containers.empty()) {
    c.required(prefix + "containers", Json());
    return;
  }
  std::vector<std::string> seen;
  for (const char* list : {"initContainers", "containers"}) {
    const Json& items = memberOr(podSpec, list, kEmptyArrayJson);
    if (!items.is_array()) continue;
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string path = prefix + list + "[" + std::to_string(i) + "]";
      const Json& container = items[i];
      const std::string name = container.is_object() ? container.value("name", "") : "";
      c.required(path + ".name", container.is_object() ? container.value("name", Json()) : Json());
      if (!name.empty()) {
        for (const auto& problem : dns1123LabelProblems(name)) c.invalid(path + ".name", shown(name), problem);
      }
      if (!name.empty() && std::find(seen.begin(), seen.end(), name) != seen.end()) {
        c.add("FieldValueDuplicate", path + ".name", "Duplicate value: " + shown(name));
      }
      seen.push_back(name);
      c.required(path + ".image", container.is_object() ? container.value("image", Json()) : Json());
      if (container.is_object()) checkContainerFields(c, container, path);
    }
  }
}

void checkRestartPolicy(Checker& c, const Json& podSpec, const std::string& field, bool job) {
  const Json& policy = memberOr(podSpec, "restartPolicy", kNullJson);
  if (!policy.is_string()) {
    // Defaulted to Always later, which a Job may not use.
    if (job) c.required(field, Json(), "valid values: \"OnFailure\", \"Never\"");
    return;
  }
  const std::string p = policy.get<std::string>();
  if (job && p != "OnFailure" && p != "Never") c.unsupported(field, policy, "\"OnFailure\", \"Never\"");
  if (!job && p != "Always") c.unsupported(field, policy, "\"Always\"");
}

// The controller kinds: a selector that matches the template's labels, containers.
void checkWorkload(Checker& c, const ResourceType& type, const Json& object) {
  const Json& spec = memberOr(object, "spec", kEmptyObjectJson);
  if (!spec.is_object()) return;
  const bool job = type.kind == "Job";
  const Json& selector = memberOr(spec, "selector", kNullJson);
  const Json& labels = at(spec, {"template"_key, "metadata"_key, "labels"_key});
  if (!job) {
    if (selector.is_null()) {
      c.required("spec.selector", Json());
    } else if (selector.is_object() && memberOr(selector, "matchLabels", kEmptyObjectJson).empty() &&
               memberOr(selector, "matchExpressions", kEmptyArrayJson).empty()) {
      c.invalid("spec.selector", goLabelSelector(selector),
                "empty selector is invalid for " + std::string(type.kind == "StatefulSet" ? "statefulset" : type.kind == "DaemonSet" ? "daemonset" : "deployment"));
    }
  }
  if (selector.is_object()) {
    try {
      if (!LabelSelector::fromJson(selector).matches(labels)) {
        c.invalid("spec.template.metadata.labels", goStringMap(labels), "`selector` does not match template `labels`");
      }
    } catch (const ApiError& e) {
      c.invalid("spec.selector", selector.dump(), e.what());
    }
  }
  checkLabelsAndAnnotations(at(spec, {"template"_key, "metadata"_key}), "spec.template.metadata", c.causes);
  const Json& podSpec = at(spec, {"template"_key, "spec"_key});
  if (!podSpec.is_object()) {
    c.required("spec.template.spec.containers", Json());
  } else {
    checkContainers(c, podSpec, "spec.template.spec.");
    checkRestartPolicy(c, podSpec, "spec.template.spec.restartPolicy", job);
  }
  for (const char* field : {"replicas", "minReadySeconds", "revisionHistoryLimit", "parallelism", "completions", "backoffLimit"}) {
    checkNonNegative(c, spec, field, "spec.");
  }
  if (type.kind == "Job" && spec.contains("activeDeadlineSeconds") && spec["activeDeadlineSeconds"].is_number_integer() &&
      spec["activeDeadlineSeconds"].get<std::int64_t>() <= 0) {
    c.invalid("spec.activeDeadlineSeconds", spec["activeDeadlineSeconds"].dump(), "must be greater than 0");
  }
  if (type.kind == "Job" && at(spec, {"podFailurePolicy"_key}).is_object() &&
      at(podSpec, {"restartPolicy"_key}) != "Never") {
    c.invalid("spec.template.spec.restartPolicy", shown(at(podSpec, {"restartPolicy"_key})), "only \"Never\" is supported when podFailurePolicy is specified");
  }
  if (type.kind == "Job" && spec.contains("completionMode")) {
    const Json& mode = spec["completionMode"];
    if (mode != "NonIndexed" && mode != "Indexed") c.unsupported("spec.completionMode", mode, "\"Indexed\", \"NonIndexed\"");
    if (mode == "Indexed" && !at(spec, {"completions"_key}).is_number_integer()) {
      c.required("spec.completions", Json(), "when completion mode is Indexed");
    }
  }
}

// ValidateHorizontalPodAutoscalerSpec's replica bounds.
void checkHpa(Checker& c, const Json& hpa) {
  const Json& min = at(hpa, {"spec", "minReplicas"});
  const Json& max = at(hpa, {"spec", "maxReplicas"});
  if (min.is_number_integer() && min.get<std::int64_t>() < 1) c.invalid("spec.minReplicas", min.dump(), "must be greater than or equal to 1");
  if (max.is_number_integer()) {
    const std::int64_t lowest = min.is_number_integer() ? min.get<std::int64_t>() : 1;
    if (max.get<std::int64_t>() < lowest) c.invalid("spec.maxReplicas", max.dump(), "must be greater than or equal to `minReplicas`");
  }
}

// An Ingress path needs its pathType (networking/v1 has no default for it).
void checkIngressPaths(Checker& c, const Json& ingress) {
  const Json& rules = at(ingress, {"spec", "rules"});
  for (std::size_t i = 0; rules.is_array() && i < rules.size(); ++i) {
    const Json& paths = at(rules[i], {"http", "paths"});
    for (std::size_t j = 0; paths.is_array() && j < paths.size(); ++j) {
      if (!memberOr(paths[j], "pathType", kNullJson).is_string()) {
        c.required("spec.rules[" + std::to_string(i) + "].http.paths[" + std::to_string(j) + "].pathType", Json(), "pathType must be specified");
      }
    }
  }
}

void checkService(Checker& c, const Json& object) {
  const Json& spec = memberOr(object, "spec", kEmptyObjectJson);
  if (!spec.is_object()) return;
  const std::string type = spec.value("type", "ClusterIP");
  static const char* kTypes[] = {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"};
  if (std::none_of(std::begin(kTypes), std::end(kTypes), [&](const char* t) { return type == t; })) {
    c.unsupported("spec.type", spec["type"], "\"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
    return;
  }
  const Json& ports = memberOr(spec, "ports", kEmptyArrayJson);
  bool headless = spec.value("clusterIP", "") == "None";
  if (type != "ExternalName" && !headless && (!ports.is_array() || ports.empty())) c.required("spec.ports", Json());
  if (type == "ExternalName") c.required("spec.externalName", spec.value("externalName", Json()));
  if (!ports.is_array()) return;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const Json& port = ports[i];
    std::string path = "spec.ports[" + std::to_string(i) + "]";
    const Json& number = memberOr(port, "port", kNullJson);
    if (number.is_null()) {
      c.required(path + ".port", number);
    } else if (!number.is_number_integer() || number.get<std::int64_t>() < 1 || number.get<std::int64_t>() > 65535) {
      c.invalid(path + ".port", number.dump(), "must be between 1 and 65535, inclusive");
    }
    if (ports.size() > 1 && port.is_object() && port.value("name", "").empty()) c.required(path + ".name", Json());
    if (type == "ClusterIP" && port.is_object() && port.contains("nodePort") && !port["nodePort"].is_null() && port["nodePort"] != 0) {
      c.forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'");
    }
  }
}

// Data values must be strings, and a ConfigMap's or Secret's data at most 1 MiB in all
// (core.MaxSecretSize; a Secret's base64 values count decoded).
void checkConfigData(Checker& c, const ResourceType& type, const Json& object) {
  // ValidateSecret: a TLS Secret carries its certificate and key.
  if (type.kind == "Secret" && isString(memberOr(object, "type", kNullJson), "kubernetes.io/tls")) {
    const Json& data = memberOr(object, "data", kEmptyObjectJson);
    for (const char* key : {"tls.crt", "tls.key"}) {
      if (!data.is_object() || !data.contains(key)) c.required(std::string("data[") + key + "]", Json());
    }
  }
  std::size_t total = 0;
  for (const char* field : {"data", "stringData", "binaryData"}) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) continue;
    bool ok = it->is_object() && std::all_of(it->begin(), it->end(), [](const Json& v) { return v.is_string(); });
    if (!ok) {
      c.invalid(field, it->dump(), "must be a map of strings");
      continue;
    }
    const bool base64 = type.kind == "Secret" && std::string_view(field) == "data";
    for (auto value = it->begin(); value != it->end(); ++value) {
      const std::size_t size = value->get_ref<const std::string&>().size();
      total += (type.kind == "ConfigMap" ? value.key().size() : 0) + (base64 ? size / 4 * 3 : size);
    }
  }
  constexpr std::size_t kMaxSize = 1024 * 1024;
  if (total > kMaxSize) {
    c.add("FieldValueTooLong", type.kind == "Secret" ? "data" : "", "Too long: must have at most " + std::to_string(kMaxSize) + " bytes");
  }
}

// `labelSelector`: the value is a metav1.LabelSelector, which the message prints Go's way.
void immutable(Checker& c, const Json& object, const Json& old, std::initializer_list<PathKey> path, const std::string& field,
               bool labelSelector = false) {
  const Json& now = at(object, path);
  const Json& before = at(old, path);
  if (now == before) return;
  c.invalid(field, now.is_null() ? "null" : labelSelector && now.is_object() ? goLabelSelector(now) : now.dump(), "field is immutable");
}

// ValidatePodUpdate: of a pod's spec only the containers' and init containers' images,
// activeDeadlineSeconds, added tolerations and removed scheduling gates may change.
void checkPodSpecUpdate(Checker& c, const Json& object, const Json& old) {
  Json now = memberOr(object, "spec", kEmptyObjectJson);
  Json before = memberOr(old, "spec", kEmptyObjectJson);
  if (now == before || !now.is_object() || !before.is_object()) return;
  for (const char* list : {"containers", "initContainers"}) {
    Json& a = now[list];
    const Json& b = memberOr(before, list, kNullJson);
    if (a.is_array() && b.is_array() && a.size() == b.size()) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].is_object() && b[i].is_object() && b[i].contains("image")) a[i]["image"] = b[i]["image"];
      }
    }
    if (a.is_null()) now.erase(list);
  }
  now.erase("activeDeadlineSeconds");
  before.erase("activeDeadlineSeconds");
  // Tolerations may only be added to; scheduling gates only removed.
  auto contains = [](const Json& list, const Json& item) { return list.is_array() && std::find(list.begin(), list.end(), item) != list.end(); };
  const Json& tolerationsNow = memberOr(now, "tolerations", kEmptyArrayJson);
  const Json& tolerationsBefore = memberOr(before, "tolerations", kEmptyArrayJson);
  if (tolerationsBefore.is_array() && std::all_of(tolerationsBefore.begin(), tolerationsBefore.end(), [&](const Json& t) { return contains(tolerationsNow, t); })) {
    now.erase("tolerations");
    before.erase("tolerations");
  }
  const Json& gatesNow = memberOr(now, "schedulingGates", kEmptyArrayJson);
  const Json& gatesBefore = memberOr(before, "schedulingGates", kEmptyArrayJson);
  if (gatesNow.is_array() && std::all_of(gatesNow.begin(), gatesNow.end(), [&](const Json& g) { return contains(gatesBefore, g); })) {
    now.erase("schedulingGates");
    before.erase("schedulingGates");
  }
  if (now != before) {
    c.forbidden("spec",
                "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
                "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
                "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
  }
}

// ValidatePersistentVolumeClaimUpdate: a claim's spec is fixed once created, except that
// binding sets volumeName once, a class may be filled in where there was none, and a bound
// claim's storage request may change; it may go down only while it stays above the
// capacity in status (RecoverVolumeExpansionFailure, on in 1.32: recovering from a failed
// expansion, never shrinking a volume).
void checkClaimUpdate(Checker& c, const Json& object, const Json& old) {
  const bool bound = stringAt(old, {"status"_key, "phase"_key}) == "Bound";
  Json now = memberOr(object, "spec", kEmptyObjectJson), before = memberOr(old, "spec", kEmptyObjectJson);
  if (!now.is_object() || !before.is_object()) return;
  for (Json* spec : {&now, &before}) spec->erase("volumeAttributesClassName");
  if (stringAt(before, {"volumeName"}).empty()) {  // binding sets it once
    now.erase("volumeName");
    before.erase("volumeName");
  }
  if (!before.contains("storageClassName") && now.contains("storageClassName")) now.erase("storageClassName");
  const Json storageBefore = at(before, {"resources", "requests", "storage"});
  const Json storageNow = at(now, {"resources", "requests", "storage"});
  if (bound && at(now, {"resources", "requests"}).is_object()) {
    Json& requests = now["resources"]["requests"];
    if (storageBefore.is_null()) requests.erase("storage");
    else requests["storage"] = storageBefore;
  }
  if (now != before) c.forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims");
  const auto sizeNow = kube::Quantity::fromJson(storageNow);
  const auto sizeBefore = kube::Quantity::fromJson(storageBefore);
  if (sizeNow && sizeBefore && *sizeNow < *sizeBefore) {
    const auto capacity = kube::Quantity::fromJson(at(old, {"status"_key, "capacity"_key, "storage"}));
    if (*sizeNow <= capacity.value_or(kube::Quantity{})) c.forbidden("spec.resources.requests.storage", "field can not be less than status.capacity");
  }
}

void checkImmutable(Checker& c, const ResourceType& type, const Json& object, const Json& old) {
  const std::string& g = type.group;
  const std::string& k = type.kind;
  if (g.empty() && k == "Pod") return checkPodSpecUpdate(c, object, old);
  if (g.empty() && k == "Secret") immutable(c, object, old, {"type"}, "type");
  if (g == "apps" && (k == "Deployment" || k == "ReplicaSet" || k == "DaemonSet")) {
    immutable(c, object, old, {"spec", "selector"}, "spec.selector", true);
  } else if (g == "batch" && k == "Job") {
    immutable(c, object, old, {"spec", "selector"}, "spec.selector", true);
    immutable(c, object, old, {"spec", "completionMode"}, "spec.completionMode");
    // A suspended Job that never started may change its pods' scheduling directives
    // (labels, annotations, node selector, affinity, tolerations, scheduling gates), as
    // queueing controllers such as Kueue do; the rest of the template is immutable.
    if (at(old, {"spec", "suspend"}) == true && !at(old, {"status", "startTime"}).is_string()) {
      auto schedulingFree = [](Json tmpl) {
        if (tmpl.is_object() && tmpl.contains("metadata") && tmpl["metadata"].is_object()) {
          tmpl["metadata"].erase("labels");
          tmpl["metadata"].erase("annotations");
        }
        if (tmpl.is_object() && tmpl.contains("spec") && tmpl["spec"].is_object()) {
          for (const char* field : {"nodeSelector", "affinity", "tolerations", "schedulingGates"}) tmpl["spec"].erase(field);
        }
        return tmpl;
      };
      const Json now = schedulingFree(at(object, {"spec", "template"})), before = schedulingFree(at(old, {"spec", "template"}));
      if (now != before) c.invalid("spec.template", at(object, {"spec", "template"}).dump(), "field is immutable");
    } else {
      immutable(c, object, old, {"spec", "template"}, "spec.template");
    }
  } else if (g == "apps" && k == "StatefulSet") {
    Json a = object.value("spec", Json::object()), b = old.value("spec", Json::object());
    for (const char* mutableField : {"replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"}) {
      if (a.is_object()) a.erase(mutableField);
      if (b.is_object()) b.erase(mutableField);
    }
    if (a != b) {
      c.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }
  } else if (g.empty() && k == "Service") {
    const Json& before = at(old, {"spec"_key, "clusterIP"_key});
    const Json& now = at(object, {"spec"_key, "clusterIP"_key});
    if (before.is_string() && now.is_string() && now != before && !now.get<std::string>().empty()) {
      c.invalid("spec.clusterIPs[0]", "[]string{" + now.dump() + "}", "may not change once set");
    }
  } else if (g.empty() && k == "PersistentVolumeClaim") {
    checkClaimUpdate(c, object, old);
  } else if (g.empty() && (k == "ConfigMap" || k == "Secret") && old.value("immutable", false)) {
    for (const char* field : {"data", "binaryData", "stringData"}) {
      if (memberOr(object, field, kNullJson) != memberOr(old, field, kNullJson)) c.forbidden(field, "field is immutable when `immutable` is set");
    }
    if (!object.value("immutable", false)) c.forbidden("immutable", "field is immutable when `immutable` is set");
  }
}

}  // namespace

std::string qualifiedKind(const ResourceType& type) { return type.group.empty() ? type.kind : type.kind + "." + type.group; }

void validateWrite(const ResourceType& type, const Json& object, const Json* old) {
  Checker c;
  const Json& meta = memberOr(object, "metadata", kEmptyObjectJson);
  const std::string name = meta.is_object() ? meta.value("name", "") : "";
  if (name.empty()) {
    c.required("metadata.name", Json(), "name or generateName is required");
  } else {
    for (const auto& problem : nameProblems(type.group, type.kind, name)) c.invalid("metadata.name", shown(name), problem);
  }
  for (const char* field : {"labels", "annotations"}) {
    auto it = meta.find(field);
    if (it == meta.end() || it->is_null()) continue;
    bool ok = it->is_object() && std::all_of(it->begin(), it->end(), [](const Json& v) { return v.is_string(); });
    if (!ok) c.invalid(std::string("metadata.") + field, it->dump(), "must be a map of strings");
  }
  checkLabelsAndAnnotations(meta, "metadata", c.causes);
  const bool builtin = type.group.empty() || type.group == "apps" || type.group == "batch";
  if (builtin) {
    const bool workload = (type.group == "apps" && type.kind != "ControllerRevision") || (type.group == "batch" && type.kind == "Job");
    if (workload) checkWorkload(c, type, object);
    if (type.group.empty() && type.kind == "Pod" && memberOr(object, "spec", kNullJson).is_object()) {
      checkContainers(c, object["spec"], "spec.");
    } else if (type.group.empty() && type.kind == "Pod") {
      c.required("spec.containers", Json());
    }
    if (type.group.empty() && type.kind == "Service") checkService(c, object);
    if (type.group.empty() && (type.kind == "ConfigMap" || type.kind == "Secret")) checkConfigData(c, type, object);
    if (old != nullptr) checkImmutable(c, type, object, *old);
  }
  if (type.group == "discovery.k8s.io" && type.kind == "EndpointSlice") checkEndpointSlice(c, object, old);
  if (type.group == "batch" && type.kind == "CronJob") {
    checkCronJobSchedule(c, object);
    const Json& jobPod = at(object, {"spec", "jobTemplate", "spec", "template", "spec"});
    if (jobPod.is_object()) checkRestartPolicy(c, jobPod, "spec.jobTemplate.spec.template.spec.restartPolicy", true);
  }
  checkRolloutBounds(type.group, type.kind, object, c.causes);
  if (type.group == "autoscaling" && type.kind == "HorizontalPodAutoscaler") checkHpa(c, object);
  if (type.group == "networking.k8s.io" && type.kind == "Ingress") checkIngressPaths(c, object);
  if (!c.causes.empty()) throw ApiError::invalid(qualifiedKind(type), name, std::move(c.causes));
}

}  // namespace gs::fake
