// HorizontalPodAutoscaler between autoscaling/v1 and autoscaling/v2, as the API server
// converts through its internal version: v1's targetCPUUtilizationPercentage is v2's CPU
// utilization metric, and what v1 cannot say travels in the annotations the real
// conversion uses (autoscaling.alpha.kubernetes.io/metrics, current-metrics, conditions,
// behavior, holding the v2 fields as JSON), so a round trip keeps it. The fake API server
// serves v1 with it; the diff compares a v1 manifest with a stored v2 object through it
// (Argo CD reads live in Git's version).
#pragma once

#include "sim/core/json.hpp"

namespace gs::kube {

// Throw gs::Error (InvalidInput) for input that is not an HPA object or an annotation
// that does not hold JSON.
Json hpaToV1(const Json& v2);
Json hpaToV2(const Json& v1);

// An autoscaling/v1 HorizontalPodAutoscaler (or a List of them) as autoscaling/v2, in
// place; other objects are left alone.
void hpaToStorageVersion(Json& object);

}  // namespace gs::kube
