// JSON Patch (RFC 6902) as evanphx/json-patch applies it, which both the API server and
// kustomize use: the same semantics (a `replace` of a missing map key sets it, "-" appends,
// `test` compares structurally) and the same error texts ("replace operation does not
// apply: doc is missing path: /spec/x: missing value"), so nothing of the JSON library
// underneath shows in a message.
#pragma once

#include <stdexcept>
#include <string>

#include "sim/core/json.hpp"

namespace gs::kube {

// A patch that does not apply; what() is evanphx's message.
class JsonPatchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies the operations of `patch` (a JSON array) to a copy of `document`.
Json applyJsonPatch(const Json& document, const Json& patch);

}  // namespace gs::kube
