// The list of object keys gs::JsonKey shares process-wide instead of storing per object
// (json_key_table.cpp says where it comes from). Immutable; sorted.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace gs::detail {

std::span<const std::string_view> knownJsonKeys();

// The address of `text` when it is an entry of the shared key table (a member key's text,
// as nlohmann's iterators hand it out, reads as that entry), else 0. Entries' addresses
// are in their texts' order, so tables of field names can be searched by address.
std::uintptr_t sharedKeyAddress(const std::string& text);

}  // namespace gs::detail
