// The generated text table of Kubernetes v1.32's API structs (api_types_table.cpp, made by
// scripts/api-types/generate.mjs); api_types.hpp parses it. See the generator for the format.
#pragma once

#include <string_view>
#include <vector>

namespace gs::kube {

// The table in chunks, each ending at a line end.
const std::vector<std::string_view>& apiTypesTable();

}  // namespace gs::kube
