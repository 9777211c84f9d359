// `gitops-sim render DIR` and `gitops-sim render --repo PATH --revision REV --path APP`:
// the desired objects of an app (kustomize or plain directory), printed as
// multi-document YAML like `kubectl kustomize`.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace gs::cli {

// Registers the subcommand; the returned function runs it and gives the exit code.
std::function<int()> addRenderCommand(CLI::App& app);

}  // namespace gs::cli
