// How a write's body is decoded into its kind's Go type before anything else, as the API
// server does (sim/kube/typed_decode.hpp): a wrongly typed value is a 400 BadRequest; an
// unknown field is dropped, and the `fieldValidation` directive decides what else happens
// (Strict: 400; Warn: a warning; Ignore: nothing). Custom resources are stored as sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/resource_registry.hpp"
#include "sim/core/json.hpp"

namespace gs::fake {

enum class FieldValidation {
  Trusted,  // the fake's own controllers: what they write is well typed, nothing is decoded
  Ignore,
  Warn,  // a real server's default when a request names no directive
  Strict,  // kubectl's default (--validate=strict) and Argo CD's unless Validate=false
};

// The `fieldValidation` query parameter's value; "" is Warn, anything unknown nullopt.
std::optional<FieldValidation> parseFieldValidation(std::string_view text);

// Decodes `object`, a body for `type`; throws ApiError 400 as the server answers, and
// appends the warnings it would send (`unknown field "spec.foo"`) to `warnings` if given.
void decodeBody(const ResourceType& type, Json& object, FieldValidation mode, std::vector<std::string>* warnings);

}  // namespace gs::fake
