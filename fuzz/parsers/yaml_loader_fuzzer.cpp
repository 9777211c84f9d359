// libFuzzer target: sim/core's YAML loader (yaml-cpp underneath) on arbitrary bytes. Any
// input must give documents or a gs::Error with a position, never a crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/core/error.hpp"
#include "sim/core/yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool positions : {false, true}) {
    gs::YamlLoadOptions options;
    options.recordPositions = positions;
    try {
      auto docs = gs::loadYamlDocuments(text, "fuzz.yaml", options);
      for (const auto& d : docs) (void)gs::toYaml(d.value);  // what loads must emit
    } catch (const gs::Error&) {
    }
  }
  return 0;
}
