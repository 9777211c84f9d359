// ControllerRevisions, as the DaemonSet and StatefulSet controllers keep their history
// (pkg/controller/history): one revision per distinct pod template, named <owner>-<hash>,
// labelled with the template's labels and the hash (controller.kubernetes.io/hash for a
// StatefulSet, controller-revision-hash for a DaemonSet), annotated as its owner is when it
// is made, holding the patch
// {"spec":{"template":{...,"$patch":"replace"}}} that `kubectl rollout undo` applies. A
// template that comes back (an undo) moves its revision to the newest number, so
// `kubectl rollout history` lists what a real cluster lists; revisions beyond
// revisionHistoryLimit that no pod runs are deleted, oldest first.
#pragma once

#include <set>
#include <string>

#include "fakecluster/object_store.hpp"

namespace gs::fake::history {

// The name of the revision holding `owner`'s current template (its hash is the name's
// suffix): created when missing, renumbered to the newest when an older one comes back.
std::string currentRevision(ObjectStore& store, const Json& owner);
// The pod template a revision holds; the owner's own template when the revision is gone.
Json templateOf(const ObjectStore& store, const Json& owner, const std::string& revision);
// Deletes the oldest of `owner`'s revisions beyond spec.revisionHistoryLimit (default 10)
// whose names are not in `live` (the revisions its pods run, its current and update ones).
void truncate(ObjectStore& store, const Json& owner, const std::set<std::string>& live);

}  // namespace gs::fake::history
