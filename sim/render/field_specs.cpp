#include "sim/render/field_specs.hpp"

namespace gs::render {

namespace {

struct PathPart {
  std::string key;
  bool list = false;  // written "key[]": a list, which is walked but never created
};

// Splits on '/', where "\\/" is a slash inside a key (annotation names).
std::vector<PathPart> splitPath(std::string_view path) {
  std::vector<PathPart> out;
  std::string part;
  auto flush = [&] {
    bool list = false;
    if (part.size() > 2 && part.compare(part.size() - 2, 2, "[]") == 0) {
      part.resize(part.size() - 2);
      list = true;
    }
    if (!part.empty()) out.push_back(PathPart{part, list});
    part.clear();
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\' && i + 1 < path.size() && path[i + 1] == '/') {
      part += '/';
      ++i;
    } else if (path[i] == '/') {
      flush();
    } else {
      part += path[i];
    }
  }
  flush();
  return out;
}

void walk(Json& node, const std::vector<PathPart>& parts, std::size_t i, bool create, const std::function<void(Json&)>& visit) {
  if (node.is_array()) {
    for (auto& element : node) walk(element, parts, i, create, visit);
    return;
  }
  if (i == parts.size()) {
    visit(node);
    return;
  }
  if (!node.is_object()) {
    if (!(node.is_null() && create)) return;
    node = Json::object();
  }
  auto it = node.find(parts[i].key);
  if (it == node.end() || it->is_null()) {
    if (!create || parts[i].list) return;
    Json& created = node[parts[i].key];
    if (i + 1 < parts.size()) created = Json::object();
    walk(created, parts, i + 1, create, visit);
    return;
  }
  walk(*it, parts, i + 1, create, visit);
}

FieldSpec spec(const char* group, const char* version, const char* kind, const char* path, bool create) {
  return FieldSpec{group, version, kind, path, create};
}

// Pod template label paths of the workload kinds (kustomize's commonlabels.go).
void addTemplateLabels(std::vector<FieldSpec>& out) {
  out.push_back(spec("", "v1", "ReplicationController", "spec/template/metadata/labels", true));
  out.push_back(spec("", "", "Deployment", "spec/template/metadata/labels", true));
  out.push_back(spec("", "", "ReplicaSet", "spec/template/metadata/labels", true));
  out.push_back(spec("", "", "DaemonSet", "spec/template/metadata/labels", true));
  out.push_back(spec("apps", "", "StatefulSet", "spec/template/metadata/labels", true));
  out.push_back(spec("batch", "", "Job", "spec/template/metadata/labels", true));
  out.push_back(spec("batch", "", "CronJob", "spec/jobTemplate/metadata/labels", true));
  out.push_back(spec("batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/labels", true));
}

}  // namespace

bool specMatches(const FieldSpec& s, std::string_view group, std::string_view version, std::string_view kind) {
  return (s.group.empty() || s.group == group) && (s.version.empty() || s.version == version) && (s.kind.empty() || s.kind == kind);
}

void visitField(Json& object, const FieldSpec& s, const std::function<void(Json& value)>& visit) {
  walk(object, splitPath(s.path), 0, s.create, visit);
}

const std::vector<FieldSpec>& templateLabelSpecs() {
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> out{spec("", "", "", "metadata/labels", true)};
    addTemplateLabels(out);
    out.push_back(spec("apps", "", "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true));
    return out;
  }();
  return specs;
}

const std::vector<FieldSpec>& commonLabelSpecs() {
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> out{spec("", "", "", "metadata/labels", true)};
    out.push_back(spec("", "v1", "Service", "spec/selector", true));
    out.push_back(spec("", "v1", "ReplicationController", "spec/selector", true));
    for (const char* kind : {"Deployment", "ReplicaSet", "DaemonSet"}) out.push_back(spec("", "", kind, "spec/selector/matchLabels", true));
    out.push_back(spec("apps", "", "StatefulSet", "spec/selector/matchLabels", true));
    addTemplateLabels(out);
    out.push_back(spec("apps", "", "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true));
    for (const char* kind : {"Deployment", "StatefulSet"}) {
      for (const char* affinity : {"podAffinity", "podAntiAffinity"}) {
        out.push_back(spec("apps", "", kind,
                           (std::string("spec/template/spec/affinity/") + affinity +
                            "/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels")
                               .c_str(),
                           false));
        out.push_back(spec("apps", "", kind,
                           (std::string("spec/template/spec/affinity/") + affinity +
                            "/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels")
                               .c_str(),
                           false));
      }
      out.push_back(spec("apps", "", kind, "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false));
    }
    out.push_back(spec("batch", "", "Job", "spec/selector/matchLabels", false));
    out.push_back(spec("batch", "", "CronJob", "spec/jobTemplate/spec/selector/matchLabels", false));
    out.push_back(spec("policy", "", "PodDisruptionBudget", "spec/selector/matchLabels", false));
    out.push_back(spec("networking.k8s.io", "", "NetworkPolicy", "spec/podSelector/matchLabels", false));
    out.push_back(spec("networking.k8s.io", "", "NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false));
    out.push_back(spec("networking.k8s.io", "", "NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false));
    return out;
  }();
  return specs;
}

const std::vector<FieldSpec>& commonAnnotationSpecs() {
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> out{spec("", "", "", "metadata/annotations", true)};
    out.push_back(spec("", "v1", "ReplicationController", "spec/template/metadata/annotations", true));
    for (const char* kind : {"Deployment", "ReplicaSet", "DaemonSet"}) out.push_back(spec("", "", kind, "spec/template/metadata/annotations", true));
    out.push_back(spec("apps", "", "StatefulSet", "spec/template/metadata/annotations", true));
    out.push_back(spec("batch", "", "Job", "spec/template/metadata/annotations", true));
    out.push_back(spec("batch", "", "CronJob", "spec/jobTemplate/metadata/annotations", true));
    out.push_back(spec("batch", "", "CronJob", "spec/jobTemplate/spec/template/metadata/annotations", true));
    return out;
  }();
  return specs;
}

}  // namespace gs::render
