#include "sim/kube/openapi_schemas.hpp"

#include <map>
#include <stdexcept>

#include "sim/core/json_lookup.hpp"
#include "sim/kube/schema_builder.hpp"

namespace gs::kube {

namespace {

std::string kindKey(std::string_view group, std::string_view version) { return std::string(group) + "|" + std::string(version); }

class Reader {
 public:
  Reader(SchemaBuilder& builder, const Json& definitions) : b_(builder), definitions_(definitions) {}

  // The schema of a definition or property; nullptr for a scalar or an unknown $ref.
  const FieldSchema* read(const Json& def, int depth) {
    if (!def.is_object() || depth > 100) return nullptr;
    if (const Json* ref = findMember(def, "$ref"); ref != nullptr && ref->is_string()) {
      std::string name = ref->get<std::string>();
      constexpr std::string_view kPrefix = "#/definitions/";
      if (name.starts_with(kPrefix)) name.erase(0, kPrefix.size());
      if (auto it = byName_.find(name); it != byName_.end()) return it->second;
      const Json* target = findMember(definitions_, name);
      if (target == nullptr) return nullptr;
      FieldSchema& node = b_.blank();
      byName_.emplace(name, &node);  // before filling: a definition may refer to itself
      fill(node, *target, depth + 1);
      return &node;
    }
    if (!def.contains("properties") && !def.contains("items") && !def.contains("additionalProperties")) return nullptr;
    FieldSchema& node = b_.blank();
    fill(node, def, depth + 1);
    return &node;
  }

  const FieldSchema* definition(const std::string& name) {
    return read(Json::object({{"$ref", "#/definitions/" + name}}), 0);
  }

 private:
  void fill(FieldSchema& node, const Json& def, int depth) {
    if (const Json* properties = findMember(def, "properties"); properties != nullptr && properties->is_object()) {
      std::vector<std::pair<std::string, const FieldSchema*>> fields;
      for (auto it = properties->begin(); it != properties->end(); ++it) {
        if (const FieldSchema* field = read(*it, depth)) fields.emplace_back(it.key(), field);
      }
      b_.setFields(node, std::move(fields));
    }
    if (const Json* values = findMember(def, "additionalProperties"); values != nullptr && values->is_object()) {
      b_.setAnyField(node, read(*values, depth));
    }
    if (const Json* items = findMember(def, "items"); items != nullptr) b_.setElement(node, read(*items, depth), mergeKeyOf(def));
  }

  // kyaml's PatchStrategyAndKeyList: a key only with a merge strategy.
  static std::vector<MergeKeyField> mergeKeyOf(const Json& def) {
    const std::string strategy(stringOf(findMember(def, "x-kubernetes-patch-strategy")));
    if (strategy.find("merge") == std::string::npos) return {};
    std::vector<MergeKeyField> key;
    if (const Json* keys = findMember(def, "x-kubernetes-list-map-keys"); keys != nullptr && keys->is_array()) {
      for (const auto& k : *keys) {
        if (k.is_string()) key.push_back(MergeKeyField{k.get<std::string>(), ""});
      }
    } else if (const std::string one(stringOf(findMember(def, "x-kubernetes-patch-merge-key"))); !one.empty()) {
      key.push_back(MergeKeyField{one, ""});
    }
    if (key.empty()) key.push_back(MergeKeyField{".", ""});  // a set of scalars
    return key;
  }

  SchemaBuilder& b_;
  const Json& definitions_;
  std::map<std::string, const FieldSchema*> byName_;
};

}  // namespace

OpenApiSchemas::OpenApiSchemas(const Json& document) : builder_(std::make_unique<SchemaBuilder>()) {
  const Json* definitions = document.is_object() ? findMember(document, "definitions") : nullptr;
  if (definitions == nullptr || !definitions->is_object()) throw std::invalid_argument("no \"definitions\" map (an OpenAPI v2 document is expected)");
  Reader reader(*builder_, *definitions);
  for (auto it = definitions->begin(); it != definitions->end(); ++it) {
    const Json* gvks = it->is_object() ? findMember(*it, "x-kubernetes-group-version-kind") : nullptr;
    if (gvks == nullptr || !gvks->is_array()) continue;
    const FieldSchema* schema = reader.definition(it.key());
    if (schema == nullptr) continue;
    for (const auto& gvk : *gvks) {
      if (!gvk.is_object()) continue;
      builder_->addKind(kindKey(stringOf(findMember(gvk, "group")), stringOf(findMember(gvk, "version"))), std::string(stringOf(findMember(gvk, "kind"))), schema);
      ++kinds_;
    }
  }
}

OpenApiSchemas::~OpenApiSchemas() = default;

const FieldSchema* OpenApiSchemas::find(std::string_view group, std::string_view version, std::string_view kind) const {
  return builder_->find(kindKey(group, version), kind);
}

}  // namespace gs::kube
