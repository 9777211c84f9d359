#include "sim/git/handle.hpp"

#include "sim/core/error.hpp"

namespace gs::git {

namespace {

struct Libgit2Runtime {
  Libgit2Runtime() {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    // The simulator writes every object itself: re-checking that each tree entry and
    // parent exists (an existence probe per entry, on disk) and re-hashing every object
    // read cost more than the commit itself.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    // libgit2 caches only trees under 4 KB by default: a folder of a few hundred apps is
    // bigger, and every look-up of a path under it would inflate it again.
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<std::size_t>(4) << 20);
    // Simulated repositories read only their own config: the user's ~/.gitconfig and
    // /etc/gitconfig must not change a run (determinism), and looking for them cost two
    // file probes per repository opened.
    for (git_config_level_t level : {GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL}) {
      git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, "");
    }
  }
  ~Libgit2Runtime() { git_libgit2_shutdown(); }
};

}  // namespace

void ensureLibgit2() { static const Libgit2Runtime runtime; }

std::string lastGitError() {
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? std::string(e->message) : std::string("unknown error");
}

void check(int rc, std::string_view what) {
  if (rc < 0) throw Error::internal("git: " + std::string(what) + ": " + lastGitError());
}

std::string oidHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return std::string(buf);
}

}  // namespace gs::git
