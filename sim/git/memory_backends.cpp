#include "sim/git/memory_backends.hpp"

#include <git2/sys/odb_backend.h>
#include <git2/sys/refdb_backend.h>
#include <git2/sys/refs.h>

#include <fnmatch.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gs::git {

namespace {

// -- references -------------------------------------------------------------------------

struct StoredRef {
  bool symbolic = false;
  git_oid oid{};
  std::string target;  // for a symbolic reference
};

git_reference* allocate(const std::string& name, const StoredRef& ref) {
  return ref.symbolic ? git_reference__alloc_symbolic(name.c_str(), ref.target.c_str()) : git_reference__alloc(name.c_str(), &ref.oid, nullptr);
}

int notFound(const char* name) {
  git_error_set(GIT_ERROR_REFERENCE, "reference '%s' not found", name);
  return GIT_ENOTFOUND;
}

int modified(const char* name) {
  git_error_set(GIT_ERROR_REFERENCE, "old reference value does not match for '%s'", name);
  return GIT_EMODIFIED;
}

struct MemoryRefdb : git_refdb_backend {
  std::map<std::string, StoredRef> refs;

  static MemoryRefdb& of(git_refdb_backend* backend) { return *static_cast<MemoryRefdb*>(backend); }

  // Whether `current` (nullptr: absent) is what the caller expects it to be.
  static bool matches(const StoredRef* current, const git_oid* oldId, const char* oldTarget) {
    if (oldId != nullptr) {
      if (current == nullptr) return git_oid_is_zero(oldId) != 0;
      if (current->symbolic || !git_oid_equal(&current->oid, oldId)) return false;
    }
    if (oldTarget != nullptr && (current == nullptr || !current->symbolic || current->target != oldTarget)) return false;
    return true;
  }

  // A reference cannot be a folder of others and a file at once ("refs/heads/a" and
  // "refs/heads/a/b"), as on disk.
  const std::string* collision(const std::string& name) const {
    auto below = refs.lower_bound(name + "/");
    if (below != refs.end() && below->first.compare(0, name.size() + 1, name + "/") == 0) return &below->first;
    for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
      auto it = refs.find(name.substr(0, slash));
      if (it != refs.end()) return &it->first;
    }
    return nullptr;
  }

  static int exists(int* out, git_refdb_backend* backend, const char* name) {
    *out = of(backend).refs.count(name) != 0 ? 1 : 0;
    return 0;
  }

  static int lookup(git_reference** out, git_refdb_backend* backend, const char* name) {
    auto& self = of(backend);
    auto it = self.refs.find(name);
    if (it == self.refs.end()) return notFound(name);
    *out = allocate(it->first, it->second);
    return 0;
  }

