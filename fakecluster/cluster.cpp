#include "fakecluster/cluster.hpp"

#include <optional>

#include "fakecluster/controllers/apiservice_availability.hpp"
#include "fakecluster/controllers/daemonset_controller.hpp"
#include "fakecluster/controllers/deployment_controller.hpp"
#include "fakecluster/controllers/disruption_controller.hpp"
#include "fakecluster/controllers/endpoints_controller.hpp"
#include "fakecluster/controllers/endpointslice_controller.hpp"
#include "fakecluster/controllers/endpointslice_mirroring_controller.hpp"
#include "fakecluster/controllers/cronjob_controller.hpp"
#include "fakecluster/controllers/hpa_controller.hpp"
#include "fakecluster/controllers/job_controller.hpp"
#include "fakecluster/controllers/kubelet.hpp"
#include "fakecluster/controllers/namespace_controller.hpp"
#include "fakecluster/controllers/pod_gc_controller.hpp"
#include "fakecluster/controllers/pvc_protection_controller.hpp"
#include "fakecluster/controllers/replicaset_controller.hpp"
#include "fakecluster/controllers/resource_quota_controller.hpp"
#include "fakecluster/controllers/scheduler.hpp"
#include "fakecluster/controllers/statefulset_controller.hpp"
#include "fakecluster/controllers/token_controller.hpp"
#include "fakecluster/controllers/volume_binder.hpp"
#include "fakecluster/object_util.hpp"
#include "fakecluster/priority_admission.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::fake {

FakeCluster::FakeCluster(EventLoop& loop, ClusterOptions options)
    : loop_(loop),
      options_(options),
      store_(loop.clock(), options.seed, options.historyLimit),
      events_(store_, loop.clock(), options.eventTtl),
      collector_(store_, loop),
      faults_(Rng(options.seed).fork("fakecluster/faults")),
      images_(&permissive_),
      context_{store_, loop_, events_, faults_, images_, options_} {
  events_.setEnabled(options_.recordEvents);
  store_.deferNamespaceCleanup(true);  // the namespace controller sweeps
  controllers_.push_back(std::make_unique<NamespaceController>(context_));
  controllers_.push_back(std::make_unique<TokenController>(context_));
  controllers_.push_back(std::make_unique<DeploymentController>(context_));
  controllers_.push_back(std::make_unique<ReplicaSetController>(context_));
  controllers_.push_back(std::make_unique<StatefulSetController>(context_));
  controllers_.push_back(std::make_unique<DaemonSetController>(context_));
  controllers_.push_back(std::make_unique<JobController>(context_));
  controllers_.push_back(std::make_unique<CronJobController>(context_));
  controllers_.push_back(std::make_unique<VolumeBinder>(context_));
  controllers_.push_back(std::make_unique<PvcProtectionController>(context_));
  controllers_.push_back(std::make_unique<Scheduler>(context_));
  controllers_.push_back(std::make_unique<Kubelet>(context_));
  controllers_.push_back(std::make_unique<EndpointsController>(context_));
  controllers_.push_back(std::make_unique<EndpointSliceController>(context_));
  controllers_.push_back(std::make_unique<EndpointSliceMirroringController>(context_));
  controllers_.push_back(std::make_unique<HpaController>(context_));
  controllers_.push_back(std::make_unique<DisruptionController>(context_));
  controllers_.push_back(std::make_unique<PodGcController>(context_));
  controllers_.push_back(std::make_unique<ApiServiceAvailability>(context_));
  controllers_.push_back(std::make_unique<ResourceQuotaController>(context_));
  for (auto& c : controllers_) {
    for (std::string_view kind : c->watchedKinds()) {
      observersByKind_[std::string(kind)].push_back(Observer{c.get(), kind == "Pod" ? c->podOwnerKind() : std::string_view()});
    }
  }
  observer_ = store_.subscribe([this](const WatchEvent& event) {
    // Each interested controller in the order above, as if every one saw every change (a
    // controller that only looks for its own pods is skipped for the others: it would do
    // nothing with them).
    auto kind = event.object->find("kind");
    if (kind == event.object->end() || !kind->is_string()) return;
    auto interested = observersByKind_.find(kind->get_ref<const std::string&>());
    if (interested == observersByKind_.end()) return;
    std::optional<std::string_view> ownerKind;  // of the pod's controller reference, read once
    for (const Observer& o : interested->second) {
      if (!o.ownerKind.empty()) {
        if (!ownerKind) {
          const Json* ref = controllerRef(*event.object);
          ownerKind = ref != nullptr ? stringOf(findMember(*ref, "kind"_key)) : std::string_view();
        }
        if (*ownerKind != o.ownerKind) continue;
      }
      o.controller->observe(event);
    }
  });
  bootstrap();
}

FakeCluster::~FakeCluster() { store_.unsubscribe(observer_); }

