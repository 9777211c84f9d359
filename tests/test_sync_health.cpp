#include <catch2/catch.hpp>

#include "sim/sync/health.hpp"

using namespace gs;
using namespace gs::sync;

namespace {

Health of(const char* json) {
  auto h = resourceHealth(Json::parse(json));
  REQUIRE(h.has_value());
  return *h;
}

}  // namespace

TEST_CASE("health: Deployment rules and messages as Argo CD's", "[sync][health]") {
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":2},"spec":{"replicas":3},
             "status":{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"availableReplicas":3}})") == Health{HealthStatus::Healthy, ""});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":3},"spec":{"replicas":3},
             "status":{"observedGeneration":2}})") ==
        Health{HealthStatus::Progressing, "Waiting for rollout to finish: observed deployment generation less than desired generation"});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":2},"spec":{"replicas":3},
             "status":{"observedGeneration":2,"replicas":4,"updatedReplicas":1,"availableReplicas":3}})") ==
        Health{HealthStatus::Progressing, "Waiting for rollout to finish: 1 out of 3 new replicas have been updated..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":2},"spec":{"replicas":3},
             "status":{"observedGeneration":2,"replicas":4,"updatedReplicas":3,"availableReplicas":3}})") ==
        Health{HealthStatus::Progressing, "Waiting for rollout to finish: 1 old replicas are pending termination..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":2},"spec":{"replicas":3},
             "status":{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"availableReplicas":1}})") ==
        Health{HealthStatus::Progressing, "Waiting for rollout to finish: 1 of 3 updated replicas are available..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":2},"spec":{"replicas":3},
             "status":{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"availableReplicas":1,
                       "conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]}})") ==
        Health{HealthStatus::Degraded, "Deployment \"web\" exceeded its progress deadline"});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"paused":true}})") ==
        Health{HealthStatus::Suspended, "Deployment is paused"});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","deletionTimestamp":"2026-01-01T00:00:00Z"}})") ==
        Health{HealthStatus::Progressing, "Pending deletion"});
}

TEST_CASE("health: ReplicaSet, StatefulSet and DaemonSet", "[sync][health]") {
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"generation":1},"spec":{"replicas":2},"status":{"observedGeneration":1,"availableReplicas":1}})") ==
        Health{HealthStatus::Progressing, "Waiting for rollout to finish: 1 out of 2 new replicas are available..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"generation":1},"spec":{"replicas":2},
             "status":{"observedGeneration":1,"conditions":[{"type":"ReplicaFailure","status":"True","message":"pods \"x\" is forbidden: quota"}]}})") ==
        Health{HealthStatus::Degraded, "pods \"x\" is forbidden: quota"});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"generation":1},"spec":{"replicas":3},"status":{"observedGeneration":0}})") ==
        Health{HealthStatus::Progressing, "Waiting for statefulset spec update to be observed..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"generation":1},"spec":{"replicas":3},"status":{"observedGeneration":1,"readyReplicas":1}})") ==
        Health{HealthStatus::Progressing, "Waiting for 2 pods to be ready..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"generation":1},
             "spec":{"replicas":3,"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}}},
             "status":{"observedGeneration":1,"readyReplicas":3,"updatedReplicas":3}})") ==
        Health{HealthStatus::Healthy, "partitioned roll out complete: 3 new pods have been updated..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"generation":1},
             "spec":{"replicas":3,"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}},
             "status":{"observedGeneration":1,"readyReplicas":3,"updatedReplicas":1}})") ==
        Health{HealthStatus::Progressing, "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"generation":1},"spec":{"replicas":2},
             "status":{"observedGeneration":1,"readyReplicas":2,"updatedReplicas":1,"currentRevision":"db-1","updateRevision":"db-2"}})") ==
        Health{HealthStatus::Progressing, "waiting for statefulset rolling update to complete 1 pods at revision db-2..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","generation":1},
             "status":{"observedGeneration":1,"desiredNumberScheduled":3,"updatedNumberScheduled":2,"numberAvailable":2}})") ==
        Health{HealthStatus::Progressing, "Waiting for daemon set \"agent\" rollout to finish: 2 out of 3 new pods have been updated..."});
  CHECK(of(R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","generation":1},
             "status":{"observedGeneration":1,"desiredNumberScheduled":3,"updatedNumberScheduled":3,"numberAvailable":3}})")
            .status == HealthStatus::Healthy);
}

