// How a plain (unquoted) YAML scalar reads: the YAML 1.1 rules of go-yaml v2, which
// kubectl and sigs.k8s.io/yaml use (`yes`/`on` are booleans, `0777` is octal, `1_000`
// is 1000). The emitter uses the same rules to know when a string needs quotes.
#pragma once

#include <string_view>

#include "sim/core/json.hpp"

namespace gs {

// Which words are booleans: YAML 1.1 as go-yaml v2 reads them (kubectl, Argo CD:
// y/yes/on/off/...), or YAML 1.2's core schema as go-yaml v3 reads them (kustomize's
// kyaml: only true/false in their three spellings; `yes` stays a string).
enum class YamlBooleans { Yaml11, Yaml12 };

// Resolves a plain scalar to null, bool, integer, float or string. Infinity and NaN
// resolve to float values that JSON cannot hold; callers reject them.
Json resolvePlainScalar(std::string_view text, YamlBooleans booleans = YamlBooleans::Yaml11);

// True when `text` may be written as a plain scalar and read back as the same string.
bool isPlainSafeString(std::string_view text);

}  // namespace gs
