#include "sim/cli/fuzz_command.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include "sim/cli/seed_option.hpp"
#include "sim/core/clock.hpp"
#include "sim/core/error.hpp"
#include "sim/fuzz/campaign.hpp"
#include "sim/report/html.hpp"

namespace gs::cli {

namespace {

struct FuzzArgs {
  std::size_t runs = 1000;
  std::string time;
  std::optional<std::uint64_t> seed;
  std::string shard = "0/1";
  int jobs = 1;
  int size = 30;
  std::string out = "scenarios/regressions";
  bool outGiven = false;
  std::string canary;
  bool noShrink = false;
  std::size_t maxFailures = 5;
  std::string json;
  std::string html;
  std::optional<std::uint64_t> caseSeed;
  bool runsGiven = false;
};

std::pair<std::size_t, std::size_t> parseShard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      const std::size_t i = std::stoul(text.substr(0, slash));
      const std::size_t n = std::stoul(text.substr(slash + 1));
      if (n > 0 && i < n) return {i, n};
    }
  } catch (const std::exception&) {
  }
  throw Error::invalid("--shard takes i/n with 0 <= i < n (e.g. 3/8), not '" + text + "'");
}

Json failureJson(const fuzz::Counterexample& c) {
  return Json{{"seed", c.original.seed},       {"invariant", c.shrunk.invariant},       {"message", c.shrunk.message},
              {"commands", c.original.commands}, {"shrunkCommands", c.shrunk.commands}, {"shrinkRuns", c.shrinkRuns},
              {"file", c.file},                 {"replayed", c.replayed},                {"shrunk", c.shrunk.shown}};
}

int run(const FuzzArgs& args) {
  fuzz::CampaignOptions options;
  options.seed = args.seed.value_or(static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) & 0x7FFFFFFFFFFFULL);
  options.runs = args.runs;
  if (!args.time.empty()) {
    try {
      options.time = std::chrono::duration_cast<std::chrono::steady_clock::duration>(parseDuration(args.time));
    } catch (const Error& e) {
      throw Error::invalid("--time: " + e.message());
    }
    if (!args.runsGiven) options.runs = std::numeric_limits<std::size_t>::max();  // --time alone: until the time is up
  }
  std::tie(options.shardIndex, options.shardCount) = parseShard(args.shard);
  options.threads = std::max(1, args.jobs);
  options.size = args.size;
  options.shrink = !args.noShrink;
  // A canary's counterexamples replay a planted bug: never into the shipped regression
  // suite (make test would run them) unless --out says so.
  options.out = !args.canary.empty() && !args.outGiven ? std::string("fuzz-canary") : args.out;
  options.maxFailures = std::max<std::size_t>(1, args.maxFailures);
  if (!args.canary.empty()) options.bug = *sync::deliberateBugNamed(args.canary);
  options.onlyCase = args.caseSeed;
  const bool tty = isatty(STDERR_FILENO) != 0;
  int ticks = 0;
  options.progress = [&](const std::string& line) {
    if (tty) {
      std::cerr << "\r\033[K" << line << std::flush;
    } else if (++ticks % 10 == 0) {
      std::cerr << line << '\n';
    }
  };
  std::cout << "fuzz: seed " << options.seed << ", shard " << options.shardIndex << "/" << options.shardCount << ", " << options.threads
            << " thread(s), size " << options.size << (args.canary.empty() ? "" : ", canary " + args.canary) << std::endl;
  const fuzz::CampaignResult result = fuzz::runCampaign(options);
  if (tty) std::cerr << "\r\033[K";
  const double perSecond = result.seconds > 0 ? static_cast<double>(result.cases) / result.seconds : 0;
  char head[256];
  std::snprintf(head, sizeof head, "%zu cases in %.1f s (%.1f cases/s, %.1f steps per case), %zu failing", result.cases, result.seconds, perSecond,
                result.cases ? static_cast<double>(result.steps) / static_cast<double>(result.cases) : 0.0, result.failures.size());
  std::cout << head << "\ncoverage: " << fuzz::coverageLine(result.coverage) << " (";
  bool first = true;
  for (const auto& [kind, n] : result.coverage) {
    std::cout << (first ? "" : ", ") << kind << " " << n;
    first = false;
  }
  std::cout << ")\n";
  for (const auto& c : result.failures) {
    std::cout << "\nFAILED case seed " << c.original.seed << ": " << c.shrunk.message << "\n";
    std::cout << "  shrunk from " << c.original.commands << " to " << c.shrunk.commands << " commands in " << c.shrinkRuns << " runs:\n";
    std::string line;
    std::istringstream shown(c.shrunk.shown);
    while (std::getline(shown, line)) std::cout << "    " << line << '\n';
    if (!c.file.empty()) {
      std::cout << "  wrote " << c.file << (c.replayed ? " (replays the same failure)" : " (DOES NOT replay the failure: " + c.replayMessage + ")") << '\n';
      std::cout << "  replay: gitops-sim run " << c.file << '\n';
    }
    std::cout << "  re-run this case: gitops-sim fuzz --case " << c.original.seed << " --size " << options.size
              << (args.canary.empty() ? "" : " --canary " + args.canary) << "\n";
  }
  if (!args.json.empty() || !args.html.empty()) {
    Json j{{"seed", options.seed},       {"cases", result.cases},   {"seconds", result.seconds}, {"casesPerSecond", perSecond},
           {"steps", result.steps},      {"coverage", result.coverage}, {"failures", Json::array()},
           {"shard", args.shard},        {"threads", options.threads}, {"size", options.size}, {"canary", args.canary}};
    for (const auto& c : result.failures) j["failures"].push_back(failureJson(c));
    if (!args.json.empty()) std::ofstream(args.json) << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
    if (!args.html.empty()) {
      report::writeHtmlReport(j, args.html);
      std::cout << "report: " << args.html << '\n';
    }
  }
  return result.failures.empty() ? kExitOk : kExitFailed;
}

}  // namespace

