// Image tag templates of a pipeline: "{sha7}", "{sha}", "{branch}", "{run}",
// "{file:VERSION}" (a file's content at the commit, trimmed), mixed with literal text
// ("v{file:VERSION}-{sha7}"). Checked when the pipeline is defined; expanded per run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gs::ci {

struct TagInputs {
  std::string sha;
  std::string branch;
  int run = 0;
  // Reads a file at the commit; nullopt when it does not exist.
  std::function<std::optional<std::string>(const std::string& path)> readFile;
};

// Throws InvalidInput naming an unknown placeholder or an unclosed brace.
void checkTagTemplate(std::string_view tmpl);

// Expands the template; throws InvalidInput when a {file:...} does not exist. Branch
// names are made tag-safe ('/' -> '-'), as CI systems' slug variables do.
std::string expandTagTemplate(std::string_view tmpl, const TagInputs& inputs);

}  // namespace gs::ci
