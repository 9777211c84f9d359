// The list of object keys gs::JsonKey shares process-wide instead of storing per object
// (json_key_table.cpp says where it comes from). Immutable; sorted.
#pragma once

#include <span>
#include <string_view>

namespace gs::detail {

std::span<const std::string_view> knownJsonKeys();

}  // namespace gs::detail
