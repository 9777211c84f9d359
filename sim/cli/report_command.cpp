#include "sim/cli/report_command.hpp"

#include <iostream>
#include <memory>

#include "sim/core/error.hpp"
#include "sim/core/json.hpp"
#include "sim/core/yaml.hpp"
#include "sim/report/html.hpp"

namespace gs::cli {

namespace {

struct ReportArgs {
  std::string input;
  std::string output;
};

int run(const ReportArgs& args) {
  const std::string text = readFile(args.input);
  Json input;
  try {
    input = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw Error::invalid(args.input + ": not JSON: " + e.what());
  }
  try {
    report::writeHtmlReport(input, args.output);
  } catch (const Error& e) {
    throw Error::invalid(args.input + ": " + e.message());
  }
  std::cout << "report: " << args.output << '\n';
  return kExitOk;
}

}  // namespace

std::function<int()> addReportCommand(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand("report", "Write the self-contained HTML report of a run (gitops-sim run --json) or a fuzz campaign (gitops-sim fuzz --json)");
  cmd->add_option("input", args->input, "The JSON that `gitops-sim run --json` or `gitops-sim fuzz --json` wrote")->required();
  cmd->add_option("-o,--output", args->output, "Where to write the HTML")->required();
  return [args] { return run(*args); };
}

}  // namespace gs::cli
