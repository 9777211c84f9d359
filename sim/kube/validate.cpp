#include "sim/kube/validate.hpp"

#include <algorithm>
#include <iterator>

#include "sim/kube/object_key.hpp"
#include "sim/kube/schema.hpp"

namespace gs::kube {
namespace {

// Where the walk is, as a chain of frames on the stack: the JSON pointer is spelled out
// only for a problem found, not for each of the fields a valid object passes through.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // a member's name (at the root: the pointer's fixed prefix)
  std::optional<std::size_t> index;  // or a list element's index

  Path member(std::string_view name) const { return Path{this, name, std::nullopt}; }
  Path element(std::size_t i) const { return Path{this, {}, i}; }
  std::string pointer() const {
    if (parent == nullptr) return std::string(key);
    std::string out = parent->pointer();
    out += '/';
    out += index ? std::to_string(*index) : escapePointerToken(key);
    return out;
  }
};

std::optional<ValidationIssue> stringMap(const Json& object, const Path& at, const char* what, bool scalarTypes) {
  if (object.is_null()) return std::nullopt;
  if (!object.is_object()) return ValidationIssue{at.pointer(), std::string(what) + " must be a map of strings, found " + object.type_name()};
  if (!scalarTypes) return std::nullopt;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!it->is_string() && !it->is_null()) {
      return ValidationIssue{at.member(it.key()).pointer(),
                             std::string(what) + " values must be strings, found " + it->type_name() +
                                 " (quote it: \"" + it->dump() + "\")"};
    }
  }
  return std::nullopt;
}

std::optional<ValidationIssue> shape(const Json& value, const FieldSchema* schema, const Path& at) {
  if (schema == nullptr || value.is_null()) return std::nullopt;
  bool isList = schema->element() != nullptr || !schema->mergeKey().empty();
  if (isList) {
    if (!value.is_array()) return ValidationIssue{at.pointer(), std::string("must be a list, found ") + value.type_name()};
    for (std::size_t i = 0; i < value.size(); ++i) {
      const Path item = at.element(i);
      if (!schema->mergeKey().empty() && schema->mergeKey().front().name != ".") {
        if (!value[i].is_object()) return ValidationIssue{item.pointer(), std::string("list items must be maps, found ") + value[i].type_name()};
        const auto& keyField = schema->mergeKey().front();
        auto key = value[i].find(keyField.name);
        if (!schema->replacedWhole() && keyField.fallback.empty() && (key == value[i].end() || key->is_null())) {
          return ValidationIssue{item.pointer(), "missing '" + keyField.name + "', the key that identifies items of this list"};
        }
      }
      if (auto issue = shape(value[i], schema->element(), item)) return issue;
    }
    return std::nullopt;
  }
  if (schema->scalar() != ScalarKind::Plain) {
    if (value.is_object() || value.is_array()) return ValidationIssue{at.pointer(), std::string("must be a number or string, found ") + value.type_name()};
    return std::nullopt;
  }
  // A map-shaped schema node (named fields, or a map of values).
  if (!value.is_object()) return ValidationIssue{at.pointer(), std::string("must be a map, found ") + value.type_name()};
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (auto issue = shape(it.value(), schema->field(it.key()), at.member(it.key()))) return issue;
  }
  return std::nullopt;
}

// Scalar fields of built-in kinds whose JSON type kubectl's typed decoding enforces
// ("cannot unmarshal string into ... of type int32"); YAML makes these easy to get wrong.
bool isIntegerField(std::string_view key) {
  static constexpr std::string_view kFields[] = {
      "replicas", "minReplicas", "maxReplicas", "revisionHistoryLimit", "progressDeadlineSeconds", "minReadySeconds",
      "terminationGracePeriodSeconds", "activeDeadlineSeconds", "containerPort", "hostPort", "backoffLimit",
      "parallelism", "completions", "ttlSecondsAfterFinished", "successfulJobsHistoryLimit", "failedJobsHistoryLimit",
      "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold",
      "runAsUser", "runAsGroup", "fsGroup", "defaultMode", "nodePort"};
  return std::find(std::begin(kFields), std::end(kFields), key) != std::end(kFields);
}

