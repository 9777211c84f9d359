// The fake OCI registry of a world: repositories of manifests (digest = sha256 of the
// image's deterministic build content) and tags pointing at them, for any registry host
// (one object stands for every registry the world's images live in). Push, resolve,
// delete tag, list tags; immutable tags (as ECR/Harbor offer); outages during which
// pulls and pushes fail. It implements the kubelet's ImageResolver, so an image that is
// not here makes pods fail to pull with the runtime's own message.
// Not thread-safe (a simulation has no threads).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/clock.hpp"
#include "sim/kube/image_resolver.hpp"

namespace gs::registry {

struct Manifest {
  std::string digest;  // "sha256:<64 hex>"
  std::int64_t sizeBytes = 0;
  VirtualTime pushedAt;
  std::string pushedBy;  // "world" for images that exist at start, else the pusher
};

struct RegistryResult {
  bool ok = false;
  std::string digest;  // on success
  std::string error;   // why not, in the words a registry client would print
};

class Registry final : public kube::ImageResolver {
 public:
  explicit Registry(const VirtualClock& clock) : clock_(clock) {}

  // Pushes `content` as reference (which must carry a tag and no digest). The digest is
  // sha256(content). Fails during an outage, for an invalid reference, or when the tag
  // exists with another digest and tags are immutable.
  RegistryResult push(std::string_view reference, std::string_view content, const std::string& pusher);
  // An image that exists when the world starts (outages do not apply).
  std::string seed(std::string_view reference);

  // The digest `reference` names now (by tag, or by digest when pinned).
  RegistryResult resolve(std::string_view reference) const;
  bool exists(std::string_view reference) const { return resolve(reference).ok; }
  // Removes a tag (the manifest stays reachable by digest). False when there was none.
  bool deleteTag(std::string_view reference);
  // Tags of a repository ("ghcr.io/acme/web", docker.io names normalised), sorted.
  std::vector<std::string> tags(std::string_view repository) const;
  std::vector<std::string> repositories() const;
  std::optional<Manifest> manifest(std::string_view reference) const;

  // Immutable tags: a tag, once pushed, cannot point at another digest. `repository`
  // empty means every repository.
  void setImmutableTags(bool immutable, std::string_view repository = {});

  // Outage: until `until`, pushes and pulls of hosts matching `host` ("" = every host)
  // fail as a client would see a refused connection.
  void setOutage(VirtualTime until, std::string host = {});
  void clearOutage() { outages_.clear(); }

  kube::ImagePull pull(const kube::ImageReference& image) override;

  std::uint64_t pullCount() const { return pulls_; }
  std::uint64_t pushCount() const { return pushes_; }

 private:
  struct Repository {
    std::map<std::string, Manifest> manifests;  // by digest
    std::map<std::string, std::string> tags;    // tag -> digest
  };

  std::optional<std::string> outageFor(const kube::ImageReference& ref, std::string_view verb) const;
  bool immutable(const std::string& repository) const;
  RegistryResult lookup(const kube::ImageReference& ref) const;

  const VirtualClock& clock_;
  std::map<std::string, Repository> repos_;
  bool allImmutable_ = false;
  std::map<std::string, bool> immutableRepos_;
  std::map<std::string, VirtualTime> outages_;  // host ("" = all) -> until
  std::uint64_t pulls_ = 0;
  std::uint64_t pushes_ = 0;
};

}  // namespace gs::registry
