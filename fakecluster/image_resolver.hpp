// The seam between the simulated kubelet and wherever images live (design.md §2): the
// kubelet asks whether a reference can be pulled; the fake registry (sim/registry)
// implements this, and until a world has one, PermissiveImageResolver says every
// well-formed reference exists.
#pragma once

#include <cstdint>
#include <string>

#include "sim/kube/image_reference.hpp"

namespace gs::fake {

struct ImagePull {
  bool found = false;
  std::string digest;          // "sha256:<64 hex>" when found
  std::int64_t sizeBytes = 0;  // reported in the Pulled event
  std::string error;           // the runtime's message when not found
};

class ImageResolver {
 public:
  virtual ~ImageResolver() = default;
  virtual ImagePull pull(const kube::ImageReference& image) = 0;
};

// Every image exists; its digest and size are derived from the reference.
class PermissiveImageResolver final : public ImageResolver {
 public:
  ImagePull pull(const kube::ImageReference& image) override;
};

// The message containerd gives for a reference its registry does not have.
std::string imageNotFoundMessage(const kube::ImageReference& image);

}  // namespace gs::fake
