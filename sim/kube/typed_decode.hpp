// Decoding a built-in object into its Go type, as the API server does with a request's
// body before anything else: a value of the wrong JSON type is a decode error with Go's
// message ("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas
// of type int32"); fields the type does not have are dropped and reported (the server
// refuses them under fieldValidation=Strict, warns under Warn, ignores them under Ignore).
#pragma once

#include <string>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/kube/api_types.hpp"

namespace gs::kube {

struct TypedDecodeResult {
  std::string error;                       // the decode error, empty if none
  // The strict decoder's message per unknown field, at most 100:
  // unknown field "spec.template.spec.containers[0].imagePullPolicyy"
  std::vector<std::string> unknownFields;
};

// Decodes `object` as `root`: the first decode error in key order (as Go reports it),
// the unknown fields, which are removed from `object`, and integer fields written as
// integral floats (3.0) made integers, as a client's JSON would carry them.
// Decoding also leaves out the zero scalars Go's encoder omits (`hostNetwork: false`,
// `minReadySeconds: 0`, `value: ""`: omitempty fields that are not pointers).
TypedDecodeResult decodeTyped(Json& object, const ApiStruct& root);

// Only that last step, for an object that is not decoded otherwise: what Argo CD's diff
// does to a manifest when it converts it to its Go type and back (remarshal).
void dropZeroOmitted(Json& object, const ApiStruct& root);

}  // namespace gs::kube
