// A CronJob's schedule as the CronJob controller reads it (robfig/cron v3's standard
// parser, which Kubernetes uses): five fields (minute, hour, day of month, month, day of
// week) with lists, ranges, steps and month/day names, or a descriptor (@yearly,
// @monthly, @weekly, @daily, @hourly, @every <duration>). Times are Unix seconds in UTC.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gs::fake {

class CronSchedule {
 public:
  // The schedule, or the parser's error text (as `kubectl` shows it after
  // `spec.schedule: Invalid value: "<schedule>": `).
  static CronSchedule parse(std::string_view spec, std::string* error);

  bool valid() const { return valid_; }
  // The first activation strictly after `unixSeconds` (nullopt when none within five
  // years, as robfig's Next gives up: "59 23 31 2 *" never fires).
  std::optional<std::int64_t> next(std::int64_t unixSeconds) const;

 private:
  bool valid_ = false;
  std::int64_t every_ = 0;  // @every: seconds between activations
  std::uint64_t minute_ = 0, hour_ = 0, dom_ = 0, month_ = 0, dow_ = 0;  // bit i: value i allowed
  bool domStar_ = false, dowStar_ = false;
};

}  // namespace gs::fake
