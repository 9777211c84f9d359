// The comparison walk over two (or three) DiffTrees: desired, live and the
// last-applied configuration. It decides drift with Kubernetes' apply semantics:
// - a field in desired is compared with live (missing and empty are alike);
// - a field only in live is drift only when the last-applied config had it (the user
//   removed it from Git); otherwise someone else set it (HPA, webhook, defaults);
// - a defaulted ("weak") desired field counts only where last-applied had it: the
//   field was removed from Git and the server will put its default back;
// - keyed lists match elements by key, other lists by index; those other lists are
//   replaced whole by kubectl apply, so inside their elements a field only live has is
//   drift too (unless empty), and defaults count.
#pragma once

#include <string>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/diff/tree.hpp"

namespace gs::diff {

enum class ChangeKind { Added, Removed, Changed };
const char* changeKindName(ChangeKind kind);

struct Change {
  ChangeKind kind = ChangeKind::Changed;
  std::string path;     // display path: /spec/template/spec/containers[name=web]/image
  std::string pointer;  // RFC 6901 pointer into the normalized live object ("-" appends)
  Json live;            // the live value (null for Added)
  Json desired;         // the value Git wants (null for Removed)
  bool listElement = false;  // the change adds or removes a whole list element
};

// True when live matches desired. `lastApplied` may be null: then desired stands in for
// it (a two-way diff, as Argo CD does without the annotation). Stops at the first drift.
bool treesMatch(const DiffTree& desired, const DiffTree& live, const DiffTree* lastApplied);

// Every drift, in walk order.
std::vector<Change> compareTrees(const DiffTree& desired, const DiffTree& live, const DiffTree* lastApplied);

}  // namespace gs::diff
