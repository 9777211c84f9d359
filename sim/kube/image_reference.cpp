#include "sim/kube/image_reference.hpp"

#include <vector>

namespace gs::kube {

namespace {

bool lowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool isPathComponent(std::string_view s) {
  if (s.empty() || !lowerAlnum(s.front()) || !lowerAlnum(s.back())) return false;
  for (std::size_t i = 0; i < s.size();) {
    if (lowerAlnum(s[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && !lowerAlnum(s[j])) ++j;
    std::string_view sep = s.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

bool isDomain(std::string_view s) {
  auto colon = s.rfind(':');
  std::string_view host = s, port;
  if (colon != std::string_view::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (port.empty()) return false;
    for (char c : port) {
      if (c < '0' || c > '9') return false;
    }
  }
  if (host.empty()) return false;
  std::size_t start = 0;
  while (start <= host.size()) {
    auto dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || !alnum(label.front()) || !alnum(label.back())) return false;
    for (char c : label) {
      if (!alnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool isTag(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  auto word = [](char c) { return alnum(c) || c == '_'; };
  if (!word(s.front())) return false;
  for (char c : s) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool isDigest(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view algorithm = s.substr(0, colon), hex = s.substr(colon + 1);
  for (char c : algorithm) {
    if (!lowerAlnum(c) && c != '+' && c != '.' && c != '_' && c != '-') return false;
  }
  if (hex.size() < 32) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return algorithm != "sha256" || hex.size() == 64;
}

}  // namespace

std::string ImageReference::normalized() const {
  std::string out = repository();
  if (!tag.empty() && digest.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

namespace {

// Parses `text`; on failure returns nullopt and sets `why` to the reason, worded as
// distribution/reference words it.
std::optional<ImageReference> parse(std::string_view text, std::string& why) {
  auto fail = [&](std::string reason) -> std::optional<ImageReference> {
    why = std::move(reason);
    return std::nullopt;
  };
  if (text.empty()) return fail("invalid reference format: repository name must have at least one component");
  ImageReference ref;
  std::string_view rest = text;
  auto at = rest.find('@');
  if (at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    if (!isDigest(ref.digest)) return fail("invalid checksum digest format: \"" + ref.digest + "\"");
    rest = rest.substr(0, at);
  }
  auto lastSlash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && (lastSlash == std::string_view::npos || colon > lastSlash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    if (!isTag(ref.tag)) return fail("invalid reference format: invalid tag \"" + ref.tag + "\"");
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return fail("invalid reference format: repository name must have at least one component");
  if (rest.size() > 255) return fail("invalid reference format: repository name must not be more than 255 characters");
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto slash = rest.find('/', start);
    parts.push_back(rest.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::size_t first = 0;
  if (parts.size() > 1) {
    std::string_view head = parts.front();
    bool domainLike = head.find('.') != std::string_view::npos || head.find(':') != std::string_view::npos ||
                      head == "localhost" || head.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
    if (domainLike) {
      if (!isDomain(head)) return fail("invalid reference format: invalid registry host \"" + std::string(head) + "\"");
      ref.registry = std::string(head);
      first = 1;
    }
  }
  for (std::size_t i = first; i < parts.size(); ++i) {
    if (!isPathComponent(parts[i])) {
      bool upper = parts[i].find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
      return fail(upper ? "invalid reference format: repository name must be lowercase"
                        : "invalid reference format: invalid path component \"" + std::string(parts[i]) + "\"");
    }
    if (!ref.path.empty()) ref.path += "/";
    ref.path += parts[i];
  }
  if (ref.registry.empty() || ref.registry == "index.docker.io") ref.registry = "docker.io";
  if (ref.registry == "docker.io" && ref.path.find('/') == std::string::npos) ref.path = "library/" + ref.path;
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace

std::optional<ImageReference> parseImageReference(std::string_view text) {
  std::string why;
  return parse(text, why);
}

std::string imageReferenceError(std::string_view text) {
  std::string why;
  return parse(text, why) ? std::string() : why;
}

}  // namespace gs::kube
