// Kubernetes' protobuf wire format for request bodies, as kubectl's typed clients send
// them (`kubectl create deployment|namespace|configmap|secret|job|cronjob|service|role|
// clusterrole|rolebinding|clusterrolebinding|ingress`, `kubectl run`, `kubectl expose`,
// `kubectl autoscale`): the "k8s\0" envelope (runtime.Unknown), decoded into
// the JSON object the rest of the server works with, for the kinds those commands
// create and for the DeleteOptions and Eviction bodies of `kubectl drain`. Other kinds get
// 415, and the client should send JSON.
#pragma once

#include <string_view>

#include "sim/core/json.hpp"

namespace gs::fake::http {

// Is this a Kubernetes protobuf body (the magic prefix)?
bool isKubernetesProtobuf(std::string_view body);

// The object a protobuf body holds, as JSON. Throws ApiError 400 for a malformed body and
// 415 for a kind this server cannot decode.
Json decodeKubernetesProtobuf(std::string_view body);

}  // namespace gs::fake::http
