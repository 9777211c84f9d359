#include "sim/report/html.hpp"

#include <fstream>
#include <string_view>

#include "sim/core/error.hpp"
#include "sim/report/report_model.hpp"

namespace gs::report {

namespace assets {
std::string_view page_template();
std::string_view css();
std::string_view js();
}  // namespace assets

namespace {

std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON for a <script type="application/json"> block: '<' only occurs inside strings, so
// writing it as \u003c keeps "</script>" and "<!--" in the data from ending the block.
std::string scriptSafeJson(const Json& model) {
  const std::string dumped = model.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(dumped.size() + dumped.size() / 64);
  for (char c : dumped) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

void replaceOnce(std::string& text, std::string_view placeholder, std::string_view value) {
  const auto at = text.find(placeholder);
  if (at == std::string::npos) throw Error::internal("report template has no " + std::string(placeholder));
  text.replace(at, placeholder.size(), value);
}

}  // namespace

std::string renderHtml(const Json& model) {
  std::string page(assets::page_template());
  // Data last: nothing after it is searched, so placeholders in the data stay data.
  replaceOnce(page, "@TITLE@", htmlEscape(model.value("title", "gitops-sim report")));
  replaceOnce(page, "@CSS@", assets::css());
  replaceOnce(page, "@JS@", assets::js());
  replaceOnce(page, "@DATA@", scriptSafeJson(model));
  return page;
}

void writeHtmlReport(const Json& input, const std::string& path) {
  const std::string page = renderHtml(buildReport(input));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error::invalid("cannot write the HTML report " + path);
  out << page;
  if (!out) throw Error::invalid("cannot write the HTML report " + path);
}

}  // namespace gs::report
