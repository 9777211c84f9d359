#include "sim/render/source.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "sim/core/error.hpp"

namespace gs::render {

namespace fs = std::filesystem;

std::string normalizePath(const std::string& path, const std::string& what) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") {
      if (parts.empty()) throw Error::invalid(what + ": \"" + path + "\" leaves the repository root");
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string joinPath(const std::string& dir, const std::string& relative, const std::string& what) {
  if (!relative.empty() && relative.front() == '/') throw Error::invalid(what + ": \"" + relative + "\" must be a relative path");
  return normalizePath(dir.empty() ? relative : dir + "/" + relative, what);
}

std::string parentPath(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string baseName(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool isWithin(const std::string& path, const std::string& dir) {
  return dir.empty() || path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// -- DiskSource -----------------------------------------------------------------------

DiskSource::DiskSource(fs::path root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(root, ec);
  if (ec) root_ = fs::absolute(root);
}

std::optional<fs::path> DiskSource::resolve(const std::string& path) const {
  fs::path full = path.empty() ? root_ : root_ / path;
  std::error_code ec;
  fs::path real = fs::weakly_canonical(full, ec);
  if (ec) return std::nullopt;
  const std::string r = real.string(), base = root_.string();
  if (r != base && (r.size() <= base.size() || r.compare(0, base.size(), base) != 0 || (base != "/" && r[base.size()] != '/'))) {
    return std::nullopt;  // a symbolic link out of the root
  }
  return real;
}

std::string DiskSource::realPath(const std::string& path) const {
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(path.empty() ? root_ : root_ / path, ec);
  if (ec) return path;
  const std::string relative = real.lexically_relative(root_).generic_string();
  return relative == "." ? std::string() : relative;
}

std::optional<std::string> DiskSource::read(const std::string& path) const {
  auto real = resolve(path);
  std::error_code ec;
  if (!real || !fs::is_regular_file(*real, ec)) return std::nullopt;
  std::ifstream in(*real, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool DiskSource::isDirectory(const std::string& path) const {
  auto real = resolve(path);
  std::error_code ec;
  return real && fs::is_directory(*real, ec);
}

std::vector<std::string> DiskSource::list(const std::string& dir) const {
  std::vector<std::string> out;
  auto real = resolve(dir);
  std::error_code ec;
  if (!real) return out;
  for (fs::directory_iterator it(*real, ec), end; !ec && it != end; it.increment(ec)) out.push_back(it->path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string DiskSource::display(const std::string& path) const { return (path.empty() ? root_ : root_ / path).string(); }

// -- TreeSource -----------------------------------------------------------------------

TreeSource::TreeSource(git::TreeSnapshotPtr tree, std::string label) : tree_(std::move(tree)), label_(std::move(label)) {
  directories_.insert("");
  for (const auto& f : tree_->files) {
    for (std::string dir = parentPath(f.path); !dir.empty(); dir = parentPath(dir)) {
      if (!directories_.insert(dir).second) break;
    }
  }
}

std::optional<std::string> TreeSource::read(const std::string& path) const {
  const git::TreeFile* f = tree_->find(path);
  if (f == nullptr) return std::nullopt;
  return f->content;
}

bool TreeSource::isDirectory(const std::string& path) const { return directories_.count(path) != 0; }

std::vector<std::string> TreeSource::list(const std::string& dir) const {
  std::set<std::string> names;
  const std::string prefix = dir.empty() ? "" : dir + "/";
  auto it = std::lower_bound(tree_->files.begin(), tree_->files.end(), prefix,
                             [](const git::TreeFile& f, const std::string& p) { return f.path < p; });
  for (; it != tree_->files.end() && it->path.compare(0, prefix.size(), prefix) == 0; ++it) {
    const std::string rest = it->path.substr(prefix.size());
    names.insert(rest.substr(0, rest.find('/')));
  }
  return std::vector<std::string>(names.begin(), names.end());
}

std::string TreeSource::display(const std::string& path) const { return label_ + ":" + path; }

}  // namespace gs::render

namespace gs::render {

bool isReallyWithin(const FileSource& source, const std::string& path, const std::string& dir) {
  if (!isWithin(path, dir)) return false;
  const std::string real = source.realPath(path);
  return real != ".." && !real.starts_with("../") && isWithin(real, source.realPath(dir));
}

}  // namespace gs::render
