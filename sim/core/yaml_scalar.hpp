// How a plain (unquoted) YAML scalar reads: the YAML 1.1 rules of go-yaml v2, which
// kubectl and sigs.k8s.io/yaml use (`yes`/`on` are booleans, `0777` is octal, `1_000`
// is 1000). The emitter uses the same rules to know when a string needs quotes.
#pragma once

#include <string_view>

#include "sim/core/json.hpp"

namespace gs {

// Resolves a plain scalar to null, bool, integer, float or string. Infinity and NaN
// resolve to float values that JSON cannot hold; callers reject them.
Json resolvePlainScalar(std::string_view text);

// True when `text` may be written as a plain scalar and read back as the same string.
bool isPlainSafeString(std::string_view text);

}  // namespace gs
