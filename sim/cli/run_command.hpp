// `gitops-sim run PATH...`: runs scenario files (or every *.yaml under folders), in
// parallel with -j, and reports on the console, as JUnit XML (--junit) and as JSON
// (--json). Exit codes: 0 all passed, 1 an expectation failed, 2 invalid input,
// 3 internal error (the worst of all scenarios).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace gs::cli {

std::function<int()> addRunCommand(CLI::App& app);

}  // namespace gs::cli
