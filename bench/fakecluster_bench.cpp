// Fake cluster throughput (issue 3): create N Deployments x 10 replicas and roll them
// all out to a new image on the virtual clock, through the real controllers, scheduler
// and kubelet; report wall time, API writes per second, peak RSS and bytes per stored
// object. Then list-with-selector latency over the resulting pods, and the cost of
// watch fan-out (10 observers) per write.
//
//   fakecluster_bench [--deployments=N] [--no-events] [--history=EVENTS] [google benchmark flags]
//
// N defaults to 10,000 (100,000 pods); `make test` runs it with N=100 as a smoke test.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "fakecluster/cluster.hpp"
#include "sim/core/event_loop.hpp"

using namespace gs;
using namespace gs::fake;
using namespace std::chrono_literals;

namespace {

int gDeployments = 10000;
bool gEvents = true;
std::size_t gHistory = ClusterOptions{}.historyLimit;
constexpr int kReplicas = 10;
constexpr int kNamespaces = 100;

// A size field of /proc/self/status ("VmHWM": peak resident set, "VmRSS": current), in bytes.
std::int64_t memoryField(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stoll(line.substr(prefix.size())) * 1024;
  }
  return 0;
}
std::int64_t peakRss() { return memoryField("VmHWM"); }
std::int64_t currentRss() { return memoryField("VmRSS"); }

Json deployment(int i, const std::string& image) {
  const std::string name = "app-" + std::to_string(i);
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"metadata", {{"name", name}, {"namespace", "ns-" + std::to_string(i % kNamespaces)}, {"labels", {{"app", name}}}}},
              {"spec",
               {{"replicas", kReplicas},
                {"selector", {{"matchLabels", {{"app", name}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", name}, {"tier", i % 2 == 0 ? "web" : "worker"}}}}},
                  {"spec", {{"containers", Json::array({Json{{"name", "main"}, {"image", image},
                                                             {"ports", Json::array({Json{{"containerPort", 8080}}})},
                                                             {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}}}})}}}}}}}};
}

// A cluster holding N converged Deployments (built once, shared by the read benchmarks).
struct World {
  VirtualClock clock;
  EventLoop loop{clock};
  std::unique_ptr<FakeCluster> cluster;
  double createSeconds = 0, rolloutSeconds = 0;
  std::uint64_t createWrites = 0, rolloutWrites = 0;
  std::int64_t rssBefore = 0;
  std::int64_t peakRssCreate = 0;  // VmHWM once all N x 10 pods run, before the rollout

  void settle() {
    // Run until nothing is left to do at or before now + 10 minutes of virtual time.
    loop.runUntil(clock.now() + 10min);
  }

  World() {
    rssBefore = currentRss();
    ClusterOptions options;
    options.seed = 7;
    options.recordEvents = gEvents;
    options.nodes = std::max(3, gDeployments * kReplicas / 100);  // ~100 pods per node, as kubelets allow 110
    options.historyLimit = gHistory;
    cluster = std::make_unique<FakeCluster>(loop, options);
    for (int n = 0; n < kNamespaces; ++n) {
      cluster->create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "ns-" + std::to_string(n)}}}});
    }
    loop.runUntil(clock.now());
    auto w0 = cluster->store().writes();
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < gDeployments; ++i) cluster->create(deployment(i, "registry.example.com/app:v1"));
    settle();
    auto t1 = std::chrono::steady_clock::now();
    createSeconds = std::chrono::duration<double>(t1 - t0).count();
    createWrites = cluster->store().writes() - w0;
    peakRssCreate = peakRss();
  }

  void rollout() {
    auto w0 = cluster->store().writes();
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < gDeployments; ++i) {
      Json d = deployment(i, "registry.example.com/app:v2");
      cluster->update(d);
    }
    settle();
    auto t1 = std::chrono::steady_clock::now();
    rolloutSeconds = std::chrono::duration<double>(t1 - t0).count();
    rolloutWrites = cluster->store().writes() - w0;
  }

  std::size_t podCount() {
    std::size_t n = 0;
    cluster->store().forEach("", "Pod", "", [&](const ObjectPtr&) { ++n; });
    return n;
  }
};

World& world() {
  static World w;
  return w;
}

