// The fuzzer's model of a world (RapidCheck stateful testing, doc/state.md): just enough
// to generate sensible commands and check their preconditions (what each app's files
// say, how many commits were made, which open-ended faults are active). It does not
// predict the world: the invariant checkers judge what happened.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "sim/fuzz/swarm.hpp"

namespace gs::fuzz {

struct Model {
  Swarm swarm;
  std::array<AppFiles, kApps> files;
  int deployCommits = 0;  // commits the fuzzer made to the deployment repo
  int sourceCommits = 0;
  int nextExtra = 1;      // numbers for new extra ConfigMaps
  int nextName = 1;       // numbers for fault ids and hand-made objects
  std::vector<std::string> openFaults;  // ids of faults active until a clear step

  bool faultEnabled(scenario::FaultType type) const { return swarm.faults.count(type) != 0; }
};

}  // namespace gs::fuzz
