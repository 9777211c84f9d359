#include "fakecluster/controllers/namespace_controller.hpp"

#include "fakecluster/controllers/token_controller.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

void NamespaceController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (enqueueIfKind(event, "v1", "Namespace")) return;
  if (event.type == WatchEvent::Type::Deleted && (is(object, "v1", "ServiceAccount") || is(object, "v1", "ConfigMap"))) {
    const std::string name = object["metadata"].value("name", "");
    if (name == "default" || name == "kube-root-ca.crt") {
      queue().add(kube::ObjectKey{"", "Namespace", "", object["metadata"].value("namespace", "")});
    }
  }
}

void NamespaceController::reconcile(const kube::ObjectKey& key) {
  auto ns = ctx_.store.find(key);
  if (!ns) return;
  if (terminating(*ns)) {
    // The namespace controller's sweep, a moment after the delete (kubectl delete -f of a
    // bundle that lists its Namespace first still deletes the rest itself).
    const VirtualTime now = ctx_.loop.clock().now();
    auto due = sweepAt_.find(key.name);
    if (due == sweepAt_.end()) {
      sweepAt_.emplace(key.name, now + kSweepDelay);
      queue().addAfter(key, kSweepDelay);
      return;
    }
    if (now < due->second) return;  // the sweep is queued for then
    sweepAt_.erase(due);
    ctx_.store.deleteNamespaceContents(key.name);
    return;
  }
  if (!ctx_.store.find(kube::ObjectKey{"", "ServiceAccount", key.name, "default"})) {
    ctx_.store.createShared(Json{{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "default"}, {"namespace", key.name}}}});
  }
  if (!ctx_.store.find(kube::ObjectKey{"", "ConfigMap", key.name, "kube-root-ca.crt"})) {
    ctx_.store.createShared(Json{{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata",
                            {{"name", "kube-root-ca.crt"},
                             {"namespace", key.name},
                             {"annotations", {{"kubernetes.io/description",
                                               "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}}}}},
                           {"data", {{"ca.crt", kClusterRootCa}}}});
  }
}

}  // namespace gs::fake