TEST_CASE("health: Pods, Jobs, Services, Ingresses, PVCs and HPAs", "[sync][health]") {
  CHECK(of(R"({"apiVersion":"v1","kind":"Pod","spec":{"restartPolicy":"Always"},"status":{"phase":"Pending","containerStatuses":[
             {"name":"app","state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image \"app:v9\""}}}]}})") ==
        Health{HealthStatus::Degraded, "Back-off pulling image \"app:v9\""});
  CHECK(of(R"({"apiVersion":"v1","kind":"Pod","spec":{},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}})").status ==
        HealthStatus::Healthy);
  CHECK(of(R"({"apiVersion":"v1","kind":"Pod","spec":{},"status":{"phase":"Running","containerStatuses":[
             {"name":"app","lastState":{"terminated":{"exitCode":1}}}]}})").status == HealthStatus::Degraded);
  CHECK(of(R"({"apiVersion":"v1","kind":"Pod","spec":{"restartPolicy":"Never"},"status":{"phase":"Running"}})").status == HealthStatus::Progressing);
  CHECK(of(R"({"apiVersion":"v1","kind":"Pod","spec":{"restartPolicy":"Never"},"status":{"phase":"Failed","containerStatuses":[
             {"name":"migrate","state":{"terminated":{"exitCode":3}}}]}})") ==
        Health{HealthStatus::Degraded, "container \"migrate\" failed with exit code 3"});
  CHECK(of(R"({"apiVersion":"v1","kind":"Pod","spec":{"restartPolicy":"Never"},"status":{"phase":"Succeeded"}})").status == HealthStatus::Healthy);

  CHECK(of(R"({"apiVersion":"batch/v1","kind":"Job","status":{"active":1}})").status == HealthStatus::Progressing);
  CHECK(of(R"({"apiVersion":"batch/v1","kind":"Job","status":{"conditions":[{"type":"Complete","status":"True"}]}})").status == HealthStatus::Healthy);
  CHECK(of(R"({"apiVersion":"batch/v1","kind":"Job","status":{"conditions":[{"type":"Failed","status":"True","message":"Job has reached the specified backoff limit"}]}})") ==
        Health{HealthStatus::Degraded, "Job has reached the specified backoff limit"});
  // gitops-engine reads the Suspended condition (not spec.suspend): True is Suspended
  // (with the empty failure message), False (resumed) counts as finished and Healthy.
  CHECK(of(R"({"apiVersion":"batch/v1","kind":"Job","spec":{"suspend":true}})") == Health{HealthStatus::Progressing, ""});
  CHECK(of(R"({"apiVersion":"batch/v1","kind":"Job","status":{"conditions":[{"type":"Suspended","status":"True","message":"Job suspended"}]}})") ==
        Health{HealthStatus::Suspended, ""});
  CHECK(of(R"({"apiVersion":"batch/v1","kind":"Job","status":{"conditions":[{"type":"Suspended","status":"False","message":"Job resumed"}]}})") ==
        Health{HealthStatus::Healthy, "Job resumed"});

  CHECK(of(R"({"apiVersion":"v1","kind":"Service","spec":{"type":"ClusterIP"}})").status == HealthStatus::Healthy);
  CHECK(of(R"({"apiVersion":"v1","kind":"Service","spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{}}})").status == HealthStatus::Progressing);
  CHECK(of(R"({"apiVersion":"v1","kind":"Service","spec":{"type":"LoadBalancer"},"status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}})").status ==
        HealthStatus::Healthy);
  CHECK(of(R"({"apiVersion":"networking.k8s.io/v1","kind":"Ingress","status":{"loadBalancer":{}}})").status == HealthStatus::Progressing);
  CHECK(of(R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Bound"}})").status == HealthStatus::Healthy);
  CHECK(of(R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Pending"}})").status == HealthStatus::Progressing);
  CHECK(of(R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Lost"}})").status == HealthStatus::Degraded);
  CHECK(of(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","status":{"conditions":[
             {"type":"AbleToScale","status":"True","reason":"SucceededRescale","message":"the HPA controller was able to update the target scale to 4"}]}})") ==
        Health{HealthStatus::Healthy, "the HPA controller was able to update the target scale to 4"});
  CHECK(of(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","status":{"conditions":[
             {"type":"ScalingActive","status":"False","reason":"FailedGetResourceMetric","message":"missing request for cpu"}]}})") ==
        Health{HealthStatus::Degraded, "missing request for cpu"});
  CHECK(of(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler"})") == Health{HealthStatus::Progressing, "Waiting to Autoscale"});
}

