#include "fakecluster/controllers/pod_factory.hpp"

#include "fakecluster/object_util.hpp"

namespace gs::fake {

Json podFromTemplate(const Json& podTemplate, const Json& owner, const std::string& generateName, const std::string& name) {
  const Json& templateMeta = objectAt(podTemplate, {"metadata"_key});
  Json meta{{"namespace", owner["metadata"].value("namespace", "default")}};
  if (!name.empty()) meta["name"] = name;
  else meta["generateName"] = generateName.empty() ? owner["metadata"].value("name", "") + "-" : generateName;
  if (templateMeta.contains("labels")) meta["labels"] = templateMeta["labels"];
  if (templateMeta.contains("annotations")) meta["annotations"] = templateMeta["annotations"];
  if (templateMeta.contains("finalizers")) meta["finalizers"] = templateMeta["finalizers"];
  meta["ownerReferences"] = Json::array({controllerReference(owner)});
  return Json{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", std::move(meta)}, {"spec", podTemplate.value("spec", Json::object())}};
}

namespace {

int phaseRank(const std::string& phase) {
  if (phase == "Pending") return 0;
  if (phase == "Unknown") return 1;
  if (phase == "Running") return 2;
  return 3;
}

std::int64_t restarts(const Json& pod) {
  std::int64_t total = 0;
  for (const auto& s : at(pod, {"status"_key, "containerStatuses"_key})) total += s.value("restartCount", 0);
  return total;
}

}  // namespace

bool deleteBefore(const Json& a, const Json& b) {
  bool aAssigned = !stringAt(a, {"spec"_key, "nodeName"_key}).empty();
  bool bAssigned = !stringAt(b, {"spec"_key, "nodeName"_key}).empty();
  if (aAssigned != bAssigned) return !aAssigned;
  int pa = phaseRank(phaseOf(a)), pb = phaseRank(phaseOf(b));
  if (pa != pb) return pa < pb;
  bool ra = podReady(a), rb = podReady(b);
  if (ra != rb) return !ra;
  if (ra && rb) {
    auto sa = podReadySince(a).value_or(0), sb = podReadySince(b).value_or(0);
    if (sa != sb) return sa > sb;
  }
  auto xa = restarts(a), xb = restarts(b);
  if (xa != xb) return xa > xb;
  auto ca = unixOf(stringAt(a, {"metadata"_key, "creationTimestamp"_key}));
  auto cb = unixOf(stringAt(b, {"metadata"_key, "creationTimestamp"_key}));
  if (ca != cb) return ca > cb;
  return stringAt(a, {"metadata"_key, "name"_key}) > stringAt(b, {"metadata"_key, "name"_key});
}

}  // namespace gs::fake
