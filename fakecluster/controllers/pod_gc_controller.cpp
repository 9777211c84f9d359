#include "fakecluster/controllers/pod_gc_controller.hpp"

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

bool PodGcController::nodeExists(const std::string& name) const {
  return ctx_.store.find(kube::ObjectKey{"", "Node", "", name}) != nullptr;
}

void PodGcController::orphaned(const kube::ObjectKey& pod) {
  // The collector's checks run every period; the one that first sees the node missing
  // starts the quarantine, and the first check after it deletes.
  const Duration now = ctx_.loop.clock().now().sinceStart;
  const Duration firstCheck = (now + kCheckPeriod - Duration(1)) / kCheckPeriod * kCheckPeriod;
  queue().addAfter(pod, firstCheck + kQuarantine - now);
}

void PodGcController::observe(const WatchEvent& event) {
  // Pod changes are nearly all of what comes here: the node they name is looked at first
  // (a Node has no spec.nodeName).
  const Json& object = *event.object;
  if (event.type != WatchEvent::Type::Deleted) {
    const std::string& node = stringAt(object, {"spec"_key, "nodeName"_key});
    if (!node.empty() && !nodeExists(node) && is(object, "v1", "Pod")) orphaned(kube::objectKeyOf(object));
    return;
  }
  if (!is(object, "v1", "Node")) return;
  const std::string& node = stringAt(object, {"metadata"_key, "name"_key});
  ctx_.store.forEach("", "Pod", "", [&](const ObjectPtr& pod) {
    if (stringAt(*pod, {"spec"_key, "nodeName"_key}) == node) orphaned(kube::objectKeyOf(*pod));
  });
}

void PodGcController::reconcile(const kube::ObjectKey& key) {
  const ObjectPtr pod = ctx_.store.find(key);
  if (!pod) return;
  const std::string& node = stringAt(*pod, {"spec"_key, "nodeName"_key});
  if (node.empty() || nodeExists(node)) return;  // the node came (back) meanwhile
  try {
    // Marked Failed first: with no kubelet, nothing else would end its phase.
    const std::string& phase = stringAt(*pod, {"status"_key, "phase"_key});
    if (phase != "Succeeded" && phase != "Failed") {
      Json status = objectAt(*pod, {"status"_key});
      status["phase"] = "Failed";
      setCondition(status, "DisruptionTarget", "True", "DeletionByPodGC", "PodGC: node no longer exists", now(), false, true);
      ctx_.store.writeStatus(key, std::move(status));
    }
    DeleteOptions force;
    force.gracePeriodSeconds = 0;
    ctx_.store.removeShared("", "Pod", key.ns, key.name, force);
  } catch (const ApiError&) {
    // Gone meanwhile.
  }
}

}  // namespace gs::fake