  static int write(git_refdb_backend* backend, const git_reference* ref, int force, const git_signature*, const char*, const git_oid* oldId,
                   const char* oldTarget) {
    auto& self = of(backend);
    const std::string name = git_reference_name(ref);
    auto it = self.refs.find(name);
    if (!matches(it == self.refs.end() ? nullptr : &it->second, oldId, oldTarget)) return modified(name.c_str());
    if (it != self.refs.end() && force == 0) {
      git_error_set(GIT_ERROR_REFERENCE, "failed to write reference '%s': a reference with that name already exists.", name.c_str());
      return GIT_EEXISTS;
    }
    if (it == self.refs.end()) {
      if (const std::string* other = self.collision(name)) {
        git_error_set(GIT_ERROR_REFERENCE, "path to reference '%s' collides with existing one '%s'", name.c_str(), other->c_str());
        return GIT_EEXISTS;
      }
    }
    StoredRef stored;
    if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC) {
      stored.symbolic = true;
      stored.target = git_reference_symbolic_target(ref);
    } else {
      git_oid_cpy(&stored.oid, git_reference_target(ref));
    }
    self.refs[name] = std::move(stored);
    return 0;
  }

  static int rename(git_reference** out, git_refdb_backend* backend, const char* oldName, const char* newName, int force, const git_signature*,
                    const char*) {
    auto& self = of(backend);
    auto it = self.refs.find(oldName);
    if (it == self.refs.end()) return notFound(oldName);
    if (self.refs.count(newName) != 0 && force == 0) {
      git_error_set(GIT_ERROR_REFERENCE, "failed to write reference '%s': a reference with that name already exists.", newName);
      return GIT_EEXISTS;
    }
    StoredRef moved = it->second;
    self.refs.erase(it);
    if (const std::string* other = self.collision(newName)) {
      git_error_set(GIT_ERROR_REFERENCE, "path to reference '%s' collides with existing one '%s'", newName, other->c_str());
      self.refs.emplace(oldName, std::move(moved));
      return GIT_EEXISTS;
    }
    auto placed = self.refs.insert_or_assign(newName, std::move(moved)).first;
    *out = allocate(placed->first, placed->second);
    return 0;
  }

  static int del(git_refdb_backend* backend, const char* name, const git_oid* oldId, const char* oldTarget) {
    auto& self = of(backend);
    auto it = self.refs.find(name);
    if (it == self.refs.end()) return notFound(name);
    if (!matches(&it->second, oldId, oldTarget)) return modified(name);
    self.refs.erase(it);
    return 0;
  }

  static int nothing(git_refdb_backend*) { return 0; }
  static int noLog(git_refdb_backend*, const char*) { return 0; }
  static int readLog(git_reflog**, git_refdb_backend*, const char* name) {
    git_error_set(GIT_ERROR_REFERENCE, "in-memory repositories keep no reflog (asked for '%s')", name);
    return GIT_ENOTFOUND;
  }
  static int writeLog(git_refdb_backend*, git_reflog*) { return 0; }
  static int renameLog(git_refdb_backend*, const char*, const char*) { return 0; }
  static void release(git_refdb_backend* backend) { std::unique_ptr<MemoryRefdb> owned(&of(backend)); }

  static int iterator(git_reference_iterator** out, git_refdb_backend* backend, const char* glob);
};

// A snapshot of the references that matched when iteration began: writes during the
// iteration (fetch prunes as it goes) do not disturb it.
struct MemoryRefIterator : git_reference_iterator {
  std::vector<std::pair<std::string, StoredRef>> entries;
  std::size_t next_ = 0;

  static MemoryRefIterator& of(git_reference_iterator* it) { return *static_cast<MemoryRefIterator*>(it); }

  static int nextRef(git_reference** out, git_reference_iterator* it) {
    auto& self = of(it);
    if (self.next_ == self.entries.size()) return GIT_ITEROVER;
    const auto& [name, ref] = self.entries[self.next_++];
    *out = allocate(name, ref);
    return 0;
  }
  static int nextName(const char** out, git_reference_iterator* it) {
    auto& self = of(it);
    if (self.next_ == self.entries.size()) return GIT_ITEROVER;
    *out = self.entries[self.next_++].first.c_str();
    return 0;
  }
  static void release(git_reference_iterator* it) { std::unique_ptr<MemoryRefIterator> owned(&of(it)); }
};

int MemoryRefdb::iterator(git_reference_iterator** out, git_refdb_backend* backend, const char* glob) {
  auto it = std::make_unique<MemoryRefIterator>();
  std::memset(static_cast<git_reference_iterator*>(it.get()), 0, sizeof(git_reference_iterator));
  it->next = &MemoryRefIterator::nextRef;
  it->next_name = &MemoryRefIterator::nextName;
  it->free = &MemoryRefIterator::release;
  for (const auto& [name, ref] : of(backend).refs) {
    // As the file-system backend: HEAD and other top-level pseudo-refs are not listed.
    if (name.compare(0, 5, "refs/") != 0) continue;
    if (glob != nullptr && fnmatch(glob, name.c_str(), 0) != 0) continue;
    it->entries.emplace_back(name, ref);
  }
  *out = it.release();
  return 0;
}

// -- objects ----------------------------------------------------------------------------

// Hands `bytes` to libgit2 in a buffer it will free, as a backend's read must.
int copyOut(void** data, std::size_t* size, git_object_t* type, git_odb_backend* backend, const void* bytes, std::size_t length,
            git_object_t objectType) {
  *size = length;
  *type = objectType;
  *data = git_odb_backend_data_alloc(backend, length);
  if (*data == nullptr) return -1;
  std::memcpy(*data, bytes, length);
  return 0;
}

int objectNotFound(const char* what) {
  git_error_set(GIT_ERROR_ODB, "object not found - %s", what);
  return GIT_ENOTFOUND;
}

