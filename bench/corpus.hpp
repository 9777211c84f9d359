// The deterministic benchmark corpus: realistic desired/live object pairs drawn from a
// fixed seed (Deployments ~5 KB live, Services, ConfigMaps 1 KB-200 KB, a custom
// resource), in three variants: in sync, one change, many changes. Live objects carry
// what an API server adds (defaults, managedFields, status, last-applied annotation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/json.hpp"

namespace gs::bench {

enum class Variant { InSync, OneChange, ManyChanges };

struct ObjectPair {
  std::string label;
  Json desired;
  Json live;
};

ObjectPair makeDeployment(std::uint64_t seed, Variant variant);
ObjectPair makeService(std::uint64_t seed, Variant variant);
// `dataBytes` of ConfigMap data spread over keys of ~1 KB.
ObjectPair makeConfigMap(std::uint64_t seed, std::size_t dataBytes, Variant variant);
ObjectPair makeCustomResource(std::uint64_t seed, Variant variant);

// An app of `count` objects (70% Deployments, 20% Services, 10% ConfigMaps), all in sync.
std::vector<ObjectPair> makeApp(std::uint64_t seed, std::size_t count);

}  // namespace gs::bench
