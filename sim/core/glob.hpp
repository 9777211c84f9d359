// Shell-style globs with '*' (any run of characters), '?' (one character) and character
// classes ('[abc]', '[a-z]', '[!x]'), as Argo CD matches ignoreDifferences kinds and as
// fault rules match names and images.
#pragma once

#include <string_view>

namespace gs {

bool globMatch(std::string_view pattern, std::string_view text);

}  // namespace gs
