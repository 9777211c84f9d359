#include "sim/kube/image_resolver.hpp"

namespace gs::kube {

std::string imageNotFoundMessage(const ImageReference& image) {
  const std::string ref = image.normalized();
  return "rpc error: code = NotFound desc = failed to pull and unpack image \"" + ref + "\": failed to resolve reference \"" +
         ref + "\": " + ref + ": not found";
}

}  // namespace gs::kube