ClusterClient::Served FakeCluster::served(std::string_view apiVersion, std::string_view kind) {
  const auto slash = apiVersion.find('/');
  const std::string_view group = slash == std::string_view::npos ? std::string_view() : apiVersion.substr(0, slash);
  const std::string_view version = slash == std::string_view::npos ? apiVersion : apiVersion.substr(slash + 1);
  bool groupVersionServed = false;
  if (store_.registry().served(group, version, kind, &groupVersionServed) != nullptr) return Served::Yes;
  return groupVersionServed ? Served::KindNotServed : Served::GroupVersionNotServed;
}

namespace {
// A condition as a 1.32 kubelet reports it on its Node.
Json nodeCondition(const char* type, const char* status, const char* reason, const char* message, const std::string& now) {
  return Json{{"type", type}, {"status", status}, {"lastHeartbeatTime", now}, {"lastTransitionTime", now}, {"reason", reason}, {"message", message}};
}
}  // namespace

void FakeCluster::bootstrap() {
  for (const char* ns : {"default", "kube-node-lease", "kube-public", "kube-system"}) {
    store_.createShared(Json{{"apiVersion", "v1"}, {"kind", "Namespace"},
                       {"metadata", {{"name", ns}, {"labels", {{"kubernetes.io/metadata.name", ns}}}}}});
  }
  for (int i = 1; i <= options_.nodes; ++i) {
    const std::string name = "node-" + std::to_string(i);
    const std::string ip = "172.18.0." + std::to_string(i + 1);
    Json node{{"apiVersion", "v1"},
              {"kind", "Node"},
              {"metadata",
               {{"name", name},
                {"labels",
                 {{"kubernetes.io/hostname", name},
                  {"kubernetes.io/os", "linux"},
                  {"kubernetes.io/arch", "amd64"},
                  {"beta.kubernetes.io/os", "linux"},
                  {"beta.kubernetes.io/arch", "amd64"}}}}},
              {"spec", {{"podCIDR", "10.244." + std::to_string(i) + ".0/24"}, {"podCIDRs", Json::array({"10.244." + std::to_string(i) + ".0/24"})}}}};
    Json stored = store_.create(std::move(node));
    const std::string now = loop_.clock().rfc3339();
    Json status{{"addresses", Json::array({Json{{"type", "InternalIP"}, {"address", ip}}, Json{{"type", "Hostname"}, {"address", name}}})},
                {"capacity", {{"cpu", "8"}, {"memory", "32Gi"}, {"pods", "110"}, {"ephemeral-storage", "100Gi"}}},
                {"allocatable", {{"cpu", "8"}, {"memory", "32Gi"}, {"pods", "110"}, {"ephemeral-storage", "100Gi"}}},
                {"conditions", Json::array({nodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
                                            nodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
                                            nodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
                                            nodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now)})},
                {"nodeInfo", {{"kubeletVersion", "v1.32.0"}, {"containerRuntimeVersion", "containerd://1.7.24"},
                              {"operatingSystem", "linux"}, {"architecture", "amd64"}, {"osImage", "gitops-sim node"},
                              {"kernelVersion", "6.1.0-gitops-sim"}}}};
    store_.writeStatus(kube::objectKeyOf(stored), std::move(status));
    // The kubelet's node lease (kubectl describe node shows it). Not renewed: the
    // simulated nodes do not heartbeat, as their Ready condition does not.
    std::string renewTime = now;
    renewTime.insert(renewTime.size() - 1, ".000000");  // a MicroTime
    store_.createShared(Json{{"apiVersion", "coordination.k8s.io/v1"},
                             {"kind", "Lease"},
                             {"metadata", {{"name", name}, {"namespace", "kube-node-lease"},
                                           {"ownerReferences", Json::array({Json{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", name},
                                                                                 {"uid", stored["metadata"]["uid"]}}})}}},
                             {"spec", {{"holderIdentity", name}, {"leaseDurationSeconds", 40}, {"renewTime", renewTime}}}});
  }
  // kind's default StorageClass (local-path-provisioner).
  store_.createShared(Json{{"apiVersion", "storage.k8s.io/v1"},
                           {"kind", "StorageClass"},
                           {"metadata", {{"name", "standard"}, {"annotations", {{"storageclass.kubernetes.io/is-default-class", "true"}}}}},
                           {"provisioner", "rancher.io/local-path"},
                           {"reclaimPolicy", "Delete"},
                           {"volumeBindingMode", "WaitForFirstConsumer"}});
  for (auto& priorityClass : systemPriorityClasses()) store_.createShared(std::move(priorityClass));
  store_.createShared(Json{{"apiVersion", "v1"},
                     {"kind", "Service"},
                     {"metadata", {{"name", "kubernetes"}, {"namespace", "default"},
                                   {"labels", {{"component", "apiserver"}, {"provider", "kubernetes"}}}}},
                     {"spec", {{"clusterIP", "10.96.0.1"},
                               {"ports", Json::array({Json{{"name", "https"}, {"port", 443}, {"protocol", "TCP"}, {"targetPort", 6443}}})}}}});
  // The API server's own endpoints, which it keeps itself (the endpoint controllers skip a
  // Service without a selector): kind's control plane is the first node, 172.18.0.2:6443.
  const Json apiPorts = Json::array({Json{{"name", "https"}, {"port", 6443}, {"protocol", "TCP"}}});
  store_.createShared(Json{{"apiVersion", "v1"},
                           {"kind", "Endpoints"},
                           {"metadata", {{"name", "kubernetes"}, {"namespace", "default"}, {"labels", {{"endpointslice.kubernetes.io/skip-mirror", "true"}}}}},
                           {"subsets", Json::array({Json{{"addresses", Json::array({Json{{"ip", "172.18.0.2"}}})}, {"ports", apiPorts}}})}});
  store_.createShared(Json{{"apiVersion", "discovery.k8s.io/v1"},
                           {"kind", "EndpointSlice"},
                           {"metadata", {{"name", "kubernetes"}, {"namespace", "default"}, {"labels", {{"kubernetes.io/service-name", "kubernetes"}}}}},
                           {"addressType", "IPv4"},
                           {"endpoints", Json::array({Json{{"addresses", Json::array({"172.18.0.2"})}, {"conditions", {{"ready", true}}}}})},
                           {"ports", apiPorts}});
}

