// One fuzz case's world (swarm testing, Groce et al. 2012): three applications deployed
// from one deployment repo, one of them fed by a CI pipeline, with a random subset of
// fault kinds enabled and random policies per app (automated or not, selfHeal, prune,
// rollback policy, retries), so rare combinations get tried. The world is written as a
// scenario-format document: the counterexample file the fuzzer writes is exactly what ran.
#pragma once

#include <array>
#include <set>
#include <string>

#include <rapidcheck.h>

#include "sim/core/json.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/sync/app_controller.hpp"

namespace gs::fuzz {

inline constexpr std::size_t kApps = 3;
// The apps' names; the first is built by the CI pipeline (its image tag is written back).
inline const std::array<std::string, kApps> kAppNames = {"web", "api", "worker"};
inline constexpr const char* kDeployRepo = "deploy";
inline constexpr const char* kSourceRepo = "web-src";
inline constexpr const char* kPipeline = "web";
// Tags every app's image has in the registry from the start.
inline const std::array<std::string, 3> kGoodTags = {"1.0", "1.1", "1.2"};
// A tag no registry has (a bad deploy).
inline constexpr const char* kMissingTag = "9.9";

struct AppPolicy {
  bool automated = true;
  bool selfHeal = false;
  bool prune = false;
  sync::RollbackPolicy rollback = sync::RollbackPolicy::None;
  int retryLimit = 0;
};

struct Swarm {
  std::array<AppPolicy, kApps> apps;
  std::set<scenario::FaultType> faults;  // the fault kinds this case may inject
  bool badDeploys = false;               // commits may name an image tag that does not exist
  bool failingTests = false;             // source commits may make CI's tests fail
  sync::DeliberateBug bug = sync::DeliberateBug::None;
};

rc::Gen<Swarm> genSwarm(sync::DeliberateBug bug);
std::string describe(const Swarm& swarm);

// Registry path of an app's image ("registry.example.com/fuzz/web").
std::string imageOf(const std::string& app);

// What an app's directory holds; the fuzzer's commits rewrite these files.
struct AppFiles {
  int replicas = 1;
  std::string tag = "1.0";
  int configValue = 0;
  int envValue = 0;
  std::set<int> extras;  // extra ConfigMaps ("<app>-extra-<n>") in config.yaml
};
std::string kustomizationYaml(const std::string& app, const AppFiles& files);
std::string deploymentYaml(const std::string& app, const AppFiles& files);
std::string configYaml(const std::string& app, const AppFiles& files);

// The scenario document (name, seed, invariants: all, world) without steps.
Json worldDocument(const Swarm& swarm, std::uint64_t seed, const std::string& name);

}  // namespace gs::fuzz
