// What the steps and expectations of one run share: the world, when each step started,
// where the event log stood then, and the commits steps made. Expands templates against
// the running world and finds the live objects steps name.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "sim/scenario/world.hpp"

namespace gs::scenario {

struct RunContext {
  World& world;
  std::map<std::string, VirtualTime> stepStart;     // by step id
  std::map<std::string, std::size_t> stepEventIndex;  // event log size when the step started
  std::map<std::string, std::string> stepSha;       // commit a step made, by step id
  std::map<std::string, std::vector<std::function<void()>>> faultClears;  // by fault id
  std::size_t currentStep = 0;
  std::set<std::string> faultEnded;  // ids of faults whose `for` ran out
  std::set<std::string> faultCleared;  // ids of faults a `clear` step ended (their `for` then ends nothing)

  // Expands "{pipeline.web.last.tag}" and friends; a fact that does not exist yet
  // (no run so far) is an ExpectationFailed error saying so.
  std::string expand(const std::string& text);
  Json expand(const Json& value);

  // group for `ref` (from apiVersion, or the only served kind of that name).
  std::string groupOf(const ObjectRef& ref);
  // The live object, or nullopt when it does not exist.
  std::optional<Json> find(const ObjectRef& ref);
  // "Deployment web/web" for messages.
  static std::string describe(const ObjectRef& ref);
};

// A failed expectation (ErrorClass::ExpectationFailed) at `origin`.
[[noreturn]] void failExpectation(const Origin& origin, const std::string& message);

}  // namespace gs::scenario
