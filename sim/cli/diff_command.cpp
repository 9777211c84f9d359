#include "sim/cli/diff_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "sim/core/manifest.hpp"
#include "sim/core/yaml.hpp"
#include "sim/diff/object_set.hpp"
#include "sim/diff/render.hpp"
#include "sim/sync/hooks.hpp"

namespace gs::cli {
namespace {

struct DiffArgs {
  std::string desired;
  std::string live;
  std::string lastApplied;
  std::vector<std::string> ignore;
  std::string ignoreFile;
  std::string output = "text";
  std::string ns = "default";
  std::string color = "auto";
  bool twoWay = false;
  bool recursive = false;
  bool showInSync = false;
  bool showSecrets = false;
  bool ignoreAggregatedRoles = false;
};

// A DNS-1123 label, as Kubernetes requires of namespace names.
bool isDnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-'; });
}

bool useColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  return std::getenv("NO_COLOR") == nullptr && isatty(STDOUT_FILENO) != 0;
}

int runDiff(const DiffArgs& args) {
  if (!isDnsLabel(args.ns)) {
    throw Error::invalid("'" + args.ns + "' is not a valid namespace name (lowercase letters, digits and '-', at most 63)",
                         SourceLocation{"--namespace", 0, 0});
  }
  if (args.desired == "-" && args.live == "-") throw Error::invalid("only one of DESIRED and LIVE can be '-' (standard input)");
  diff::DiffOptions options;
  options.threeWay = !args.twoWay;
  options.defaultNamespace = args.ns;
  options.ignoreAggregatedRoles = args.ignoreAggregatedRoles;
  for (const auto& text : args.ignore) {
    options.ignore.push_back(diff::parseIgnoreRule(Json(text), SourceLocation{"--ignore", 0, 0}));
  }
  if (!args.ignoreFile.empty()) {
    auto doc = loadYamlDocument(readFile(args.ignoreFile), args.ignoreFile, YamlLoadOptions{true});
    const Json& rules = doc.value;
    if (!rules.is_array()) throw Error::invalid("expected a list of ignore rules", doc.where);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      auto pointer = "/" + std::to_string(i);
      options.ignore.push_back(diff::parseIgnoreRule(rules[i], doc.positions.locate(args.ignoreFile, pointer)));
    }
  }
  auto desired = loadManifests(args.desired, args.recursive);
  auto live = loadManifests(args.live, args.recursive);
  std::vector<Manifest> lastApplied;
  if (!args.lastApplied.empty()) lastApplied = loadManifests(args.lastApplied, args.recursive);
  if (desired.empty()) {
    std::cerr << "warning: " << args.desired << " holds no objects; every live object is reported extra\n";
  }
  auto diffs = diff::diffManifestSets(desired, live, options, lastApplied);

  bool differs = false;
  for (const auto& d : diffs) {
    // As Argo CD's app status: an extra object marked IgnoreExtraneous does not count.
    const bool ignoredExtra = d.status == diff::ObjectStatus::Extra &&
                              sync::hasAnnotationOption(d.result.normalizedLive, "argocd.argoproj.io/compare-options", "IgnoreExtraneous");
    differs = differs || (d.status != diff::ObjectStatus::InSync && d.status != diff::ObjectStatus::Skipped && !ignoredExtra);
  }
  if (args.output == "json") {
    std::cout << diff::renderJson(diffs, true, args.showSecrets).dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
  } else if (args.output == "patch") {
    std::cout << diff::renderPatches(diffs).dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
  } else {
    std::cout << diff::renderText(diffs, diff::TextRenderOptions{useColor(args.color), args.showInSync, args.showSecrets});
  }
  return differs ? kExitFailed : kExitOk;
}

}  // namespace

std::function<int()> addDiffCommand(CLI::App& app) {
  auto args = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand("diff", "Compare desired manifests with live objects, offline (like kubectl diff)");
  cmd->footer(
      "Each side is a manifest file (multi-document YAML or JSON) or a directory of them.\n"
      "Objects pair up by group/kind/namespace/name; unpaired desired objects are 'to-create',\n"
      "unpaired live objects are 'extra'.\n"
      "Exit status: 0 no differences, 1 differences, 2 invalid input, 3 internal error.");
  cmd->add_option("DESIRED", args->desired, "Desired manifests (what Git declares); '-' reads standard input")->required();
  cmd->add_option("LIVE", args->live, "Live objects (as `kubectl get -o yaml` prints them); '-' reads standard input")->required();
  auto* lastApplied = cmd->add_option("--last-applied", args->lastApplied,
                  "Last-applied configurations (manifests); default: each live object's "
                  "kubectl.kubernetes.io/last-applied-configuration annotation");
  cmd->add_option("--ignore", args->ignore,
                  "Ignore a path on every object: JSON pointer (/spec/replicas), keyed "
                  "(/spec/template/spec/containers[name=web]/image) or jq (.spec.replicas); repeatable");
  cmd->add_option("--ignore-file", args->ignoreFile,
                  "YAML list of ignore rules: path strings or Argo CD ignoreDifferences maps "
                  "{group, kind, name, namespace, jsonPointers, jqPathExpressions, managedFieldsManagers}");
  cmd->add_option("-o,--output", args->output, "Output format")
      ->check(CLI::IsMember({"text", "json", "patch"}))
      ->capture_default_str();
  cmd->add_option("-n,--namespace", args->ns, "Namespace for namespaced desired objects that declare none")
      ->capture_default_str();
  cmd->add_option("--color", args->color, "Colour the text output")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  cmd->add_flag("--two-way", args->twoWay, "Ignore last-applied annotations (fields only in live are never drift)")
      ->excludes(lastApplied);
  cmd->add_flag("--show-secrets", args->showSecrets,
                "Print Secret data in text and JSON output (masked as *** by default, like kubectl diff; "
                "-o patch always carries the values)");
  cmd->add_flag("--ignore-aggregated-roles", args->ignoreAggregatedRoles,
                "Do not compare the rules of ClusterRoles that have an aggregationRule (Argo CD's ignoreAggregatedRoles)");
  cmd->add_flag("-R,--recursive", args->recursive, "Read directories recursively");
  cmd->add_flag("--show-in-sync", args->showInSync, "List in-sync objects in the text output too");
  return [args] { return runDiff(*args); };
}

}  // namespace gs::cli
