#include "sim/kube/validate.hpp"

#include "sim/kube/object_key.hpp"
#include "sim/kube/schema.hpp"

namespace gs::kube {
namespace {

std::optional<ValidationIssue> stringMap(const Json& object, const std::string& pointer, const char* what) {
  if (object.is_null()) return std::nullopt;
  if (!object.is_object()) return ValidationIssue{pointer, std::string(what) + " must be a map of strings, found " + object.type_name()};
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!it->is_string() && !it->is_null()) {
      return ValidationIssue{pointer + "/" + escapePointerToken(it.key()),
                             std::string(what) + " values must be strings, found " + it->type_name() +
                                 " (quote it: \"" + it->dump() + "\")"};
    }
  }
  return std::nullopt;
}

std::optional<ValidationIssue> shape(const Json& value, const FieldSchema* schema, const std::string& pointer) {
  if (schema == nullptr || value.is_null()) return std::nullopt;
  bool isList = schema->element() != nullptr || !schema->mergeKey().empty();
  if (isList) {
    if (!value.is_array()) return ValidationIssue{pointer, std::string("must be a list, found ") + value.type_name()};
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string p = pointer + "/" + std::to_string(i);
      if (!schema->mergeKey().empty()) {
        if (!value[i].is_object()) return ValidationIssue{p, std::string("list items must be maps, found ") + value[i].type_name()};
        const auto& keyField = schema->mergeKey().front();
        auto key = value[i].find(keyField.name);
        if (!schema->replacedWhole() && keyField.fallback.empty() && (key == value[i].end() || key->is_null())) {
          return ValidationIssue{p, "missing '" + keyField.name + "', the key that identifies items of this list"};
        }
      }
      if (auto issue = shape(value[i], schema->element(), p)) return issue;
    }
    return std::nullopt;
  }
  if (schema->scalar() != ScalarKind::Plain) {
    if (value.is_object() || value.is_array()) return ValidationIssue{pointer, std::string("must be a number or string, found ") + value.type_name()};
    return std::nullopt;
  }
  // A map-shaped schema node (named fields, or a map of values).
  if (!value.is_object()) return ValidationIssue{pointer, std::string("must be a map, found ") + value.type_name()};
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (auto issue = shape(it.value(), schema->field(it.key()), pointer + "/" + escapePointerToken(it.key()))) return issue;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ValidationIssue> validateObject(const Json& object) {
  if (!object.is_object()) return ValidationIssue{"", "must be a map"};
  auto meta = object.find("metadata");
  if (meta != object.end() && meta->is_object()) {
    for (const char* field : {"labels", "annotations"}) {
      auto it = meta->find(field);
      if (it == meta->end()) continue;
      if (auto issue = stringMap(*it, std::string("/metadata/") + field, field)) return issue;
    }
  }
  auto key = objectKeyOf(object);
  if (key.group.empty() && (key.kind == "ConfigMap" || key.kind == "Secret")) {
    for (const char* field : {"data", "binaryData", "stringData"}) {
      auto it = object.find(field);
      if (it == object.end()) continue;
      if (auto issue = stringMap(*it, std::string("/") + field, field)) return issue;
    }
  }
  if (!isBuiltinGroup(key.group)) return std::nullopt;
  auto spec = object.find("spec");
  if (spec != object.end() && !spec->is_null() && !spec->is_object() && key.kind != "Namespace") {
    return ValidationIssue{"/spec", std::string("must be a map, found ") + spec->type_name()};
  }
  if (const auto* schema = schemaFor(key.group, key.kind)) return shape(object, schema, "");
  return std::nullopt;
}

}  // namespace gs::kube
