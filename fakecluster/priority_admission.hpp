// Pod priority as the API server admits it (the Priority admission plugin): a pod gets
// spec.priority and spec.preemptionPolicy from its PriorityClass, or from the global
// default class, or 0 / PreemptLowerPriority; a class that does not exist is 403
// Forbidden, so a workload copied from a cluster whose classes are not in Git cannot
// create its pods. PriorityClasses themselves are checked as the server checks them:
// values up to 1,000,000,000 (the two system classes excepted), the `system-` prefix
// reserved, value and preemptionPolicy immutable, at most one global default.
#pragma once

#include "fakecluster/object_store.hpp"

namespace gs::fake {

// The classes every cluster starts with.
std::vector<Json> systemPriorityClasses();

// Sets a new pod's priority fields; throws ApiError 403.
void admitPodPriority(const ObjectStore& store, Json& pod);

// Checks a PriorityClass write (`old` on update); throws ApiError 422 or 403.
void admitPriorityClass(const ObjectStore& store, const Json& priorityClass, const Json* old);

}  // namespace gs::fake
