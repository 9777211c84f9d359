// Diffs two sets of manifests (desired from Git, live from a cluster) object by object:
// objects pair up by group/kind/namespace/name; unpaired desired objects are to be
// created, unpaired live objects are extra (what prune would delete).
#pragma once

#include <vector>

#include "sim/core/manifest.hpp"
#include "sim/diff/diff.hpp"

namespace gs::diff {

// Skipped: a desired hook (argocd.argoproj.io/hook or helm.sh/hook annotation), which
// Argo CD runs at sync time and leaves out of the comparison.
enum class ObjectStatus { InSync, Modified, ToCreate, Extra, Skipped };
const char* objectStatusName(ObjectStatus status);

struct ObjectDiff {
  kube::ObjectKey key;
  std::string apiVersion;
  ObjectStatus status = ObjectStatus::InSync;
  DiffResult result;
  SourceLocation desiredAt;
  SourceLocation liveAt;
};

// Throws gs::Error (InvalidInput) when one side declares the same object twice, or a
// desired object that is not a hook has only generateName (kubectl apply refuses it).
// `options.defaultNamespace` (default "default") fills namespaced desired objects.
// `lastApplied` (optional) gives the last-applied configuration of objects by key; it
// wins over live's annotation.
std::vector<ObjectDiff> diffManifestSets(const std::vector<Manifest>& desired, const std::vector<Manifest>& live,
                                         DiffOptions options, const std::vector<Manifest>& lastApplied = {});

}  // namespace gs::diff
