// Standard base64 (RFC 4648, with padding): Secret data, kustomize generators, the
// kubeconfig's certificate data.
#pragma once

#include <string>
#include <string_view>

namespace gs {

std::string base64Encode(std::string_view data);

}  // namespace gs
