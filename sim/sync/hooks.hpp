// Argo CD resource hooks: objects annotated `argocd.argoproj.io/hook` (PreSync, Sync,
// PostSync, SyncFail, Skip; comma-separated) run at sync time instead of being kept in
// sync, and `argocd.argoproj.io/hook-delete-policy` (BeforeHookCreation, the default;
// HookSucceeded; HookFailed) says when they are removed. Helm's `helm.sh/hook` is mapped
// as Argo CD maps it (pre-install/pre-upgrade -> PreSync, post-* -> PostSync); any other
// value but crd-install (test, pre-delete...) makes a hook that never runs.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "sim/core/json.hpp"

namespace gs::sync {

enum class SyncPhase { PreSync = 0, Sync = 1, PostSync = 2, SyncFail = 3 };
const char* toString(SyncPhase phase);

struct HookSpec {
  bool annotated = false;      // a hook (gitops-engine's IsHook)
  std::set<SyncPhase> phases;  // the phases it runs in; none for a hook of no known type
  bool skip = false;           // argocd.argoproj.io/hook: Skip alone (never applied)
  bool beforeHookCreation = true;
  bool deleteOnSuccess = false;
  bool deleteOnFailure = false;
  // Hooks and skipped objects: neither applied as resources nor compared.
  bool isHook() const { return skip || annotated; }
};

HookSpec hookSpecOf(const Json& object);

// Whether the object's comma-separated option annotation (argocd.argoproj.io/sync-options,
// argocd.argoproj.io/compare-options) holds `option` ("Prune=false", "IgnoreExtraneous").
bool hasAnnotationOption(const Json& object, const char* annotation, std::string_view option);

}  // namespace gs::sync
