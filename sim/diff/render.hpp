// Output forms of a set diff: unified YAML diff (kubectl diff style), JSON, and RFC 6902
// JSON Patch per object.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/diff/object_set.hpp"

namespace gs::diff {

struct TextRenderOptions {
  bool color = false;
  bool showInSync = false;   // also list objects without drift
  bool showSecrets = false;  // print Secret data instead of kubectl diff's "***" masks
};

// "diff -u -N live/<file> merged/<file>" headers and hunks of the YAML forms of
// normalized live vs predicted live (objects to create as all-added hunks), one comment
// line per extra object, then a summary line. Secret values are masked as kubectl diff
// masks them ("***", "*** (before)", "*** (after)") unless showSecrets.
std::string renderText(const std::vector<ObjectDiff>& diffs, const TextRenderOptions& options = {});

// What renderText prints of one object, by reference: callers that hold the parts of a
// diff elsewhere (an app's comparison) render them without copying the objects.
struct ObjectDiffRef {
  const kube::ObjectKey& key;
  const std::string& apiVersion;
  ObjectStatus status;
  const DiffResult& result;
};
std::string renderText(std::span<const ObjectDiffRef> diffs, const TextRenderOptions& options = {});
// The two parts of renderText: what it prints of one object, and its summary line.
std::string renderObjectText(const ObjectDiffRef& diff, const TextRenderOptions& options = {});
// `inSyncNotListed`: objects in sync that the caller left out of `diffs` (counted, not printed).
std::string renderTextSummary(std::span<const ObjectDiffRef> diffs, std::size_t inSyncNotListed = 0);

// {"objects": [{group, kind, namespace, name, status, changes[...]}, ...], "summary": {...}}
// Secret values are masked unless showSecrets.
Json renderJson(const std::vector<ObjectDiff>& diffs, bool includeObjects = false, bool showSecrets = false);

// kubectl diff's masking of a Secret pair: values of `data`/`stringData` become "***"
// where equal on both sides, "*** (before)" / "*** (after)" where they differ.
void maskSecretPair(Json& before, Json& after);

// [{"object": {...}, "status": ..., "patch": [RFC 6902 ops]}, ...] for objects that differ.
Json renderPatches(const std::vector<ObjectDiff>& diffs);

}  // namespace gs::diff
