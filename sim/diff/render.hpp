// Output forms of a set diff: unified YAML diff (kubectl diff style), JSON, and RFC 6902
// JSON Patch per object.
#pragma once

#include <string>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/diff/object_set.hpp"

namespace gs::diff {

struct TextRenderOptions {
  bool color = false;
  bool showInSync = false;  // also list objects without drift
};

// "diff -u -N live/<file> merged/<file>" headers and hunks of the YAML forms of
// normalized live vs predicted live, then a summary line.
std::string renderText(const std::vector<ObjectDiff>& diffs, const TextRenderOptions& options = {});

// {"objects": [{group, kind, namespace, name, status, changes[...]}, ...], "summary": {...}}
Json renderJson(const std::vector<ObjectDiff>& diffs, bool includeObjects = false);

// [{"object": {...}, "status": ..., "patch": [RFC 6902 ops]}, ...] for objects that differ.
Json renderPatches(const std::vector<ObjectDiff>& diffs);

}  // namespace gs::diff
