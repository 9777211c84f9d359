// kustomize's dotted field paths (kyaml's SmarterPathSplitter, PathGetter and
// PathMatcher), used by replacements and vars: "spec.template.spec.containers.[name=web].image",
// "metadata.annotations.[config.kubernetes.io/local-config]" (brackets without '=' hold a
// key with dots), "spec.ports.0.port" (a list index), "spec.containers.*.image" (every
// element, matching only), "a\.b" (an escaped dot).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/json.hpp"

namespace gs::render {

std::vector<std::string> splitFieldPath(std::string_view path);

// A scalar's text as kyaml holds it ("3", "true", the string itself); "" for null, maps
// and lists.
std::string scalarText(const Json& value);

// The value at `parts`, or nullptr (PathGetter without create: no wildcards).
const Json* lookupField(const Json& object, const std::vector<std::string>& parts);

// Every value `parts` matches (PathMatcher: `*` takes each element of a list).
std::vector<Json*> matchFields(Json& object, const std::vector<std::string>& parts);

// The values at `parts`, created when missing (PathGetter with create; a wildcard takes
// every element there is): missing maps and lists on the way are made, a missing "[k=v]"
// element is appended as {k: v}, and the last value is created as `leaf` (null until
// set). Throws gs::Error (InvalidInput), with kyaml's message, where the path cannot be
// made: a list index out of range, a map step on a list or scalar.
std::vector<Json*> lookupCreateFields(Json& object, const std::vector<std::string>& parts, const Json& leaf);

}  // namespace gs::render
