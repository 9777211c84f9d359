#include <catch2/catch.hpp>

#include "sim/kube/defaults.hpp"
#include "sim/kube/object_key.hpp"

using namespace gs;

TEST_CASE("Deployment defaults match the API server's", "[kube][defaults]") {
  Json d = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},
    "spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"spec":{"containers":[
      {"name":"c","image":"nginx","ports":[{"containerPort":80}],
       "readinessProbe":{"httpGet":{"path":"/","port":80}}}]}}}})");
  kube::DefaultedValues inserted;
  kube::applyDefaults(d, &inserted);
  const Json& spec = d["spec"];
  CHECK(spec["replicas"] == 1);
  CHECK(spec["revisionHistoryLimit"] == 10);
  CHECK(spec["progressDeadlineSeconds"] == 600);
  CHECK(spec["strategy"] == Json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}})"));
  const Json& pod = spec["template"]["spec"];
  CHECK(pod["restartPolicy"] == "Always");
  CHECK(pod["dnsPolicy"] == "ClusterFirst");
  CHECK(pod["schedulerName"] == "default-scheduler");
  CHECK(pod["terminationGracePeriodSeconds"] == 30);
  CHECK(pod["securityContext"] == Json::object());
  const Json& c = pod["containers"][0];
  CHECK(c["imagePullPolicy"] == "Always");
  CHECK(c["terminationMessagePath"] == "/dev/termination-log");
  CHECK(c["terminationMessagePolicy"] == "File");
  CHECK(c["ports"][0]["protocol"] == "TCP");
  CHECK(c["readinessProbe"]["periodSeconds"] == 10);
  CHECK(c["readinessProbe"]["httpGet"]["scheme"] == "HTTP");
  CHECK(inserted.contains(&spec["replicas"]));
  CHECK(inserted.contains(&c["imagePullPolicy"]));
  CHECK_FALSE(inserted.contains(&c["image"]));
}

TEST_CASE("defaults never overwrite declared values", "[kube][defaults]") {
  Json d = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},
    "spec":{"replicas":5,"strategy":{"type":"Recreate"}}})");
  kube::applyDefaults(d);
  CHECK(d["spec"]["replicas"] == 5);
  CHECK(d["spec"]["strategy"] == Json{{"type", "Recreate"}});
}

