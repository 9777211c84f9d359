// Kinds the fake API server serves in a second API version besides the one it stores them
// in, with the conversion between the two, as the real server converts through its
// internal version: HorizontalPodAutoscaler in autoscaling/v1 (`kubectl autoscale`
// creates v1 objects), stored as autoscaling/v2 (the conversion: sim/kube/hpa_versions.hpp).
#pragma once

#include <span>
#include <string_view>

#include "sim/core/json.hpp"

namespace gs::fake::http {

struct ServedVersion {
  std::string_view group;
  std::string_view version;        // the extra version served
  std::string_view storedVersion;  // the version the store holds
  std::string_view plural;
  std::string_view kind;
};

// The extra served version of `plural` in group/version, or nullptr.
const ServedVersion* servedVersion(std::string_view group, std::string_view version, std::string_view plural);
// Every extra served version of a group's kinds.
std::span<const ServedVersion> servedVersionsOf(std::string_view group);

// A stored object (or a list of them) as the served version shows it.
Json toServedVersion(const ServedVersion& served, const Json& stored);
// An object written in the served version, as the store holds it.
Json toStoredVersion(const ServedVersion& served, const Json& object);

}  // namespace gs::fake::http
