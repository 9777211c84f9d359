// Container image references as the container runtime parses them (the
// distribution/reference grammar): [registry[:port]/]path[:tag][@sha256:digest], with
// Docker Hub normalisation ("nginx" -> "docker.io/library/nginx:latest"). Shared by the
// simulated kubelet (InvalidImageName for malformed references) and the fake registry.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gs::kube {

struct ImageReference {
  std::string registry;  // "docker.io", "ghcr.io", "localhost:5000"
  std::string path;      // "library/nginx", "org/app"
  std::string tag;       // "latest" when neither tag nor digest was given
  std::string digest;    // "sha256:..." or empty

  // "docker.io/library/nginx:1.27" (or "...@sha256:..." when pinned by digest).
  std::string normalized() const;
  // "docker.io/library/nginx": the repository, without tag or digest.
  std::string repository() const { return registry + "/" + path; }
};

// nullopt when `text` is not a valid reference (what the runtime reports as
// "invalid reference format").
std::optional<ImageReference> parseImageReference(std::string_view text);
// Why `text` is not a valid reference ("invalid reference format: repository name must
// be lowercase", ...); empty when it is valid.
std::string imageReferenceError(std::string_view text);

}  // namespace gs::kube
