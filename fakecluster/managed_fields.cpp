#include "fakecluster/managed_fields.hpp"

#include <algorithm>
#include <vector>

#include "fakecluster/field_paths.hpp"
#include "sim/kube/object_key.hpp"

namespace gs::fake {

namespace {

struct Entry {
  Json meta;  // manager, operation, apiVersion, time, subresource...: kept as they are
  FieldSet fields;
};

}  // namespace

void recordManagedUpdate(const Json& before, Json& after, const std::string& manager, const std::string& time) {
  if (!after.is_object() || !after.contains("metadata") || !after["metadata"].is_object()) return;
  const kube::ObjectKey key = kube::objectKeyOf(after);
  const kube::FieldSchema* schema = kube::schemaFor(key.group, key.kind);
  const FieldSet changed = changedFields(before.is_object() ? before : Json::object(), after, schema);
  if (changed.empty()) return;
  std::vector<Entry> entries;
  const Json& existing = after["metadata"].value("managedFields", Json::array());
  if (existing.is_array()) {
    for (const Json& e : existing) {
      if (!e.is_object()) continue;
      Json meta = e;
      meta.erase("fieldsV1");
      entries.push_back(Entry{std::move(meta), fromFieldsV1(e.value("fieldsV1", Json::object()))});
    }
  }
  Entry* mine = nullptr;
  for (auto& e : entries) {
    const bool same = e.meta.value("manager", "") == manager && e.meta.value("operation", "") == "Update" && !e.meta.contains("subresource");
    if (same) {
      mine = &e;
      continue;
    }
    for (const auto& f : changed) e.fields.erase(f);
  }
  if (mine == nullptr) {
    entries.push_back(Entry{Json{{"manager", manager}, {"operation", "Update"}, {"fieldsType", "FieldsV1"}}, {}});
    mine = &entries.back();
  }
  mine->meta["apiVersion"] = after.value("apiVersion", "");
  mine->meta["time"] = time;
  mine->fields.insert(changed.begin(), changed.end());
  Json out = Json::array();
  for (auto& e : entries) {
    if (e.fields.empty()) continue;
    Json entry = std::move(e.meta);
    entry["fieldsType"] = "FieldsV1";
    entry["fieldsV1"] = toFieldsV1(e.fields);
    out.push_back(std::move(entry));
  }
  after["metadata"]["managedFields"] = std::move(out);
}

}  // namespace gs::fake
