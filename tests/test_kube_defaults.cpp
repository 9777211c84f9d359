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

TEST_CASE("defaults of handlers, volume sources, Pods, Jobs, Services, HPA behavior and other kinds (1.32)", "[kube][defaults]") {
  auto defaulted = [](const char* json) {
    Json o = Json::parse(json);
    kube::applyDefaults(o);
    return o;
  };
  // Probes and lifecycle handlers: SetDefaults_HTTPGetAction; grpc's service; volume
  // items' divisor; the rarer volume sources; a volume with no source; ephemeral claims.
  Json d = defaulted(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},"spec":{"template":{"spec":{
    "containers":[{"name":"c","image":"a:1","livenessProbe":{"httpGet":{"port":80}},"readinessProbe":{"grpc":{"port":9}},
      "lifecycle":{"preStop":{"httpGet":{"port":80}}}}],
    "volumes":[{"name":"d","downwardAPI":{"items":[{"path":"m","resourceFieldRef":{"containerName":"c","resource":"limits.memory"}}]}},
               {"name":"i","iscsi":{"targetPortal":"p","iqn":"q","lun":0}},{"name":"empty"},
               {"name":"e","ephemeral":{"volumeClaimTemplate":{"spec":{"accessModes":["ReadWriteOnce"]}}}}]}}}})");
  const Json& pod = d["spec"]["template"]["spec"];
  CHECK(pod["containers"][0]["livenessProbe"]["httpGet"] == Json::parse(R"({"path":"/","port":80,"scheme":"HTTP"})"));
  CHECK(pod["containers"][0]["readinessProbe"]["grpc"]["service"] == "");
  CHECK(pod["containers"][0]["lifecycle"]["preStop"]["httpGet"]["path"] == "/");
  CHECK(pod["volumes"][0]["downwardAPI"]["items"][0]["resourceFieldRef"]["divisor"] == "0");
  CHECK(pod["volumes"][1]["iscsi"]["iscsiInterface"] == "default");
  CHECK(pod["volumes"][2]["emptyDir"] == Json::object());
  CHECK(pod["volumes"][3]["ephemeral"]["volumeClaimTemplate"]["spec"]["volumeMode"] == "Filesystem");

  // A Pod (not a template): requests from limits, hostPort from containerPort.
  Json p = defaulted(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"hostNetwork":true,"containers":[
    {"name":"c","image":"a:1","ports":[{"containerPort":8080}],"resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}}}]}})");
  CHECK(p["spec"]["containers"][0]["resources"]["requests"] == Json::parse(R"({"cpu":"500m","memory":"1Gi"})"));
  CHECK(p["spec"]["containers"][0]["ports"][0]["hostPort"] == 8080);
  // ...which a template does not get.
  CHECK_FALSE(d["spec"]["template"]["spec"]["containers"][0].contains("resources"));

  // Jobs: labels from the template, manualSelector, per-index backoff, failure policy.
  Json j = defaulted(R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"backoffLimitPerIndex":1,"completionMode":"Indexed",
    "completions":3,"podFailurePolicy":{"rules":[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget"}]}]},
    "template":{"metadata":{"labels":{"app":"j"}},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"a:1"}]}}}})");
  CHECK(j["metadata"]["labels"] == Json::parse(R"({"app":"j"})"));
  CHECK(j["spec"]["manualSelector"] == false);
  CHECK(j["spec"]["backoffLimit"] == 2147483647);
  CHECK(j["spec"]["podReplacementPolicy"] == "Failed");
  CHECK(j["spec"]["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"] == "True");

  // Services: ExternalName affinity and target ports, ClientIP timeout, None drops the
  // affinity configuration, external IPs make the traffic policy apply.
  Json x = defaulted(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"x"},"spec":{"type":"ExternalName","externalName":"a.b","ports":[{"port":80}]}})");
  CHECK(x["spec"]["sessionAffinity"] == "None");
  CHECK(x["spec"]["ports"][0]["targetPort"] == 80);
  CHECK_FALSE(x["spec"].contains("internalTrafficPolicy"));
  Json c = defaulted(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"c"},"spec":{"sessionAffinity":"ClientIP","externalIPs":["1.2.3.4"]}})");
  CHECK(c["spec"]["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"] == 10800);
  CHECK(c["spec"]["externalTrafficPolicy"] == "Cluster");
  Json n = defaulted(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"n"},"spec":{"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":60}}}})");
  CHECK_FALSE(n["spec"].contains("sessionAffinityConfig"));

  // HPA v2: the default CPU metric and the behavior rules' missing parts.
  Json h = defaulted(R"({"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h"},"spec":{"maxReplicas":5,
    "scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"w"},"behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}})");
  CHECK(h["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 80);
  CHECK(h["spec"]["behavior"]["scaleDown"] ==
        Json::parse(R"({"stabilizationWindowSeconds":60,"selectPolicy":"Max","policies":[{"type":"Percent","value":100,"periodSeconds":15}]})"));
  CHECK(h["spec"]["behavior"]["scaleUp"]["policies"].size() == 2);

  // StatefulSet: an explicit RollingUpdate type gets no rollingUpdate block.
  Json s = defaulted(R"({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{"updateStrategy":{"type":"RollingUpdate"}}})");
  CHECK(s["spec"]["updateStrategy"] == Json::parse(R"({"type":"RollingUpdate"})"));

  // Others: RBAC roleRef, NetworkPolicy with no egress rules, PV, LimitRange, PodTemplate,
  // ReplicationController, EndpointSlice, CRD conversion webhook, Secret stringData.
  CHECK(defaulted(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"r"},"roleRef":{"kind":"Role","name":"x"}})")
            ["roleRef"]["apiGroup"] == "rbac.authorization.k8s.io");
  CHECK(defaulted(R"({"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"n"},"spec":{"podSelector":{},"egress":[]}})")
            ["spec"]["policyTypes"] == Json::array({"Ingress"}));
  Json pv = defaulted(R"({"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv"},"spec":{"capacity":{"storage":"1Gi"}}})");
  CHECK(pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain");
  Json lr = defaulted(R"({"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"l"},"spec":{"limits":[{"type":"Container","max":{"cpu":"2"},"min":{"memory":"64Mi"}}]}})");
  CHECK(lr["spec"]["limits"][0]["default"] == Json::parse(R"({"cpu":"2"})"));
  CHECK(lr["spec"]["limits"][0]["defaultRequest"] == Json::parse(R"({"cpu":"2","memory":"64Mi"})"));
  CHECK(defaulted(R"({"apiVersion":"v1","kind":"PodTemplate","metadata":{"name":"t"},"template":{"spec":{"containers":[{"name":"c","image":"a:1"}]}}})")
            ["template"]["spec"]["dnsPolicy"] == "ClusterFirst");
  Json rc = defaulted(R"({"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"rc"},"spec":{"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[]}}}})");
  CHECK(rc["spec"]["selector"] == Json::parse(R"({"a":"b"})"));
  CHECK(rc["metadata"]["labels"] == Json::parse(R"({"a":"b"})"));
  CHECK(defaulted(R"({"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"e"},"addressType":"IPv4","ports":[{"port":80}]})")
            ["ports"][0] == Json::parse(R"({"name":"","port":80,"protocol":"TCP"})"));
  CHECK(defaulted(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"a.b"},"spec":{"conversion":{"strategy":"Webhook",
    "webhook":{"clientConfig":{"service":{"name":"s","namespace":"n"}}}}}})")["spec"]["conversion"]["webhook"]["clientConfig"]["service"]["port"] == 443);
  Json secret = Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"eA=="},"stringData":{"a":"y","b":"z"}})");
  kube::foldSecretStringData(secret);
  CHECK(secret == Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"eQ==","b":"eg=="}})"));
}
