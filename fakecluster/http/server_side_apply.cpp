#include "fakecluster/http/server_side_apply.hpp"

#include "sim/kube/schema.hpp"

namespace gs::fake::http {

namespace {

// The annotation that remembers what each manager applied last (so a field it stops
// applying can be removed), one per manager.
std::string lastAppliedKey(const std::string& manager) { return "gitops-sim.dev/last-applied." + manager; }

// A merge patch that nulls every field of `before` that `after` no longer has (maps
// only; lists are replaced whole by the merge that follows).
Json removals(const Json& before, const Json& after) {
  Json out = Json::object();
  if (!before.is_object()) return out;
  for (const auto& [key, value] : before.items()) {
    if (!after.is_object() || !after.contains(key)) {
      out[key] = nullptr;
    } else if (value.is_object() && after[key].is_object()) {
      Json nested = removals(value, after[key]);
      if (!nested.empty()) out[key] = std::move(nested);
    }
  }
  return out;
}

}  // namespace

std::pair<Json, bool> serverSideApply(FakeCluster& cluster, const ResourceType& type, const std::string& ns, const std::string& name,
                                      Json applied, const std::string& manager, bool /*force*/, const WriteOptions& options) {
  applied["metadata"].erase("resourceVersion");
  applied["metadata"].erase("managedFields");
  const std::string remembered = applied.dump();
  Json live;
  try {
    live = cluster.get(type.group, type.kind, ns, name);
  } catch (const ApiError& e) {
    if (e.code() != 404) throw;
    applied["metadata"]["annotations"][lastAppliedKey(manager)] = remembered;
    return {cluster.create(std::move(applied), options), true};
  }
  // Fields this manager applied before and applies no more are removed.
  Json previous;
  const std::string previousText = live.value("/metadata/annotations"_json_pointer, Json::object()).value(lastAppliedKey(manager), "");
  if (!previousText.empty()) {
    try {
      previous = Json::parse(previousText);
    } catch (const Json::parse_error&) {
      previous = Json();
    }
  }
  Json patch = applied;
  if (previous.is_object()) {
    Json drop = removals(previous, applied);
    drop.erase("status");
    patch = Json::object();
    Json merged = drop;
    merged.merge_patch(applied);
    patch = std::move(merged);
  }
  patch["metadata"]["annotations"][lastAppliedKey(manager)] = remembered;
  const bool builtin = kube::schemaFor(type.group, type.kind) != nullptr;
  return {cluster.patch(type.group, type.kind, ns, name, patch, builtin ? PatchType::Strategic : PatchType::Merge, options), false};
}

}  // namespace gs::fake::http
