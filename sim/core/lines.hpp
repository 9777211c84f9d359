// Splitting text into lines (without their '\n'; a final newline adds no empty line).
#pragma once

#include <string_view>
#include <vector>

namespace gs {

std::vector<std::string_view> splitLines(std::string_view text);

}  // namespace gs
