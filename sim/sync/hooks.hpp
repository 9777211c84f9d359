// Argo CD resource hooks: objects annotated `argocd.argoproj.io/hook` (PreSync, Sync,
// PostSync, SyncFail, Skip; comma-separated) run at sync time instead of being kept in
// sync, and `argocd.argoproj.io/hook-delete-policy` (BeforeHookCreation, the default;
// HookSucceeded; HookFailed) says when they are removed. Helm's `helm.sh/hook` is mapped
// as Argo CD maps it (pre-install/pre-upgrade -> PreSync, post-* -> PostSync).
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "sim/core/json.hpp"

namespace gs::sync {

enum class SyncPhase { PreSync = 0, Sync = 1, PostSync = 2, SyncFail = 3 };
const char* toString(SyncPhase phase);

struct HookSpec {
  std::set<SyncPhase> phases;  // empty: not a hook
  bool skip = false;           // argocd.argoproj.io/hook: Skip (never applied)
  bool beforeHookCreation = true;
  bool deleteOnSuccess = false;
  bool deleteOnFailure = false;
  bool isHook() const { return skip || !phases.empty(); }
};

HookSpec hookSpecOf(const Json& object);

// Whether the object's comma-separated option annotation (argocd.argoproj.io/sync-options,
// argocd.argoproj.io/compare-options) holds `option` ("Prune=false", "IgnoreExtraneous").
bool hasAnnotationOption(const Json& object, const char* annotation, std::string_view option);

}  // namespace gs::sync