TEST_CASE("Service, Secret, Job, CronJob, StatefulSet and DaemonSet defaults", "[kube][defaults]") {
  Json svc = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
    "spec":{"ports":[{"port":80},{"port":443,"targetPort":"https"}]}})");
  kube::applyDefaults(svc);
  CHECK(svc["spec"]["type"] == "ClusterIP");
  CHECK(svc["spec"]["sessionAffinity"] == "None");
  CHECK(svc["spec"]["ports"][0]["targetPort"] == 80);
  CHECK(svc["spec"]["ports"][1]["targetPort"] == "https");
  CHECK(svc["spec"]["ports"][0]["protocol"] == "TCP");

  Json secret = Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}})");
  kube::applyDefaults(secret);
  CHECK(secret["type"] == "Opaque");

  Json job = Json::parse(R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},
    "spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.36"}]}}}})");
  kube::applyDefaults(job);
  CHECK(job["spec"]["backoffLimit"] == 6);
  CHECK(job["spec"]["completions"] == 1);
  CHECK(job["spec"]["parallelism"] == 1);
  CHECK(job["spec"]["template"]["spec"]["restartPolicy"] == "Never");
  CHECK(job["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent");

  Json cron = Json::parse(R"({"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},
    "spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"containers":[]}}}}}})");
  kube::applyDefaults(cron);
  CHECK(cron["spec"]["successfulJobsHistoryLimit"] == 3);
  CHECK(cron["spec"]["failedJobsHistoryLimit"] == 1);
  CHECK(cron["spec"]["concurrencyPolicy"] == "Allow");
  // Only the template's pod spec is defaulted (SetDefaults_Job takes a Job, not a JobSpec).
  CHECK_FALSE(cron["spec"]["jobTemplate"]["spec"].contains("backoffLimit"));
  CHECK_FALSE(cron["spec"]["jobTemplate"]["spec"].contains("completions"));
  CHECK(cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirst");

  Json sts = Json::parse(R"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{}})");
  kube::applyDefaults(sts);
  CHECK(sts["spec"]["podManagementPolicy"] == "OrderedReady");
  CHECK(sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"] == 0);

  Json ds = Json::parse(R"({"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d"},"spec":{}})");
  kube::applyDefaults(ds);
  CHECK(ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"] == 1);
  CHECK(ds["spec"]["updateStrategy"]["rollingUpdate"]["maxSurge"] == 0);
}

TEST_CASE("custom resources get no defaults", "[kube][defaults]") {
  Json cr = Json::parse(R"({"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","metadata":{"name":"r"},"spec":{}})");
  Json before = cr;
  kube::applyDefaults(cr);
  CHECK(cr == before);
}

TEST_CASE("imagePullPolicy follows the image tag", "[kube][defaults]") {
  CHECK(std::string(kube::defaultImagePullPolicy("nginx")) == "Always");
  CHECK(std::string(kube::defaultImagePullPolicy("nginx:latest")) == "Always");
  CHECK(std::string(kube::defaultImagePullPolicy("nginx:1.27")) == "IfNotPresent");
  CHECK(std::string(kube::defaultImagePullPolicy("registry:5000/team/app")) == "Always");
  CHECK(std::string(kube::defaultImagePullPolicy("registry:5000/team/app:v2")) == "IfNotPresent");
  CHECK(std::string(kube::defaultImagePullPolicy("nginx@sha256:abcd")) == "IfNotPresent");
  CHECK(std::string(kube::defaultImagePullPolicy("nginx:latest@sha256:abcd")) == "Always");
  CHECK(std::string(kube::defaultImagePullPolicy("reg:5000/nginx:1.2@sha256:abcd")) == "IfNotPresent");
}

TEST_CASE("object identity ignores the API version", "[kube][identity]") {
  auto a = kube::objectKeyOf(Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","namespace":"n"}})"));
  auto b = kube::objectKeyOf(Json::parse(R"({"apiVersion":"apps/v1beta2","kind":"Deployment","metadata":{"name":"w","namespace":"n"}})"));
  CHECK(a == b);
  CHECK(a.str() == "apps/Deployment n/w");
  CHECK(kube::isNamespacedKind("apps", "Deployment"));
  CHECK_FALSE(kube::isNamespacedKind("", "Namespace"));
  CHECK_FALSE(kube::isNamespacedKind("rbac.authorization.k8s.io", "ClusterRole"));
}

TEST_CASE("defaults of NetworkPolicy, PriorityClass, StorageClass, HPA, CRD and projected volumes", "[kube][defaults]") {
  Json np = Json::parse(R"({"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"n"},
    "spec":{"podSelector":{},"ingress":[{"ports":[{"port":80}]}],"egress":[{}]}})");
  kube::applyDefaults(np);
  CHECK(np["spec"]["policyTypes"] == Json::array({"Ingress", "Egress"}));
  CHECK(np["spec"]["ingress"][0]["ports"][0]["protocol"] == "TCP");
  Json pc = Json::parse(R"({"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"p"},"value":10})");
  kube::applyDefaults(pc);
  CHECK(pc["preemptionPolicy"] == "PreemptLowerPriority");
  Json sc = Json::parse(R"({"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"s"},"provisioner":"x"})");
  kube::applyDefaults(sc);
  CHECK(sc["reclaimPolicy"] == "Delete");
  CHECK(sc["volumeBindingMode"] == "Immediate");
  Json hpa = Json::parse(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h"},"spec":{"maxReplicas":5}})");
  kube::applyDefaults(hpa);
  CHECK(hpa["spec"]["minReplicas"] == 1);
  Json crd = Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.example.com"},
    "spec":{"group":"example.com","names":{"kind":"Gadget","plural":"gadgets"},"scope":"Namespaced","versions":[]}})");
  kube::applyDefaults(crd);
  CHECK(crd["spec"]["names"]["singular"] == "gadget");
  CHECK(crd["spec"]["names"]["listKind"] == "GadgetList");
  CHECK(crd["spec"]["conversion"]["strategy"] == "None");
  Json pod = Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[],"volumes":[
    {"name":"t","projected":{"sources":[{"serviceAccountToken":{"path":"token"}},{"downwardAPI":{"items":[{"path":"n","fieldRef":{"fieldPath":"metadata.name"}}]}}]}}]}})");
  kube::applyDefaults(pod);
  const Json& sources = pod["spec"]["volumes"][0]["projected"]["sources"];
  CHECK(sources[0]["serviceAccountToken"]["expirationSeconds"] == 3600);
  CHECK(sources[1]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"] == "v1");
}

TEST_CASE("defaults of RBAC subjects and admission webhooks", "[kube][defaults]") {
  Json rb = Json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"b"},
    "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},
    "subjects":[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"bot","namespace":"x"}]})");
  kube::applyDefaults(rb);
  CHECK(rb["subjects"][0]["apiGroup"] == "rbac.authorization.k8s.io");
  CHECK_FALSE(rb["subjects"][1].contains("apiGroup"));  // "" for a ServiceAccount, omitted as the API server omits it
  Json vwc = Json::parse(R"({"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"m"},
    "webhooks":[{"name":"a.example.com","clientConfig":{"service":{"name":"s","namespace":"n"}},
                 "rules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["pods"]}]}]})");
  kube::applyDefaults(vwc);
  const Json& hook = vwc["webhooks"][0];
  CHECK(hook["failurePolicy"] == "Fail");
  CHECK(hook["timeoutSeconds"] == 10);
  CHECK(hook["reinvocationPolicy"] == "Never");
  CHECK(hook["clientConfig"]["service"]["port"] == 443);
  CHECK(hook["rules"][0]["scope"] == "*");
}
