// RapidCheck generators of Kubernetes-like objects for the property suites: Deployments
// (containers, env, ports, quantities in several spellings, args, labels), ConfigMaps
// and custom resources, drawn from small pools so generated pairs overlap a lot, plus
// "what the API server returns" transformations (defaults, server metadata, status,
// last-applied annotation, keyed lists reordered).
#pragma once

#include <rapidcheck.h>

#include "sim/core/json.hpp"

namespace gs::fuzz {

rc::Gen<Json> genDeployment();
rc::Gen<Json> genConfigMap();
rc::Gen<Json> genCustomResource();
// Any of the above.
rc::Gen<Json> genObject();
// A pair of the same kind/name with independently drawn contents.
rc::Gen<std::pair<Json, Json>> genSameObjectPair();

// The object as an API server returns it after `kubectl apply` of `manifest`: defaults
// filled, server metadata and status added, last-applied annotation set.
Json asServerReturns(const Json& manifest);

// Reorders every keyed list (containers, env, ports, volumes, ...) by a permutation drawn
// from the generator.
Json shuffleKeyedLists(const Json& object);

}  // namespace gs::fuzz

namespace nlohmann {
// Counterexamples print as compact JSON (found by RapidCheck through ADL).
inline void showValue(const json& value, std::ostream& os) { os << value.dump(); }
}  // namespace nlohmann
