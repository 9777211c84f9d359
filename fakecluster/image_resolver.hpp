// The kubelet's view of the ImageResolver seam (defined in sim/kube so the registry can
// implement it without depending on the fake cluster), and the resolver a cluster uses
// until a world gives it a registry: PermissiveImageResolver says every well-formed
// reference exists.
#pragma once

#include "sim/kube/image_resolver.hpp"

namespace gs::fake {

using kube::ImagePull;
using kube::ImageResolver;
using kube::imageNotFoundMessage;

// Every image exists; its digest and size are derived from the reference.
class PermissiveImageResolver final : public ImageResolver {
 public:
  ImagePull pull(const kube::ImageReference& image) override;
};

}  // namespace gs::fake
