// gitops-sim: the command-line entry point. Each subcommand lives in its own file;
// this maps errors to the documented exit codes (0 ok, 1 failed, 2 invalid input, 3 internal).
#include <CLI/CLI.hpp>

#include <iostream>

#include "sim/cli/diff_command.hpp"
#include "sim/cli/fuzz_command.hpp"
#include "sim/cli/render_command.hpp"
#include "sim/cli/report_command.hpp"
#include "sim/cli/run_command.hpp"
#include "sim/cli/serve_command.hpp"
#include "sim/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"gitops-sim: simulate and test GitOps delivery flows, deterministically"};
  app.set_version_flag("--version", std::string("gitops-sim 0.1.0"));
  app.require_subcommand(1);
  auto runDiff = gs::cli::addDiffCommand(app);
  auto runRender = gs::cli::addRenderCommand(app);
  auto runRun = gs::cli::addRunCommand(app);
  auto runFuzz = gs::cli::addFuzzCommand(app);
  auto runReport = gs::cli::addReportCommand(app);
  auto runServe = gs::cli::addServeCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? gs::kExitOk : gs::kExitInvalidInput;
  }
  try {
    if (app.got_subcommand("diff")) return runDiff();
    if (app.got_subcommand("render")) return runRender();
    if (app.got_subcommand("run")) return runRun();
    if (app.got_subcommand("fuzz")) return runFuzz();
    if (app.got_subcommand("report")) return runReport();
    if (app.got_subcommand("serve")) return runServe();
    return gs::kExitInvalidInput;
  } catch (const gs::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return gs::exitCodeFor(e.errorClass());
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << '\n';
    return gs::kExitInternal;
  }
}