TEST_CASE("health: CronJobs and PodDisruptionBudgets by Argo CD's built-in Lua rules", "[sync][health]") {
  const std::string cj = R"({"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},"spec":{"schedule":"* * * * *")";
  CHECK(of((cj + R"(}})").c_str()) == Health{HealthStatus::Progressing, "Waiting for CronJob"});
  CHECK(of((cj + R"(},"status":{}})").c_str()) == Health{HealthStatus::Healthy, "CronJob has not been scheduled yet"});
  CHECK(of((cj + R"(,"suspend":true},"status":{}})").c_str()) == Health{HealthStatus::Healthy, "CronJob is Suspended"});
  CHECK(of((cj + R"(},"status":{"lastScheduleTime":"2026-01-01T00:01:00Z"}})").c_str()) ==
        Health{HealthStatus::Healthy, "The CronJob never completed successfully. It may not be healthy"});
  CHECK(of((cj + R"(},"status":{"lastScheduleTime":"2026-01-01T00:02:00Z","lastSuccessfulTime":"2026-01-01T00:01:09Z",
                     "active":[{"name":"c-1"}]}})").c_str()) ==
        Health{HealthStatus::Healthy, "The job is running. Its last execution may not have been successful"});
  CHECK(of((cj + R"(},"status":{"lastScheduleTime":"2026-01-01T00:02:00Z","lastSuccessfulTime":"2026-01-01T00:01:09Z"}})").c_str()) ==
        Health{HealthStatus::Degraded, "CronJob has not completed its last execution successfully"});
  CHECK(of((cj + R"(},"status":{"lastScheduleTime":"2026-01-01T00:02:00Z","lastSuccessfulTime":"2026-01-01T00:02:08Z"}})").c_str()) ==
        Health{HealthStatus::Healthy, "CronJob has completed its last execution successfully"});

  const std::string pdb = R"({"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"p"},"spec":{"minAvailable":1})";
  CHECK(of((pdb + "}").c_str()) == Health{HealthStatus::Progressing, "Waiting for status"});
  CHECK(of((pdb + R"(,"status":{"conditions":[{"type":"DisruptionAllowed","status":"True","reason":"SufficientPods"}]}})").c_str()) ==
        Health{HealthStatus::Healthy, "PodDisruptionBudget has SufficientPods"});
  // InsufficientPods has valid uses (argo-cd#20171): a budget that allows no disruption is Healthy.
  CHECK(of((pdb + R"(,"status":{"conditions":[{"type":"DisruptionAllowed","status":"False","reason":"InsufficientPods"}]}})").c_str()) ==
        Health{HealthStatus::Healthy, "PodDisruptionBudget has InsufficientPods"});
  CHECK(of((pdb + R"(,"status":{"conditions":[{"type":"DisruptionAllowed","status":"False","reason":"SyncFailed"}]}})").c_str()) ==
        Health{HealthStatus::Degraded, "PodDisruptionBudget has SyncFailed"});
}

