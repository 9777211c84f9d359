#include "fakecluster/http/table.hpp"

#include <algorithm>
#include <functional>

#include "sim/core/clock.hpp"
#include "fakecluster/server_defaults.hpp"
#include "sim/core/json_lookup.hpp"

namespace gs::fake::http {

namespace {

using Cells = std::vector<Json>;

struct Column {
  const char* name;
  const char* type;  // string, integer, date
  int priority;      // 1: only with -o wide
};

std::string str(const Json& o, const char* pointer) {
  const Json::json_pointer p(pointer);
  if (!o.contains(p)) return "";
  const Json& v = o[p];
  return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
}

std::int64_t num(const Json& o, const char* pointer) {
  const Json::json_pointer p(pointer);
  return o.contains(p) && o[p].is_number() ? o[p].get<std::int64_t>() : 0;
}

std::string joined(const std::vector<std::string>& parts, const char* sep = ",") {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string age(const Json& o, std::int64_t now) {
  auto created = parseRfc3339(str(o, "/metadata/creationTimestamp"));
  return created ? humanDuration(now - *created) : "<unknown>";
}

// kubectl's TARGETS column of a HorizontalPodAutoscaler (formatHPAMetrics): each metric
// as "<name>: <current>/<target>", the current value from the status metric at the same
// index ("<unknown>" until there is one), at most two, then "+ N more...".
std::string hpaTargets(const Json& hpa) {
  const Json specs = hpa.value("/spec/metrics"_json_pointer, Json::array());
  const Json statuses = hpa.value("/status/currentMetrics"_json_pointer, Json::array());
  if (!specs.is_array() || specs.empty()) return "<none>";
  auto quantity = [](const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  std::vector<std::string> list;
  for (std::size_t i = 0; i < specs.size() && list.size() < 2; ++i) {
    const Json& spec = specs[i];
    const std::string type = spec.value("type", "");
    const Json status = i < statuses.size() ? statuses[i] : Json::object();
    std::string section = type == "Resource" ? "resource" : type == "ContainerResource" ? "containerResource" : type == "Pods" ? "pods"
                          : type == "Object" ? "object" : "external";
    const Json target = spec.value(Json::json_pointer("/" + section + "/target"), Json::object());
    const Json current = status.value(Json::json_pointer("/" + section + "/current"), Json::object());
    std::string name = spec.value(Json::json_pointer("/" + section + "/name"), "");
    if (name.empty()) name = spec.value(Json::json_pointer("/" + section + "/metric/name"), "");
    std::string now = "<unknown>";
    std::string goal;
    if (target.contains("averageUtilization")) {
      if (current.contains("averageUtilization")) now = std::to_string(current["averageUtilization"].get<std::int64_t>()) + "%";
      goal = std::to_string(target["averageUtilization"].get<std::int64_t>()) + "%";
    } else if (target.contains("averageValue")) {
      if (current.contains("averageValue")) now = quantity(current["averageValue"]);
      goal = quantity(target["averageValue"]) + (type == "External" || type == "Object" ? " (avg)" : "");
    } else if (target.contains("value")) {
      if (current.contains("value")) now = quantity(current["value"]);
      goal = quantity(target["value"]);
    } else {
      goal = "<auto>";
    }
    list.push_back(name + ": " + now + "/" + goal);
  }
  std::string out = joined(list, ", ");
  if (specs.size() > 2) out += " + " + std::to_string(specs.size() - 2) + " more...";
  return out;
}

// RoleBinding and ClusterRoleBinding: NAME, ROLE (Kind/name), AGE; with -o wide the
// subjects by kind (service accounts as namespace/name).
std::vector<Column> bindingColumns() {
  return {{"Name", "string", 0}, {"Role", "string", 0}, {"Age", "string", 0}, {"Users", "string", 1}, {"Groups", "string", 1},
          {"ServiceAccounts", "string", 1}};
}
Cells bindingCells(const Json& o, std::int64_t now) {
  std::vector<std::string> users, groups, accounts;
  for (const auto& subject : o.value("subjects", Json::array())) {
    const std::string kind = subject.value("kind", "");
    if (kind == "User") users.push_back(subject.value("name", ""));
    else if (kind == "Group") groups.push_back(subject.value("name", ""));
    else if (kind == "ServiceAccount") accounts.push_back(subject.value("namespace", "") + "/" + subject.value("name", ""));
  }
  return Cells{str(o, "/metadata/name"), str(o, "/roleRef/kind") + "/" + str(o, "/roleRef/name"), age(o, now), joined(users, ", "),
               joined(groups, ", "), joined(accounts, ", ")};
}

std::string containerNames(const Json& podSpec) {
  std::vector<std::string> names;
  for (const auto& c : podSpec.value("containers", Json::array())) names.push_back(c.value("name", ""));
  return joined(names);
}

std::string containerImages(const Json& podSpec) {
  std::vector<std::string> images;
  for (const auto& c : podSpec.value("containers", Json::array())) images.push_back(c.value("image", ""));
  return joined(images);
}

// metav1.FormatLabelSelector: the selector's requirements sorted by key, as
// labels.Selector's String() writes them ("app=web,tier in (a,b),!canary"), "<none>" for
// one that selects everything.
std::string selectorText(const Json& selector) {
  std::vector<std::pair<std::string, std::string>> parts;  // key, text
  const Json labels = selector.value("matchLabels", Json::object());  // bound: items() of a temporary dangles
  for (const auto& [k, v] : labels.items()) parts.emplace_back(k, k + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
  const Json expressions = selector.value("matchExpressions", Json::array());
  for (const auto& e : expressions) {
    const std::string key = e.value("key", "");
    const std::string op = e.value("operator", "");
    std::vector<std::string> values;
    for (const auto& v : e.value("values", Json::array())) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    std::sort(values.begin(), values.end());
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ",") + v;
    if (op == "In") parts.emplace_back(key, key + " in (" + list + ")");
    else if (op == "NotIn") parts.emplace_back(key, key + " notin (" + list + ")");
    else if (op == "Exists") parts.emplace_back(key, key);
    else if (op == "DoesNotExist") parts.emplace_back(key, "!" + key);
    else return "<error>";
  }
  std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> texts;
  for (auto& [key, text] : parts) texts.push_back(std::move(text));
  return texts.empty() ? "<none>" : joined(texts);
}

// kubectl's pod STATUS: the reason of a waiting or terminated container, Terminating,
// Init:..., or the phase.
std::string podStatus(const Json& pod) {
  if (pod["metadata"].contains("deletionTimestamp")) return "Terminating";
  std::string reason = str(pod, "/status/reason");
  if (reason.empty()) reason = str(pod, "/status/phase");
  for (const auto& c : pod.value("/status/conditions"_json_pointer, Json::array())) {
    if (c.value("type", "") == "PodScheduled" && c.value("reason", "") == "SchedulingGated") reason = "SchedulingGated";
  }
  for (const auto& cs : pod.value("/status/containerStatuses"_json_pointer, Json::array())) {
    const Json state = cs.value("state", Json::object());
    if (state.contains("waiting") && !state["waiting"].value("reason", "").empty()) return state["waiting"].value("reason", "");
    if (state.contains("terminated")) {
      const std::string r = state["terminated"].value("reason", "");
      return r.empty() ? "Error" : r;
    }
  }
  return reason.empty() ? "Pending" : reason;
}

std::string servicePorts(const Json& svc) {
  std::vector<std::string> ports;
  for (const auto& p : svc.value("/spec/ports"_json_pointer, Json::array())) {
    std::string text = std::to_string(p.value("port", 0));
    if (p.contains("nodePort")) text += ":" + std::to_string(p.value("nodePort", 0));
    ports.push_back(text + "/" + p.value("protocol", "TCP"));
  }
  return ports.empty() ? "<none>" : joined(ports);
}

// kubectl's short form of access modes (GetAccessModesAsString): RWO, ROX, RWX, RWOP in
// that order, each once.
std::string accessModes(const Json& modes) {
  std::vector<std::string> out;
  for (const auto& [mode, shortName] : {std::pair{"ReadWriteOnce", "RWO"}, std::pair{"ReadOnlyMany", "ROX"}, std::pair{"ReadWriteMany", "RWX"},
                                        std::pair{"ReadWriteOncePod", "RWOP"}}) {
    if (modes.is_array() && std::find(modes.begin(), modes.end(), Json(mode)) != modes.end()) out.emplace_back(shortName);
  }
  return joined(out);
}

// The storage class of a claim or volume: the beta annotation first, then the field.
std::string storageClassOf(const Json& o) {
  const std::string annotated = str(o, "/metadata/annotations/volume.beta.kubernetes.io~1storage-class");
  return !annotated.empty() ? annotated : str(o, "/spec/storageClassName");
}

std::string phaseOrTerminating(const Json& o) {
  return o.value("/metadata/deletionTimestamp"_json_pointer, Json()).is_string() ? "Terminating" : str(o, "/status/phase");
}

std::string orUnset(const std::string& value) { return value.empty() ? "<unset>" : value; }

// At most three entries joined by commas, then "+ N more..." (N counts past the three);
// kubectl's listWithMoreString.
struct FirstThree {
  std::vector<std::string> shown;
  std::size_t count = 0;
  bool more = false;
  void add(std::string entry) {
    ++count;
    if (shown.size() == 3) more = true;
    else shown.push_back(std::move(entry));
  }
  std::string text(const char* whenEmpty) const {
    std::string out;
    for (const auto& s : shown) out += (out.empty() ? "" : ",") + s;
    if (more) return out + " + " + std::to_string(count - 3) + " more...";
    return out.empty() && whenEmpty != nullptr ? whenEmpty : out;
  }
};

// printEndpoints' cell: ip:port of every ready address and port, "<none>" without subsets.
std::string endpointsCell(const Json& o) {
  const Json& subsets = o.value("subsets", Json::array());
  if (!subsets.is_array() || subsets.empty()) return "<none>";
  FirstThree list;
  for (const auto& subset : subsets) {
    const Json& addresses = subset.value("addresses", Json::array());
    const Json& ports = subset.value("ports", Json::array());
    if (ports.empty()) {
      for (const auto& a : addresses) list.add(a.value("ip", ""));
      continue;
    }
    for (const auto& p : ports) {
      for (const auto& a : addresses) {
        const std::string ip = a.value("ip", "");
        list.add((ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" + std::to_string(p.value("port", 0)));
      }
    }
  }
  return list.text(nullptr);
}

struct Printer {
  std::vector<Column> columns;
  std::function<Cells(const Json&, std::int64_t)> cells;
};

const Printer* builtinPrinter(const ResourceType& type) {
  static const std::map<std::string, Printer> printers = {
      {"Pod",
       {{{"Name", "string", 0}, {"Ready", "string", 0}, {"Status", "string", 0}, {"Restarts", "string", 0}, {"Age", "string", 0},
         {"IP", "string", 1}, {"Node", "string", 1}, {"Nominated Node", "string", 1}, {"Readiness Gates", "string", 1}},
        [](const Json& o, std::int64_t now) {
          int ready = 0, total = 0, restarts = 0;
          for (const auto& cs : o.value("/status/containerStatuses"_json_pointer, Json::array())) {
            ready += cs.value("ready", false) ? 1 : 0;
            restarts += cs.value("restartCount", 0);
          }
          total = static_cast<int>(o.value("/spec/containers"_json_pointer, Json::array()).size());
          const std::string ip = str(o, "/status/podIP"), node = str(o, "/spec/nodeName"), nominated = str(o, "/status/nominatedNodeName");
          // Readiness gates: how many of the pod's gates have a True condition.
          const Json gates = o.value("/spec/readinessGates"_json_pointer, Json::array());
          std::string gateText = "<none>";
          if (!gates.empty()) {
            int met = 0;
            for (const auto& g : gates) {
              for (const auto& c : o.value("/status/conditions"_json_pointer, Json::array())) {
                if (c.value("type", "") == g.value("conditionType", "") && c.value("status", "") == "True") ++met;
              }
            }
            gateText = std::to_string(met) + "/" + std::to_string(gates.size());
          }
          return Cells{str(o, "/metadata/name"), std::to_string(ready) + "/" + std::to_string(total), podStatus(o), std::to_string(restarts),
                       age(o, now), ip.empty() ? "<none>" : ip, node.empty() ? "<none>" : node, nominated.empty() ? "<none>" : nominated, gateText};
        }}},
      {"Deployment",
       {{{"Name", "string", 0}, {"Ready", "string", 0}, {"Up-to-date", "integer", 0}, {"Available", "integer", 0}, {"Age", "string", 0},
         {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1}},
        [](const Json& o, std::int64_t now) {
          const Json spec = o.value("/spec/template/spec"_json_pointer, Json::object());
          return Cells{str(o, "/metadata/name"), std::to_string(num(o, "/status/readyReplicas")) + "/" + std::to_string(num(o, "/spec/replicas")),
                       num(o, "/status/updatedReplicas"), num(o, "/status/availableReplicas"), age(o, now), containerNames(spec),
                       containerImages(spec), selectorText(o.value("/spec/selector"_json_pointer, Json::object()))};
        }}},
      {"ReplicaSet",
       {{{"Name", "string", 0}, {"Desired", "integer", 0}, {"Current", "integer", 0}, {"Ready", "integer", 0}, {"Age", "string", 0},
         {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1}},
        [](const Json& o, std::int64_t now) {
          const Json spec = o.value("/spec/template/spec"_json_pointer, Json::object());
          return Cells{str(o, "/metadata/name"), num(o, "/spec/replicas"), num(o, "/status/replicas"), num(o, "/status/readyReplicas"), age(o, now),
                       containerNames(spec), containerImages(spec), selectorText(o.value("/spec/selector"_json_pointer, Json::object()))};
        }}},
      {"StatefulSet",
       {{{"Name", "string", 0}, {"Ready", "string", 0}, {"Age", "string", 0}, {"Containers", "string", 1}, {"Images", "string", 1}},
        [](const Json& o, std::int64_t now) {
          const Json spec = o.value("/spec/template/spec"_json_pointer, Json::object());
          return Cells{str(o, "/metadata/name"), std::to_string(num(o, "/status/readyReplicas")) + "/" + std::to_string(num(o, "/spec/replicas")),
                       age(o, now), containerNames(spec), containerImages(spec)};
        }}},
      {"DaemonSet",
       {{{"Name", "string", 0}, {"Desired", "integer", 0}, {"Current", "integer", 0}, {"Ready", "integer", 0}, {"Up-to-date", "integer", 0},
         {"Available", "integer", 0}, {"Node Selector", "string", 0}, {"Age", "string", 0}, {"Containers", "string", 1}, {"Images", "string", 1},
         {"Selector", "string", 1}},
        [](const Json& o, std::int64_t now) {
          std::vector<std::string> sel;
          const Json labels = o.value("/spec/template/spec/nodeSelector"_json_pointer, Json::object());  // bound: items() of a temporary dangles
          for (const auto& [k, v] : labels.items()) sel.push_back(k + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));  // labels.FormatLabels
          return Cells{str(o, "/metadata/name"), num(o, "/status/desiredNumberScheduled"), num(o, "/status/currentNumberScheduled"),
                       num(o, "/status/numberReady"), num(o, "/status/updatedNumberScheduled"), num(o, "/status/numberAvailable"),
                       sel.empty() ? "<none>" : joined(sel), age(o, now), containerNames(o.value("/spec/template/spec"_json_pointer, Json::object())),
                       containerImages(o.value("/spec/template/spec"_json_pointer, Json::object())),
                       selectorText(o.value("/spec/selector"_json_pointer, Json::object()))};
        }}},
      {"Service",
       {{{"Name", "string", 0}, {"Type", "string", 0}, {"Cluster-IP", "string", 0}, {"External-IP", "string", 0}, {"Port(s)", "string", 0},
         {"Age", "string", 0}, {"Selector", "string", 1}},
        [](const Json& o, std::int64_t now) {
          std::vector<std::string> sel;
          const Json labels = o.value("/spec/selector"_json_pointer, Json::object());  // bound: items() of a temporary dangles
          for (const auto& [k, v] : labels.items()) sel.push_back(k + "=" + v.get<std::string>());
          std::vector<std::string> external;
          for (const auto& ing : o.value("/status/loadBalancer/ingress"_json_pointer, Json::array())) external.push_back(ing.value("ip", ing.value("hostname", "")));
          const std::string type = str(o, "/spec/type");
          return Cells{str(o, "/metadata/name"), type.empty() ? "ClusterIP" : type, str(o, "/spec/clusterIP"),
                       external.empty() ? (type == "LoadBalancer" ? "<pending>" : "<none>") : joined(external), servicePorts(o), age(o, now),
                       sel.empty() ? "<none>" : joined(sel)};
        }}},
      {"ConfigMap",
       {{{"Name", "string", 0}, {"Data", "integer", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          const auto n = o.value("data", Json::object()).size() + o.value("binaryData", Json::object()).size();
          return Cells{str(o, "/metadata/name"), n, age(o, now)};
        }}},
      {"Secret",
       {{{"Name", "string", 0}, {"Type", "string", 0}, {"Data", "integer", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          return Cells{str(o, "/metadata/name"), str(o, "/type"), o.value("data", Json::object()).size(), age(o, now)};
        }}},
      {"Namespace",
       {{{"Name", "string", 0}, {"Status", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) { return Cells{str(o, "/metadata/name"), str(o, "/status/phase"), age(o, now)}; }}},
      {"Node",
       {{{"Name", "string", 0}, {"Status", "string", 0}, {"Roles", "string", 0}, {"Age", "string", 0}, {"Version", "string", 0},
         {"Internal-IP", "string", 1}, {"External-IP", "string", 1}, {"OS-Image", "string", 1}, {"Kernel-Version", "string", 1},
         {"Container-Runtime", "string", 1}},
        [](const Json& o, std::int64_t now) {
          std::string status = "Unknown";
          for (const auto& c : o.value("/status/conditions"_json_pointer, Json::array())) {
            if (c.value("type", "") == "Ready") status = c.value("status", "") == "True" ? "Ready" : "NotReady";
          }
          if (o.value("/spec/unschedulable"_json_pointer, false)) status += ",SchedulingDisabled";
          const std::string version = str(o, "/status/nodeInfo/kubeletVersion");
          std::string internal = "<none>", external = "<none>";
          for (const auto& a : o.value("/status/addresses"_json_pointer, Json::array())) {
            if (a.value("type", "") == "InternalIP" && internal == "<none>") internal = a.value("address", "");
            if (a.value("type", "") == "ExternalIP" && external == "<none>") external = a.value("address", "");
          }
          auto orUnknown = [](const std::string& v) { return v.empty() ? std::string("<unknown>") : v; };
          return Cells{str(o, "/metadata/name"), status, "<none>", age(o, now), version.empty() ? "v1.32.0" : version, internal, external,
                       orUnknown(str(o, "/status/nodeInfo/osImage")), orUnknown(str(o, "/status/nodeInfo/kernelVersion")),
                       orUnknown(str(o, "/status/nodeInfo/containerRuntimeVersion"))};
        }}},
      {"ServiceAccount",
       {{{"Name", "string", 0}, {"Secrets", "integer", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) { return Cells{str(o, "/metadata/name"), o.value("secrets", Json::array()).size(), age(o, now)}; }}},
      {"Job",
       {{{"Name", "string", 0}, {"Status", "string", 0}, {"Completions", "string", 0}, {"Duration", "string", 0}, {"Age", "string", 0},
         {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1}},
        [](const Json& o, std::int64_t now) {
          std::string status = "Running";
          for (const auto& c : o.value("/status/conditions"_json_pointer, Json::array())) {
            if (c.value("status", "") != "True") continue;
            if (c.value("type", "") == "Complete") status = "Complete";
            if (c.value("type", "") == "Failed") status = "Failed";
          }
          const auto start = parseRfc3339(str(o, "/status/startTime"));
          const auto end = parseRfc3339(str(o, "/status/completionTime"));
          const std::string duration = start ? humanDuration((end ? *end : now) - *start) : "";
          const std::int64_t completions = o.contains("/spec/completions"_json_pointer) ? num(o, "/spec/completions") : 1;
          const Json spec = o.value("/spec/template/spec"_json_pointer, Json::object());
          return Cells{str(o, "/metadata/name"), status, std::to_string(num(o, "/status/succeeded")) + "/" + std::to_string(completions), duration,
                       age(o, now), containerNames(spec), containerImages(spec), selectorText(o.value("/spec/selector"_json_pointer, Json::object()))};
        }}},
      {"HorizontalPodAutoscaler",
       {{{"Name", "string", 0}, {"Reference", "string", 0}, {"Targets", "string", 0}, {"MinPods", "string", 0}, {"MaxPods", "integer", 0},
         {"Replicas", "integer", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          const std::string reference = str(o, "/spec/scaleTargetRef/kind") + "/" + str(o, "/spec/scaleTargetRef/name");
          const std::string minPods = o.contains("/spec/minReplicas"_json_pointer) ? std::to_string(num(o, "/spec/minReplicas")) : "<unset>";
          return Cells{str(o, "/metadata/name"), reference, hpaTargets(o), minPods, num(o, "/spec/maxReplicas"), num(o, "/status/currentReplicas"),
                       age(o, now)};
        }}},
      {"NetworkPolicy",
       {{{"Name", "string", 0}, {"Pod-Selector", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          return Cells{str(o, "/metadata/name"), selectorText(o.value("/spec/podSelector"_json_pointer, Json::object())), age(o, now)};
        }}},
      {"Ingress",
       {{{"Name", "string", 0}, {"Class", "string", 0}, {"Hosts", "string", 0}, {"Address", "string", 0}, {"Ports", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          // formatHosts: the first three rules' hosts (rules without one skipped), then
          // "+ N more..." counting the rules past three; "*" when none has a host.
          const Json rules = o.value("/spec/rules"_json_pointer, Json::array());
          std::vector<std::string> hosts;
          for (std::size_t i = 0; i < rules.size() && i < 3; ++i) {
            if (!rules[i].value("host", "").empty()) hosts.push_back(rules[i].value("host", ""));
          }
          std::string hostText = hosts.empty() ? "*" : joined(hosts);
          if (!hosts.empty() && rules.size() > 3) hostText += " + " + std::to_string(rules.size() - 3) + " more...";
          std::vector<std::string> addresses;
          for (const auto& lb : o.value("/status/loadBalancer/ingress"_json_pointer, Json::array())) {
            addresses.push_back(lb.contains("ip") ? lb.value("ip", "") : lb.value("hostname", ""));
          }
          const std::string cls = str(o, "/spec/ingressClassName");
          const bool tls = !o.value("/spec/tls"_json_pointer, Json::array()).empty();
          return Cells{str(o, "/metadata/name"), cls.empty() ? "<none>" : cls, hostText, joined(addresses), tls ? "80, 443" : "80", age(o, now)};
        }}},
      {"PodDisruptionBudget",
       {{{"Name", "string", 0}, {"Min Available", "string", 0}, {"Max Unavailable", "string", 0}, {"Allowed Disruptions", "integer", 0},
         {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          auto bound = [&](const char* pointer) { return o.contains(Json::json_pointer(pointer)) ? str(o, pointer) : std::string("N/A"); };
          return Cells{str(o, "/metadata/name"), bound("/spec/minAvailable"), bound("/spec/maxUnavailable"), num(o, "/status/disruptionsAllowed"),
                       age(o, now)};
        }}},
      {"Role",
       {{{"Name", "string", 0}, {"Created At", "date", 0}},
        [](const Json& o, std::int64_t) { return Cells{str(o, "/metadata/name"), str(o, "/metadata/creationTimestamp")}; }}},
      {"ClusterRole",
       {{{"Name", "string", 0}, {"Created At", "date", 0}},
        [](const Json& o, std::int64_t) { return Cells{str(o, "/metadata/name"), str(o, "/metadata/creationTimestamp")}; }}},
      {"RoleBinding", {bindingColumns(), bindingCells}},
      {"ClusterRoleBinding", {bindingColumns(), bindingCells}},
      {"CronJob",
       {{{"Name", "string", 0}, {"Schedule", "string", 0}, {"Timezone", "string", 0}, {"Suspend", "boolean", 0}, {"Active", "integer", 0},
         {"Last Schedule", "string", 0}, {"Age", "string", 0}, {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1}},
        [](const Json& o, std::int64_t now) {
          const auto last = parseRfc3339(str(o, "/status/lastScheduleTime"));
          const std::string zone = str(o, "/spec/timeZone");
          return Cells{str(o, "/metadata/name"), str(o, "/spec/schedule"), zone.empty() ? "<none>" : zone,
                       o.value("/spec/suspend"_json_pointer, false) ? "True" : "False", o.value("/status/active"_json_pointer, Json::array()).size(),
                       last ? humanDuration(now - *last) : "<none>", age(o, now),
                       containerNames(o.value("/spec/jobTemplate/spec/template/spec"_json_pointer, Json::object())),
                       containerImages(o.value("/spec/jobTemplate/spec/template/spec"_json_pointer, Json::object())),
                       selectorText(o.value("/spec/jobTemplate/spec/selector"_json_pointer, Json::object()))};
        }}},
      {"Event",
       // As the API server prints core/v1 Events: the priority-1 columns are what
       // `kubectl get events -o wide` adds.
       {{{"Last Seen", "string", 0}, {"Type", "string", 0}, {"Reason", "string", 0}, {"Object", "string", 0}, {"Subobject", "string", 1},
         {"Source", "string", 1}, {"Message", "string", 0}, {"First Seen", "string", 1}, {"Count", "string", 1}, {"Name", "string", 1}},
        [](const Json& o, std::int64_t now) {
          auto since = [now](const std::optional<std::int64_t>& t) { return t ? humanDuration(now - *t) : std::string("<unknown>"); };
          auto first = parseRfc3339(str(o, "/firstTimestamp"));
          if (!first) first = parseRfc3339(str(o, "/eventTime"));
          auto last = parseRfc3339(str(o, "/lastTimestamp"));
          if (!last) last = first;
          std::int64_t count = o.value("count", 0);
          if (const Json* series = findMember(o, "series"); series != nullptr && series->is_object()) {
            last = parseRfc3339(series->value("lastObservedTime", ""));
            count = series->value("count", 0);
          } else if (count == 0) {
            count = 1;
          }
          std::string kind = str(o, "/involvedObject/kind");
          for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          const std::string name = str(o, "/involvedObject/name");
          const std::string target = name.empty() ? kind : kind + "/" + name;
          std::string component = str(o, "/source/component");
          if (component.empty()) component = str(o, "/reportingComponent");
          std::string instance = str(o, "/source/host");
          if (instance.empty()) instance = str(o, "/reportingInstance");
          const std::string source = instance.empty() ? component : component + ", " + instance;
          std::string message = str(o, "/message");
          const auto begin = message.find_first_not_of(" \t\n\r\f\v");
          message = begin == std::string::npos ? std::string() : message.substr(begin, message.find_last_not_of(" \t\n\r\f\v") - begin + 1);
          return Cells{since(last), str(o, "/type"), str(o, "/reason"), target, str(o, "/involvedObject/fieldPath"), source, message,
                       since(first), count, str(o, "/metadata/name")};
        }}},
      {"PersistentVolumeClaim",
       {{{"Name", "string", 0}, {"Status", "string", 0}, {"Volume", "string", 0}, {"Capacity", "string", 0}, {"Access Modes", "string", 0},
         {"StorageClass", "string", 0}, {"VolumeAttributesClass", "string", 0}, {"Age", "string", 0}, {"VolumeMode", "string", 1}},
        [](const Json& o, std::int64_t now) {
          const std::string volume = str(o, "/spec/volumeName");
          // Capacity and modes are the bound volume's, shown once there is one.
          const std::string capacity = volume.empty() ? "" : str(o, "/status/capacity/storage");
          const std::string modes = volume.empty() ? "" : accessModes(o.value("/status/accessModes"_json_pointer, Json::array()));
          return Cells{str(o, "/metadata/name"), phaseOrTerminating(o), volume, capacity, modes, storageClassOf(o),
                       orUnset(str(o, "/spec/volumeAttributesClassName")), age(o, now), orUnset(str(o, "/spec/volumeMode"))};
        }}},
      {"PersistentVolume",
       {{{"Name", "string", 0}, {"Capacity", "string", 0}, {"Access Modes", "string", 0}, {"Reclaim Policy", "string", 0}, {"Status", "string", 0},
         {"Claim", "string", 0}, {"StorageClass", "string", 0}, {"VolumeAttributesClass", "string", 0}, {"Reason", "string", 0},
         {"Age", "string", 0}, {"VolumeMode", "string", 1}},
        [](const Json& o, std::int64_t now) {
          const std::string claimName = str(o, "/spec/claimRef/name");
          const std::string claim = o.value("/spec/claimRef"_json_pointer, Json()).is_object() ? str(o, "/spec/claimRef/namespace") + "/" + claimName : "";
          return Cells{str(o, "/metadata/name"), str(o, "/spec/capacity/storage"), accessModes(o.value("/spec/accessModes"_json_pointer, Json::array())),
                       str(o, "/spec/persistentVolumeReclaimPolicy"), phaseOrTerminating(o), claim, storageClassOf(o),
                       orUnset(str(o, "/spec/volumeAttributesClassName")), str(o, "/status/reason"), age(o, now), orUnset(str(o, "/spec/volumeMode"))};
        }}},
      {"StorageClass",
       {{{"Name", "string", 0}, {"Provisioner", "string", 0}, {"ReclaimPolicy", "string", 0}, {"VolumeBindingMode", "string", 0},
         {"AllowVolumeExpansion", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          std::string name = str(o, "/metadata/name");
          if (isDefaultStorageClass(o)) name += " (default)";
          const std::string reclaim = str(o, "/reclaimPolicy");
          const std::string binding = str(o, "/volumeBindingMode");
          return Cells{name, str(o, "/provisioner"), reclaim.empty() ? "Delete" : reclaim, binding.empty() ? "Immediate" : binding,
                       o.value("allowVolumeExpansion", false) ? "true" : "false", age(o, now)};
        }}},
      {"CustomResourceDefinition",
       {{{"Name", "string", 0}, {"Created At", "date", 0}},
        [](const Json& o, std::int64_t) { return Cells{str(o, "/metadata/name"), str(o, "/metadata/creationTimestamp")}; }}},
      {"LimitRange",
       {{{"Name", "string", 0}, {"Created At", "date", 0}},
        [](const Json& o, std::int64_t) { return Cells{str(o, "/metadata/name"), str(o, "/metadata/creationTimestamp")}; }}},
      {"ResourceQuota",
       {{{"Name", "string", 0}, {"Age", "string", 0}, {"Request", "string", 0}, {"Limit", "string", 0}},
        [](const Json& o, std::int64_t now) {
          // "<resource>: <used>/<hard>" for each hard limit, limits.* in the Limit column.
          std::string requests, limits;
          const Json hard = o.value("/status/hard"_json_pointer, Json::object());
          const Json used = o.value("/status/used"_json_pointer, Json::object());
          for (const auto& [resource, amount] : hard.items()) {
            std::string& column = resource.rfind("limits.", 0) == 0 ? limits : requests;
            const Json usedAmount = used.value(resource, Json("0"));
            auto text = [](const Json& q) { return q.is_string() ? q.get<std::string>() : q.dump(); };
            column += (column.empty() ? "" : ", ") + resource + ": " + text(usedAmount) + "/" + text(amount);
          }
          return Cells{str(o, "/metadata/name"), age(o, now), requests, limits};
        }}},
      {"PriorityClass",
       {{{"Name", "string", 0}, {"Value", "integer", 0}, {"Global-Default", "boolean", 0}, {"Age", "string", 0}, {"PreemptionPolicy", "string", 0}},
        [](const Json& o, std::int64_t now) {
          const std::string policy = str(o, "/preemptionPolicy");
          return Cells{str(o, "/metadata/name"), o.value("value", 0), o.value("globalDefault", false), age(o, now),
                       policy.empty() ? "PreemptLowerPriority" : policy};
        }}},
      {"IngressClass",
       {{{"Name", "string", 0}, {"Controller", "string", 0}, {"Parameters", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          std::string parameters = "<none>";
          if (o.value("/spec/parameters"_json_pointer, Json()).is_object()) {
            const std::string group = str(o, "/spec/parameters/apiGroup");
            parameters = str(o, "/spec/parameters/kind") + (group.empty() ? "" : "." + group) + "/" + str(o, "/spec/parameters/name");
          }
          return Cells{str(o, "/metadata/name"), str(o, "/spec/controller"), parameters, age(o, now)};
        }}},
      {"MutatingWebhookConfiguration",
       {{{"Name", "string", 0}, {"Webhooks", "integer", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) { return Cells{str(o, "/metadata/name"), o.value("webhooks", Json::array()).size(), age(o, now)}; }}},
      {"ValidatingWebhookConfiguration",
       {{{"Name", "string", 0}, {"Webhooks", "integer", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) { return Cells{str(o, "/metadata/name"), o.value("webhooks", Json::array()).size(), age(o, now)}; }}},
      {"APIService",
       {{{"Name", "string", 0}, {"Service", "string", 0}, {"Available", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          const bool local = !o.value("/spec/service"_json_pointer, Json()).is_object();
          std::string available = "Unknown";
          for (const auto& c : o.value("/status/conditions"_json_pointer, Json::array())) {
            if (c.value("type", "") != "Available") continue;
            available = c.value("status", "Unknown");
            if (available != "True") available += " (" + c.value("reason", "") + ")";
          }
          return Cells{str(o, "/metadata/name"), local ? "Local" : str(o, "/spec/service/namespace") + "/" + str(o, "/spec/service/name"), available,
                       age(o, now)};
        }}},
      {"RuntimeClass",
       {{{"Name", "string", 0}, {"Handler", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) { return Cells{str(o, "/metadata/name"), str(o, "/handler"), age(o, now)}; }}},
      {"Endpoints",
       {{{"Name", "string", 0}, {"Endpoints", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) { return Cells{str(o, "/metadata/name"), endpointsCell(o), age(o, now)}; }}},
      {"EndpointSlice",
       {{{"Name", "string", 0}, {"AddressType", "string", 0}, {"Ports", "string", 0}, {"Endpoints", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) {
          FirstThree ports;
          const Json& portList = o.value("ports", Json::array());
          for (const auto& p : portList.is_array() ? portList : Json::array()) {
            ports.add(p.contains("port") ? std::to_string(p.value("port", 0)) : p.contains("name") ? p.value("name", "") : "*");
          }
          FirstThree addresses;
          const Json& endpoints = o.value("endpoints", Json::array());
          for (const auto& e : endpoints.is_array() ? endpoints : Json::array()) {
            for (const auto& a : e.value("addresses", Json::array())) addresses.add(a.is_string() ? a.get<std::string>() : "");
          }
          return Cells{str(o, "/metadata/name"), str(o, "/addressType"), ports.text("<unset>"), addresses.text("<unset>"), age(o, now)};
        }}},
      {"Lease",
       {{{"Name", "string", 0}, {"Holder", "string", 0}, {"Age", "string", 0}},
        [](const Json& o, std::int64_t now) { return Cells{str(o, "/metadata/name"), str(o, "/spec/holderIdentity"), age(o, now)}; }}},
  };
  if (type.custom) return nullptr;  // a custom resource named like a built-in kind prints its CRD's columns
  auto it = printers.find(type.kind);
  return it == printers.end() ? nullptr : &it->second;
}

Json columnDefinition(const std::string& name, const std::string& type, int priority, const std::string& description = {}) {
  Json c{{"name", name}, {"type", type}, {"format", name == "Name" ? "name" : ""}, {"description", description}, {"priority", priority}};
  return c;
}

}  // namespace

std::string humanDuration(std::int64_t seconds) {
  auto f = [](std::int64_t a, const char* ua, std::int64_t b = 0, const char* ub = nullptr) {
    std::string s = std::to_string(a) + ua;
    if (ub != nullptr && b != 0) s += std::to_string(b) + ub;
    return s;
  };
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return f(seconds, "s");
  const std::int64_t minutes = seconds / 60;
  if (minutes < 10) return f(minutes, "m", seconds % 60, "s");
  if (minutes < 180) return f(minutes, "m");
  const std::int64_t hours = minutes / 60;
  if (hours < 8) return f(hours, "h", minutes % 60, "m");
  if (hours < 48) return f(hours, "h");
  if (hours < 24 * 8) return f(hours / 24, "d", hours % 24, "h");
  if (hours < 24 * 365 * 2) return f(hours / 24, "d");
  if (hours < 24 * 365 * 8) return f(hours / 24 / 365, "y", (hours / 24) % 365, "d");
  return f(hours / 24 / 365, "y");
}

bool wantsTable(const std::string& accept) { return accept.find("as=Table") != std::string::npos; }

Json toTable(const ResourceType& type, const std::vector<Json>& objects, std::int64_t nowUnix, const Json& crd, TableObjects include,
             const std::string& resourceVersion, const std::string& continueToken) {
  Json columns = Json::array();
  std::function<Cells(const Json&)> cellsOf;
  if (const Printer* p = builtinPrinter(type)) {
    for (const auto& c : p->columns) {
      columns.push_back(columnDefinition(c.name, c.type, c.priority));
    }
    cellsOf = [p, nowUnix](const Json& o) { return p->cells(o, nowUnix); };
  } else {
    // A CRD's additionalPrinterColumns (of its first served version), else NAME and AGE.
    Json extra = Json::array();
    if (crd.is_object()) {
      for (const auto& v : crd.value("/spec/versions"_json_pointer, Json::array())) {
        if (v.value("served", true)) {
          extra = v.value("additionalPrinterColumns", Json::array());
          break;
        }
      }
    }
    columns.push_back(columnDefinition("Name", "string", 0, "Name must be unique within a namespace."));
    for (const auto& c : extra) columns.push_back(columnDefinition(c.value("name", ""), c.value("type", "string"), c.value("priority", 0), c.value("description", "")));
    const bool hasAge = std::any_of(extra.begin(), extra.end(), [](const Json& c) { return c.value("jsonPath", "") == ".metadata.creationTimestamp"; });
    if (!hasAge) columns.push_back(columnDefinition("Age", "date", 0));
    cellsOf = [extra, hasAge, nowUnix](const Json& o) {
      Cells cells{str(o, "/metadata/name")};
      for (const auto& c : extra) {
        // jsonPath like .spec.replicas: a dotted path
        std::string path = c.value("jsonPath", "");
        std::string pointer;
        for (char ch : path) pointer += ch == '.' ? '/' : ch;
        const Json::json_pointer p(pointer.empty() ? "" : pointer);
        cells.push_back(!pointer.empty() && o.contains(p) ? o[p] : Json());
        if (pointer == "/metadata/creationTimestamp") cells.back() = age(o, nowUnix);
      }
      if (!hasAge) cells.push_back(age(o, nowUnix));
      return cells;
    };
  }
  Json rows = Json::array();
  for (const auto& o : objects) {
    Json row{{"cells", cellsOf(o)}};
    if (include == TableObjects::Object) {
      row["object"] = o;
    } else if (include == TableObjects::Metadata) {
      row["object"] = Json{{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", o.value("metadata", Json::object())}};
    }
    rows.push_back(std::move(row));
  }
  Json meta{{"resourceVersion", resourceVersion}};
  if (!continueToken.empty()) meta["continue"] = continueToken;
  return Json{{"kind", "Table"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", std::move(meta)}, {"columnDefinitions", std::move(columns)}, {"rows", std::move(rows)}};
}

}  // namespace gs::fake::http
