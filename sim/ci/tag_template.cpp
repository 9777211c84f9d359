#include "sim/ci/tag_template.hpp"

#include "sim/git/repository.hpp"

#include "sim/core/error.hpp"

namespace gs::ci {

namespace {

template <typename OnLiteral, typename OnPlaceholder>
void scan(std::string_view tmpl, OnLiteral literal, OnPlaceholder placeholder) {
  std::size_t i = 0;
  while (i < tmpl.size()) {
    auto open = tmpl.find('{', i);
    if (open == std::string_view::npos) {
      literal(tmpl.substr(i));
      return;
    }
    literal(tmpl.substr(i, open - i));
    auto close = tmpl.find('}', open);
    if (close == std::string_view::npos) throw Error::invalid("tag template \"" + std::string(tmpl) + "\": unclosed '{'");
    placeholder(tmpl.substr(open + 1, close - open - 1));
    i = close + 1;
  }
}

bool known(std::string_view name) {
  return name == "sha" || name == "sha7" || name == "branch" || name == "run" || (name.substr(0, 5) == "file:" && name.size() > 5);
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  s.erase(s.find_last_not_of(ws) + 1);
  return s;
}

}  // namespace

void checkTagTemplate(std::string_view tmpl) {
  if (tmpl.empty()) throw Error::invalid("tag template is empty");
  scan(
      tmpl, [](std::string_view) {},
      [&](std::string_view name) {
        if (!known(name)) {
          throw Error::invalid("tag template \"" + std::string(tmpl) + "\": unknown placeholder {" + std::string(name) +
                               "} (known: {sha}, {sha7}, {branch}, {run}, {file:PATH})");
        }
        // {file:PATH} reads a file of the source repository: a path inside it.
        if (name.rfind("file:", 0) == 0) git::checkRepoPath(name.substr(5));
      });
}

std::string expandTagTemplate(std::string_view tmpl, const TagInputs& inputs) {
  checkTagTemplate(tmpl);
  std::string out;
  scan(
      tmpl, [&](std::string_view text) { out += text; },
      [&](std::string_view name) {
        if (name == "sha") {
          out += inputs.sha;
        } else if (name == "sha7") {
          out += inputs.sha.substr(0, 7);
        } else if (name == "branch") {
          for (char c : inputs.branch) out += c == '/' ? '-' : c;
        } else if (name == "run") {
          out += std::to_string(inputs.run);
        } else {
          const std::string path(name.substr(5));
          auto content = inputs.readFile ? inputs.readFile(path) : std::nullopt;
          if (!content) throw Error::invalid("tag template {file:" + path + "}: no file " + path + " at commit " + inputs.sha.substr(0, 7));
          out += trim(*content);
        }
      });
  return out;
}

}  // namespace gs::ci
