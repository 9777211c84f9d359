// The Eviction API (pods/eviction, what `kubectl drain` uses), with the rules of the real
// API server (pkg/registry/core/pod/storage/eviction.go): a pod that is already being
// deleted, or is Pending, Succeeded or Failed, goes at once; a pod no PodDisruptionBudget
// picks goes at once; a pod two budgets pick is refused (500); otherwise its budget must
// have been processed for its current generation and allow a disruption, which is counted
// against it (status.disruptionsAllowed - 1, the pod in status.disruptedPods) before the pod
// is deleted. A refusal is 429 TooManyRequests with the budget's numbers, as kubectl drain
// expects (it retries). An unready pod goes without spending a disruption while its budget
// is met (unhealthyPodEvictionPolicy IfHealthyBudget, the default) or always (AlwaysAllow);
// otherwise it needs a disruption like any other.
#pragma once

#include <string_view>

#include "fakecluster/cluster.hpp"

namespace gs::fake {

// Evicts the pod or throws ApiError (404, 429, 500) as the real server would answer.
void evictPod(FakeCluster& cluster, std::string_view ns, std::string_view name, const DeleteOptions& options);

}  // namespace gs::fake
