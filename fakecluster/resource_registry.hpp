// The kinds the fake API server serves, with what discovery says about each (version,
// plural, scope, status subresource). Built-in kinds are registered up front; creating a
// CustomResourceDefinition registers its kind.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/kube/api_types.hpp"

namespace gs::fake {

struct ResourceType {
  std::string group;
  std::string version;  // the served (storage) version
  std::string kind;
  std::string plural;
  bool namespaced = true;
  bool hasStatus = false;  // a status subresource: spec writes ignore status, and back
  bool custom = false;     // defined by a CustomResourceDefinition (stored as sent) rather than built in
  const kube::ApiStruct* shape = nullptr;  // a built-in kind's Go type (set when registered)
  std::vector<std::string> selectableFields;  // a custom kind's CRD selectableFields ("spec.color")
  std::shared_ptr<const Json> schema;  // a custom kind's openAPIV3Schema (its defaults are applied)
  // Every version discovery lists the kind under: the stored one, autoscaling/v1 for
  // HorizontalPodAutoscalers, each served version of a CRD.
  std::vector<std::string> servedVersions;

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "deployments.apps" / "configmaps", as API errors name resources.
  std::string resourceName() const { return group.empty() ? plural : plural + "." + group; }
};

// The status the apiextensions API server gives a CustomResourceDefinition it accepts,
// at `now`: acceptedNames (spec.names with listKind and singular filled in), the
// NamesAccepted and Established conditions (its naming and establishing controllers), and
// storedVersions (the storage version).
Json acceptedCrdStatus(const Json& crd, const std::string& now);

class ResourceRegistry {
 public:
  ResourceRegistry();

  const ResourceType* byKind(std::string_view group, std::string_view kind) const;
  // The kind as discovery serves it in group/version, or nullptr; `groupVersionServed`
  // (when given) tells whether any kind is served in that group/version.
  const ResourceType* served(std::string_view group, std::string_view version, std::string_view kind, bool* groupVersionServed = nullptr) const;
  const ResourceType* byPlural(std::string_view group, std::string_view plural) const;
  std::vector<ResourceType> all() const;

  // Registers the kind a CustomResourceDefinition defines; throws ApiError (422) when
  // the definition lacks group, names or a served version.
  void registerCustomResource(const Json& crd);
  void remove(std::string_view group, std::string_view kind);

 private:
  void add(ResourceType type);
  std::map<std::pair<std::string, std::string>, ResourceType> byKind_;
};

}  // namespace gs::fake
