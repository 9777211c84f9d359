// Schemas read from an OpenAPI v2 document's `definitions`, as kustomize's `openapi: path`
// field supplies them for strategic merge patches (kyaml's custom schema): a definition
// with `x-kubernetes-group-version-kind` is the schema of those kinds; `$ref`s to
// `#/definitions/NAME` are followed (recursive definitions included); a list merges by
// key when its `x-kubernetes-patch-strategy` includes merge, its key being
// `x-kubernetes-list-map-keys` or else `x-kubernetes-patch-merge-key` (none: a set of
// scalars). Kinds the document does not define have no schema at all, as in kustomize,
// where a custom schema replaces the built-in one.
#pragma once

#include <memory>
#include <string_view>

#include "sim/core/json.hpp"
#include "sim/kube/schema.hpp"

namespace gs::kube {

class SchemaBuilder;

class OpenApiSchemas {
 public:
  // Throws std::invalid_argument when the document has no `definitions` map.
  explicit OpenApiSchemas(const Json& document);
  ~OpenApiSchemas();
  OpenApiSchemas(const OpenApiSchemas&) = delete;
  OpenApiSchemas& operator=(const OpenApiSchemas&) = delete;

  // The schema of an object of this kind, or nullptr when the document has none.
  const FieldSchema* find(std::string_view group, std::string_view version, std::string_view kind) const;
  std::size_t kinds() const { return kinds_; }

 private:
  std::unique_ptr<SchemaBuilder> builder_;
  std::size_t kinds_ = 0;
};

}  // namespace gs::kube
