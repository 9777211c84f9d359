// Every event type the simulator writes to a run's timeline, by the family of actor that
// writes it (docs/scenario-format.md, "Event reference"). An `events` expectation naming a
// type or actor outside it is refused when the file is read: a misspelled type would
// otherwise match nothing, and a `count: 0` check would pass without checking anything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gs::scenario {

struct EventFamily {
  std::string_view actor;  // "scenario", "git/" (one per repo), "app/" (one per app), ...
  std::vector<std::string_view> types;
};

const std::vector<EventFamily>& eventCatalog();
// Every type, once, sorted.
std::vector<std::string> knownEventTypes();

}  // namespace gs::scenario
