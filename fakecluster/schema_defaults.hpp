// Structural-schema defaulting of custom resources, as the API server applies a CRD's
// openAPIV3Schema `default`s on create and update: a property absent (or null where it
// may not be null) takes its default, and defaulting goes on inside every object and list
// item the schema describes, those just defaulted included.
#pragma once

#include "sim/core/json.hpp"

namespace gs::fake {

void applySchemaDefaults(Json& value, const Json& schema);

}  // namespace gs::fake
