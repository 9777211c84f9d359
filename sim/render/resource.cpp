#include "sim/render/resource.hpp"

#include <algorithm>

#include "sim/core/json_lookup.hpp"
#include "sim/render/transformers.hpp"

namespace gs::render {

std::string Resource::group() const {
  const std::string api = apiVersion();
  auto slash = api.find('/');
  return slash == std::string::npos ? std::string() : api.substr(0, slash);
}

std::string Resource::version() const {
  const std::string api = apiVersion();
  auto slash = api.find('/');
  return slash == std::string::npos ? api : api.substr(slash + 1);
}

// Like kustomize's GetString, a field that is missing or not a string (a null
// `namespace:`) reads as empty.
std::string Resource::apiVersion() const { return stringMember(object, "apiVersion"); }
std::string Resource::kind() const { return stringMember(object, "kind"); }

std::string Resource::name() const {
  const Json* m = findMember(object, "metadata");
  return m != nullptr ? stringMember(*m, "name") : "";
}

std::string Resource::namespace_() const {
  const Json* m = findMember(object, "metadata");
  return m != nullptr ? stringMember(*m, "namespace") : "";
}

std::string Resource::describe() const {
  const std::string ns = namespace_();
  return kind() + " " + (ns.empty() ? "" : ns + "/") + name();
}

void Resource::setName(const std::string& newName) {
  const std::string old = name();
  if (old == newName) return;
  previousNames.push_back(old);
  object["metadata"]["name"] = newName;
}

void Resource::setNamespace(const std::string& ns) {
  const std::string old = namespace_();
  if (old == ns) return;
  previousNamespaces.push_back(old);
  object["metadata"]["namespace"] = ns;
}

bool Resource::hadName(const std::string& value) const {
  return name() == value || std::find(previousNames.begin(), previousNames.end(), value) != previousNames.end();
}

bool Resource::hadNamespace(const std::string& value) const {
  auto effective = [](const std::string& ns) { return ns.empty() ? std::string("default") : ns; };
  if (effective(namespace_()) == effective(value)) return true;
  for (const auto& ns : previousNamespaces) {
    if (effective(ns) == effective(value)) return true;
  }
  return false;
}

bool Resource::idSelectedBy(const std::string& selGroup, const std::string& selVersion, const std::string& selKind,
                            const std::string& selName, const std::string& selNs) const {
  if (!selGroup.empty() && selGroup != group()) return false;
  if (!selVersion.empty() && selVersion != version()) return false;
  if (!selKind.empty() && selKind != kind()) return false;
  if (!selName.empty() && !hadName(selName)) return false;
  if (selNs.empty()) return true;
  // A cluster-scoped object has no namespace a selector could name.
  if (kustomizeClusterScoped(apiVersion(), kind())) return false;
  return hadNamespace(selNs);
}

Resource makeResource(Json object, std::string origin) {
  Resource r;
  r.object = std::move(object);
  r.origin = std::move(origin);
  r.originalName = r.name();
  r.originalNamespace = r.namespace_();
  return r;
}

}  // namespace gs::render