struct OidLess {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_cmp(&a, &b) < 0; }
};

// Objects in a sorted map (libgit2's mempack cannot find an object by a short id, and
// short SHAs are revisions scenarios use).
struct MemoryOdb : git_odb_backend {
  struct Stored {
    git_object_t type;
    std::string data;
  };
  std::map<git_oid, Stored, OidLess> objects;

  static MemoryOdb& of(git_odb_backend* backend) { return *static_cast<MemoryOdb*>(backend); }

  static int copyOut(void** data, std::size_t* size, git_object_t* type, git_odb_backend* backend, const Stored& stored) {
    return git::copyOut(data, size, type, backend, stored.data.data(), stored.data.size(), stored.type);
  }

  // The one object whose id starts with `prefix` (`length` hex digits).
  static int unique(const MemoryOdb& self, const git_oid* prefix, std::size_t length, decltype(objects)::const_iterator& found) {
    found = self.objects.lower_bound(*prefix);
    if (found == self.objects.end() || git_oid_ncmp(&found->first, prefix, length) != 0) return objectNotFound("no object has that prefix");
    auto next = std::next(found);
    if (next != self.objects.end() && git_oid_ncmp(&next->first, prefix, length) == 0) {
      git_error_set(GIT_ERROR_ODB, "ambiguous SHA1 prefix - found multiple objects");
      return GIT_EAMBIGUOUS;
    }
    return 0;
  }

  static int read(void** data, std::size_t* size, git_object_t* type, git_odb_backend* backend, const git_oid* oid) {
    auto& self = of(backend);
    auto it = self.objects.find(*oid);
    if (it == self.objects.end()) return objectNotFound("not in memory");
    return copyOut(data, size, type, backend, it->second);
  }
  static int readPrefix(git_oid* found, void** data, std::size_t* size, git_object_t* type, git_odb_backend* backend, const git_oid* prefix,
                        std::size_t length) {
    decltype(objects)::const_iterator it;
    if (int rc = unique(of(backend), prefix, length, it); rc < 0) return rc;
    git_oid_cpy(found, &it->first);
    return copyOut(data, size, type, backend, it->second);
  }
  static int readHeader(std::size_t* size, git_object_t* type, git_odb_backend* backend, const git_oid* oid) {
    auto& self = of(backend);
    auto it = self.objects.find(*oid);
    if (it == self.objects.end()) return objectNotFound("not in memory");
    *size = it->second.data.size();
    *type = it->second.type;
    return 0;
  }
  static int write(git_odb_backend* backend, const git_oid* oid, const void* data, std::size_t size, git_object_t type) {
    of(backend).objects.try_emplace(*oid, Stored{type, std::string(static_cast<const char*>(data), size)});
    return 0;
  }
  static int exists(git_odb_backend* backend, const git_oid* oid) { return of(backend).objects.count(*oid) != 0 ? 1 : 0; }
  static int existsPrefix(git_oid* found, git_odb_backend* backend, const git_oid* prefix, std::size_t length) {
    decltype(objects)::const_iterator it;
    if (int rc = unique(of(backend), prefix, length, it); rc < 0) return rc;
    git_oid_cpy(found, &it->first);
    return 0;
  }
  static int forEach(git_odb_backend* backend, git_odb_foreach_cb callback, void* payload) {
    for (const auto& [oid, _] : of(backend).objects) {
      if (int rc = callback(&oid, payload); rc != 0) return rc;
    }
    return 0;
  }
  static void release(git_odb_backend* backend) { std::unique_ptr<MemoryOdb> owned(&of(backend)); }
};

struct OdbReader : git_odb_backend {
  git_odb* source = nullptr;

  static OdbReader& of(git_odb_backend* backend) { return *static_cast<OdbReader*>(backend); }

  static int copyOut(void** data, std::size_t* size, git_object_t* type, git_odb_backend* backend, git_odb_object* object) {
    return git::copyOut(data, size, type, backend, git_odb_object_data(object), git_odb_object_size(object), git_odb_object_type(object));
  }

  static int read(void** data, std::size_t* size, git_object_t* type, git_odb_backend* backend, const git_oid* oid) {
    git_odb_object* object = nullptr;
    if (int rc = git_odb_read(&object, of(backend).source, oid); rc < 0) return rc;
    int rc = copyOut(data, size, type, backend, object);
    git_odb_object_free(object);
    return rc;
  }

