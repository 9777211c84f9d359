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

#include "fakecluster/field_paths.hpp"
#include "sim/core/json.hpp"

namespace gs::fake::http {

using fake::FieldPath;
using fake::FieldSet;
using fake::fieldsOf;
using fake::valueAt;
using fake::removeAt;
using fake::describe;
using fake::toFieldsV1;
using fake::fromFieldsV1;
using fake::changedFields;

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