bool isBooleanField(std::string_view key) {
  static constexpr std::string_view kFields[] = {
      "stdin", "stdinOnce", "tty", "hostNetwork", "hostPID", "hostIPC", "privileged", "readOnlyRootFilesystem",
      "runAsNonRoot", "allowPrivilegeEscalation", "automountServiceAccountToken", "suspend", "paused", "readOnly",
      "optional", "immutable", "enableServiceLinks", "shareProcessNamespace", "publishNotReadyAddresses"};
  return std::find(std::begin(kFields), std::end(kFields), key) != std::end(kFields);
}

bool isStringMapField(std::string_view parentKey, std::string_view key) {
  if (parentKey == "metadata") return key == "labels" || key == "annotations";
  return key == "nodeSelector" || key == "matchLabels";
}

// Walks a built-in object checking string maps, env values and typed scalars.
std::optional<ValidationIssue> scalars(const Json& value, std::string_view parentKey, const Path& at) {
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      const Json& item = value[i];
      const Path p = at.element(i);
      if (parentKey == "env" && item.is_object() && item.contains("value") && !item["value"].is_string() && !item["value"].is_null()) {
        return ValidationIssue{p.member("value").pointer(), std::string("env values must be strings, found ") + item["value"].type_name() +
                                                                " (quote it: \"" + item["value"].dump() + "\")"};
      }
      if (auto issue = scalars(item, parentKey, p)) return issue;
    }
    return std::nullopt;
  }
  if (!value.is_object()) return std::nullopt;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& key = it.key();
    const Path p = at.member(key);
    const Json& v = it.value();
    if (isStringMapField(parentKey, key)) {
      if (auto issue = stringMap(v, p, key.c_str(), true)) return issue;
      continue;
    }
    if (key == "data" || key == "binaryData" || key == "stringData" || key == "parameters") continue;  // string maps, checked apart
    if (!v.is_null() && isIntegerField(key) && !v.is_number_integer() && !v.is_object()) {
      return ValidationIssue{p.pointer(), "must be an integer, found " + std::string(v.type_name()) + " " + v.dump()};
    }
    if (!v.is_null() && isBooleanField(key) && !v.is_boolean()) {
      return ValidationIssue{p.pointer(), "must be true or false, found " + std::string(v.type_name()) + " " + v.dump()};
    }
    if (auto issue = scalars(v, key, p)) return issue;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ValidationIssue> validateObject(const Json& object, bool scalarTypes) {
  if (!object.is_object()) return ValidationIssue{"", "must be a map"};
  auto meta = object.find("metadata");
  if (meta != object.end() && meta->is_object()) {
    for (const char* field : {"labels", "annotations"}) {
      auto it = meta->find(field);
      if (it == meta->end()) continue;
      if (auto issue = stringMap(*it, Path{nullptr, "/metadata", std::nullopt}.member(field), field, scalarTypes)) return issue;
    }
  }
  auto key = objectKeyOf(object);
  if (key.group.empty() && (key.kind == "ConfigMap" || key.kind == "Secret")) {
    for (const char* field : {"data", "binaryData", "stringData"}) {
      auto it = object.find(field);
      if (it == object.end()) continue;
      if (auto issue = stringMap(*it, Path{}.member(field), field, scalarTypes)) return issue;
    }
  }
  if (key.group == "storage.k8s.io" && key.kind == "StorageClass" && object.contains("parameters")) {
    if (auto issue = stringMap(object["parameters"], Path{}.member("parameters"), "parameters", scalarTypes)) return issue;
  }
  if (!isBuiltinGroup(key.group)) return std::nullopt;
  if (scalarTypes) {
    if (auto issue = scalars(object, "", Path{})) return issue;
  }
  auto spec = object.find("spec");
  if (spec != object.end() && !spec->is_null() && !spec->is_object() && key.kind != "Namespace") {
    return ValidationIssue{"/spec", std::string("must be a map, found ") + spec->type_name()};
  }
  if (const auto* schema = schemaFor(key.group, key.kind)) return shape(object, schema, Path{});
  return std::nullopt;
}

}  // namespace gs::kube
