// Standard base64 (RFC 4648, with padding): Secret data, kustomize generators, the
// kubeconfig's certificate data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gs {

std::string base64Encode(std::string_view data);

// Where standard padded base64 decoding of `text` fails, as Go's base64.StdEncoding
// reports it (the byte offset of "illegal base64 data at input byte N"; line breaks are
// skipped), or nullopt when it decodes.
std::optional<std::size_t> base64ErrorOffset(std::string_view text);

}  // namespace gs
