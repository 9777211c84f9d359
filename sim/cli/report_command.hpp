// `gitops-sim report RUN.json -o report.html`: turns the JSON of `gitops-sim run --json`
// (or of `gitops-sim fuzz --json`) into the self-contained HTML report (sim/report).
// Exit codes: 0 written, 2 the input is not such a JSON file or the output cannot be written.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace gs::cli {

std::function<int()> addReportCommand(CLI::App& app);

}  // namespace gs::cli
