// The run report as one self-contained HTML file: the template, CSS and JavaScript in
// sim/report/assets/ (embedded in the binary at build time) around the report model as
// JSON. The page fetches nothing (its Content-Security-Policy forbids it), so it opens
// offline and can be kept as a CI artifact.
#pragma once

#include <string>

#include "sim/core/json.hpp"

namespace gs::report {

// The HTML page for a report model (report_model.hpp).
std::string renderHtml(const Json& model);

// renderHtml(buildReport(input)) written to `path`; throws InvalidInput when it cannot write.
void writeHtmlReport(const Json& input, const std::string& path);

}  // namespace gs::report
