// ignoreDifferences: paths removed from desired, live and last-applied before comparing
// (as Argo CD's normalizer does), so they can never show up as drift.
// Paths are written as JSON pointers (/spec/replicas, /metadata/annotations/a~1b), with
// keyed selectors (/spec/template/spec/containers[name=web]/image), or as the jq subset
// Argo CD users write (.spec.template.spec.containers[] | select(.name == "web") | .image).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/json.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::diff {

struct PathStep {
  enum Kind { Key, AllElements, Select } kind = Key;
  // How a Select step tests an element's field: == / != or jq's startswith, endswith,
  // contains, test (a regular expression).
  enum Match { Equals, NotEquals, StartsWith, EndsWith, Contains, Test };
  std::string key;          // Key: member name, or array index when the value is a list
  std::string selectField;  // Select: the list elements whose field matches selectValue
  std::string selectValue;
  Match match = Equals;
};

struct IgnorePath {
  std::string text;  // as written, for messages
  std::vector<PathStep> steps;
};

// Throws gs::Error (InvalidInput) with the reason when the text is not a valid path.
IgnorePath parsePointerPath(std::string_view text);
IgnorePath parseJqPath(std::string_view text);
// A pointer when it starts with '/', a jq path when it starts with '.'.
IgnorePath parseIgnorePath(std::string_view text);

struct IgnoreRule {
  // Scope, as Argo CD's ignoreDifferences: group and kind are globs ('*', '?'); a
  // missing group means the core group ""; a missing name or namespace matches any.
  // A rule written as a bare path string is not scoped: it applies to every object.
  bool scoped = false;
  std::optional<std::string> group, kind, name, ns;
  std::vector<IgnorePath> paths;
  // Fields owned by these managers (per live's managedFields) are ignored too.
  std::vector<std::string> managedFieldsManagers;

  bool appliesTo(const kube::ObjectKey& key) const;
};

// Parses one rule: a plain path string (applies to every object), or a map in Argo CD's
// ignoreDifferences shape {group, kind, name, namespace, jsonPointers,
// jqPathExpressions, managedFieldsManagers}.
IgnoreRule parseIgnoreRule(const Json& spec, const SourceLocation& where = {});

// Removes every path of every rule that applies to the object.
void applyIgnoreRules(Json& object, const kube::ObjectKey& key, const std::vector<IgnoreRule>& rules);
// Removes one path from a value.
void removePath(Json& value, const IgnorePath& path);

}  // namespace gs::diff