void FakeCluster::setImageResolver(ImageResolver* resolver) { images_ = resolver != nullptr ? resolver : &permissive_; }

Controller* FakeCluster::controller(std::string_view name) {
  for (auto& c : controllers_) {
    if (c->name() == name) return c.get();
  }
  return nullptr;
}

std::vector<std::string> FakeCluster::controllerNames() const {
  std::vector<std::string> names;
  for (const auto& c : controllers_) names.push_back(c->name());
  return names;
}

void FakeCluster::stallController(std::string_view name, VirtualTime until) {
  Controller* c = controller(name);
  if (c == nullptr) throw ApiError(404, "NotFound", "no controller named \"" + std::string(name) + "\"");
  c->queue().stallUntil(until);
}

void FakeCluster::injectFault(std::string_view verb, std::string_view kind, std::string_view ns, std::string_view name) {
  if (faults_.empty()) return;
  if (auto error = faults_.onWrite(verb, kind, ns, name, loop_.clock().now())) throw *error;
}

void FakeCluster::injectFault(std::string_view verb, const Json& object) {
  if (faults_.empty() || !object.is_object()) return;
  const Json& meta = memberOr(object, "metadata", kEmptyObjectJson);
  injectFault(verb, object.value("kind", ""), meta.is_object() ? meta.value("namespace", "") : "",
              meta.is_object() ? meta.value("name", "") : "");
}

Json FakeCluster::create(Json object, const WriteOptions& options) {
  injectFault("create", object);
  // The storage layer's check; a dry run never reaches storage, so it passes.
  if (!options.dryRun && carriesResourceVersion(object)) throw ApiError::resourceVersionOnCreate();
  return store_.create(std::move(object), options);
}

Json FakeCluster::get(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) {
  return store_.get(group, kind, ns, name);
}

ObjectPtr FakeCluster::tryGet(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) {
  return store_.tryGet(group, kind, ns, name);
}

Json FakeCluster::list(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options) {
  return store_.list(group, kind, ns, options);
}

std::vector<ObjectPtr> FakeCluster::listShared(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options,
                                               std::uint64_t* resourceVersion) {
  auto objects = store_.listShared(group, kind, ns, options);
  if (resourceVersion != nullptr) *resourceVersion = store_.resourceVersion();
  return objects;
}

Json FakeCluster::update(Json object, const WriteOptions& options) {
  injectFault(options.asPatch ? "patch" : "update", object);
  return store_.update(std::move(object), options);
}

Json FakeCluster::updateStatus(Json object, const WriteOptions& options) {
  injectFault("status", object);
  return store_.updateStatus(std::move(object), options);
}

Json FakeCluster::patch(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
                        const Json& patch, PatchType type, const WriteOptions& options) {
  injectFault("patch", kind, ns, name);
  return store_.patch(group, kind, ns, name, patch, type, options);
}

Json FakeCluster::remove(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
                         const DeleteOptions& options) {
  injectFault("delete", kind, ns, name);
  return store_.remove(group, kind, ns, name, options);
}

std::vector<WatchEvent> FakeCluster::watch(std::uint64_t resourceVersion, std::string_view group, std::string_view kind) {
  return store_.watch(resourceVersion, group, kind);
}

}  // namespace gs::fake
