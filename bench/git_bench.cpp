// Git through the wrapper (issue 4) against the git CLI doing the same work, in the same
// run, on tmpfs (/dev/shm) and on disk (/var/tmp):
//   Commit/Clone      one changed file in a 100-file tree, committed in an actor's clone
//                     (objects in memory until pushed): the path every simulated commit takes
//   Commit/ClonePush  the same plus the push to the bare server repo (objects + ref CAS)
//   Commit/Server     a commit straight into the bare repo (loose objects on disk)
//   Commit/GitCli     `git commit -a` in a working tree: one process per commit
//   Commit/FastImport `git fast-import` taking N commits in one process (bulk; per commit)
//   ReadTree/Cached   every file of an unchanged 100-file app folder at a new revision
//   ReadTree/Cold     the same with an empty cache (fresh repository handle)
//   ReadTree/GitCli   `git ls-tree | git cat-file --batch` for the same folder
// After the runs it prints the per-commit and per-read times and the ratios.
//
//   git_bench [--bulk=N] [google benchmark flags]      (N: commits per fast-import, 1000)
#include <benchmark/benchmark.h>
#include <sys/vfs.h>
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

using namespace gs;
namespace fs = std::filesystem;

namespace {

int gBulk = 1000;
constexpr int kFiles = 100;
constexpr long kTmpfsMagic = 0x01021994;

struct Storage {
  const char* label;
  const char* parent;
};
const Storage kStorages[] = {{"tmpfs", "/dev/shm"}, {"disk", "/var/tmp"}};

bool isTmpfs(const char* path) {
  struct statfs s {};
  return statfs(path, &s) == 0 && static_cast<long>(s.f_type) == kTmpfsMagic;
}

// A fresh folder under `parent`, removed at the end.
struct ScratchDir {
  fs::path path;
  explicit ScratchDir(const char* parent) {
    std::string pattern = std::string(parent) + "/gs-git-bench-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp under " + std::string(parent));
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::map<std::string, std::string> appFiles() {
  std::map<std::string, std::string> files;
  for (int i = 0; i < kFiles; ++i) {
    files["apps/web/obj-" + std::to_string(i) + ".yaml"] =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: obj-" + std::to_string(i) + "\ndata:\n  key: value-" + std::to_string(i) + "\n";
  }
  files["apps/other/readme.md"] = "other app\n";
  return files;
}

git::CommitRequest change(std::int64_t i, const std::string& path = "apps/web/obj-1.yaml") {
  git::CommitRequest r;
  r.message = "change " + std::to_string(i);
  r.author.time = VirtualClock::kDefaultEpochSeconds + i;
  r.changes.push_back({path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: obj-1\ndata:\n  key: v" + std::to_string(i) + "\n"});
  return r;
}

int run(const std::string& command) { return std::system(command.c_str()); }

void BM_CommitClone(benchmark::State& state, Storage storage, bool push) {
  ScratchDir dir(storage.parent);
  VirtualClock clock;
  git::Workspace ws(clock, dir.path / "ws");
  ws.createRepo("deploy", appFiles());
  git::Clone& clone = ws.clone("bench", "deploy");
  clone.resetToRemote("main");
  std::int64_t i = 0;
  for (auto _ : state) {
    clone.repo().commit(change(++i));
    if (push && !clone.push("main").ok()) state.SkipWithError("push failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_CommitServer(benchmark::State& state, Storage storage) {
  ScratchDir dir(storage.parent);
  VirtualClock clock;
  git::Workspace ws(clock, dir.path / "ws");
  git::Repository& repo = ws.createRepo("deploy", appFiles());
  std::int64_t i = 0;
  for (auto _ : state) repo.commit(change(++i));
  state.SetItemsProcessed(state.iterations());
}

void BM_CommitGitCli(benchmark::State& state, Storage storage) {
  ScratchDir dir(storage.parent);
  const fs::path work = dir.path / "work";
  for (const auto& [path, content] : appFiles()) {
    fs::create_directories((work / path).parent_path());
    std::ofstream(work / path) << content;
  }
  const std::string git = "git -c user.name=bench -c user.email=bench@example.com -c safe.directory='*' -C '" + work.string() + "' ";
  if (run(git + "init -q -b main && " + git + "add -A && " + git + "commit -q -m initial") != 0) {
    state.SkipWithError("git init failed");
    return;
  }
  std::int64_t i = 0;
  for (auto _ : state) {
    std::ofstream(work / "apps/web/obj-1.yaml") << "data: v" << ++i << "\n";
    if (run(git + "commit -q -a -m 'change " + std::to_string(i) + "'") != 0) state.SkipWithError("git commit failed");
  }
  state.SetItemsProcessed(state.iterations());
}

// One `git fast-import` process taking gBulk commits, each changing one file of the tree.
void BM_CommitFastImport(benchmark::State& state, Storage storage) {
  ScratchDir dir(storage.parent);
  std::string stream;
  std::int64_t mark = 0;
  auto data = [&](const std::string& content) { stream += "data " + std::to_string(content.size()) + "\n" + content + "\n"; };
  for (int c = 0; c < gBulk; ++c) {
    stream += "commit refs/heads/main\nmark :" + std::to_string(++mark) + "\ncommitter bench <bench@example.com> " +
              std::to_string(VirtualClock::kDefaultEpochSeconds + c) + " +0000\n";
    data("change " + std::to_string(c));
    if (c == 0) {
      for (const auto& [path, content] : appFiles()) {
        stream += "M 100644 inline " + path + "\n";
        data(content);
      }
    } else {
      stream += "M 100644 inline apps/web/obj-1.yaml\n";
      data("data: v" + std::to_string(c) + "\n");
    }
  }
  const fs::path input = dir.path / "stream";
  std::ofstream(input, std::ios::binary) << stream;
  int round = 0;
  for (auto _ : state) {
    const fs::path repo = dir.path / ("r" + std::to_string(++round) + ".git");
    if (run("git init -q --bare -b main '" + repo.string() + "' && git -C '" + repo.string() + "' fast-import --quiet < '" + input.string() +
            "'") != 0) {
      state.SkipWithError("git fast-import failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * gBulk);
}

void BM_ReadTree(benchmark::State& state, Storage storage, bool cached) {
  ScratchDir dir(storage.parent);
  VirtualClock clock;
  git::Workspace ws(clock, dir.path / "ws");
  git::Repository& repo = ws.createRepo("deploy", appFiles());
  // A later revision where only another app changed: apps/web is the same tree.
  repo.commit(change(1, "apps/other/readme.md"));
  std::size_t files = 0;
  for (auto _ : state) {
    if (cached) {
      files += repo.readTree("main", "apps/web").value()->files.size();
    } else {
      git::Repository fresh = git::Repository::open(ws.serverPath("deploy"));
      files += fresh.readTree("main", "apps/web").value()->files.size();
    }
  }
  if (files != static_cast<std::size_t>(state.iterations()) * kFiles) state.SkipWithError("wrong file count");
  state.SetItemsProcessed(state.iterations());
}

void BM_ReadTreeGitCli(benchmark::State& state, Storage storage) {
  ScratchDir dir(storage.parent);
  VirtualClock clock;
  git::Workspace ws(clock, dir.path / "ws");
  ws.createRepo("deploy", appFiles());
  const std::string git = "git -c safe.directory='*' -C '" + ws.serverPath("deploy").string() + "' ";
  for (auto _ : state) {
    if (run(git + "ls-tree -r --format='%(objectname)' main:apps/web | " + git + "cat-file --batch > /dev/null") != 0) {
      state.SkipWithError("git cat-file failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void registerAll() {
  for (const Storage& s : kStorages) {
    if (access(s.parent, W_OK) != 0) continue;
    const std::string where = std::string("/") + s.label + (std::strcmp(s.label, "disk") == 0 && isTmpfs(s.parent) ? "(tmpfs!)" : "");
    benchmark::RegisterBenchmark(("Commit/Clone" + where).c_str(), BM_CommitClone, s, false)->Unit(benchmark::kMicrosecond)->UseRealTime();
    benchmark::RegisterBenchmark(("Commit/ClonePush" + where).c_str(), BM_CommitClone, s, true)->Unit(benchmark::kMicrosecond)->UseRealTime();
    benchmark::RegisterBenchmark(("Commit/Server" + where).c_str(), BM_CommitServer, s)->Unit(benchmark::kMicrosecond)->UseRealTime();
    benchmark::RegisterBenchmark(("Commit/GitCli" + where).c_str(), BM_CommitGitCli, s)->Unit(benchmark::kMicrosecond)->UseRealTime();
    benchmark::RegisterBenchmark(("Commit/FastImport" + where).c_str(), BM_CommitFastImport, s)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark(("ReadTree/Cached" + where).c_str(), BM_ReadTree, s, true)->Unit(benchmark::kMicrosecond)->UseRealTime();
    benchmark::RegisterBenchmark(("ReadTree/Cold" + where).c_str(), BM_ReadTree, s, false)->Unit(benchmark::kMicrosecond)->UseRealTime();
    benchmark::RegisterBenchmark(("ReadTree/GitCli" + where).c_str(), BM_ReadTreeGitCli, s)->Unit(benchmark::kMicrosecond)->UseRealTime();
  }
}

// Prints the console output as usual, then the time per commit / per tree read and the
// ratios against the git CLI from the same run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
      auto items = run.counters.find("items_per_second");
      std::string name = run.benchmark_name();
      if (auto suffix = name.find("/real_time"); suffix != std::string::npos) name.erase(suffix);
      if (items != run.counters.end() && items->second.value > 0) perItemUs_[name] = 1e6 / items->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const Storage& s : kStorages) {
      const std::string where = std::string("/") + s.label;
      auto at = [&](const std::string& name) {
        auto it = perItemUs_.find(name + where);
        return it == perItemUs_.end() ? 0.0 : it->second;
      };
      const double clone = at("Commit/Clone"), push = at("Commit/ClonePush"), server = at("Commit/Server");
      const double cli = at("Commit/GitCli"), bulk = at("Commit/FastImport");
      const double cached = at("ReadTree/Cached"), cold = at("ReadTree/Cold"), cliRead = at("ReadTree/GitCli");
      if (clone == 0) continue;
      std::printf("\n%s: per commit (one file changed in a 100-file tree)\n", s.label);
      std::printf("  clone commit %8.1f us | + push %8.1f us | server (loose) %8.1f us\n", clone, push, server);
      if (cli > 0) std::printf("  git commit (CLI) %8.1f us: %6.1fx the clone commit, %5.1fx commit+push\n", cli, cli / clone, cli / push);
      if (bulk > 0) std::printf("  git fast-import (bulk of %d) %6.1f us per commit: %5.2fx the clone commit\n", gBulk, bulk, bulk / clone);
      std::printf("%s: per read of a 100-file app folder\n", s.label);
      std::printf("  cached %8.2f us | cold %8.1f us", cached, cold);
      if (cliRead > 0) std::printf(" | git ls-tree + cat-file %8.1f us: %6.0fx cached, %5.1fx cold", cliRead, cliRead / cached, cliRead / cold);
      std::printf("\n");
    }
  }

 private:
  std::map<std::string, double> perItemUs_;
};

}  // namespace

int main(int argc, char** argv) {
  RatioReporter reporter;
  return gs::bench::runSuite(argc, argv, {{"--bulk=", &gBulk, 2}}, registerAll, reporter);
}
