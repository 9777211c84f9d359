// Pods made from a workload's pod template, as the controllers' PodControl makes them:
// the template's labels, annotations and spec, a controller ownerReference, and a
// generated name (`<owner>-`) unless the caller names the pod.
#pragma once

#include <string>

#include "sim/core/json.hpp"

namespace gs::fake {

Json podFromTemplate(const Json& podTemplate, const Json& owner, const std::string& generateName = {},
                     const std::string& name = {});

// Ranks pods for deletion as ReplicaSets do (controller.ActivePodsWithRanks): unassigned
// before assigned, Pending before Unknown before Running, not ready before ready,
// ready for less time first, more restarts first, newer first. True when `a` goes first.
bool deleteBefore(const Json& a, const Json& b);

}  // namespace gs::fake
