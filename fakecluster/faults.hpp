// Fault rules scenarios and fuzzers drive against the fake cluster (design.md §1):
// failing API writes by rule or probability (409/500/503), image pulls that fail,
// containers that crash or never become ready, and stalled controllers. Each rule
// matches by namespace, name/image glob and label selector, and can end at a virtual
// time or after a number of hits. Randomness comes from the cluster's seeded stream.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakecluster/api_error.hpp"
#include "sim/core/clock.hpp"
#include "sim/core/glob.hpp"
#include "sim/core/json.hpp"
#include "sim/core/rng.hpp"

namespace gs::fake {

using FaultId = std::uint64_t;

struct WriteFault {
  std::string verb = "*";  // create, update, patch, delete, status, or *
  std::string kind = "*";  // kind glob
  std::string ns = "*";
  std::string name = "*";
  int code = 500;  // 409 Conflict, 500 InternalError, 503 ServiceUnavailable (or any)
  double probability = 1.0;
  std::optional<int> times;           // stop after this many failures
  std::optional<VirtualTime> until;   // stop at this instant
};

struct PodFault {
  enum class Kind { ImagePullFails, Crash, NeverReady };
  Kind kind = Kind::Crash;
  std::string ns = "*";
  std::string pod = "*";    // pod name glob
  std::string image = "*";  // container image glob (as written in the spec)
  std::string labelSelector;
  Duration crashAfter{0};  // Crash: how long a container runs before it exits 1
  std::optional<VirtualTime> until;
};

class Faults {
 public:
  explicit Faults(Rng rng) : rng_(std::move(rng)) {}

  FaultId add(WriteFault fault);
  FaultId add(PodFault fault);
  void clear(FaultId id);
  void clearAll();

  // The error a client write should fail with, if a rule fires (the rule's hit count
  // is consumed).
  std::optional<ApiError> onWrite(std::string_view verb, std::string_view kind, std::string_view ns, std::string_view name,
                                  VirtualTime now);
  // The first active pod fault of `kind` matching this pod and container image.
  const PodFault* podFault(PodFault::Kind kind, const Json& pod, std::string_view image, VirtualTime now) const;
  bool empty() const { return writes_.empty() && pods_.empty(); }

 private:
  Rng rng_;
  FaultId next_ = 1;
  std::map<FaultId, WriteFault> writes_;
  std::map<FaultId, PodFault> pods_;
};

}  // namespace gs::fake
