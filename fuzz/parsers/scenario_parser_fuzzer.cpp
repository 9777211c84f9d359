// libFuzzer target: the scenario parser (strict, with positions) on arbitrary bytes. Any
// input must parse or give a gs::Error naming file, line and field, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/core/error.hpp"
#include "sim/scenario/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)gs::scenario::parseScenario(text, "fuzz.yaml");
  } catch (const gs::Error&) {
  }
  return 0;
}
