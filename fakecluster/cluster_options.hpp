// The knobs of a fake cluster: its nodes and the virtual durations its kubelet takes.
// Per-pod overrides come from pod annotations (see kubelet.hpp), so a manifest in Git
// can say how its containers behave.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sim/core/clock.hpp"

namespace gs::fake {

using namespace std::chrono_literals;

struct ClusterOptions {
  std::uint64_t seed = 1;
  int nodes = 3;                          // Node objects node-1 .. node-N
  std::size_t historyLimit = 10000;       // watch events kept before 410 Gone (the API server keeps minutes, not days)
  Duration eventTtl = std::chrono::hours(1);  // core/v1 Events expire after this
  bool recordEvents = true;
  Duration imagePullTime = 2s;            // a pull that succeeds or fails
  Duration containerStartTime = 1s;       // create + start after the image is there
  Duration podShutdownTime = 1s;          // containers stop this long after a delete (within the grace period)
  Duration initContainerRunTime = 1s;     // an init container runs this long, then exits 0
  Duration jobRunTime = 5s;               // a container of a Never/OnFailure pod runs this long, then exits 0
};

}  // namespace gs::fake
