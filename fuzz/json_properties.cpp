// gs::dumpCompact (sim/core/json_dump.hpp) against nlohmann's own dump() on random values
// (RapidCheck): every scalar kind, integers at their limits, floats including NaN and
// infinities, strings of arbitrary bytes (control characters, quotes, backslashes, UTF-8,
// invalid UTF-8) as values and as keys, nested arrays and objects. The two must give the
// same bytes, or both reject the value. Replay a failure with RC_PARAMS="replay=...".
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/json_dump.hpp"

using namespace gs;

namespace {

rc::Gen<std::string> text() {
  return rc::gen::oneOf(
      // Arbitrary bytes: mostly invalid UTF-8 once anything above 0x7F shows up.
      rc::gen::container<std::string>(rc::gen::arbitrary<char>()),
      // The bytes that matter to escaping, densely.
      rc::gen::container<std::string>(rc::gen::element<char>('a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\r', '\b', '\f', '\x01',
                                                             '\x1f', '\x7f', '%', '{')),
      // Valid UTF-8 mixed with ASCII.
      rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>("a", "é", "日本", "😀", "\"", "\n", "x y")),
                   [](const std::vector<std::string>& parts) {
                     std::string out;
                     for (const auto& p : parts) out += p;
                     return out;
                   }));
}

rc::Gen<Json> scalar() {
  return rc::gen::oneOf(
      rc::gen::just(Json()), rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return Json(b); }),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(), [](std::int64_t i) { return Json(i); }),
      rc::gen::map(rc::gen::arbitrary<std::uint64_t>(), [](std::uint64_t u) { return Json(u); }),
      rc::gen::map(rc::gen::element<std::int64_t>(0, -1, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()),
                   [](std::int64_t i) { return Json(i); }),
      rc::gen::map(rc::gen::arbitrary<double>(), [](double d) { return Json(d); }),
      rc::gen::map(rc::gen::element<double>(0.0, -0.0, 1e300, 5e-324, std::nan(""), std::numeric_limits<double>::infinity()),
                   [](double d) { return Json(d); }),
      rc::gen::map(text(), [](const std::string& s) { return Json(s); }));
}

rc::Gen<Json> value(int depth) {
  if (depth == 0) return scalar();
  return rc::gen::oneOf(
      scalar(),
      rc::gen::map(rc::gen::container<std::vector<Json>>(value(depth - 1)), [](std::vector<Json> items) { return Json(std::move(items)); }),
      rc::gen::map(rc::gen::container<std::vector<std::pair<std::string, Json>>>(rc::gen::pair(text(), value(depth - 1))),
                   [](const std::vector<std::pair<std::string, Json>>& members) {
                     Json object = Json::object();
                     for (const auto& [key, member] : members) object[key] = member;
                     return object;
                   }));
}

std::optional<std::string> nlohmannDump(const Json& v) {
  try {
    return v.dump();
  } catch (const Json::type_error&) {
    return std::nullopt;
  }
}

std::optional<std::string> compactDump(const Json& v) {
  try {
    return dumpCompact(v);
  } catch (const Json::type_error&) {
    return std::nullopt;
  }
}

}  // namespace

TEST_CASE("dumpCompact writes exactly what Json::dump writes", "[core][json]") {
  rc::prop("same bytes, or both reject", [] {
    const Json v = *value(3);
    RC_ASSERT(compactDump(v) == nlohmannDump(v));
  });
}

TEST_CASE("dumpCompact escapes a special byte at any position of a long plain run", "[core][json]") {
  // Plain runs are scanned eight bytes at a time: every special byte, at every offset
  // within and across words, in strings of every length up to three words and a bit.
  const std::vector<std::string> specials = {"\"", "\\", "\n", "\t", std::string(1, '\0'), "\x01", "\x1f", "\x7f", " ", "~",
                                             "\xc3\xa9", "\xff", "\x80"};
  for (std::size_t length = 0; length <= 27; ++length) {
    const std::string plain(length, 'a');
    CHECK(compactDump(Json(plain)) == nlohmannDump(Json(plain)));
    for (std::size_t at = 0; at <= length; ++at) {
      for (const auto& special : specials) {
        std::string s = plain;
        s.insert(at, special);
        INFO("length " << length << " at " << at << " byte " << static_cast<int>(static_cast<unsigned char>(special[0])));
        REQUIRE(compactDump(Json(s)) == nlohmannDump(Json(s)));
        REQUIRE(compactDump(Json{{s, s + s}}) == nlohmannDump(Json{{s, s + s}}));
      }
    }
  }
}
