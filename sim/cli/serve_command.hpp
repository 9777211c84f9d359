// `gitops-sim serve [SCENARIO]`: the fake cluster over the Kubernetes REST API, for
// kubectl and any Kubernetes client: an empty cluster, or a scenario's world after its
// steps (or after step --pause-at), with virtual time following wall time. Writes a
// kubeconfig; binds 127.0.0.1 unless told otherwise; --token requires a bearer token.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace gs::cli {

std::function<int()> addServeCommand(CLI::App& app);

}  // namespace gs::cli
