// Resource health as Argo CD assesses it (gitops-engine's pkg/health): a status per
// object from its kind's rules, with the same messages, and the order in which an
// application's health is the worst of its resources'. Kinds without a rule (ConfigMaps,
// custom resources...) are Healthy when they exist, as in Argo CD.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/core/json.hpp"

namespace gs::sync {

enum class HealthStatus { Healthy, Suspended, Progressing, Missing, Degraded, Unknown };

const char* toString(HealthStatus status);
std::optional<HealthStatus> parseHealthStatus(std::string_view text);

struct Health {
  HealthStatus status = HealthStatus::Healthy;
  std::string message;
  bool operator==(const Health&) const = default;
};

// True when `candidate` is worse than `current` (Healthy < Suspended < Progressing <
// Missing < Degraded < Unknown), as gitops-engine's IsWorse.
bool isWorse(HealthStatus current, HealthStatus candidate);

// The health of a live object; nullopt when its kind has no rule (the app ignores it).
// An object being deleted is Progressing ("Pending deletion").
std::optional<Health> resourceHealth(const Json& live);
// The health an app records for a live object it tracks: none when the object carries
// `argocd.argoproj.io/ignore-healthcheck: "true"` (Argo CD neither shows nor counts it).
std::optional<Health> trackedHealth(const Json& live);

}  // namespace gs::sync
