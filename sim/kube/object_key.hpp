// Object identity as Kubernetes and Argo CD use it: group, kind, namespace, name
// (the API version is not part of identity), and which built-in kinds are cluster-scoped.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "sim/core/json.hpp"

namespace gs::kube {

// "apps/v1" -> {"apps", "v1"}; "v1" -> {"", "v1"}.
struct GroupVersion {
  std::string group;
  std::string version;
};
GroupVersion parseApiVersion(std::string_view apiVersion);

struct ObjectKey {
  std::string group;
  std::string kind;
  std::string ns;  // empty for cluster-scoped objects
  std::string name;

  auto operator<=>(const ObjectKey&) const = default;
  // "apps/Deployment default/web", "Namespace prod" (kubectl-like, for messages).
  std::string str() const;
  // "apps.v1.Deployment.default.web"-style file name kubectl diff uses, with the version given.
  std::string fileName(std::string_view version) const;
};

// For unordered containers of keys (the fake API server's object table).
struct ObjectKeyHash {
  std::size_t operator()(const ObjectKey& key) const noexcept;
};

// Key of an object (apiVersion, kind, metadata.namespace, metadata.name). Missing
// fields give empty strings.
ObjectKey objectKeyOf(const Json& object);

// False for the built-in cluster-scoped kinds (Namespace, Node, ClusterRole, CRDs, ...).
// Unknown kinds are assumed namespaced, as most custom resources are.
bool isNamespacedKind(std::string_view group, std::string_view kind);

// True for kinds served by a stock API server (so their schema, merge keys and
// defaults are known); false for custom resources.
bool isBuiltinGroup(std::string_view group);

}  // namespace gs::kube
