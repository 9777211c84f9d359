#include <catch2/catch.hpp>

#include "sim/core/error.hpp"
#include "sim/core/event_loop.hpp"

using namespace gs;
using namespace std::chrono_literals;

TEST_CASE("events run by time, then priority, then scheduling order", "[core][eventloop]") {
  VirtualClock clock;
  EventLoop loop(clock);
  std::vector<std::string> ran;
  auto record = [&](std::string name) { return [&ran, name] { ran.push_back(name); }; };
  loop.schedule(VirtualTime{5s}, 0, "late", record("late"));
  loop.schedule(VirtualTime{1s}, 1, "low", record("low"));
  loop.schedule(VirtualTime{1s}, 0, "first", record("first"));
  loop.schedule(VirtualTime{1s}, 0, "second", record("second"));
  CHECK(loop.pending() == 4);
  CHECK(loop.runAll(100) == 4);
  CHECK(ran == std::vector<std::string>{"first", "second", "low", "late"});
  CHECK(clock.now().sinceStart == 5s);
}

TEST_CASE("actions schedule more events, runUntil stops at the deadline and moves the clock", "[core][eventloop]") {
  VirtualClock clock;
  EventLoop loop(clock);
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    CHECK(loop.current() == "tick");
    loop.after(10s, 0, "tick", tick);
  };
  loop.after(0s, 0, "tick", tick);
  CHECK(loop.runUntil(VirtualTime{35s}) == 4);  // at 0, 10, 20, 30 s
  CHECK(ticks == 4);
  CHECK(clock.now().sinceStart == 35s);
  CHECK(loop.nextTime()->sinceStart == 40s);
  CHECK(loop.current().empty());
}

TEST_CASE("cancelled events never run, the past cannot be scheduled", "[core][eventloop]") {
  VirtualClock clock;
  EventLoop loop(clock);
  bool ran = false;
  EventId id = loop.after(1s, 0, "x", [&] { ran = true; });
  CHECK(loop.cancel(id));
  CHECK_FALSE(loop.cancel(id));
  CHECK(loop.runAll(10) == 0);
  CHECK_FALSE(ran);
  clock.advanceBy(10s);
  CHECK_THROWS_AS(loop.schedule(VirtualTime{5s}, 0, "past", [] {}), Error);
}
