#include <catch2/catch.hpp>

#include "sim/kube/image_reference.hpp"

using gs::kube::parseImageReference;

TEST_CASE("image references normalise as containerd does", "[kube][image]") {
  CHECK(parseImageReference("nginx")->normalized() == "docker.io/library/nginx:latest");
  CHECK(parseImageReference("nginx:1.27")->normalized() == "docker.io/library/nginx:1.27");
  CHECK(parseImageReference("bitnami/redis:7")->normalized() == "docker.io/bitnami/redis:7");
  CHECK(parseImageReference("ghcr.io/acme/app:v1.2.3")->normalized() == "ghcr.io/acme/app:v1.2.3");
  CHECK(parseImageReference("localhost:5000/app")->normalized() == "localhost:5000/app:latest");
  auto pinned = parseImageReference("registry.k8s.io/pause:3.9@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097");
  REQUIRE(pinned);
  CHECK(pinned->tag == "3.9");
  CHECK(pinned->repository() == "registry.k8s.io/pause");
  CHECK(pinned->normalized() == "registry.k8s.io/pause@sha256:7031c1b283388d2c2e09b57badb803c05ebed362dc88d84b480cc47f72a21097");
}

TEST_CASE("malformed image references are rejected", "[kube][image]") {
  for (const char* bad : {"", "nginx:Invalid Tag", "library/NGINX", "nginx:", "ngin$x", "nginx@sha256:123", "-nginx", "a//b", ":tag"}) {
    INFO(bad);
    CHECK_FALSE(parseImageReference(bad).has_value());
  }
}
