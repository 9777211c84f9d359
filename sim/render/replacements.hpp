// kustomize's replacements: copy a field of one object (picked by an exact id
// selector) into fields of others (picked by selectors, minus rejections), with
// optional delimiter/index splitting and field creation, as kustomize v5's replacement
// filter does. They run last among a kustomization's transformers.
#pragma once

#include <functional>

#include "sim/render/kustomization.hpp"
#include "sim/render/transformers.hpp"

namespace gs::render {

// Builds the error for `replacement` (naming its file and place).
using ReplacementError = std::function<Error(const Replacement& replacement, const std::string& message)>;

void applyReplacements(Resources& resources, const std::vector<Replacement>& replacements, const ReplacementError& error);

}  // namespace gs::render
