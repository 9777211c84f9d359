// How a plain (unquoted) YAML scalar reads: the YAML 1.1 rules of go-yaml v2, which
// kubectl and sigs.k8s.io/yaml use (`yes`/`on` are booleans, `0777` is octal, `1_000`
// is 1000). The emitter uses the same rules to know when a string needs quotes.
#pragma once

#include <optional>
#include <string>
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

// The Unicode line breaks YAML 1.1 readers (go-yaml, PyYAML) see in text: NEL (U+0085),
// LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029). unicodeBreakAt gives the
// letter of the escape for the one starting at byte `i` ('N', 'L', 'P'), else 0.
char unicodeBreakAt(std::string_view s, std::size_t i);
bool hasUnicodeBreak(std::string_view s);

// A plain scalar that go-yaml v2 reads as a timestamp (2006-1-2, 2006-1-2 15:4:5[.frac],
// 2006-1-2T15:4:5[.frac]Z or +hh:mm, lower-case t too, with valid ranges), as the RFC 3339
// text Go's time.Time prints in JSON ("2024-03-15T00:00:00Z"): what `kustomize build`
// prints for such a value. Nothing for any other text.
std::optional<std::string> timestampAsRfc3339(std::string_view text);

// True for YAML 1.1's sexagesimal numbers ("12:30", "1:20:30.5"), which go-yaml quotes.
bool isBase60Float(std::string_view text);

// True when `text` may be written as a plain scalar and read back as the same string.
bool isPlainSafeString(std::string_view text);

}  // namespace gs
