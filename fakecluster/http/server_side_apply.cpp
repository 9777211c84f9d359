#include "fakecluster/http/server_side_apply.hpp"

#include "fakecluster/object_util.hpp"
#include "fakecluster/patch.hpp"
#include "sim/kube/defaults.hpp"

namespace gs::fake::http {

std::pair<Json, bool> serverSideApply(FakeCluster& cluster, FieldOwnership& ownership, const ResourceType& type, const std::string& ns,
                                      const std::string& name, Json applied, const std::string& manager, bool force, const WriteOptions& options) {
  const bool versionSent = carriesResourceVersion(applied);
  applied["metadata"].erase("resourceVersion");
  applied["metadata"].erase("managedFields");
  const kube::FieldSchema* schema = kube::schemaFor(type.group, type.kind);
  const FieldSet fields = fieldsOf(applied, schema);
  const std::string now = cluster.loop().clock().rfc3339();
  Json live;
  try {
    live = cluster.get(type.group, type.kind, ns, name);
  } catch (const ApiError& e) {
    if (e.code() != 404) throw;
    if (versionSent && !options.dryRun) throw ApiError::resourceVersionOnCreate();  // an apply that creates is a create
    Json created = cluster.create(std::move(applied), options);
    if (!options.dryRun) ownership.recordApply(created["metadata"].value("uid", ""), manager, type.apiVersion(), now, fields, {});
    return {std::move(created), true};
  }
  const std::string uid = live["metadata"].value("uid", "");
  // Conflicts: fields another manager owns, applied with a different value. The applied
  // object is compared defaulted, so a list element found by a defaulted key (a port
  // without `protocol` is the TCP one) is found.
  Json appliedDefaulted = applied;
  kube::applyDefaults(appliedDefaulted);
  std::vector<std::pair<std::string, FieldPath>> conflicts;
  FieldSet taken;
  const std::vector<ManagedEntry> entries = ownership.entries(uid);
  FieldSet ownedByOthers, previouslyApplied;
  for (const auto& e : entries) {
    if (e.manager == manager && e.operation == "Apply") {
      previouslyApplied = e.fields;
      continue;
    }
    for (const auto& path : e.fields) {
      ownedByOthers.insert(path);
      if (fields.count(path) && valueAt(appliedDefaulted, path) != valueAt(live, path)) {
        conflicts.emplace_back(e.manager, path);
        taken.insert(path);
      }
    }
  }
  if (!conflicts.empty() && !force) {
    std::vector<StatusCause> causes;
    std::string message = "Apply failed with " + std::to_string(conflicts.size()) + " conflict" + (conflicts.size() == 1 ? "" : "s") + ": ";
    for (std::size_t i = 0; i < conflicts.size(); ++i) {
      const std::string who = "conflict with \"" + conflicts[i].first + "\"";
      message += (i ? "\n" : "") + who + ": " + describe(conflicts[i].second);
      causes.push_back(StatusCause{"FieldManagerConflict", describe(conflicts[i].second), who});
    }
    throw ApiError(409, "Conflict", message, std::move(causes));
  }
  // Merge, then drop what this manager stopped applying (unless others own it too).
  Json merged = applyPatch(live, applied, schema != nullptr ? PatchType::Strategic : PatchType::Merge, schema, schema != nullptr);
  for (const auto& path : previouslyApplied) {
    if (!fields.count(path) && !ownedByOthers.count(path)) removeAt(merged, path);
  }
  merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"];
  Json stored = cluster.update(std::move(merged), options);
  if (!options.dryRun) ownership.recordApply(uid, manager, type.apiVersion(), now, fields, taken);
  return {std::move(stored), false};
}

}  // namespace gs::fake::http
