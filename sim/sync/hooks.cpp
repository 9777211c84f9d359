#include "sim/sync/hooks.hpp"

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
  eachItem(annotation(object, "argocd.argoproj.io/hook"), [&](const std::string& h) {
    if (h == "PreSync") spec.phases.insert(SyncPhase::PreSync);
    if (h == "Sync") spec.phases.insert(SyncPhase::Sync);
    if (h == "PostSync") spec.phases.insert(SyncPhase::PostSync);
    if (h == "SyncFail") spec.phases.insert(SyncPhase::SyncFail);
    if (h == "Skip") spec.skip = true;
  });
  if (!spec.isHook()) {
    eachItem(annotation(object, "helm.sh/hook"), [&](const std::string& h) {
      if (h == "pre-install" || h == "pre-upgrade") spec.phases.insert(SyncPhase::PreSync);
      if (h == "post-install" || h == "post-upgrade") spec.phases.insert(SyncPhase::PostSync);
    });
  }
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
