#include "sim/cli/serve_command.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>

#include "sim/cli/seed_option.hpp"
#include "fakecluster/http/server.hpp"
#include "sim/core/error.hpp"
#include "sim/core/yaml.hpp"
#include "sim/scenario/parser.hpp"
#include "sim/scenario/report.hpp"
#include "sim/scenario/run_context.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/world.hpp"

namespace gs::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kKubeconfigMarker = "# written by gitops-sim serve";

struct ServeArgs {
  std::string scenario;
  std::string address = "127.0.0.1";
  int port = 6443;
  double timeScale = 1.0;
  int pauseAt = 0;
  std::string token;
  bool insecureHttp = false;
  std::string kubeconfig = "gitops-sim.kubeconfig";
  std::optional<std::uint64_t> seed;
  std::string runFor;  // stop after this much wall time (tests, demos)
  std::string epoch;   // "now", an RFC 3339 instant, or empty: the default for what is served
};

// The instant virtual time 0 stands for. An empty cluster starts now, so that the ages
// kubectl computes on its side (`describe`'s pod and event ages) read as on a live
// cluster; a scenario's world keeps the epoch every run uses, so its commit SHAs are
// the ones `gitops-sim run` prints.
std::int64_t epochOf(const ServeArgs& args) {
  const std::string choice = args.epoch.empty() ? (args.scenario.empty() ? "now" : "") : args.epoch;
  if (choice.empty()) return VirtualClock::kDefaultEpochSeconds;
  if (choice == "now") return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (auto parsed = parseRfc3339(choice)) return *parsed;
  throw Error::invalid("--epoch: expected \"now\" or an RFC 3339 time such as 2026-01-01T00:00:00Z, got \"" + choice + "\"");
}

// The signal handler only sets this flag; the main thread polls it.
volatile std::sig_atomic_t stopRequested = 0;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
extern "C" void onSignal(int) { stopRequested = 1; }

void writeKubeconfig(const std::string& path, const std::string& text) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    // Never overwrite a kubeconfig someone else wrote.
    const std::string existing = readFile(path);
    if (existing.rfind(kKubeconfigMarker, 0) != 0) {
      throw Error::invalid(path + " exists and was not written by gitops-sim serve; choose another --kubeconfig path");
    }
  }
  std::ofstream out(path, std::ios::trunc);
  out << kKubeconfigMarker << "\n" << text;
  if (!out) throw Error::invalid("cannot write the kubeconfig " + path);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
}

