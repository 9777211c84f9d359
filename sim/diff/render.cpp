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

bool isSecret(const kube::ObjectKey& key) { return key.group.empty() && key.kind == "Secret"; }
bool isSecret(const ObjectDiff& d) { return isSecret(d.key); }

std::string plural(std::size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

struct Counts {
  int inSync = 0, modified = 0, toCreate = 0, extra = 0, skipped = 0;
};

template <typename Diffs>
Counts count(const Diffs& diffs) {
  Counts c;
  for (const auto& d : diffs) {
    switch (d.status) {
      case ObjectStatus::InSync: ++c.inSync; break;
      case ObjectStatus::Modified: ++c.modified; break;
      case ObjectStatus::ToCreate: ++c.toCreate; break;
      case ObjectStatus::Extra: ++c.extra; break;
      case ObjectStatus::Skipped: ++c.skipped; break;
    }
  }
  return c;
}

}  // namespace

void maskSecretPair(Json& before, Json& after) {
  for (const char* field : {"data", "stringData"}) {
    Json* b = before.is_object() && before.contains(field) && before[field].is_object() ? &before[field] : nullptr;
    Json* a = after.is_object() && after.contains(field) && after[field].is_object() ? &after[field] : nullptr;
    if (b != nullptr) {
      for (auto it = b->begin(); it != b->end(); ++it) {
        bool same = a != nullptr && a->contains(it.key()) && (*a)[it.key()] == it.value();
        it.value() = same ? "***" : "*** (before)";
      }
    }
    if (a != nullptr) {
      for (auto it = a->begin(); it != a->end(); ++it) {
        bool same = b != nullptr && b->contains(it.key()) && (*b)[it.key()] == "***";
        it.value() = same ? "***" : "*** (after)";
      }
    }
  }
}

std::string renderText(const std::vector<ObjectDiff>& diffs, const TextRenderOptions& options) {
  std::vector<ObjectDiffRef> refs;
  refs.reserve(diffs.size());
  for (const auto& d : diffs) refs.push_back(ObjectDiffRef{d.key, d.apiVersion, d.status, d.result});
  return renderText(refs, options);
}

std::string renderObjectText(const ObjectDiffRef& d, const TextRenderOptions& options) {
  switch (d.status) {
    case ObjectStatus::InSync: return options.showInSync ? "# " + d.key.str() + ": in sync\n" : std::string();
    case ObjectStatus::Extra: return "# extra: " + d.key.str() + " is live but not desired (deleted by a sync only with prune)\n";
    case ObjectStatus::Skipped: return "# skipped: " + d.key.str() + " is a hook (run at sync time, not compared)\n";
    case ObjectStatus::Modified:
    case ObjectStatus::ToCreate: break;
  }
  const char* bold = options.color ? "\x1b[1m" : "";
  const char* reset = options.color ? "\x1b[0m" : "";
  std::string file = d.key.fileName(versionOf(d.apiVersion));
  // The objects are printed as they are, and copied only to mask a Secret's values.
  const Json* beforeObject = &d.result.normalizedLive;
  const Json* afterObject = &d.result.predictedLive;
  Json maskedBefore, maskedAfter;
  if (isSecret(d.key) && !options.showSecrets) {
    maskedBefore = *beforeObject;
    maskedAfter = *afterObject;
    maskSecretPair(maskedBefore, maskedAfter);
    beforeObject = &maskedBefore;
    afterObject = &maskedAfter;
  }
  std::string before = beforeObject->is_null() ? "" : toYaml(*beforeObject);
  std::string after = afterObject->is_null() ? "" : toYaml(*afterObject);
  std::string out = bold;
  out += "diff -u -N live/" + file + " merged/" + file;
  out += reset;
  out += '\n';
  out += "--- live/" + file + "\n+++ merged/" + file + "\n";
  out += unifiedDiff(before, after, UnifiedDiffOptions{3, options.color});
  return out;
}

std::string renderTextSummary(std::span<const ObjectDiffRef> diffs, std::size_t inSyncNotListed) {
  auto c = count(diffs);
  c.inSync += inSyncNotListed;
  return "# " + plural(diffs.size() + inSyncNotListed, "object") + ": " + std::to_string(c.inSync) + " in sync, " + std::to_string(c.modified) + " modified, " +
         std::to_string(c.toCreate) + " to create, " + std::to_string(c.extra) + " extra" +
         (c.skipped > 0 ? ", " + std::to_string(c.skipped) + " hooks skipped" : "") + "\n";
}

std::string renderText(std::span<const ObjectDiffRef> diffs, const TextRenderOptions& options) {
  std::string out;
  for (const auto& d : diffs) out += renderObjectText(d, options);
  return out + renderTextSummary(diffs);
}

Json renderJson(const std::vector<ObjectDiff>& diffs, bool includeObjects, bool showSecrets) {
  Json objects = Json::array();
  for (const auto& d : diffs) {
    Json o = keyJson(d);
    o["status"] = objectStatusName(d.status);
    bool mask = isSecret(d) && !showSecrets;
    Json changes = Json::array();
    for (const auto& c : d.result.changes) {
      Json change = changeJson(c);
      if (mask && (c.path.starts_with("/data") || c.path.starts_with("/stringData"))) {
        if (change.contains("live")) change["live"] = "*** (before)";
        if (change.contains("desired")) change["desired"] = "*** (after)";
      }
      changes.push_back(std::move(change));
    }
    o["changes"] = std::move(changes);
    if (includeObjects) {
      Json before = d.result.normalizedLive;
      Json after = d.result.predictedLive;
      if (mask) maskSecretPair(before, after);
      o["normalizedLive"] = std::move(before);
      o["predictedLive"] = std::move(after);
    }
    objects.push_back(std::move(o));
  }
  auto c = count(diffs);
  return Json{{"objects", std::move(objects)},
              {"summary", {{"total", diffs.size()}, {"inSync", c.inSync}, {"modified", c.modified},
                           {"toCreate", c.toCreate}, {"extra", c.extra}, {"skipped", c.skipped}}}};
}

Json renderPatches(const std::vector<ObjectDiff>& diffs) {
  Json out = Json::array();
  for (const auto& d : diffs) {
    if (d.status == ObjectStatus::InSync || d.status == ObjectStatus::Skipped) continue;
    Json entry{{"object", keyJson(d)}, {"status", objectStatusName(d.status)}};
    switch (d.status) {
      case ObjectStatus::Modified: entry["patch"] = toJsonPatch(d.result.changes); break;
      case ObjectStatus::ToCreate:
        entry["patch"] = Json::array({Json{{"op", "add"}, {"path", ""}, {"value", d.result.predictedLive}}});
        break;
      case ObjectStatus::Extra: entry["patch"] = Json::array({Json{{"op", "remove"}, {"path", ""}}}); break;
      case ObjectStatus::InSync:
      case ObjectStatus::Skipped: break;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace gs::diff
