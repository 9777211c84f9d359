// The fake cluster: an ObjectStore (the API server) plus the controllers, scheduler
// and kubelet that make objects come alive on the virtual clock, an EventRecorder,
// fault rules and the ImageResolver seam. Clients (the sync engine, scenario steps,
// tests) use it through ClusterClient, where write faults apply; the controllers
// write to the store directly, as in-cluster components do.
//
// At start it holds what a fresh kind/kubeadm cluster holds: the default, kube-system,
// kube-public and kube-node-lease namespaces (each with a default ServiceAccount and
// the kube-root-ca.crt ConfigMap), Ready Nodes node-1..node-N, and the `kubernetes`
// Service in default.
// Everything runs on the EventLoop given; it must not run events after the cluster is
// destroyed. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fakecluster/cluster_client.hpp"
#include "fakecluster/cluster_options.hpp"
#include "fakecluster/controller.hpp"
#include "fakecluster/garbage_collector.hpp"

namespace gs::fake {

class FakeCluster final : public ClusterClient {
 public:
  FakeCluster(EventLoop& loop, ClusterOptions options = {});
  ~FakeCluster() override;

  ObjectStore& store() { return store_; }
  EventRecorder& events() { return events_; }
  Faults& faults() { return faults_; }
  EventLoop& loop() { return loop_; }
  const ClusterOptions& options() const { return options_; }
  // Where the kubelet pulls from; nullptr restores the permissive resolver.
  void setImageResolver(ImageResolver* resolver);
  // The controller named e.g. "deployment-controller", "kubelet"; nullptr if none.
  Controller* controller(std::string_view name);
  std::vector<std::string> controllerNames() const;
  // The "controller stalled" fault: the controller processes nothing before `until`.
  void stallController(std::string_view name, VirtualTime until);

  // ClusterClient: the API as clients see it, with write faults applied.
  Json create(Json object, const WriteOptions& options = {}) override;
  Json get(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) override;
  ObjectPtr tryGet(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name) override;
  Json list(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options = {}) override;
  std::vector<ObjectPtr> listShared(std::string_view group, std::string_view kind, std::string_view ns, const ListOptions& options = {},
                                    std::uint64_t* resourceVersion = nullptr) override;
  Json update(Json object, const WriteOptions& options = {}) override;
  Json updateStatus(Json object, const WriteOptions& options = {}) override;
  Json patch(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name, const Json& patch,
             PatchType type, const WriteOptions& options = {}) override;
  Json remove(std::string_view group, std::string_view kind, std::string_view ns, std::string_view name,
              const DeleteOptions& options = {}) override;
  std::vector<WatchEvent> watch(std::uint64_t resourceVersion, std::string_view group, std::string_view kind) override;
  std::vector<ResourceType> resources() override { return store_.registry().all(); }
  Served served(std::string_view apiVersion, std::string_view kind) override;

 private:
  void injectFault(std::string_view verb, const Json& object);
  void injectFault(std::string_view verb, std::string_view kind, std::string_view ns, std::string_view name);
  void bootstrap();

  EventLoop& loop_;
  ClusterOptions options_;
  ObjectStore store_;
  EventRecorder events_;
  GarbageCollector collector_;
  Faults faults_;
  PermissiveImageResolver permissive_;
  ImageResolver* images_;
  ControllerContext context_;
  std::vector<std::unique_ptr<Controller>> controllers_;
  struct Observer {
    Controller* controller;
    std::string_view ownerKind;  // Pod changes only: passed on only for pods whose controller is of this kind
  };
  std::unordered_map<std::string, std::vector<Observer>> observersByKind_;  // by watchedKinds(), in controllers_ order
  ObjectStore::ObserverId observer_ = 0;
};

}  // namespace gs::fake
