// Runs the git CLI (the reference oracle) in tests: output of a command, and its status.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

namespace gs::test {

struct CommandResult {
  int status = 0;
  std::string output;  // stdout and stderr
};

inline CommandResult runCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  int rc = pclose(pipe);
  result.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return result;
}

// `git -C <repo> <args>` with a config that trusts any folder owner.
inline CommandResult git(const std::filesystem::path& repo, const std::string& args) {
  return runCommand("git -c safe.directory='*' -C '" + repo.string() + "' " + args);
}

}  // namespace gs::test
