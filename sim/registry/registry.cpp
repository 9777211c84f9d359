#include "sim/registry/registry.hpp"

#include "sim/core/sha256.hpp"

namespace gs::registry {

namespace {

// The endpoint a client would contact for a manifest, as containerd prints it.
std::string manifestUrl(const kube::ImageReference& ref) {
  const std::string host = ref.registry == "docker.io" ? "registry-1.docker.io" : ref.registry;
  return "https://" + host + "/v2/" + ref.path + "/manifests/" + (ref.digest.empty() ? ref.tag : ref.digest);
}

std::int64_t sizeFor(const std::string& digest) {
  // 10-100 MB, stable per digest: a believable image size for Pulled events.
  std::uint64_t h = 0;
  for (std::size_t i = 7; i < digest.size() && i < 23; ++i) {
    const char c = digest[i];
    h = h * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  return 10'000'000 + static_cast<std::int64_t>(h % 90'000'000);
}

// True when the reference spells out a tag (a ':' after the last '/').
bool hasExplicitTag(std::string_view reference) {
  auto at = reference.find('@');
  if (at != std::string_view::npos) reference = reference.substr(0, at);
  auto slash = reference.rfind('/');
  return reference.find(':', slash == std::string_view::npos ? 0 : slash) != std::string_view::npos;
}

}  // namespace

std::optional<std::string> Registry::outageFor(const kube::ImageReference& ref, std::string_view verb) const {
  for (const auto& [host, until] : outages_) {
    if (clock_.now() >= until) continue;
    if (!host.empty() && host != ref.registry) continue;
    return "failed to do request: " + std::string(verb) + " \"" + manifestUrl(ref) + "\": dial tcp " + ref.registry +
           ": connect: connection refused";
  }
  return std::nullopt;
}

bool Registry::immutable(const std::string& repository) const {
  auto it = immutableRepos_.find(repository);
  return it != immutableRepos_.end() ? it->second : allImmutable_;
}

void Registry::setImmutableTags(bool value, std::string_view repository) {
  if (repository.empty()) {
    allImmutable_ = value;
    immutableRepos_.clear();
    return;
  }
  auto ref = kube::parseImageReference(std::string(repository));
  immutableRepos_[ref ? ref->repository() : std::string(repository)] = value;
}

void Registry::setOutage(VirtualTime until, std::string host) { outages_[std::move(host)] = until; }

RegistryResult Registry::push(std::string_view reference, std::string_view content, const std::string& pusher) {
  RegistryResult result;
  auto ref = kube::parseImageReference(reference);
  if (!ref) {
    result.error = std::string(reference) + ": " + kube::imageReferenceError(reference);
    return result;
  }
  if (!ref->digest.empty() || !hasExplicitTag(reference)) {
    result.error = std::string(reference) + ": a pushed image needs a tag (and no digest)";
    return result;
  }
  if (auto down = outageFor(*ref, "PUT")) {
    result.error = "failed to push " + ref->normalized() + ": " + *down;
    return result;
  }
  const std::string digest = "sha256:" + sha256Hex(content);
  Repository& repo = repos_[ref->repository()];
  auto existing = repo.tags.find(ref->tag);
  if (existing != repo.tags.end() && existing->second != digest && immutable(ref->repository())) {
    result.error = "failed to push " + ref->normalized() + ": tag invalid: the image tag '" + ref->tag + "' already exists in the '" +
                   ref->repository() + "' repository and cannot be overwritten because the repository is immutable";
    return result;
  }
  auto [m, inserted] = repo.manifests.try_emplace(digest);
  if (inserted) m->second = Manifest{digest, sizeFor(digest), clock_.now(), pusher};
  repo.tags[ref->tag] = digest;
  ++pushes_;
  result.ok = true;
  result.digest = digest;
  return result;
}

std::string Registry::seed(std::string_view reference) {
  auto ref = kube::parseImageReference(reference);
  if (!ref) return {};
  Repository& repo = repos_[ref->repository()];
  if (!ref->digest.empty()) {
    repo.manifests.try_emplace(ref->digest, Manifest{ref->digest, sizeFor(ref->digest), clock_.now(), "world"});
    return ref->digest;
  }
  const std::string digest = "sha256:" + sha256Hex("gitops-sim seeded image\n" + ref->normalized() + "\n");
  repo.manifests.try_emplace(digest, Manifest{digest, sizeFor(digest), clock_.now(), "world"});
  repo.tags[ref->tag] = digest;
  return digest;
}

RegistryResult Registry::lookup(const kube::ImageReference& ref) const {
  RegistryResult result;
  auto repo = repos_.find(ref.repository());
  if (repo != repos_.end()) {
    if (!ref.digest.empty()) {
      // A digest pins the content: a tag alongside it is ignored, as runtimes do.
      if (repo->second.manifests.count(ref.digest) != 0) {
        result.ok = true;
        result.digest = ref.digest;
        return result;
      }
    } else if (auto tag = repo->second.tags.find(ref.tag); tag != repo->second.tags.end()) {
      result.ok = true;
      result.digest = tag->second;
      return result;
    }
  }
  result.error = kube::imageNotFoundMessage(ref);
  return result;
}

RegistryResult Registry::resolve(std::string_view reference) const {
  auto ref = kube::parseImageReference(reference);
  if (!ref) return RegistryResult{false, {}, std::string(reference) + ": " + kube::imageReferenceError(reference)};
  if (auto down = outageFor(*ref, "HEAD")) return RegistryResult{false, {}, *down};
  return lookup(*ref);
}

bool Registry::deleteTag(std::string_view reference) {
  auto ref = kube::parseImageReference(reference);
  if (!ref) return false;
  auto repo = repos_.find(ref->repository());
  return repo != repos_.end() && repo->second.tags.erase(ref->tag) != 0;
}

std::vector<std::string> Registry::tags(std::string_view repository) const {
  std::vector<std::string> out;
  auto ref = kube::parseImageReference(repository);
  auto repo = repos_.find(ref ? ref->repository() : std::string(repository));
  if (repo == repos_.end()) return out;
  for (const auto& [tag, _] : repo->second.tags) out.push_back(tag);
  return out;
}

std::vector<std::string> Registry::repositories() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : repos_) out.push_back(name);
  return out;
}

std::optional<Manifest> Registry::manifest(std::string_view reference) const {
  auto ref = kube::parseImageReference(reference);
  if (!ref) return std::nullopt;
  RegistryResult found = lookup(*ref);
  if (!found.ok) return std::nullopt;
  return repos_.at(ref->repository()).manifests.at(found.digest);
}

kube::ImagePull Registry::pull(const kube::ImageReference& image) {
  ++pulls_;
  kube::ImagePull result;
  if (auto down = outageFor(image, "HEAD")) {
    const std::string ref = image.normalized();
    result.error = "rpc error: code = Unknown desc = failed to pull and unpack image \"" + ref + "\": failed to resolve reference \"" +
                   ref + "\": " + *down;
    return result;
  }
  RegistryResult found = lookup(image);
  if (!found.ok) {
    result.error = found.error;
    return result;
  }
  result.found = true;
  result.digest = found.digest;
  result.sizeBytes = repos_.at(image.repository()).manifests.at(found.digest).sizeBytes;
  return result;
}

}  // namespace gs::registry
