// Whole-cluster convergence (RapidCheck): random sequences of what users and faults do
// to Deployments (create, change image, scale, pause, delete with each propagation,
// delete pods behind the controllers' backs, let time pass) and then ten quiet virtual
// minutes. Afterwards every Deployment must have completed its rollout exactly as
// declared, its pods must run the declared image, and nothing may be left whose owner
// is gone. Replay a failure with RC_PARAMS="replay=...".
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <map>

#include "fakecluster/cluster.hpp"
#include "fakecluster/object_util.hpp"

using namespace gs;
using namespace gs::fake;
using namespace std::chrono_literals;

namespace {

constexpr int kApps = 3;
const char* const kImages[] = {"nginx:1.25", "nginx:1.26", "nginx:1.27"};

std::string appName(int i) { return "app-" + std::to_string(i); }

Json deployment(int app, int replicas, int image, bool recreate) {
  Json d{{"apiVersion", "apps/v1"},
         {"kind", "Deployment"},
         {"metadata", {{"name", appName(app)}, {"namespace", "default"}}},
         {"spec",
          {{"replicas", replicas},
           {"selector", {{"matchLabels", {{"app", appName(app)}}}}},
           {"template",
            {{"metadata", {{"labels", {{"app", appName(app)}}}}},
             {"spec", {{"containers", Json::array({Json{{"name", "main"}, {"image", kImages[image]}}})}}}}}}}};
  if (recreate) d["spec"]["strategy"] = Json{{"type", "Recreate"}};
  return d;
}

struct Op {
  int kind;  // 0 create, 1 image, 2 scale, 3 pause/resume, 4 delete, 5 delete a pod, 6 wait
  int app;
  int value;
  bool flag;
};

void check(FakeCluster& cluster) {
  ObjectStore& store = cluster.store();
  std::map<std::string, Json> deployments;
  store.forEach("apps", "Deployment", "default", [&](const ObjectPtr& d) { deployments[(*d)["metadata"]["name"]] = *d; });
  RC_TAG(deployments.size() > 0 ? "deployments" : "none");
  for (const auto& [name, d] : deployments) {
    const std::int64_t replicas = d["spec"]["replicas"];
    const Json& status = d["status"];
    RC_ASSERT(status.value("observedGeneration", 0) == d["metadata"]["generation"]);
    RC_ASSERT(status.value("replicas", 0) == replicas);
    RC_ASSERT(status.value("updatedReplicas", 0) == replicas);
    RC_ASSERT(status.value("availableReplicas", 0) == replicas);
    const Json* progressing = conditionOf(d, "Progressing");
    RC_ASSERT(progressing != nullptr);
    RC_ASSERT(progressing->value("reason", "") == "NewReplicaSetAvailable");
    std::int64_t pods = 0;
    const std::string image = d["spec"]["template"]["spec"]["containers"][0]["image"];
    store.forEach("", "Pod", "default", [&](const ObjectPtr& p) {
      if (stringField(*p, {"metadata", "labels", "app"}) != name) return;
      ++pods;
      RC_ASSERT((*p)["spec"]["containers"][0]["image"] == image);
      RC_ASSERT(podReady(*p));
    });
    RC_ASSERT(pods == replicas);
    RC_TAG(pods > 0 ? "with pods" : "no pods");
  }
  // No ReplicaSet or pod outlives its owner.
  for (const char* kind : {"ReplicaSet", "Pod"}) {
    store.forEach(kind[0] == 'R' ? "apps" : "", kind, "default", [&](const ObjectPtr& o) {
      const std::string owner = controllerUid(*o);
      if (!owner.empty()) RC_ASSERT(store.findByUid(owner) != nullptr);
    });
  }
}

}  // namespace

TEST_CASE("fake cluster properties", "[fakecluster][property]") {
  rc::prop("after any sequence of user actions and ten quiet minutes, every Deployment has converged", [] {
    auto ops = *rc::gen::resize(
        30, rc::gen::container<std::vector<Op>>(rc::gen::build<Op>(
                rc::gen::set(&Op::kind, rc::gen::inRange(0, 7)), rc::gen::set(&Op::app, rc::gen::inRange(0, kApps)),
                rc::gen::set(&Op::value, rc::gen::inRange(0, 5)), rc::gen::set(&Op::flag, rc::gen::arbitrary<bool>()))));
    VirtualClock clock;
    EventLoop loop(clock);
    ClusterOptions options;
    options.seed = *rc::gen::arbitrary<std::uint32_t>();
    FakeCluster cluster(loop, options);
    for (const auto& op : ops) {
      const std::string name = appName(op.app);
      try {
        switch (op.kind) {
          case 0: cluster.create(deployment(op.app, op.value, op.value % 3, op.flag)); break;
          case 1: {
            Json d = cluster.get("apps", "Deployment", "default", name);
            d["spec"]["template"]["spec"]["containers"][0]["image"] = kImages[op.value % 3];
            cluster.update(d);
            break;
          }
          case 2: cluster.patch("apps", "Deployment", "default", name, Json{{"spec", {{"replicas", op.value}}}}, PatchType::Merge); break;
          case 3: cluster.patch("apps", "Deployment", "default", name, Json{{"spec", {{"paused", op.flag}}}}, PatchType::Merge); break;
          case 4: {
            DeleteOptions d;
            d.propagation = op.flag ? Propagation::Foreground : Propagation::Background;
            cluster.remove("apps", "Deployment", "default", name, d);
            break;
          }
          case 5: {
            std::vector<std::string> pods;
            cluster.store().forEach("", "Pod", "default", [&](const ObjectPtr& p) { pods.push_back((*p)["metadata"]["name"]); });
            if (!pods.empty()) cluster.remove("", "Pod", "default", pods[static_cast<std::size_t>(op.value) % pods.size()]);
            break;
          }
          case 6: loop.runUntil(clock.now() + std::chrono::seconds(op.value * 3)); break;
        }
      } catch (const ApiError& e) {
        RC_ASSERT(e.code() == 404 || e.code() == 409);
      }
    }
    // Resume everything, then let the cluster settle.
    cluster.store().forEach("apps", "Deployment", "default", [&](const ObjectPtr& d) {
      if (boolField(*d, {"spec", "paused"})) {
        loop.schedule(clock.now(), 0, "resume", [&cluster, name = (*d)["metadata"]["name"].get<std::string>()] {
          cluster.patch("apps", "Deployment", "default", name, Json{{"spec", {{"paused", false}}}}, PatchType::Merge);
        });
      }
    });
    loop.runUntil(clock.now() + 10min);
    check(cluster);
  });
}
