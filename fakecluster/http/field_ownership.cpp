#include "fakecluster/http/field_ownership.hpp"

#include <algorithm>

namespace gs::fake::http {

ManagedEntry& FieldOwnership::entry(const std::string& uid, const std::string& manager, const std::string& operation) {
  auto& list = byUid_[uid];
  for (auto& e : list) {
    if (e.manager == manager && e.operation == operation) return e;
  }
  list.push_back(ManagedEntry{manager, operation, "", "", {}});
  return list.back();
}

void FieldOwnership::dropEmptyEntries(const std::string& uid) {
  auto& list = byUid_[uid];
  list.erase(std::remove_if(list.begin(), list.end(), [](const ManagedEntry& e) { return e.fields.empty(); }), list.end());
}

void FieldOwnership::recordUpdate(const std::string& uid, const std::string& manager, const std::string& apiVersion, const std::string& time,
                                  const FieldSet& fields) {
  if (fields.empty()) return;
  for (auto& e : byUid_[uid]) {
    if (e.manager == manager && e.operation == "Update") continue;
    for (const auto& f : fields) e.fields.erase(f);
  }
  ManagedEntry& mine = entry(uid, manager, "Update");
  mine.apiVersion = apiVersion;
  mine.time = time;
  mine.fields.insert(fields.begin(), fields.end());
  dropEmptyEntries(uid);
}

void FieldOwnership::recordApply(const std::string& uid, const std::string& manager, const std::string& apiVersion, const std::string& time,
                                 const FieldSet& fields, const FieldSet& taken) {
  for (auto& e : byUid_[uid]) {
    if (e.manager == manager && e.operation == "Apply") continue;
    for (const auto& f : taken) e.fields.erase(f);
  }
  ManagedEntry& mine = entry(uid, manager, "Apply");
  mine.apiVersion = apiVersion;
  mine.time = time;
  mine.fields = fields;
  dropEmptyEntries(uid);
}

void FieldOwnership::replaceAll(const std::string& uid, const Json& managedFields) {
  auto& list = byUid_[uid];
  list.clear();
  if (!managedFields.is_array()) return;
  for (const Json& e : managedFields) {
    if (!e.is_object()) continue;
    list.push_back(ManagedEntry{e.value("manager", ""), e.value("operation", "Update"), e.value("apiVersion", ""), e.value("time", ""),
                                fromFieldsV1(e.value("fieldsV1", Json::object()))});
  }
  dropEmptyEntries(uid);
}

Json FieldOwnership::managedFields(const std::string& uid) const {
  Json out = Json::array();
  auto it = byUid_.find(uid);
  if (it == byUid_.end()) return out;
  for (const auto& e : it->second) {
    out.push_back(Json{{"manager", e.manager}, {"operation", e.operation}, {"apiVersion", e.apiVersion}, {"time", e.time},
                       {"fieldsType", "FieldsV1"}, {"fieldsV1", toFieldsV1(e.fields)}});
  }
  return out;
}

}  // namespace gs::fake::http
