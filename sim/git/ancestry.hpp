// "Is commit A an ancestor of commit B?" asked many times over one repository's history
// (the DORA metrics of a long run ask it for every commit against every app state): one
// walk of the whole history, then each answer from memory. libgit2 answers each question
// with a graph walk that reads commits from disk, which made metrics of a 10,000-commit
// run take many minutes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/git/repository.hpp"

namespace gs::git {

class AncestryIndex {
 public:
  // Histories up to `maxIndexed` commits get a bit set of ancestors per commit (n²/8
  // bytes: 12.5 MB for 10,000 commits); longer ones, and commits made after the index
  // was built, are answered by the repository itself, memoized.
  explicit AncestryIndex(const Repository& repo, std::size_t maxIndexed = 16384);

  // As Repository::isAncestor: true when equal.
  bool isAncestor(std::string_view ancestor, std::string_view descendant);

 private:
  const Repository& repo_;
  std::unordered_map<std::string, std::size_t> index_;  // sha -> position, parents first
  std::size_t words_ = 0;
  std::vector<std::uint64_t> ancestors_;  // per commit, `words_` words: bit i set when commit i is an ancestor
  std::unordered_map<std::string, bool> asked_;  // fallback answers, by "ancestor descendant"
};

}  // namespace gs::git