int serve(const ServeArgs& args) {
  if (args.address != "127.0.0.1" && args.address != "localhost" && args.address != "::1") {
    std::cerr << "warning: serving on " << args.address << ": anyone who can reach it can change the simulated cluster"
              << (args.token.empty() ? " (no --token set)" : "") << '\n';
  }
  std::mutex simulation;
  // An empty cluster, or a scenario's world.
  std::unique_ptr<VirtualClock> clock;
  std::unique_ptr<EventLoop> loop;
  std::unique_ptr<fake::FakeCluster> bare;
  std::unique_ptr<scenario::Scenario> parsed;
  std::unique_ptr<scenario::World> world;
  std::unique_ptr<scenario::RunContext> run;
  fake::FakeCluster* cluster = nullptr;
  EventLoop* eventLoop = nullptr;
  std::size_t printed = 0;
  const std::int64_t epoch = epochOf(args);
  if (args.scenario.empty()) {
    clock = std::make_unique<VirtualClock>(epoch);
    loop = std::make_unique<EventLoop>(*clock);
    bare = std::make_unique<fake::FakeCluster>(*loop);
    cluster = bare.get();
    cluster->store().setFieldManagerTracking(true);  // served objects show who set what
    eventLoop = loop.get();
    loop->runUntil(clock->now());
  } else {
    parsed = std::make_unique<scenario::Scenario>(scenario::loadScenarioFile(args.scenario));
    const std::uint64_t seed = args.seed.value_or(parsed->seed.value_or(1));
    world = std::make_unique<scenario::World>(*parsed, seed, std::filesystem::path(), nullptr, git::Storage::Disk, epoch);
    world->start();
    run = std::make_unique<scenario::RunContext>(scenario::RunContext{*world, {}, {}, {}, {}, 0, {}, {}});
    const std::size_t steps = args.pauseAt > 0 ? std::min<std::size_t>(static_cast<std::size_t>(args.pauseAt), parsed->steps.size()) : parsed->steps.size();
    scenario::ScenarioResult result;
    std::cout << "scenario " << parsed->name << " (seed " << seed << "): running " << steps << " of " << parsed->steps.size() << " steps\n";
    for (std::size_t i = 0; i < steps; ++i) {
      if (!scenario::runRecordedStep(*run, parsed->steps[i], i, nullptr, result)) {
        std::cout << "step " << result.failedStep << " failed: " << result.message << "\n(serving the world as it is now)\n";
        break;
      }
    }
    for (; printed < world->log().events().size(); ++printed) std::cout << scenario::timelineLine(world->log().events()[printed]) << '\n';
    cluster = &world->cluster();
    // Served objects show who set what: the HPA's scale is kube-controller-manager's.
    cluster->store().setFieldManagerTracking(true);
    eventLoop = &world->loop();
  }

  fake::http::ServerOptions options;
  options.address = args.address;
  options.port = args.port;
  options.token = args.token;
  options.tls = !args.insecureHttp;
  options.timeScale = args.timeScale;
  fake::http::ApiServer server(*cluster, *eventLoop, simulation, options);
  server.start();
  writeKubeconfig(args.kubeconfig, fake::http::kubeconfig(server.url(), args.token, server.certificatePem()));
  std::cout << "serving the " << (args.scenario.empty() ? "empty cluster" : "world of " + args.scenario) << " on " << server.url()
            << " (virtual time x" << args.timeScale << ")\n"
            << "kubeconfig: " << args.kubeconfig << "\n"
            << "try: kubectl --kubeconfig " << args.kubeconfig << " get all -A\n"
            << "stop with Ctrl-C" << std::endl;

  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  const auto started = std::chrono::steady_clock::now();
  const Duration limit = args.runFor.empty() ? Duration::zero() : parseDuration(args.runFor);
  while (!stopRequested) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (world) {
      // The world's timeline as it happens.
      std::lock_guard lock(simulation);
      const auto& events = world->log().events();
      for (; printed < events.size(); ++printed) std::cout << scenario::timelineLine(events[printed]) << '\n';
      std::cout << std::flush;
    }
    if (limit > Duration::zero() && std::chrono::steady_clock::now() - started >= limit) break;
  }
  server.stop();
  std::cout << "stopped after " << server.requests() << " requests\n";
  return kExitOk;
}

}  // namespace

std::function<int()> addServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the fake cluster (empty, or a scenario's world) over the Kubernetes REST API, for kubectl and other clients");
  cmd->add_option("scenario", args->scenario, "A scenario file: its world is served after its steps ran (or after --pause-at)");
  cmd->add_option("--address", args->address, "Address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", args->port, "Port (default 6443; 0 picks a free one)")->check(CLI::Range(0, 65535));
  cmd->add_option("--time-scale", args->timeScale, "Virtual seconds per wall second (default 1; 0 freezes time)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--pause-at", args->pauseAt, "Run the scenario's steps up to this one (1-based) and serve from there")->check(CLI::PositiveNumber);
  cmd->add_option("--token", args->token, "Require this bearer token (the kubeconfig carries it)");
  cmd->add_flag("--insecure-http", args->insecureHttp, "Serve plain HTTP instead of HTTPS (kubectl then sends no token)");
  cmd->add_option("--kubeconfig", args->kubeconfig, "Where to write the kubeconfig (default ./gitops-sim.kubeconfig; never overwrites one it did not write)");
  cmd->add_option("--seed", args->seed, "Seed (default: the scenario's)")->check(cli::seedValidator());
  cmd->add_option("--for", args->runFor, "Stop after this much wall time, e.g. 30s (default: until Ctrl-C)");
  cmd->add_option("--epoch", args->epoch,
                  "The instant virtual time 0 stands for: now or an RFC 3339 time (default: now for the empty cluster; "
                  "2026-01-01T00:00:00Z for a scenario's world, as in every run, so commit SHAs match)");
  return [args] { return serve(*args); };
}

}  // namespace gs::cli