std::function<int()> addFuzzCommand(CLI::App& app) {
  auto args = std::make_shared<FuzzArgs>();
  CLI::App* cmd = app.add_subcommand("fuzz", "Fuzz whole GitOps worlds: random commits, drift, faults and rollbacks, checked against the invariants "
                                             "(docs/invariants.md); failing cases are shrunk and written as scenario files");
  CLI::Option* runs = cmd->add_option("--runs", args->runs, "Cases to run over all shards (default 1000; with --time alone, until the time is up)");
  cmd->add_option("--time", args->time, "Stop starting cases after this much wall time, e.g. 10m");
  cmd->add_option("--seed", args->seed, "Campaign seed (default: from the clock, printed); the same seed runs the same cases")->check(cli::seedValidator());
  cmd->add_option("--shard", args->shard, "Run shard i of n (i/n): case k runs on shard k mod n");
  cmd->add_option("-j,--jobs", args->jobs, "Worker threads (each case is single-threaded)");
  cmd->add_option("--size", args->size, "Upper bound on commands per case (RapidCheck's size; default 30)")->check(CLI::Range(1, 1000));
  CLI::Option* out = cmd->add_option("--out", args->out, "Folder for shrunk counterexamples (default scenarios/regressions; fuzz-canary with --canary)");
  cmd->add_option("--canary", args->canary, "Plant a deliberate bug to prove the checkers catch it")->check(CLI::IsMember({"skip-prune", "late-self-heal"}));
  cmd->add_flag("--no-shrink", args->noShrink, "Report failing cases without shrinking them");
  cmd->add_option("--max-failures", args->maxFailures, "Stop after this many failing cases (default 5)");
  cmd->add_option("--json", args->json, "Write the campaign summary as JSON");
  cmd->add_option("--html", args->html, "Write the campaign report (coverage, shrunk counterexamples, replay commands) as HTML");
  cmd->add_option("--case", args->caseSeed, "Run only the case with this case seed (as a failure report names it)");
  return [args, runs, out] {
    args->runsGiven = runs->count() > 0;
    args->outGiven = out->count() > 0;
    return run(*args);
  };
}

}  // namespace gs::cli
