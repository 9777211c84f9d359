// The builder of schema trees (sim/kube/schema.cpp's built-in tables and the OpenAPI
// documents kustomize's `openapi` field names). It owns every node; a finished set is
// immutable and its nodes' addresses stable.
#pragma once

#include <algorithm>
#include <deque>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/json_key.hpp"
#include "sim/core/json_key_table.hpp"
#include "sim/kube/schema.hpp"

namespace gs::kube {

// Builds the schema trees. Owns every node; the finished set is immutable.
class SchemaBuilder {
 public:
  using Fields = std::initializer_list<std::pair<std::string, const FieldSchema*>>;

  const FieldSchema* object(Fields fields) { return object(std::vector<std::pair<std::string, const FieldSchema*>>(fields.begin(), fields.end())); }
  const FieldSchema* object(std::vector<std::pair<std::string, const FieldSchema*>> fields) {
    auto& node = nodes_.emplace_back();
    setFields(node, std::move(fields));
    return &node;
  }
  // A node to fill later (a recursive definition refers to itself).
  FieldSchema& blank() { return nodes_.emplace_back(); }
  void setFields(FieldSchema& node, std::vector<std::pair<std::string, const FieldSchema*>> fields) {
    node.fields_ = std::move(fields);
    std::sort(node.fields_.begin(), node.fields_.end());
    node.sharedFields_.clear();
    for (const auto& [name, schema] : node.fields_) {
      if (auto key = JsonKey::findShared(name)) node.sharedFields_.emplace_back(detail::sharedKeyAddress(key->str()), schema);
    }
    std::sort(node.sharedFields_.begin(), node.sharedFields_.end());
  }
  void setAnyField(FieldSchema& node, const FieldSchema* values) { node.anyField_ = values; }
  void setElement(FieldSchema& node, const FieldSchema* element, std::vector<MergeKeyField> key) {
    node.element_ = element;
    node.mergeKey_ = std::move(key);
  }
  const FieldSchema* mapOf(const FieldSchema* values) {
    auto& node = nodes_.emplace_back();
    node.anyField_ = values;
    return &node;
  }
  const FieldSchema* list(const FieldSchema* element) {
    auto& node = nodes_.emplace_back();
    node.element_ = element;
    return &node;
  }
  const FieldSchema* keyedList(std::initializer_list<MergeKeyField> key, const FieldSchema* element = nullptr) {
    auto& node = nodes_.emplace_back();
    node.mergeKey_.assign(key.begin(), key.end());
    node.element_ = element;
    return &node;
  }
  // A set of elements identified by key, replaced as a whole on apply.
  const FieldSchema* keyedSet(std::initializer_list<MergeKeyField> key) {
    auto& node = nodes_.emplace_back();
    node.mergeKey_.assign(key.begin(), key.end());
    node.replacedWhole_ = true;
    return &node;
  }
  const FieldSchema* scalar(ScalarKind kind) {
    auto& node = nodes_.emplace_back();
    node.scalar_ = kind;
    return &node;
  }

  void addKind(std::string group, std::string kind, const FieldSchema* schema) {
    kinds_.emplace(std::make_pair(std::move(group), std::move(kind)), schema);
  }
  const FieldSchema* find(std::string_view group, std::string_view kind) const {
    auto it = kinds_.find(std::make_pair(std::string(group), std::string(kind)));
    return it == kinds_.end() ? nullptr : it->second;
  }

 private:
  std::deque<FieldSchema> nodes_;  // deque: stable addresses
  std::map<std::pair<std::string, std::string>, const FieldSchema*> kinds_;
};

}  // namespace gs::kube
