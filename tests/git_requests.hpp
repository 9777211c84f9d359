// Commit requests for the Git tests: a signature at a time after 2026-01-01, and a
// one-file change on a branch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "sim/git/types.hpp"

namespace gs::test {

inline git::Signature at(std::int64_t t, std::string name = "Ada") {
  git::Signature s;
  s.name = std::move(name);
  s.email = "ada@example.com";
  s.time = 1767225600 + t;
  return s;
}

inline git::CommitRequest change(std::string path, std::optional<std::string> content, std::string message, std::int64_t t,
                                 std::string branch = "main") {
  git::CommitRequest r;
  r.branch = std::move(branch);
  r.changes.push_back({std::move(path), std::move(content)});
  r.message = std::move(message);
  r.author = at(t);
  return r;
}

}  // namespace gs::test
