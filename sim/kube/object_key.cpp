#include "sim/kube/object_key.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>

#include "sim/core/json_lookup.hpp"

namespace gs::kube {

GroupVersion parseApiVersion(std::string_view apiVersion) {
  auto slash = apiVersion.find('/');
  if (slash == std::string_view::npos) return {"", std::string(apiVersion)};
  return {std::string(apiVersion.substr(0, slash)), std::string(apiVersion.substr(slash + 1))};
}

std::string ObjectKey::str() const {
  std::string out = group.empty() ? kind : group + "/" + kind;
  out += ' ';
  if (!ns.empty()) out += ns + "/";
  out += name;
  return out;
}

std::string ObjectKey::fileName(std::string_view version) const {
  std::string out;
  if (!group.empty()) out += group + ".";
  out += std::string(version) + "." + kind + ".";
  if (!ns.empty()) out += ns + ".";
  out += name;
  return out;
}

namespace {

// Feeds one part of a key into the hash eight bytes at a time (std::hash calls per part
// cost twice as much, and the fake cluster's maps hash a key on every read and write).
std::uint64_t feed(std::uint64_t h, std::string_view part) {
  constexpr std::uint64_t kMultiplier = 0xbf58476d1ce4e5b9ULL;
  auto mix = [&](std::uint64_t word) {
    h = (h ^ word) * kMultiplier;
    h ^= h >> 31;
  };
  const char* p = part.data();
  std::size_t n = part.size();
  mix(n);  // the length separates "ab"+"c" from "a"+"bc"
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    mix(word);
  }
  if (n > 0) {
    std::uint64_t word = 0;
    for (std::size_t i = 0; i < n; ++i) word |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    mix(word);
  }
  return h;
}

}  // namespace

std::size_t ObjectKeyHash::operator()(const ObjectKey& key) const noexcept {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL;
  h = feed(h, key.name);
  h = feed(h, key.ns);
  h = feed(h, key.kind);
  h = feed(h, key.group);
  return static_cast<std::size_t>(h ^ (h >> 29));
}

ObjectKey objectKeyOf(const Json& object) {
  // Runs for nearly every stored change and comparison: fields are read in place and each
  // part of the key is one copy.
  ObjectKey key;
  if (!object.is_object()) return key;
  const std::string_view apiVersion = stringOf(findMember(object, "apiVersion"_key));
  const auto slash = apiVersion.find('/');
  if (slash != std::string_view::npos) key.group.assign(apiVersion.substr(0, slash));
  key.kind.assign(stringOf(findMember(object, "kind"_key)));
  if (const Json* meta = findMember(object, "metadata"_key)) {
    key.ns.assign(stringOf(findMember(*meta, "namespace"_key)));
    key.name.assign(stringOf(findMember(*meta, "name"_key)));
  }
  return key;
}

namespace {
struct ScopedKind {
  std::string_view group;
  std::string_view kind;
};
constexpr std::array<ScopedKind, 24> kClusterScoped = {{
    {"", "Namespace"},
    {"", "Node"},
    {"", "PersistentVolume"},
    {"", "ComponentStatus"},
    {"rbac.authorization.k8s.io", "ClusterRole"},
    {"rbac.authorization.k8s.io", "ClusterRoleBinding"},
    {"apiextensions.k8s.io", "CustomResourceDefinition"},
    {"apiregistration.k8s.io", "APIService"},
    {"storage.k8s.io", "StorageClass"},
    {"storage.k8s.io", "CSIDriver"},
    {"storage.k8s.io", "CSINode"},
    {"storage.k8s.io", "VolumeAttachment"},
    {"scheduling.k8s.io", "PriorityClass"},
    {"networking.k8s.io", "IngressClass"},
    {"admissionregistration.k8s.io", "MutatingWebhookConfiguration"},
    {"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
    {"admissionregistration.k8s.io", "ValidatingAdmissionPolicy"},
    {"admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"},
    {"certificates.k8s.io", "CertificateSigningRequest"},
    {"node.k8s.io", "RuntimeClass"},
    {"flowcontrol.apiserver.k8s.io", "FlowSchema"},
    {"flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"},
    {"authentication.k8s.io", "TokenReview"},
    {"authorization.k8s.io", "SubjectAccessReview"},
}};

constexpr std::array<std::string_view, 22> kBuiltinGroups = {
    "", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
    "storage.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "scheduling.k8s.io",
    "admissionregistration.k8s.io", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
    "events.k8s.io", "node.k8s.io", "flowcontrol.apiserver.k8s.io", "authentication.k8s.io",
    "authorization.k8s.io", "resource.k8s.io", "extensions"};
}  // namespace

bool isNamespacedKind(std::string_view group, std::string_view kind) {
  for (const auto& s : kClusterScoped) {
    if (s.group == group && s.kind == kind) return false;
  }
  return true;
}

bool isBuiltinGroup(std::string_view group) {
  for (auto g : kBuiltinGroups) {
    if (g == group) return true;
  }
  return false;
}

}  // namespace gs::kube
