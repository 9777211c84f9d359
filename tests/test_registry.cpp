#include <catch2/catch.hpp>

#include "sim/core/sha256.hpp"
#include "sim/registry/registry.hpp"

using namespace gs;
using gs::registry::Registry;

TEST_CASE("registry: push, resolve, list and delete tags", "[registry]") {
  VirtualClock clock;
  Registry reg(clock);
  auto pushed = reg.push("registry.example.com/team/web:v1", "content-1", "ci/web");
  REQUIRE(pushed.ok);
  CHECK(pushed.digest == "sha256:" + sha256Hex("content-1"));
  CHECK(reg.resolve("registry.example.com/team/web:v1").digest == pushed.digest);
  CHECK(reg.exists("registry.example.com/team/web@" + pushed.digest));
  CHECK_FALSE(reg.exists("registry.example.com/team/web:v2"));
  CHECK(reg.push("registry.example.com/team/web:v2", "content-2", "ci/web").ok);
  CHECK(reg.tags("registry.example.com/team/web") == std::vector<std::string>{"v1", "v2"});
  CHECK(reg.repositories() == std::vector<std::string>{"registry.example.com/team/web"});
  CHECK(reg.manifest("registry.example.com/team/web:v1")->pushedBy == "ci/web");
  CHECK(reg.deleteTag("registry.example.com/team/web:v1"));
  CHECK_FALSE(reg.deleteTag("registry.example.com/team/web:v1"));
  CHECK_FALSE(reg.exists("registry.example.com/team/web:v1"));
  CHECK(reg.exists("registry.example.com/team/web@" + pushed.digest));  // the manifest stays
  // Docker Hub names normalise.
  reg.seed("nginx:1.27");
  CHECK(reg.exists("docker.io/library/nginx:1.27"));
  CHECK(reg.tags("nginx") == std::vector<std::string>{"1.27"});
}

TEST_CASE("registry: invalid references and pushes without a tag are rejected with the reason", "[registry]") {
  VirtualClock clock;
  Registry reg(clock);
  auto upper = reg.push("Registry.example.com/Web:v1", "x", "me");
  CHECK_FALSE(upper.ok);
  CHECK_THAT(upper.error, Catch::Contains("repository name must be lowercase"));
  CHECK_THAT(reg.push("web:bad tag", "x", "me").error, Catch::Contains("invalid tag"));
  CHECK_THAT(reg.push("web", "x", "me").error, Catch::Contains("needs a tag"));
  CHECK_THAT(reg.push("localhost:5000/web", "x", "me").error, Catch::Contains("needs a tag"));
  CHECK(reg.push("localhost:5000/web:1", "x", "me").ok);
  CHECK_THAT(reg.resolve("web@sha256:123").error, Catch::Contains("invalid checksum digest format"));
}

TEST_CASE("registry: immutable tags refuse a new digest but accept the same one", "[registry]") {
  VirtualClock clock;
  Registry reg(clock);
  reg.setImmutableTags(true, "ghcr.io/acme/api");
  REQUIRE(reg.push("ghcr.io/acme/api:v1", "a", "ci").ok);
  CHECK(reg.push("ghcr.io/acme/api:v1", "a", "ci").ok);
  auto again = reg.push("ghcr.io/acme/api:v1", "b", "ci");
  CHECK_FALSE(again.ok);
  CHECK_THAT(again.error, Catch::Contains("cannot be overwritten because the repository is immutable"));
  CHECK(reg.push("ghcr.io/acme/other:v1", "a", "ci").ok);
  CHECK(reg.push("ghcr.io/acme/other:v1", "b", "ci").ok);  // mutable by default
}

TEST_CASE("registry: an outage fails pushes and pulls until it ends, and pulls answer the kubelet", "[registry]") {
  VirtualClock clock;
  Registry reg(clock);
  reg.seed("registry.example.com/web:v1");
  auto ref = *kube::parseImageReference("registry.example.com/web:v1");
  auto ok = reg.pull(ref);
  CHECK(ok.found);
  CHECK(ok.digest.rfind("sha256:", 0) == 0);
  CHECK(ok.sizeBytes >= 10'000'000);
  auto missing = reg.pull(*kube::parseImageReference("registry.example.com/web:v9"));
  CHECK_FALSE(missing.found);
  CHECK_THAT(missing.error, Catch::Contains("registry.example.com/web:v9: not found"));

  reg.setOutage(VirtualTime{std::chrono::seconds(30)}, "registry.example.com");
  auto down = reg.pull(ref);
  CHECK_FALSE(down.found);
  CHECK_THAT(down.error, Catch::Contains("connection refused"));
  CHECK_FALSE(reg.push("registry.example.com/web:v2", "x", "ci").ok);
  CHECK(reg.push("ghcr.io/other:v2", "x", "ci").ok);  // another host is fine
  clock.advanceTo(VirtualTime{std::chrono::seconds(30)});
  CHECK(reg.pull(ref).found);
  CHECK(reg.push("registry.example.com/web:v2", "x", "ci").ok);
  CHECK(reg.pullCount() == 4);
}

#include "cluster_fixture.hpp"
#include "fakecluster/object_util.hpp"

TEST_CASE("registry: the kubelet pulls from it, so a Deployment of an image CI has not pushed cannot run until it is", "[registry][fakecluster]") {
  test::ClusterWorld w;
  Registry reg(w.clock);
  w.cluster.setImageResolver(&reg);
  w.cluster.create(test::deploymentManifest("web", "registry.example.com/team/web:abc1234", 2));
  w.runFor(std::chrono::seconds(30));
  auto pods = w.list("", "Pod", "default", "app=web");
  REQUIRE(pods.size() == 2);
  for (const auto& pod : pods) {
    CHECK(pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ImagePullBackOff");
  }
  REQUIRE(reg.push("registry.example.com/team/web:abc1234", "build output", "ci/web").ok);
  w.runFor(std::chrono::minutes(2));
  for (const auto& pod : w.list("", "Pod", "default", "app=web")) {
    CHECK(fake::podReady(pod));
    CHECK(pod["status"]["containerStatuses"][0]["imageID"] ==
          "registry.example.com/team/web@" + reg.resolve("registry.example.com/team/web:abc1234").digest);
  }
  CHECK(reg.pullCount() >= 4);
}
