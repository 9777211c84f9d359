#include "sim/cli/run_command.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "sim/cli/seed_option.hpp"
#include "sim/core/error.hpp"
#include "sim/core/glob.hpp"
#include "sim/fuzz/invariants/invariant.hpp"
#include "sim/report/html.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/report.hpp"
#include "sim/scenario/runner.hpp"

namespace gs::cli {
namespace {

// Scenarios that list `invariants:` are checked by fuzz/invariants (docs/invariants.md).
std::unique_ptr<scenario::RunObserver> invariantObserver(const scenario::Scenario& s) { return fuzz::makeInvariantObserver(s); }

namespace fs = std::filesystem;
using scenario::ScenarioResult;
using scenario::Verdict;

struct RunArgs {
  std::vector<std::string> paths;
  std::optional<std::uint64_t> seed;
  std::string filter;
  std::vector<std::string> tags;
  int jobs = 1;
  std::string junit;
  std::string json;
  std::string html;
  std::string workspace;
  bool verbose = false;
  bool checkDeterminism = false;
};

bool isScenarioFile(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }

std::vector<std::string> collectFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && isScenarioFile(it->path())) found.push_back(it->path().string());
        // A link to a scenario that is not there is said, not skipped.
        std::error_code linkError;
        if (it->is_symlink(linkError) && !fs::exists(it->path(), linkError) && isScenarioFile(it->path())) {
          throw Error::invalid("broken link in " + path + ": " + it->path().string() + " points to " + fs::read_symlink(it->path(), linkError).string() +
                               ", which does not exist");
        }
      }
      if (ec) throw Error::invalid("cannot read folder " + path + ": " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      throw Error::invalid("no such file or folder: " + path);
    }
  }
  return files;
}

// --filter: a glob ('*', '?', '[...]') or a plain substring, matched against the file path.
bool matchesFilter(const std::string& filter, const std::string& file) {
  if (filter.empty()) return true;
  if (filter.find_first_of("*?[") != std::string::npos) {
    return globMatch(filter, file) || globMatch(filter, fs::path(file).filename().string()) || globMatch(filter, fs::path(file).stem().string());
  }
  return file.find(filter) != std::string::npos;
}

int exitCode(const std::vector<ScenarioResult>& results) {
  int code = kExitOk;
  for (const auto& r : results) {
    const int c = r.verdict == Verdict::Passed ? kExitOk : r.verdict == Verdict::Failed ? kExitFailed : r.verdict == Verdict::Invalid ? kExitInvalidInput : kExitInternal;
    code = std::max(code, c);
  }
  return code;
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error::invalid("cannot write " + path + ": " + std::strerror(errno));
  out << text;
  if (!out) throw Error::invalid("cannot write " + path + ": " + std::strerror(errno));
}

// A report's folder is made (as `mkdir -p`) before any scenario runs, so a path that cannot
// be written fails at once, not after the whole run.
void prepareReportPath(const std::string& option, const std::string& path) {
  if (path.empty()) return;
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) throw Error::invalid(option + " " + path + ": cannot make its folder " + parent.string() + ": " + ec.message());
  if (fs::is_directory(path, ec)) throw Error::invalid(option + " " + path + ": is a folder; give a file name");
}

// --tag: a scenario runs when it has one of the tags (a file that cannot be read runs, to
// report why).
bool hasTag(const std::vector<std::string>& wanted, const std::string& file) {
  if (wanted.empty()) return true;
  try {
    const auto tags = scenario::loadScenarioFile(file).tags;
    return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& t) { return std::find(tags.begin(), tags.end(), t) != tags.end(); });
  } catch (const Error&) {
    return true;
  }
}

