#include "sim/sync/hooks.hpp"

#include "fakecluster/object_util.hpp"

namespace gs::sync {

namespace {

std::string annotation(const Json& object, const char* key) {
  auto m = object.find("metadata");
  if (m == object.end() || !m->is_object()) return {};
  auto a = m->find("annotations");
  if (a == m->end() || !a->is_object()) return {};
  auto v = a->find(key);
  return v != a->end() && v->is_string() ? v->get<std::string>() : std::string();
}

template <typename F>
void eachItem(const std::string& list, F f) {
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) f(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

bool hasAnnotation(const Json& object, const char* key) {
  const Json* annotations = findMember(fake::objectAt(object, {"metadata"_key}), "annotations");
  return annotations != nullptr && findMember(*annotations, key) != nullptr;
}

}  // namespace

const char* toString(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::PreSync: return "PreSync";
    case SyncPhase::Sync: return "Sync";
    case SyncPhase::PostSync: return "PostSync";
    case SyncPhase::SyncFail: return "SyncFail";
  }
  return "Sync";
}

HookSpec hookSpecOf(const Json& object) {
  HookSpec spec;
  // gitops-engine's hook.Types: the recognised values of argocd.argoproj.io/hook; only
  // when there are none, the recognised ones of helm.sh/hook.
  std::set<SyncPhase> phases;
  bool skipType = false;
  int types = 0;
  eachItem(annotation(object, "argocd.argoproj.io/hook"), [&](const std::string& h) {
    if (h == "PreSync") phases.insert(SyncPhase::PreSync);
    else if (h == "Sync") phases.insert(SyncPhase::Sync);
    else if (h == "PostSync") phases.insert(SyncPhase::PostSync);
    else if (h == "SyncFail") phases.insert(SyncPhase::SyncFail);
    else if (h == "Skip") skipType = true;
    else return;
    ++types;
  });
  if (types == 0) {
    eachItem(annotation(object, "helm.sh/hook"), [&](const std::string& h) {
      if (h == "pre-install" || h == "pre-upgrade") phases.insert(SyncPhase::PreSync);
      if (h == "post-install" || h == "post-upgrade") phases.insert(SyncPhase::PostSync);
    });
  }
  // Skip only when it is the one type; IsHook: the Argo CD annotation is there (and the
  // object is not skipped), or helm.sh/hook is, with any value but crd-install (a Helm
  // "test" or "pre-delete" hook is a hook that never runs here).
  spec.skip = skipType && types == 1;
  if (hasAnnotation(object, "argocd.argoproj.io/hook")) {
    spec.annotated = !spec.skip;
  } else if (hasAnnotation(object, "helm.sh/hook")) {
    spec.annotated = annotation(object, "helm.sh/hook") != "crd-install";
  }
  if (spec.annotated) spec.phases = std::move(phases);
  const std::string policies = annotation(object, "argocd.argoproj.io/hook-delete-policy").empty()
                                   ? annotation(object, "helm.sh/hook-delete-policy")
                                   : annotation(object, "argocd.argoproj.io/hook-delete-policy");
  if (!policies.empty()) {
    spec.beforeHookCreation = false;
    eachItem(policies, [&](const std::string& p) {
      if (p == "BeforeHookCreation" || p == "before-hook-creation") spec.beforeHookCreation = true;
      if (p == "HookSucceeded" || p == "hook-succeeded") spec.deleteOnSuccess = true;
      if (p == "HookFailed" || p == "hook-failed") spec.deleteOnFailure = true;
    });
  }
  return spec;
}

bool hasAnnotationOption(const Json& object, const char* key, std::string_view option) {
  bool found = false;
  eachItem(annotation(object, key), [&](const std::string& item) { found = found || item == option; });
  return found;
}

}  // namespace gs::sync
