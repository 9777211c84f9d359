// What the diff core needs to know about the shape of built-in Kubernetes kinds: which
// lists merge by key (strategic-merge-patch keys), which scalars are resource quantities
// or int-or-string. Custom resources have no schema: their lists are atomic.
// Schemas are immutable and built once; safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gs::kube {

// ResourceQuantity: a value of a ResourceList (limits, requests, overhead), which the API
// server rounds up to thousandths; Quantity: any other quantity (emptyDir sizeLimit).
enum class ScalarKind : unsigned char { Plain, Quantity, ResourceQuantity, IntOrString };

// One component of a list's merge key; `fallback` is the value an element that omits
// the field is treated as having (ports without `protocol` are TCP). The name "." means
// the element itself (lists of strings merged as sets, like finalizers).
struct MergeKeyField {
  std::string name;
  std::string fallback;
};

class FieldSchema {
 public:
  // Schema of the named field of an object, or of any value of a map (labels, limits),
  // or nullptr when nothing is known.
  const FieldSchema* field(std::string_view name) const;
  // The same for a member key's text: a key from the shared table is found by address.
  const FieldSchema* field(const std::string& name) const;
  // Schema of the elements of a list.
  const FieldSchema* element() const { return element_; }
  // Non-empty for lists that merge by key.
  std::span<const MergeKeyField> mergeKey() const { return mergeKey_; }
  // A keyed list that the API replaces as a whole (tolerations): order does not matter,
  // but an element only live has is drift even if nobody ever applied it.
  bool replacedWhole() const { return replacedWhole_; }
  ScalarKind scalar() const { return scalar_; }

 private:
  friend class SchemaBuilder;
  std::vector<std::pair<std::string, const FieldSchema*>> fields_;  // sorted by name
  // The fields whose names are in the shared key table, by the entry's address (sorted).
  std::vector<std::pair<std::uintptr_t, const FieldSchema*>> sharedFields_;
  const FieldSchema* anyField_ = nullptr;
  const FieldSchema* element_ = nullptr;
  std::vector<MergeKeyField> mergeKey_;
  bool replacedWhole_ = false;
  ScalarKind scalar_ = ScalarKind::Plain;
};

// Schema of a built-in kind's object, or nullptr for unknown kinds and custom resources.
const FieldSchema* schemaFor(std::string_view group, std::string_view kind);
// The schema kustomize v5 merges patches into an object of this kind with: Kubernetes
// v1.21's (kyaml's built-in OpenAPI data), so no schema for versions that release no
// longer served (apps/v1beta2...) and no keys for lists added since (they are replaced).
const FieldSchema* kustomizeSchemaFor(std::string_view group, std::string_view version, std::string_view kind);
// The schema the diff reads a kind with: schemaFor's, and for an Argo Rollout the core
// PodSpec of its template, as Argo CD's known-types normalizer reads it.
const FieldSchema* diffSchemaFor(std::string_view group, std::string_view kind);

}  // namespace gs::kube