int run(const RunArgs& args) {
  std::vector<std::string> files;
  for (const auto& f : collectFiles(args.paths)) {
    if (matchesFilter(args.filter, f) && hasTag(args.tags, f)) files.push_back(f);
  }
  if (files.empty()) {
    std::string why = args.filter.empty() ? std::string() : " match --filter '" + args.filter + "'";
    if (!args.tags.empty()) why += (why.empty() ? " have" : " and have") + std::string(" a tag given with --tag");
    throw Error::invalid("no scenario files" + why);
  }
  prepareReportPath("--junit", args.junit);
  prepareReportPath("--json", args.json);
  prepareReportPath("--html", args.html);
  if (!args.workspace.empty()) {
    std::error_code ec;
    if (fs::exists(args.workspace, ec) && !fs::is_empty(args.workspace, ec)) {
      throw Error::invalid("--workspace " + args.workspace + " is not empty: give an empty or new folder (nothing in it is overwritten)");
    }
  }

  std::vector<ScenarioResult> results(files.size());
  std::vector<std::string> verboseText(files.size());
  std::vector<bool> done(files.size(), false);
  std::mutex mutex;
  std::size_t printed = 0;
  std::atomic<std::size_t> next{0};
  const bool live = args.verbose && args.jobs <= 1;

  auto runOne = [&](std::size_t i) {
    scenario::RunOptions options;
    options.seed = args.seed;
    options.observer = invariantObserver;
    if (!args.workspace.empty()) options.workspace = fs::path(args.workspace) / (std::to_string(i + 1) + "-" + fs::path(files[i]).stem().string());
    if (args.verbose) {
      options.onEvent = [&, i](const Event& e) {
        if (live) {
          std::cout << scenario::timelineLine(e) << '\n';
        } else {
          verboseText[i] += scenario::timelineLine(e) + "\n";
        }
      };
    }
    if (live) std::cout << "=== " << files[i] << '\n';
    ScenarioResult result = scenario::runScenarioFile(files[i], options);
    if (args.checkDeterminism && result.verdict != Verdict::Invalid) {
      scenario::RunOptions again;
      again.seed = result.seed;
      again.observer = invariantObserver;
      const ScenarioResult second = scenario::runScenarioFile(files[i], again);
      if (second.eventLogHash != result.eventLogHash || second.verdict != result.verdict) {
        result.verdict = Verdict::Error;
        result.message = "not deterministic: two runs with seed " + std::to_string(result.seed) + " gave event logs " + result.eventLogHash + " and " +
                         second.eventLogHash + " (" + scenario::toString(second.verdict) + ")";
      }
    }
    std::lock_guard lock(mutex);
    results[i] = std::move(result);
    done[i] = true;
    // Print in input order, as soon as every earlier scenario is done.
    while (printed < files.size() && done[printed]) {
      const ScenarioResult& r = results[printed];
      if (!verboseText[printed].empty()) std::cout << "=== " << r.file << '\n' << verboseText[printed];
      std::cout << scenario::consoleLine(r) << '\n' << scenario::failureDetails(r) << std::flush;
      ++printed;
    }
  };

  const int jobs = std::max(1, std::min<int>(args.jobs, static_cast<int>(files.size())));
  if (jobs == 1) {
    for (std::size_t i = 0; i < files.size(); ++i) runOne(i);
  } else {
    std::vector<std::jthread> workers;
    for (int w = 0; w < jobs; ++w) {
      workers.emplace_back([&] {
        for (std::size_t i = next++; i < files.size(); i = next++) runOne(i);
      });
    }
  }
  std::cout << scenario::summaryLine(results) << '\n';
  if (!args.junit.empty()) writeFile(args.junit, scenario::junitXml(results));
  if (!args.json.empty() || !args.html.empty()) {
    const Json report = scenario::jsonReport(results);
    if (!args.json.empty()) writeFile(args.json, report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    if (!args.html.empty()) {
      report::writeHtmlReport(report, args.html);
      std::cout << "report: " << args.html << '\n';
    }
  }
  return exitCode(results);
}

}  // namespace

std::function<int()> addRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Run scenario files (or every .yaml under folders) and check their expectations");
  cmd->add_option("paths", args->paths, "Scenario files or folders")->required();
  cmd->add_option("--seed", args->seed, "Seed for every scenario (overrides the files' seeds)")->check(cli::seedValidator());
  cmd->add_option("--filter", args->filter, "Only scenarios whose path contains this text or matches this glob");
  cmd->add_option("--tag", args->tags, "Only scenarios with this tag (repeat for any of several)");
  cmd->add_option("-j,--jobs", args->jobs, "Scenarios run at once (each simulation stays single-threaded)")->check(CLI::Range(1, 256));
  cmd->add_option("--junit", args->junit, "Write a JUnit XML report here");
  cmd->add_option("--json", args->json, "Write a JSON report (timelines and metrics) here");
  cmd->add_option("--html", args->html, "Write a self-contained HTML report (timelines, app states, failures) here");
  cmd->add_option("--workspace", args->workspace, "Keep each scenario's Git repos under this (empty or new) folder");
  cmd->add_flag("-v,--verbose", args->verbose, "Print every scenario's timeline");
  cmd->add_flag("--check-determinism", args->checkDeterminism, "Run each scenario twice and fail unless the event logs are identical");
  return [args] { return run(*args); };
}

}  // namespace gs::cli
