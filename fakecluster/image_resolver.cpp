#include "fakecluster/image_resolver.hpp"

#include "sim/core/hash.hpp"

namespace gs::fake {

ImagePull PermissiveImageResolver::pull(const kube::ImageReference& image) {
  ImagePull result;
  result.found = true;
  if (!image.digest.empty()) {
    result.digest = image.digest;
  } else {
    std::string name = image.normalized();
    std::string hex;
    for (int i = 0; i < 4; ++i) hex += hex64(fnv1a64(name + "#" + std::to_string(i)));
    result.digest = "sha256:" + hex;
  }
  result.sizeBytes = 10'000'000 + static_cast<std::int64_t>(fnv1a64(image.repository()) % 90'000'000);
  return result;
}

}  // namespace gs::fake
