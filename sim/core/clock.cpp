#include "sim/core/clock.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/core/error.hpp"

namespace gs {

void VirtualClock::advanceTo(VirtualTime t) {
  if (t < now_) {
    throw Error::internal("virtual clock moved backwards from " + formatDuration(now_.sinceStart) + " to " +
                          formatDuration(t.sinceStart));
  }
  now_ = t;
}

std::string VirtualClock::rfc3339() const { return formatRfc3339(unixSeconds()); }

Duration parseDuration(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Error::invalid("invalid duration '" + std::string(text) + "': " + why +
                          " (use e.g. 30s, 5m, 1h30m, 250ms)");
  };
  if (text.empty()) throw bad("empty");
  if (text == "0") return Duration{0};
  std::size_t i = 0;
  bool negative = false;
  if (text[i] == '-' || text[i] == '+') {
    negative = text[i] == '-';
    ++i;
  }
  if (i >= text.size()) throw bad("no number");
  double totalMs = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start) throw bad("expected a number at position " + std::to_string(start + 1));
    std::string number(text.substr(start, i - start));
    if (number == "." || std::count(number.begin(), number.end(), '.') > 1) throw bad("malformed number '" + number + "'");
    double value = std::stod(number);
    std::size_t unitStart = i;
    while (i < text.size() && !((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    std::string_view unit = text.substr(unitStart, i - unitStart);
    double factor;
    if (unit == "ns") factor = 1e-6;
    else if (unit == "us" || unit == "µs") factor = 1e-3;
    else if (unit == "ms") factor = 1;
    else if (unit == "s") factor = 1e3;
    else if (unit == "m") factor = 60e3;
    else if (unit == "h") factor = 3600e3;
    else if (unit.empty()) throw bad("missing unit after '" + number + "'");
    else throw bad("unknown unit '" + std::string(unit) + "'");
    totalMs += value * factor;
  }
  if (totalMs > 9.2e15) throw bad("too large");
  auto ms = static_cast<std::int64_t>(std::floor(totalMs + 1e-9));
  return Duration{negative ? -ms : ms};
}

std::string formatDuration(Duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  std::int64_t h = ms / 3600000;
  std::int64_t m = (ms / 60000) % 60;
  std::int64_t s = (ms / 1000) % 60;
  std::int64_t rest = ms % 1000;
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (s > 0 || rest > 0) {
    out += std::to_string(s);
    if (rest > 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(rest));
      std::string frac(buf);
      while (frac.back() == '0') frac.pop_back();
      out += frac;
    }
    out += "s";
  }
  return out;
}

std::string formatRfc3339(std::int64_t unixSeconds) {
  // Civil-from-days (Howard Hinnant's algorithm), valid for the proleptic Gregorian calendar.
  std::int64_t days = unixSeconds >= 0 ? unixSeconds / 86400 : (unixSeconds - 86399) / 86400;
  std::int64_t secs = unixSeconds - days * 86400;
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t doe = days - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t mo = mp < 10 ? mp + 3 : mp - 9;
  if (mo <= 2) ++y;
  if (y < 0 || y > 9999) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(y),
                  static_cast<long long>(mo), static_cast<long long>(d), static_cast<long long>(secs / 3600),
                  static_cast<long long>((secs / 60) % 60), static_cast<long long>(secs % 60));
    return buf;
  }
  // Digit by digit: every object write stamps a time, and snprintf is most of its cost.
  std::string out = "0000-00-00T00:00:00Z";
  const auto put = [&](std::size_t at, std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, y, 4);
  put(5, mo, 2);
  put(8, d, 2);
  put(11, secs / 3600, 2);
  put(14, (secs / 60) % 60, 2);
  put(17, secs % 60, 2);
  return out;
}

}  // namespace gs

namespace gs {

std::optional<std::int64_t> parseRfc3339(std::string_view text) {
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<std::int64_t> {
    if (pos + n > text.size()) return std::nullopt;
    std::int64_t v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2), s = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *s > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  std::int64_t offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (!oh || !om || pos + 3 >= text.size() || text[pos + 3] != ':') return std::nullopt;
    offset = (text[pos] == '+' ? 1 : -1) * (*oh * 3600 + *om * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  // Days from civil (Howard Hinnant's algorithm).
  std::int64_t yy = *y - (*mo <= 2 ? 1 : 0);
  std::int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  std::int64_t yoe = yy - era * 400;
  std::int64_t doy = (153 * (*mo + (*mo > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + *h * 3600 + *mi * 60 + *s - offset;
}

}  // namespace gs
