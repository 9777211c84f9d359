#include "fakecluster/service_account_admission.hpp"

#include "fakecluster/api_error.hpp"
#include "fakecluster/object_util.hpp"

namespace gs::fake {

namespace {

// The toleration DefaultTolerationSeconds adds: NoExecute for `key`, 300 seconds.
Json toleration(const char* key) {
  return Json{{"effect", "NoExecute"}, {"key", key}, {"operator", "Exists"}, {"tolerationSeconds", 300}};
}

void addDefaultTolerations(Json& spec) {
  bool notReady = false, unreachable = false;
  const Json& tolerations = memberOr(spec, "tolerations", kNullJson);
  if (tolerations.is_array()) {
    for (const Json& t : tolerations) {
      if (!t.is_object()) continue;
      const std::string_view key = stringOf(findMember(t, "key")), effect = stringOf(findMember(t, "effect"));
      const bool noExecute = effect.empty() || effect == "NoExecute";
      notReady = notReady || ((key.empty() || key == "node.kubernetes.io/not-ready") && noExecute);
      unreachable = unreachable || ((key.empty() || key == "node.kubernetes.io/unreachable") && noExecute);
    }
  }
  if (notReady && unreachable) return;
  Json& list = spec["tolerations"];
  if (!list.is_array()) list = Json::array();
  // Built once: every pod gets a copy (building each from initializer lists cost more
  // than the rest of this admission).
  static const Json kNotReady = toleration("node.kubernetes.io/not-ready");
  static const Json kUnreachable = toleration("node.kubernetes.io/unreachable");
  if (!notReady) list.push_back(kNotReady);
  if (!unreachable) list.push_back(kUnreachable);
}

}  // namespace

void admitServiceAccount(const ObjectStore& store, Json& pod) {
  Json& spec = pod["spec"];
  if (!spec.is_object()) return;
  const Json& annotations = at(pod, {"metadata"_key, "annotations"_key});
  const bool mirror = annotations.is_object() && annotations.contains("kubernetes.io/config.mirror");
  if (!mirror) {
    std::string account = spec.value("serviceAccountName", "");
    if (account.empty()) account = spec.value("serviceAccount", "");
    if (account.empty()) account = "default";
    spec["serviceAccountName"] = account;
    spec["serviceAccount"] = account;
    const std::string ns = stringField(pod, {"metadata"_key, "namespace"_key});
    if (!store.find(kube::ObjectKey{"", "ServiceAccount", ns, account})) {
      throw ApiError(403, "Forbidden",
                     "pods \"" + stringField(pod, {"metadata"_key, "name"_key}) + "\" is forbidden: error looking up service account " + ns + "/" +
                         account + ": serviceaccount \"" + account + "\" not found");
    }
  }
  addDefaultTolerations(spec);
}

}  // namespace gs::fake
