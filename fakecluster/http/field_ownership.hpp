// Field ownership for server-side apply, kept by the REST layer: which field manager owns
// which fields of each object (metadata.managedFields, FieldsV1), as structured-merge-
// diff keeps it. Fields are leaf paths; lists that merge by key (containers by name,
// ports by port and protocol) are entered by key ("k:{...}"), other lists are owned whole.
// Apply operations own what they applied; other writes (create, update, patch) take the
// fields they changed, from whoever owned them. status is not tracked.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/core/json.hpp"
#include "sim/kube/schema.hpp"

namespace gs::fake::http {

using FieldPath = std::vector<std::string>;  // FieldsV1 keys: "f:spec", "k:{\"name\":\"web\"}"
using FieldSet = std::set<FieldPath>;

// The leaf fields an object sets (apiVersion, kind, status and server-set metadata left out).
FieldSet fieldsOf(const Json& object, const kube::FieldSchema* schema);
// The value at a path, or nullopt.
std::optional<Json> valueAt(const Json& object, const FieldPath& path);
// Removes the value at a path (and maps or keyed elements left empty by it).
void removeAt(Json& object, const FieldPath& path);
// ".spec.template.spec.containers[name=\"web\"].image", as conflicts name fields.
std::string describe(const FieldPath& path);
// A set as a FieldsV1 object.
Json toFieldsV1(const FieldSet& fields);
// The set a FieldsV1 object lists (the inverse of toFieldsV1).
FieldSet fromFieldsV1(const Json& fieldsV1);
// Fields of `after` that differ from `before`, and fields `before` had that `after` lacks.
FieldSet changedFields(const Json& before, const Json& after, const kube::FieldSchema* schema);

struct ManagedEntry {
  std::string manager;
  std::string operation;  // Apply or Update
  std::string apiVersion;
  std::string time;
  FieldSet fields;
};

// Per object (by uid). Not thread-safe: used under the simulation's lock.
class FieldOwnership {
 public:
  std::vector<ManagedEntry>& entries(const std::string& uid) { return byUid_[uid]; }
  // An Update by `manager`: it takes `fields` from every other manager.
  void recordUpdate(const std::string& uid, const std::string& manager, const std::string& apiVersion, const std::string& time, const FieldSet& fields);
  // An Apply by `manager`: it owns exactly `fields` now; `taken` are removed from others (force).
  void recordApply(const std::string& uid, const std::string& manager, const std::string& apiVersion, const std::string& time, const FieldSet& fields,
                   const FieldSet& taken);
  // metadata.managedFields as a client wrote it (kubectl's client-side to server-side
  // apply migration rewrites them with a JSON patch): the entries become these.
  void replaceAll(const std::string& uid, const Json& managedFields);
  // metadata.managedFields for the object (empty when nobody is tracked).
  Json managedFields(const std::string& uid) const;
  void forget(const std::string& uid) { byUid_.erase(uid); }

 private:
  ManagedEntry& entry(const std::string& uid, const std::string& manager, const std::string& operation);
  // Managers left owning nothing are no longer listed.
  void dropEmptyEntries(const std::string& uid);
  std::map<std::string, std::vector<ManagedEntry>> byUid_;
};

}  // namespace gs::fake::http
