// Validation of how workloads may roll out and be disrupted, with the API server's
// messages: a Deployment's strategy (maxSurge and maxUnavailable as integers or percents,
// not both 0, no rollingUpdate under Recreate: the classic failure when a Git change
// switches a Deployment to Recreate and apply keeps the live rollingUpdate), its
// progressDeadlineSeconds above minReadySeconds, a DaemonSet's update strategy (exactly one
// of maxSurge and maxUnavailable non-zero), a StatefulSet's partition, and a
// PodDisruptionBudget's minAvailable and maxUnavailable (one of them, each valid).
#pragma once

#include <string_view>
#include <vector>

#include "fakecluster/api_error.hpp"
#include "sim/core/json.hpp"

namespace gs::fake {

// Adds the causes for `object` (of group/kind, after defaulting) to `causes`.
void checkRolloutBounds(std::string_view group, std::string_view kind, const Json& object, std::vector<StatusCause>& causes);

}  // namespace gs::fake
