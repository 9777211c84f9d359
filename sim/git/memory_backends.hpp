// libgit2 storage that never touches the file system, for repositories that live only as
// long as one run (a fuzz case's world): a reference database held in a sorted map, and
// an object-database backend that reads another repository's objects (how an in-memory
// clone shares its server's objects, as `git clone --shared` does through alternates on
// disk), and an object database in memory. Internal to sim/git.
#pragma once

#include <git2.h>

namespace gs::git {

// A reference database in memory, HEAD pointing at refs/heads/<defaultBranch>. It does
// what the file-system backend does for every call the simulator makes: compare-and-swap
// writes and deletes (GIT_EMODIFIED), no overwrite without force (GIT_EEXISTS), no
// reference both a file and a folder ("refs/heads/a" and "refs/heads/a/b"), sorted
// iteration with globs. It keeps no reflogs. Owned by the refdb it is set on.
git_refdb_backend* newMemoryRefdb(const char* defaultBranch);

// Objects in memory, found by full or short id (libgit2's mempack finds no short id).
// Owned by the object database it is added to.
git_odb_backend* newMemoryOdb();

// A read-only backend answering from `source` (whose reference count it takes). Owned by
// the object database it is added to.
git_odb_backend* newOdbReader(git_odb* source);

}  // namespace gs::git