  static int readPrefix(git_oid* found, void** data, std::size_t* size, git_object_t* type, git_odb_backend* backend, const git_oid* prefix,
                        std::size_t length) {
    git_odb_object* object = nullptr;
    if (int rc = git_odb_read_prefix(&object, of(backend).source, prefix, length); rc < 0) return rc;
    git_oid_cpy(found, git_odb_object_id(object));
    int rc = copyOut(data, size, type, backend, object);
    git_odb_object_free(object);
    return rc;
  }

  static int readHeader(std::size_t* size, git_object_t* type, git_odb_backend* backend, const git_oid* oid) {
    return git_odb_read_header(size, type, of(backend).source, oid);
  }
  static int exists(git_odb_backend* backend, const git_oid* oid) { return git_odb_exists(of(backend).source, oid); }
  static int existsPrefix(git_oid* found, git_odb_backend* backend, const git_oid* prefix, std::size_t length) {
    return git_odb_exists_prefix(found, of(backend).source, prefix, length);
  }
  static int refresh(git_odb_backend* backend) { return git_odb_refresh(of(backend).source); }
  static void release(git_odb_backend* backend) {
    std::unique_ptr<OdbReader> owned(&of(backend));
    git_odb_free(owned->source);
  }
};

}  // namespace

git_refdb_backend* newMemoryRefdb(const char* defaultBranch) {
  auto backend = std::make_unique<MemoryRefdb>();
  git_refdb_init_backend(backend.get(), GIT_REFDB_BACKEND_VERSION);
  git_refdb_backend& callbacks = *backend;  // the member functions hide the C fields
  callbacks.exists = &MemoryRefdb::exists;
  callbacks.lookup = &MemoryRefdb::lookup;
  callbacks.iterator = &MemoryRefdb::iterator;
  callbacks.write = &MemoryRefdb::write;
  callbacks.rename = &MemoryRefdb::rename;
  callbacks.del = &MemoryRefdb::del;
  callbacks.compress = &MemoryRefdb::nothing;
  callbacks.has_log = &MemoryRefdb::noLog;
  callbacks.ensure_log = &MemoryRefdb::noLog;
  callbacks.free = &MemoryRefdb::release;
  callbacks.reflog_read = &MemoryRefdb::readLog;
  callbacks.reflog_write = &MemoryRefdb::writeLog;
  callbacks.reflog_rename = &MemoryRefdb::renameLog;
  callbacks.reflog_delete = &MemoryRefdb::noLog;
  StoredRef head;
  head.symbolic = true;
  head.target = std::string("refs/heads/") + defaultBranch;
  backend->refs.emplace("HEAD", std::move(head));
  return backend.release();
}

git_odb_backend* newMemoryOdb() {
  auto backend = std::make_unique<MemoryOdb>();
  git_odb_init_backend(backend.get(), GIT_ODB_BACKEND_VERSION);
  git_odb_backend& callbacks = *backend;  // the member functions hide the C fields
  callbacks.read = &MemoryOdb::read;
  callbacks.read_prefix = &MemoryOdb::readPrefix;
  callbacks.read_header = &MemoryOdb::readHeader;
  callbacks.write = &MemoryOdb::write;
  callbacks.exists = &MemoryOdb::exists;
  callbacks.exists_prefix = &MemoryOdb::existsPrefix;
  callbacks.foreach = &MemoryOdb::forEach;
  callbacks.free = &MemoryOdb::release;
  return backend.release();
}

git_odb_backend* newOdbReader(git_odb* source) {
  auto backend = std::make_unique<OdbReader>();
  git_odb_init_backend(backend.get(), GIT_ODB_BACKEND_VERSION);
  backend->source = source;
  git_odb_backend& callbacks = *backend;  // the member functions hide the C fields
  callbacks.read = &OdbReader::read;
  callbacks.read_prefix = &OdbReader::readPrefix;
  callbacks.read_header = &OdbReader::readHeader;
  callbacks.exists = &OdbReader::exists;
  callbacks.exists_prefix = &OdbReader::existsPrefix;
  callbacks.refresh = &OdbReader::refresh;
  callbacks.free = &OdbReader::release;
  return backend.release();
}

}  // namespace gs::git
