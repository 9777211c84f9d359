#include <catch2/catch.hpp>

#include "sim/core/event_log.hpp"

using namespace gs;
using namespace std::chrono_literals;

TEST_CASE("event log lines are stable and the hash follows the content", "[core][eventlog]") {
  EventLog a, b, c;
  for (auto* log : {&a, &b}) {
    log->append(Event{VirtualTime{0ms}, "git/app", "commit", Json{{"sha", "abc1234"}, {"message", "init"}}});
    log->append(Event{VirtualTime{5s}, "ci/web", "build.started", {}});
  }
  c.append(Event{VirtualTime{0ms}, "git/app", "commit", Json{{"message", "init"}, {"sha", "abc1234"}}});
  c.append(Event{VirtualTime{6s}, "ci/web", "build.started", {}});
  CHECK(a.hash() == b.hash());
  CHECK(a.hash() != c.hash());
  CHECK(a.hash().size() == 16);
  CHECK(a.text() == "0s git/app commit {\"message\":\"init\",\"sha\":\"abc1234\"}\n5s ci/web build.started\n");
  CHECK(EventLog().hash() == "cbf29ce484222325");  // FNV-1a 64 offset basis: empty log
}
