// `gitops-sim fuzz`: a fuzz campaign over whole GitOps worlds (sim/fuzz), with a live
// progress line, a summary, and shrunk counterexamples written as scenario files.
// Exit codes: 0 no invariant broke, 1 a case failed, 2 invalid options.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace gs::cli {

std::function<int()> addFuzzCommand(CLI::App& app);

}  // namespace gs::cli