void BM_CreateAndRollOut(benchmark::State& state) {
  for (auto _ : state) {
    World& w = world();
    w.rollout();
    state.SetIterationTime(w.createSeconds + w.rolloutSeconds);
  }
  World& w = world();
  const double writes = static_cast<double>(w.createWrites + w.rolloutWrites);
  const double seconds = w.createSeconds + w.rolloutSeconds;
  const std::size_t pods = w.podCount();
  if (pods != static_cast<std::size_t>(gDeployments * kReplicas)) state.SkipWithError("rollout did not converge to N x 10 pods");
  // Every Deployment must have finished its rollout.
  std::size_t complete = 0;
  w.cluster->store().forEach("apps", "Deployment", "", [&](const ObjectPtr& d) {
    if ((*d)["status"].value("updatedReplicas", 0) == kReplicas && (*d)["status"].value("availableReplicas", 0) == kReplicas) ++complete;
  });
  if (complete != static_cast<std::size_t>(gDeployments)) state.SkipWithError("not every Deployment completed its rollout");
  state.counters["deployments"] = gDeployments;
  state.counters["watch_history"] = static_cast<double>(gHistory);
  state.counters["pods"] = static_cast<double>(pods);
  state.counters["api_writes"] = writes;
  state.counters["writes_per_s"] = writes / seconds;
  state.counters["create_s"] = w.createSeconds;
  state.counters["rollout_s"] = w.rolloutSeconds;
  state.counters["objects"] = static_cast<double>(w.cluster->store().size());
  state.counters["peak_rss_MiB"] = static_cast<double>(peakRss()) / (1024.0 * 1024.0);
  state.counters["peak_rss_create_MiB"] = static_cast<double>(w.peakRssCreate) / (1024.0 * 1024.0);
  state.counters["bytes_per_object"] =
      static_cast<double>(currentRss() - w.rssBefore) / static_cast<double>(w.cluster->store().size());
  for (const auto& name : w.cluster->controllerNames()) {
    state.counters["reconciles_" + name] = static_cast<double>(w.cluster->controller(name)->queue().processed());
  }
  state.counters["virtual_s"] = static_cast<double>(w.clock.now().sinceStart.count()) / 1000.0;
}
BENCHMARK(BM_CreateAndRollOut)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

void BM_ListWithSelector(benchmark::State& state) {
  World& w = world();
  ListOptions options;
  int i = 0;
  std::size_t items = 0;
  for (auto _ : state) {
    const int app = (i++ * 7919) % gDeployments;
    options.labelSelector = "app=app-" + std::to_string(app) + ",tier in (web,worker)";
    Json list = w.cluster->store().list("", "Pod", "ns-" + std::to_string(app % kNamespaces), options);
    items += list["items"].size();
  }
  if (items != static_cast<std::size_t>(state.iterations()) * kReplicas) state.SkipWithError("selector returned the wrong pods");
  state.counters["pods_scanned_per_list"] = static_cast<double>(gDeployments * kReplicas / kNamespaces);
}
BENCHMARK(BM_ListWithSelector)->Unit(benchmark::kMicrosecond);

// The same selector across all namespaces: a scan of every pod.
void BM_ListWithSelectorAllNamespaces(benchmark::State& state) {
  World& w = world();
  ListOptions options;
  options.labelSelector = "app=app-1";
  for (auto _ : state) {
    Json list = w.cluster->store().list("", "Pod", "", options);
    if (list["items"].size() != kReplicas) state.SkipWithError("selector returned the wrong pods");
    benchmark::DoNotOptimize(list);
  }
  state.counters["pods_scanned_per_list"] = static_cast<double>(gDeployments * kReplicas);
}
BENCHMARK(BM_ListWithSelectorAllNamespaces)->Unit(benchmark::kMillisecond);

// Cost of one ConfigMap write with `watchers` observers, each decoding what a watch
// client needs (type, kind, name, resourceVersion) from every event.
void BM_WatchFanOut(benchmark::State& state) {
  VirtualClock clock;
  ObjectStore store(clock, 1, 10000);
  store.create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "default"}}}});
  std::vector<ObjectStore::ObserverId> ids;
  std::uint64_t delivered = 0;
  for (int i = 0; i < state.range(0); ++i) {
    ids.push_back(store.subscribe([&delivered](const WatchEvent& e) {
      const Json& meta = (*e.object)["metadata"];
      delivered += meta["name"].get_ref<const std::string&>().size() + meta["resourceVersion"].get_ref<const std::string&>().size();
    }));
  }
  Json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "config"}, {"namespace", "default"}}}, {"data", {{"k", "0"}}}};
  store.create(cm);
  std::int64_t n = 0;
  for (auto _ : state) {
    cm["data"]["k"] = std::to_string(++n);
    store.update(cm);
  }
  benchmark::DoNotOptimize(delivered);
  state.counters["watchers"] = static_cast<double>(state.range(0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WatchFanOut)->Arg(0)->Arg(10);

// A watch client catching up: replaying the last 10,000 events of one kind.
void BM_WatchReplay(benchmark::State& state) {
  World& w = world();
  const auto rv = w.cluster->store().resourceVersion();
  std::size_t events = 0;
  for (auto _ : state) {
    auto replay = w.cluster->store().watch(rv > 10000 ? rv - 10000 : 0, "", "Pod");
    events = replay.size();
    benchmark::DoNotOptimize(replay);
  }
  state.counters["events_per_replay"] = static_cast<double>(events);
}
BENCHMARK(BM_WatchReplay)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--deployments=", 14) == 0) {
      gDeployments = std::max(1, std::atoi(argv[i] + 14));
    } else if (std::strncmp(argv[i], "--history=", 10) == 0) {
      gHistory = static_cast<std::size_t>(std::max(1, std::atoi(argv[i] + 10)));
    } else if (std::strcmp(argv[i], "--no-events") == 0) {
      gEvents = false;
    } else {
      rest.push_back(argv[i]);
    }
  }
  int restCount = static_cast<int>(rest.size());
  benchmark::Initialize(&restCount, rest.data());
  if (benchmark::ReportUnrecognizedArguments(restCount, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
