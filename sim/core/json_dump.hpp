// Compact serialization of gs::Json, byte for byte what `Json::dump()` gives (no indent,
// non-ASCII text written as it is, invalid UTF-8 rejected), but faster on what gitops-sim
// dumps most: event details, last-applied annotations and hashing input, which are objects
// of short ASCII strings and integers. Plain runs of a string are copied in one append
// instead of byte by byte; anything unusual (non-ASCII text, floats, binary values) is
// handed to nlohmann's serializer, so the output never differs.
#pragma once

#include <string>

#include "sim/core/json.hpp"

namespace gs {

// Appends the compact dump of `value` to `out`.
void dumpCompact(const Json& value, std::string& out);
// The compact dump of `value`: equal to value.dump().
std::string dumpCompact(const Json& value);

}  // namespace gs
