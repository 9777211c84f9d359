#include "fakecluster/cron_schedule.hpp"

#include <cctype>
#include <chrono>
#include <vector>

#include "sim/core/clock.hpp"

namespace gs::fake {

namespace {

using namespace std::chrono;

struct Bounds {
  int min;
  int max;
  const std::vector<std::string_view>* names;  // names[i] stands for min + i... see nameValue
  int firstNameValue;
};

const std::vector<std::string_view> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
const std::vector<std::string_view> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr Bounds kMinutes{0, 59, nullptr, 0};
constexpr Bounds kHours{0, 23, nullptr, 0};
constexpr Bounds kDom{1, 31, nullptr, 0};
const Bounds kMonths{1, 12, &kMonthNames, 1};
const Bounds kDow{0, 6, &kDayNames, 0};

std::vector<std::string_view> split(std::string_view text, char by) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto at = text.find(by, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// Go's strconv.Atoi, with robfig's wording around it.
std::optional<int> mustParseInt(std::string_view expr, std::string* error) {
  std::string_view digits = expr;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  long long value = 0;
  bool ok = !digits.empty() && digits.size() <= 18;
  for (char c : digits) {
    if (c < '0' || c > '9') ok = false;
    else value = value * 10 + (c - '0');
  }
  if (!ok) {
    *error = "failed to parse int from " + std::string(expr) + ": strconv.Atoi: parsing \"" + std::string(expr) + "\": invalid syntax";
    return std::nullopt;
  }
  if (negative) {
    *error = "negative number (-" + std::to_string(value) + ") not allowed: " + std::string(expr);
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<int> parseIntOrName(std::string_view expr, const Bounds& bounds, std::string* error) {
  if (bounds.names != nullptr) {
    std::string lower(expr);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::size_t i = 0; i < bounds.names->size(); ++i) {
      if ((*bounds.names)[i] == lower) return bounds.firstNameValue + static_cast<int>(i);
    }
  }
  return mustParseInt(expr, error);
}

// One comma-separated part of a field: `*`, `?`, `a`, `a-b`, each with an optional `/step`.
std::optional<std::uint64_t> rangeBits(std::string_view expr, const Bounds& bounds, bool* star, std::string* error) {
  const auto rangeAndStep = split(expr, '/');
  const auto lowAndHigh = split(rangeAndStep[0], '-');
  const bool single = lowAndHigh.size() == 1;
  int start = 0;
  int end = 0;
  bool isStar = false;
  if (lowAndHigh[0] == "*" || lowAndHigh[0] == "?") {
    start = bounds.min;
    end = bounds.max;
    isStar = true;
  } else {
    auto low = parseIntOrName(lowAndHigh[0], bounds, error);
    if (!low) return std::nullopt;
    start = *low;
    if (lowAndHigh.size() == 1) {
      end = start;
    } else if (lowAndHigh.size() == 2) {
      auto high = parseIntOrName(lowAndHigh[1], bounds, error);
      if (!high) return std::nullopt;
      end = *high;
    } else {
      *error = "too many hyphens: " + std::string(expr);
      return std::nullopt;
    }
  }
  int step = 1;
  if (rangeAndStep.size() == 2) {
    auto parsed = mustParseInt(rangeAndStep[1], error);
    if (!parsed) return std::nullopt;
    step = *parsed;
    if (single) end = bounds.max;  // "N/step" means "N-max/step"
    if (step > 1) isStar = false;
  } else if (rangeAndStep.size() > 2) {
    *error = "too many slashes: " + std::string(expr);
    return std::nullopt;
  }
  if (start < bounds.min) {
    *error = "beginning of range (" + std::to_string(start) + ") below minimum (" + std::to_string(bounds.min) + "): " + std::string(expr);
  } else if (end > bounds.max) {
    *error = "end of range (" + std::to_string(end) + ") above maximum (" + std::to_string(bounds.max) + "): " + std::string(expr);
  } else if (start > end) {
    *error = "beginning of range (" + std::to_string(start) + ") beyond end of range (" + std::to_string(end) + "): " + std::string(expr);
  } else if (step == 0) {
    *error = "step of range should be a positive number: " + std::string(expr);
  }
  if (!error->empty()) return std::nullopt;
  std::uint64_t bits = 0;
  for (int v = start; v <= end; v += step) bits |= std::uint64_t{1} << v;
  if (isStar) *star = true;
  return bits;
}

std::optional<std::uint64_t> fieldBits(std::string_view field, const Bounds& bounds, bool* star, std::string* error) {
  std::uint64_t bits = 0;
  for (std::string_view part : split(field, ',')) {
    auto partBits = rangeBits(part, bounds, star, error);
    if (!partBits) return std::nullopt;
    bits |= *partBits;
  }
  return bits;
}

std::uint64_t allBits(const Bounds& b) {
  std::uint64_t bits = 0;
  for (int v = b.min; v <= b.max; ++v) bits |= std::uint64_t{1} << v;
  return bits;
}

struct Civil {
  int year;
  unsigned month, day;
  int hour, minute, second;
  unsigned weekday;  // 0 = Sunday
};

Civil civil(sys_seconds t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return Civil{int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
               int(hms.seconds().count()), weekday{day}.c_encoding()};
}

sys_seconds at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

}  // namespace

CronSchedule CronSchedule::parse(std::string_view spec, std::string* error) {
  CronSchedule s;
  error->clear();
  if (spec.empty()) {
    *error = "empty spec string";
    return s;
  }
  // A TZ=/CRON_TZ= prefix (which the API refuses in favour of spec.timeZone) is skipped.
  if (spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=")) {
    const auto space = spec.find(' ');
    spec = space == std::string_view::npos ? std::string_view() : spec.substr(space + 1);
  }
  while (!spec.empty() && std::isspace(static_cast<unsigned char>(spec.front()))) spec.remove_prefix(1);
  if (spec.starts_with('@')) {
    s.minute_ = 1;
    s.hour_ = 1;
    s.dom_ = 1 << 1;
    s.month_ = 1 << 1;
    s.dow_ = allBits(kDow);
    s.dowStar_ = true;
    if (spec == "@yearly" || spec == "@annually") {
    } else if (spec == "@monthly") {
      s.month_ = allBits(kMonths);
    } else if (spec == "@weekly") {
      s.dom_ = allBits(kDom);
      s.domStar_ = true;
      s.month_ = allBits(kMonths);
      s.dow_ = 1;
      s.dowStar_ = false;
    } else if (spec == "@daily" || spec == "@midnight") {
      s.dom_ = allBits(kDom);
      s.domStar_ = true;
      s.month_ = allBits(kMonths);
    } else if (spec == "@hourly") {
      s.hour_ = allBits(kHours);
      s.dom_ = allBits(kDom);
      s.domStar_ = true;
      s.month_ = allBits(kMonths);
    } else if (spec.starts_with("@every ")) {
      const std::string_view text = spec.substr(7);
      try {
        const Duration d = parseDuration(text);
        s.every_ = std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count());
      } catch (const std::exception&) {
        *error = "failed to parse duration " + std::string(spec) + ": time: invalid duration \"" + std::string(text) + "\"";
        return s;
      }
    } else {
      *error = "unrecognized descriptor: " + std::string(spec);
      return s;
    }
    s.valid_ = true;
    return s;
  }
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < spec.size()) {
    while (i < spec.size() && std::isspace(static_cast<unsigned char>(spec[i]))) ++i;
    const std::size_t start = i;
    while (i < spec.size() && !std::isspace(static_cast<unsigned char>(spec[i]))) ++i;
    if (i > start) fields.push_back(spec.substr(start, i - start));
  }
  if (fields.size() != 5) {
    std::string shown;
    for (auto f : fields) shown += (shown.empty() ? "" : " ") + std::string(f);
    *error = "expected exactly 5 fields, found " + std::to_string(fields.size()) + ": [" + shown + "]";
    return s;
  }
  bool ignored = false;
  auto minute = fieldBits(fields[0], kMinutes, &ignored, error);
  if (!minute) return s;
  auto hour = fieldBits(fields[1], kHours, &ignored, error);
  if (!hour) return s;
  auto dom = fieldBits(fields[2], kDom, &s.domStar_, error);
  if (!dom) return s;
  auto month = fieldBits(fields[3], kMonths, &ignored, error);
  if (!month) return s;
  auto dow = fieldBits(fields[4], kDow, &s.dowStar_, error);
  if (!dow) return s;
  s.minute_ = *minute;
  s.hour_ = *hour;
  s.dom_ = *dom;
  s.month_ = *month;
  s.dow_ = *dow;
  s.valid_ = true;
  return s;
}

std::optional<std::int64_t> CronSchedule::next(std::int64_t unixSeconds) const {
  if (!valid_) return std::nullopt;
  if (every_ > 0) return unixSeconds + every_;
  // robfig's SpecSchedule.Next: the first field that does not match is advanced (the
  // ones below it reset the first time), and a field that wraps starts over from months.
  sys_seconds t{seconds{unixSeconds + 1}};
  bool added = false;
  const int yearLimit = civil(t).year + 5;
  auto dayMatches = [&](const Civil& c) {
    const bool domMatch = (dom_ >> c.day) & 1;
    const bool dowMatch = (dow_ >> c.weekday) & 1;
    return domStar_ || dowStar_ ? domMatch && dowMatch : domMatch || dowMatch;
  };
wrap:
  if (civil(t).year > yearLimit) return std::nullopt;
  while (!((month_ >> civil(t).month) & 1)) {
    Civil c = civil(t);
    if (!added) {
      added = true;
      t = at(c.year, c.month, 1);
    }
    c = civil(t);
    t = c.month == 12 ? at(c.year + 1, 1, 1, c.hour, c.minute) : at(c.year, c.month + 1, c.day, c.hour, c.minute);
    if (civil(t).month == 1) goto wrap;
  }
  while (!dayMatches(civil(t))) {
    const Civil c = civil(t);
    if (!added) {
      added = true;
      t = at(c.year, c.month, c.day);
    }
    t += days{1};
    if (civil(t).day == 1) goto wrap;
  }
  while (!((hour_ >> civil(t).hour) & 1)) {
    const Civil c = civil(t);
    if (!added) {
      added = true;
      t = at(c.year, c.month, c.day, c.hour);
    }
    t += hours{1};
    if (civil(t).hour == 0) goto wrap;
  }
  while (!((minute_ >> civil(t).minute) & 1)) {
    const Civil c = civil(t);
    if (!added) {
      added = true;
      t = at(c.year, c.month, c.day, c.hour, c.minute);
    }
    t += minutes{1};
    if (civil(t).minute == 0) goto wrap;
  }
  while (civil(t).second != 0) {  // the standard parser's seconds field is 0
    added = true;
    t += seconds{1};
    if (civil(t).second == 0) goto wrap;
  }
  return t.time_since_epoch().count();
}

}  // namespace gs::fake
