// Rendering (issue 5): a kustomize app (an overlay with prefix, labels, images, a
// strategic merge patch and a generator over a base of N objects) and a plain directory
// of N objects, rendered from a Git revision:
//   Render/<kind>/Cold/N          fresh repository handle and render cache each time
//   Render/<kind>/Cached/N        the same revision again: served by the render cache
//   Render/<kind>/OtherRevision/N alternating two revisions that differ only in another
//                                 app: still served from the cache (tree ids checked)
//   Render/KubectlKustomize/N     `kubectl kustomize` on the same app checked out to disk (N <= 1,000)
// After the runs it prints cold/cached ratios (the target: at least 100x at N=1,000).
//
//   render_bench [--max-objects=N] [google benchmark flags]   (sizes 10, 1,000, 10,000 up to N)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "bench_main.hpp"
#include "sim/git/workspace.hpp"
#include "sim/render/renderer.hpp"

using namespace gs;
namespace fs = std::filesystem;

namespace {

int gMaxObjects = 10000;

std::string deployment(int i) {
  const std::string n = "svc-" + std::to_string(i);
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + n + "\n  labels:\n    app: " + n +
         "\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: " + n + "\n  template:\n    metadata:\n      labels:\n        app: " + n +
         "\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/team/app:1.0.0\n        ports:\n        - containerPort: "
         "8080\n        env:\n        - name: MODE\n          value: production\n        resources:\n          requests:\n            cpu: 100m\n            "
         "memory: 128Mi\n        volumeMounts:\n        - name: config\n          mountPath: /etc/app\n      volumes:\n      - name: config\n        configMap:\n          name: app-config\n";
}

std::string service(int i) {
  const std::string n = "svc-" + std::to_string(i);
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + n + "\nspec:\n  selector:\n    app: " + n + "\n  ports:\n  - port: 80\n    targetPort: 8080\n";
}

// A deployment repo with apps/kustomize-N (overlay over base-N) and apps/plain-N, each N objects.
std::map<std::string, std::string> repoFiles(int n) {
  std::map<std::string, std::string> files;
  const std::string size = std::to_string(n);
  std::string base = "resources:\n";
  std::string plain;
  for (int file = 0; file * 100 < n; ++file) {
    std::string content;
    for (int i = file * 100; i < std::min(n, (file + 1) * 100); ++i) content += (i % 2 == 0 ? deployment(i) : service(i)) + "---\n";
    const std::string name = "objects-" + std::to_string(file) + ".yaml";
    files["bases/base-" + size + "/" + name] = content;
    files["apps/plain-" + size + "/" + name] = content;
    base += "- " + name + "\n";
  }
  files["bases/base-" + size + "/kustomization.yaml"] = base + "configMapGenerator:\n- name: app-config\n  literals: [LOG_LEVEL=info, REGION=eu]\n";
  files["apps/kustomize-" + size + "/kustomization.yaml"] =
      "resources:\n- ../../bases/base-" + size +
      "\nnamespace: prod\nnamePrefix: prod-\nlabels:\n- pairs: {env: prod}\n  includeSelectors: false\n  includeTemplates: true\nimages:\n- name: "
      "registry.example.com/team/app\n  newTag: 2.0.0\npatches:\n- target: {kind: Deployment}\n  patch: |\n    apiVersion: apps/v1\n    kind: "
      "Deployment\n    metadata:\n      name: any\n    spec:\n      replicas: 3\n";
  files["apps/other/cm.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n";
  return files;
}

struct World {
  VirtualClock clock;
  std::unique_ptr<git::Workspace> workspace;
  std::filesystem::path checkout;  // the same files on disk, for kubectl
  int size;

  explicit World(int n) : size(n) {
    workspace = std::make_unique<git::Workspace>(clock);
    git::Repository& repo = workspace->createRepo("deploy", repoFiles(n));
    git::CommitRequest other;
    other.changes.push_back({"apps/other/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other-2}\n"});
    other.message = "another app changes";
    repo.commit(other);
    checkout = workspace->root() / "checkout";
    for (const auto& [path, content] : repoFiles(n)) {
      fs::create_directories((checkout / path).parent_path());
      std::ofstream(checkout / path) << content;
    }
  }
  git::Repository& repo() { return workspace->server("deploy"); }
  std::string app(const char* kind) const { return std::string("apps/") + kind + "-" + std::to_string(size); }
};

World& world(int n) {
  static std::map<int, std::unique_ptr<World>> worlds;
  auto& w = worlds[n];
  if (!w) w = std::make_unique<World>(n);
  return *w;
}

void checkCount(benchmark::State& state, std::size_t got, int n) {
  if (got != static_cast<std::size_t>(n) + 1) state.SkipWithError(("rendered " + std::to_string(got) + " objects").c_str());
}

void BM_Cold(benchmark::State& state, const char* kind) {
  World& w = world(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    git::Repository fresh = git::Repository::open(w.workspace->serverPath("deploy"));
    render::RenderCache cache;
    auto objects = cache.render(fresh, "main", w.app(kind));
    if (std::strcmp(kind, "kustomize") == 0) checkCount(state, objects->size(), w.size);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_Cached(benchmark::State& state, const char* kind, bool alternate) {
  World& w = world(static_cast<int>(state.range(0)));
  render::RenderCache cache;
  cache.render(w.repo(), "main", w.app(kind));
  cache.render(w.repo(), "main~1", w.app(kind));
  bool flip = false;
  for (auto _ : state) {
    flip = alternate && !flip;
    auto objects = cache.render(w.repo(), flip ? "main~1" : "main", w.app(kind));
    benchmark::DoNotOptimize(objects);
  }
  if (cache.stats().misses != 1 + (alternate ? 0 : 0) && cache.stats().misses != 2) state.SkipWithError("cache missed");
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_Kubectl(benchmark::State& state) {
  World& w = world(static_cast<int>(state.range(0)));
  const std::string cmd = "kubectl kustomize '" + (w.checkout / w.app("kustomize")).string() + "' > /dev/null 2>&1";
  if (std::system("kubectl version --client > /dev/null 2>&1") != 0) {
    state.SkipWithError("kubectl not installed");
    return;
  }
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) state.SkipWithError("kubectl kustomize failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      std::string name = run.benchmark_name();
      if (auto s = name.find("/real_time"); s != std::string::npos) name.erase(s);
      times_[name] = run.GetAdjustedRealTime() * (run.time_unit == benchmark::kMillisecond ? 1e3 : run.time_unit == benchmark::kMicrosecond ? 1 : 1e-3);
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nRender cache (same run): cold / cached time\n");
    for (const char* kind : {"kustomize", "plain"}) {
      for (int n : {10, 1000, 10000}) {
        const std::string suffix = std::string(kind) + "/" + "%s/" + std::to_string(n);
        auto at = [&](const char* what) {
          char buf[128];
          std::snprintf(buf, sizeof buf, ("Render/" + suffix).c_str(), what);
          auto it = times_.find(buf);
          return it == times_.end() ? 0.0 : it->second;
        };
        const double cold = at("Cold"), cached = at("Cached"), other = at("OtherRevision");
        if (cold == 0 || cached == 0) continue;
        std::printf("  %-9s %6d objects: cold %10.1f us, cached %8.2f us (%7.0fx), other revision %8.2f us (%7.0fx)\n", kind, n, cold, cached,
                    cold / cached, other, other > 0 ? cold / other : 0.0);
      }
    }
    for (int n : {10, 1000, 10000}) {
      auto k = times_.find("Render/KubectlKustomize/" + std::to_string(n));
      auto c = times_.find("Render/kustomize/Cold/" + std::to_string(n));
      if (k != times_.end() && c != times_.end()) {
        std::printf("  kubectl kustomize %6d objects: %10.1f us = %5.1fx gitops-sim's cold render\n", n, k->second, k->second / c->second);
      }
    }
  }

 private:
  std::map<std::string, double> times_;  // microseconds
};

void registerAll() {
  for (int n : {10, 1000, 10000}) {
    if (n > gMaxObjects) continue;
    for (const char* kind : {"kustomize", "plain"}) {
      const std::string k = kind;
      benchmark::RegisterBenchmark(("Render/" + k + "/Cold").c_str(), BM_Cold, kind)->Arg(n)->Unit(benchmark::kMicrosecond)->UseRealTime();
      benchmark::RegisterBenchmark(("Render/" + k + "/Cached").c_str(), BM_Cached, kind, false)->Arg(n)->Unit(benchmark::kMicrosecond)->UseRealTime();
      benchmark::RegisterBenchmark(("Render/" + k + "/OtherRevision").c_str(), BM_Cached, kind, true)->Arg(n)->Unit(benchmark::kMicrosecond)->UseRealTime();
    }
    // kubectl kustomize needs about 90 s for the 10,000-object app: compared up to 1,000.
    if (n <= 1000) benchmark::RegisterBenchmark("Render/KubectlKustomize", BM_Kubectl)->Arg(n)->Unit(benchmark::kMicrosecond)->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  RatioReporter reporter;
  return gs::bench::runSuite(argc, argv, {{"--max-objects=", &gMaxObjects, 1}}, registerAll, reporter);
}
