// Templates in scenario values: "{pipeline.web.last.tag}" names a fact that exists only
// at run time. Checked when the file is loaded (unknown names are errors with the file
// position; unambiguous shorthands such as "{repo.head.sha7}" in a one-repo world are
// rewritten to their full form) and expanded when the step runs.
//
// Full forms (docs/scenario-format.md#templates):
//   {repo.<name>.head.sha|sha7|message|summary|author}   {repo.<name>.commits}
//   {pipeline.<name>.last.tag|image|digest|commit|commit7|status|writeback|writeback7}
//   {pipeline.<name>.lastSucceeded.<same fields>}
//   {app.<name>.revision|revision7|synced|synced7|sync|health}
//   {step.<id>.sha|sha7}                                  {seed}
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "sim/scenario/spec_node.hpp"

namespace gs::scenario {

struct TemplateNames {
  std::set<std::string> repos, pipelines, apps, steps;
};

// Checks every reference in `text` and returns it with shorthands spelled out.
std::string checkTemplate(const std::string& text, const TemplateNames& names, const SpecNode& node);

// Expands every reference; `resolve` gets the parts of a full-form reference
// ({"pipeline", "web", "last", "tag"}) and returns its value or throws.
using TemplateResolver = std::function<std::string(const std::vector<std::string>& parts)>;
std::string expandTemplate(const std::string& text, const TemplateResolver& resolve);

}  // namespace gs::scenario