TEST_CASE("health: kinds without a rule have none, and the order of worse", "[sync][health]") {
  CHECK_FALSE(resourceHealth(Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})")).has_value());
  CHECK_FALSE(resourceHealth(Json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}})")).has_value());
  CHECK(isWorse(HealthStatus::Healthy, HealthStatus::Suspended));
  CHECK(isWorse(HealthStatus::Progressing, HealthStatus::Missing));
  CHECK(isWorse(HealthStatus::Missing, HealthStatus::Degraded));
  CHECK(isWorse(HealthStatus::Degraded, HealthStatus::Unknown));
  CHECK_FALSE(isWorse(HealthStatus::Degraded, HealthStatus::Progressing));
  CHECK(parseHealthStatus("Degraded") == HealthStatus::Degraded);
  CHECK_FALSE(parseHealthStatus("Sick").has_value());
}

#include "cluster_fixture.hpp"
#include "fakecluster/image_resolver.hpp"

namespace {

class NothingResolver final : public kube::ImageResolver {
 public:
  kube::ImagePull pull(const kube::ImageReference& image) override {
    kube::ImagePull result;
    result.error = kube::imageNotFoundMessage(image);
    return result;
  }
};

}  // namespace

TEST_CASE("health: the fake cluster's objects go Progressing -> Healthy, or Degraded when the image never arrives", "[sync][health][fakecluster]") {
  test::ClusterWorld good;
  good.cluster.create(test::deploymentManifest("web", "nginx:1.27", 2));
  good.runFor(std::chrono::seconds(1));
  CHECK(resourceHealth(good.get("apps", "Deployment", "web"))->status == HealthStatus::Progressing);
  good.runFor(std::chrono::minutes(1));
  CHECK(resourceHealth(good.get("apps", "Deployment", "web"))->status == HealthStatus::Healthy);
  for (const auto& pod : good.list("", "Pod")) CHECK(resourceHealth(pod)->status == HealthStatus::Healthy);

  test::ClusterWorld bad;
  NothingResolver nothing;
  bad.cluster.setImageResolver(&nothing);
  bad.cluster.create(test::deploymentManifest("web", "registry.example.com/web:missing", 2));
  bad.runFor(std::chrono::seconds(30));
  CHECK(resourceHealth(bad.get("apps", "Deployment", "web"))->status == HealthStatus::Progressing);
  for (const auto& pod : bad.list("", "Pod")) {
    auto h = resourceHealth(pod);
    CHECK(h->status == HealthStatus::Degraded);
    CHECK_THAT(h->message, Catch::Contains("registry.example.com/web:missing"));
  }
  bad.runFor(std::chrono::minutes(11));  // past the 600 s progress deadline
  CHECK(*resourceHealth(bad.get("apps", "Deployment", "web")) == Health{HealthStatus::Degraded, "Deployment \"web\" exceeded its progress deadline"});
}

TEST_CASE("health: a CronJob whose last Job failed is Degraded until one succeeds", "[sync][health][fakecluster]") {
  test::ClusterWorld w;
  w.cluster.create(Json::parse(R"({"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"report","namespace":"default"},
      "spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{"backoffLimit":0,"template":{"spec":{"restartPolicy":"Never",
      "containers":[{"name":"run","image":"busybox"}]}}}}}})"));
  auto health = [&] { return *resourceHealth(w.get("batch", "CronJob", "report")); };
  CHECK(health() == Health{HealthStatus::Healthy, "CronJob has not been scheduled yet"});
  w.runFor(std::chrono::minutes(6));  // the 00:05 run succeeds
  CHECK(health() == Health{HealthStatus::Healthy, "CronJob has completed its last execution successfully"});
  fake::PodFault crash;
  crash.kind = fake::PodFault::Kind::Crash;
  crash.image = "busybox";
  const auto id = w.cluster.faults().add(crash);
  w.runFor(std::chrono::minutes(5));  // the 00:10 run fails
  CHECK(health() == Health{HealthStatus::Degraded, "CronJob has not completed its last execution successfully"});
  w.cluster.faults().clear(id);
  w.runFor(std::chrono::minutes(5));
  CHECK(health().status == HealthStatus::Healthy);
}
