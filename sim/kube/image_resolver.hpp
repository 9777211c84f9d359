// The seam between the simulated kubelet and wherever images live (design.md §2): the
// kubelet (fakecluster) asks whether a reference can be pulled; the fake registry
// (sim/registry) answers. It lives here, below both, so neither depends on the other.
#pragma once

#include <cstdint>
#include <string>

#include "sim/kube/image_reference.hpp"

namespace gs::kube {

struct ImagePull {
  bool found = false;
  std::string digest;          // "sha256:<64 hex>" when found
  std::int64_t sizeBytes = 0;  // reported in the Pulled event
  std::string error;           // the runtime's message when not found
};

class ImageResolver {
 public:
  virtual ~ImageResolver() = default;
  virtual ImagePull pull(const ImageReference& image) = 0;
};

// The message containerd gives for a reference its registry does not have.
std::string imageNotFoundMessage(const ImageReference& image);

}  // namespace gs::kube
