// The pods/log subresource (`kubectl logs`). Containers are simulated and print nothing,
// so a container that ran answers with an empty log; what the real API server and kubelet
// refuse, this refuses with the same 400 messages: no container named when the pod has
// several, an unknown container, a pod not yet bound to a node, a container still waiting
// to start (with the waiting reason, and the kubelet's wording for image pulls), and
// `previous=true` without a terminated previous instance.
#pragma once

#include "fakecluster/http/http_types.hpp"
#include "sim/core/json.hpp"

namespace gs::fake::http {

// The log response for `pod` and the request's `container` and `previous` parameters.
// Throws ApiError (400) where the real server refuses.
Response podLog(const Json& pod, const Request& request);

}  // namespace gs::fake::http
