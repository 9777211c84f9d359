// `gitops-sim diff DESIRED LIVE`: offline kubectl-diff for manifest files/directories.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace gs::cli {

// Registers the subcommand; the returned function runs it and gives the exit code.
std::function<int()> addDiffCommand(CLI::App& app);

}  // namespace gs::cli
