#include "sim/diff/render.hpp"

#include "sim/core/yaml.hpp"
#include "sim/diff/line_diff.hpp"

namespace gs::diff {
namespace {

std::string versionOf(const std::string& apiVersion) {
  auto slash = apiVersion.find('/');
  return slash == std::string::npos ? apiVersion : apiVersion.substr(slash + 1);
}

Json keyJson(const ObjectDiff& d) {
  return Json{{"group", d.key.group}, {"kind", d.key.kind}, {"namespace", d.key.ns}, {"name", d.key.name},
              {"apiVersion", d.apiVersion}};
}

Json changeJson(const Change& c) {
  Json j{{"path", c.path}, {"kind", changeKindName(c.kind)}};
  if (c.kind != ChangeKind::Added) j["live"] = c.live;
  if (c.kind != ChangeKind::Removed) j["desired"] = c.desired;
  return j;
}

struct Counts {
  int inSync = 0, modified = 0, toCreate = 0, extra = 0;
};

Counts count(const std::vector<ObjectDiff>& diffs) {
  Counts c;
  for (const auto& d : diffs) {
    switch (d.status) {
      case ObjectStatus::InSync: ++c.inSync; break;
      case ObjectStatus::Modified: ++c.modified; break;
      case ObjectStatus::ToCreate: ++c.toCreate; break;
      case ObjectStatus::Extra: ++c.extra; break;
    }
  }
  return c;
}

}  // namespace

std::string renderText(const std::vector<ObjectDiff>& diffs, const TextRenderOptions& options) {
  std::string out;
  const char* bold = options.color ? "\x1b[1m" : "";
  const char* reset = options.color ? "\x1b[0m" : "";
  for (const auto& d : diffs) {
    if (d.status == ObjectStatus::InSync) {
      if (options.showInSync) out += "# " + d.key.str() + ": in sync\n";
      continue;
    }
    std::string file = d.key.fileName(versionOf(d.apiVersion));
    std::string before = d.result.normalizedLive.is_null() ? "" : toYaml(d.result.normalizedLive);
    std::string after = d.result.predictedLive.is_null() ? "" : toYaml(d.result.predictedLive);
    out += bold;
    out += "diff -u -N live/" + file + " merged/" + file;
    out += reset;
    out += '\n';
    out += "--- live/" + file + "\n+++ merged/" + file + "\n";
    out += unifiedDiff(before, after, UnifiedDiffOptions{3, options.color});
  }
  auto c = count(diffs);
  out += "# " + std::to_string(diffs.size()) + " objects: " + std::to_string(c.inSync) + " in sync, " +
         std::to_string(c.modified) + " modified, " + std::to_string(c.toCreate) + " to create, " +
         std::to_string(c.extra) + " extra\n";
  return out;
}

Json renderJson(const std::vector<ObjectDiff>& diffs, bool includeObjects) {
  Json objects = Json::array();
  for (const auto& d : diffs) {
    Json o = keyJson(d);
    o["status"] = objectStatusName(d.status);
    Json changes = Json::array();
    for (const auto& c : d.result.changes) changes.push_back(changeJson(c));
    o["changes"] = std::move(changes);
    if (includeObjects) {
      o["normalizedLive"] = d.result.normalizedLive;
      o["predictedLive"] = d.result.predictedLive;
    }
    objects.push_back(std::move(o));
  }
  auto c = count(diffs);
  return Json{{"objects", std::move(objects)},
              {"summary", {{"total", diffs.size()}, {"inSync", c.inSync}, {"modified", c.modified},
                           {"toCreate", c.toCreate}, {"extra", c.extra}}}};
}

Json renderPatches(const std::vector<ObjectDiff>& diffs) {
  Json out = Json::array();
  for (const auto& d : diffs) {
    if (d.status == ObjectStatus::InSync) continue;
    Json entry{{"object", keyJson(d)}, {"status", objectStatusName(d.status)}};
    switch (d.status) {
      case ObjectStatus::Modified: entry["patch"] = toJsonPatch(d.result.changes); break;
      case ObjectStatus::ToCreate:
        entry["patch"] = Json::array({Json{{"op", "add"}, {"path", ""}, {"value", d.result.predictedLive}}});
        break;
      case ObjectStatus::Extra: entry["patch"] = Json::array({Json{{"op", "remove"}, {"path", ""}}}); break;
      case ObjectStatus::InSync: break;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace gs::diff
