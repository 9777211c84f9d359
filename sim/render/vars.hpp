// kustomize's (deprecated, still honoured) vars: `$(NAME)` in the var-reference fields
// (container args, command and env values, Ingress hosts, labels and annotations, ...,
// plus those `configurations` add) becomes a field of another object, typically its
// final name or namespace. Each kustomization level tags the one object each of its vars
// names (by the id it was declared with); once the whole build is done (names final,
// references fixed) the values are read and substituted, as kustomize's ResolveVars.
#pragma once

#include <vector>

#include "sim/render/kustomization.hpp"
#include "sim/render/transformers.hpp"

namespace gs::render {

// Adds `k`'s vars to `set` and tags their objects in `resources`. Throws InvalidInput
// for a var declared twice or one whose objref matches several objects.
void mergeVars(Resources& resources, std::vector<Var>& set, const Kustomization& k);

// Substitutes every var of `set` in the `varReference` fields of `resources`. Throws
// InvalidInput for a var that names no object, or a field the object does not have.
void resolveVars(Resources& resources, const std::vector<Var>& set, const std::vector<FieldSpec>& varReference);

// kustomize's expansion of one string: "$(NAME)" replaced by `values[NAME]` (the value
// itself, typed, when the string is exactly one reference), "$$" is a literal "$", and
// unknown names stay as written.
Json expandVars(const std::string& input, const std::map<std::string, Json>& values);

}  // namespace gs::render
