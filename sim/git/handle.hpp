// RAII for libgit2: every handle the git module obtains is owned by a unique_ptr with
// the matching git_*_free, so no handle escapes without an owner. Also the one place
// that initialises libgit2 and turns its return codes into gs::Error.
// Internal to sim/git (the public headers expose no libgit2 type).
#pragma once

#include <git2.h>

#include <memory>
#include <string>
#include <string_view>

namespace gs::git {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};

template <typename T, void (*Free)(T*)>
using GitHandle = std::unique_ptr<T, GitFree<T, Free>>;

using RepoHandle = GitHandle<git_repository, git_repository_free>;
using ObjectHandle = GitHandle<git_object, git_object_free>;
using CommitHandle = GitHandle<git_commit, git_commit_free>;
using TreeHandle = GitHandle<git_tree, git_tree_free>;
using TreeEntryHandle = GitHandle<git_tree_entry, git_tree_entry_free>;
using BlobHandle = GitHandle<git_blob, git_blob_free>;
using SignatureHandle = GitHandle<git_signature, git_signature_free>;
using ReferenceHandle = GitHandle<git_reference, git_reference_free>;
using IndexHandle = GitHandle<git_index, git_index_free>;
using RevwalkHandle = GitHandle<git_revwalk, git_revwalk_free>;
using DiffHandle = GitHandle<git_diff, git_diff_free>;
using TagHandle = GitHandle<git_tag, git_tag_free>;
using OdbHandle = GitHandle<git_odb, git_odb_free>;
using OdbObjectHandle = GitHandle<git_odb_object, git_odb_object_free>;

// Calls git_libgit2_init once per process (libgit2's own state is process-wide) and sets
// the options the simulator needs: no owner validation (workspaces may belong to another
// user when running as root).
void ensureLibgit2();

// Throws gs::Error (Internal) with `what` and libgit2's last error message when rc < 0.
void check(int rc, std::string_view what);
// libgit2's last error message, or "unknown error".
std::string lastGitError();

std::string oidHex(const git_oid& oid);

}  // namespace gs::git
