// The `gitops-sim diff` command end to end: the built binary on the golden cases and on
// bad input, checking exit codes and messages.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "golden_case.hpp"

namespace {

struct Run {
  int exitCode;
  std::string output;
};

Run run(const std::string& args) {
  std::string cmd = std::string(GS_CLI_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int status = pclose(pipe);
  return Run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("gitops-sim diff gives the golden verdicts as exit codes", "[cli][golden]") {
  auto tmp = std::filesystem::temp_directory_path() / "gitops-sim-cli-test";
  std::filesystem::create_directories(tmp);
  for (const auto& c : gs::testing::loadGoldenCases()) {
    DYNAMIC_SECTION(c.name) {
      std::string args = "diff " + (c.dir / "desired.yaml").string() + " " + (c.dir / "live.yaml").string();
      if (!c.ignore.empty()) {
        auto file = tmp / (c.name + "-ignore.json");
        std::ofstream(file) << c.ignore.dump();
        args += " --ignore-file " + file.string();
      }
      if (!c.threeWay) args += " --two-way";
      auto r = run(args + " -o json");
      INFO(r.output);
      CHECK(r.exitCode == (c.modified ? 1 : 0));
      auto json = gs::Json::parse(r.output);
      CHECK(json["objects"][0]["changes"].size() == c.changes.size());
    }
  }
}

TEST_CASE("gitops-sim diff reports bad input with exit code 2 and file:line", "[cli]") {
  auto dir = std::filesystem::temp_directory_path() / "gitops-sim-cli-bad";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bad.yaml") << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n";
  std::ofstream(dir / "good.yaml") << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
  auto r = run("diff " + (dir / "bad.yaml").string() + " " + (dir / "good.yaml").string());
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.output, Catch::Contains("bad.yaml:5:3"));
  CHECK_THAT(r.output, Catch::Contains("duplicate key 'name'"));

  r = run("diff " + (dir / "missing.yaml").string() + " " + (dir / "good.yaml").string());
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.output, Catch::Contains("missing.yaml"));

  r = run("diff " + (dir / "good.yaml").string() + " " + (dir / "good.yaml").string() + " --ignore spec/x");
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.output, Catch::Contains("spec/x"));

  r = run("diff --no-such-flag");
  CHECK(r.exitCode == 2);

  r = run("diff " + (dir / "good.yaml").string() + " " + (dir / "good.yaml").string());
  CHECK(r.exitCode == 0);

  r = run("diff " + (dir / "good.yaml").string() + " " + (dir / "good.yaml").string() + " --two-way --last-applied " +
          (dir / "good.yaml").string());
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.output, Catch::Contains("excludes"));

  r = run("diff -n Bad_NS " + (dir / "good.yaml").string() + " " + (dir / "good.yaml").string());
  CHECK(r.exitCode == 2);
  CHECK_THAT(r.output, Catch::Contains("Bad_NS"));

  r = run("diff - " + (dir / "good.yaml").string() + " < " + (dir / "good.yaml").string());
  CHECK(r.exitCode == 0);

  std::ofstream(dir / "empty.yaml") << "# nothing here\n";
  r = run("diff " + (dir / "empty.yaml").string() + " " + (dir / "good.yaml").string());
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.output, Catch::Contains("holds no objects"));
  CHECK_THAT(r.output, Catch::Contains("# extra: ConfigMap default/a"));

  r = run("diff --help");
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.output, Catch::Contains("--last-applied"));
}
