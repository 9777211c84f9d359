#include "sim/git/ancestry.hpp"

namespace gs::git {

AncestryIndex::AncestryIndex(const Repository& repo, std::size_t maxIndexed) : repo_(repo) {
  const auto history = repo.history();
  if (history.empty() || history.size() > maxIndexed) return;
  const std::size_t n = history.size();
  words_ = (n + 63) / 64;
  ancestors_.assign(n * words_, 0);
  for (std::size_t i = 0; i < n; ++i) index_.emplace(history[i].sha, i);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t* mine = &ancestors_[i * words_];
    mine[i / 64] |= std::uint64_t{1} << (i % 64);  // a commit counts as its own ancestor
    for (const auto& parent : history[i].parents) {
      auto p = index_.find(parent);
      if (p == index_.end()) continue;  // (a shallow boundary: cannot happen in our repos)
      const std::uint64_t* theirs = &ancestors_[p->second * words_];
      for (std::size_t w = 0; w < words_; ++w) mine[w] |= theirs[w];
    }
  }
}

bool AncestryIndex::isAncestor(std::string_view ancestor, std::string_view descendant) {
  auto a = index_.find(std::string(ancestor));
  auto d = index_.find(std::string(descendant));
  if (a != index_.end() && d != index_.end()) {
    return (ancestors_[d->second * words_ + a->second / 64] >> (a->second % 64)) & 1U;
  }
  const std::string key = std::string(ancestor) + ' ' + std::string(descendant);
  if (auto known = asked_.find(key); known != asked_.end()) return known->second;
  const bool answer = repo_.isAncestor(ancestor, descendant);
  asked_.emplace(key, answer);
  return answer;
}

}  // namespace gs::git
