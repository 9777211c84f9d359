#include "sim/sync/apply.hpp"

#include "fakecluster/api_error.hpp"
#include "sim/kube/object_key.hpp"
#include "sim/kube/schema.hpp"
#include "sim/kube/strategic_merge.hpp"

namespace gs::sync {

namespace {

bool sameKey(const Json& a, const Json& b, std::span<const kube::MergeKeyField> key) {
  if (key.size() == 1 && key[0].name == ".") return a == b;
  if (!a.is_object() || !b.is_object()) return false;
  for (const auto& f : key) {
    if (a.value(f.name, Json(f.fallback.empty() ? Json() : Json(f.fallback))) != b.value(f.name, Json(f.fallback.empty() ? Json() : Json(f.fallback)))) {
      return false;
    }
  }
  return true;
}

// The strategic merge patch from `last` (what was applied before) to `desired`: desired,
// plus null for every field last had and desired dropped, and `$patch: delete` for the
// keyed list elements desired dropped.
Json threeWayPatch(const Json& last, const Json& desired, const kube::FieldSchema* schema) {
  if (!desired.is_object()) return desired;
  Json patch = desired;
  if (!last.is_object()) return patch;
  for (auto it = last.begin(); it != last.end(); ++it) {
    const kube::FieldSchema* child = schema != nullptr ? schema->field(it.key()) : nullptr;
    auto d = desired.find(it.key());
    if (d == desired.end()) {
      patch[it.key()] = nullptr;
      continue;
    }
    if (it->is_object() && d->is_object()) {
      patch[it.key()] = threeWayPatch(*it, *d, child);
    } else if (it->is_array() && d->is_array() && child != nullptr && !child->mergeKey().empty() && !child->replacedWhole()) {
      Json list = Json::array();
      for (const auto& element : *d) {
        auto before = std::find_if(it->begin(), it->end(), [&](const Json& e) { return sameKey(e, element, child->mergeKey()); });
        list.push_back(before != it->end() ? threeWayPatch(*before, element, child->element()) : element);
      }
      for (const auto& element : *it) {
        bool kept = std::any_of(d->begin(), d->end(), [&](const Json& e) { return sameKey(e, element, child->mergeKey()); });
        if (kept || !element.is_object()) continue;
        Json gone = Json::object();
        for (const auto& f : child->mergeKey()) {
          if (element.contains(f.name)) gone[f.name] = element[f.name];
        }
        gone["$patch"] = "delete";
        list.push_back(std::move(gone));
      }
      patch[it.key()] = std::move(list);
    }
  }
  return patch;
}

}  // namespace

Json clientSideApplied(const Json& live, const Json& desired) {
  Json applied = desired;
  applied["metadata"]["annotations"].erase(kLastAppliedAnnotation);
  if (applied["metadata"]["annotations"].empty()) applied["metadata"].erase("annotations");
  Json withAnnotation = applied;
  withAnnotation["metadata"]["annotations"][kLastAppliedAnnotation] = applied.dump();
  if (live.is_null()) return withAnnotation;
  const kube::ObjectKey key = kube::objectKeyOf(desired);
  const kube::FieldSchema* schema = kube::schemaFor(key.group, key.kind);
  Json last = Json::object();
  const std::string lastText = live.contains("metadata") && live["metadata"].contains("annotations")
                                   ? live["metadata"]["annotations"].value(kLastAppliedAnnotation, "")
                                   : "";
  if (!lastText.empty()) {
    last = Json::parse(lastText, nullptr, false);
    if (last.is_discarded()) last = Json::object();
  }
  Json merged = kube::strategicMerge(live, threeWayPatch(last, withAnnotation, schema), schema);
  return merged;
}

Json applyObject(fake::ClusterClient& cluster, const Json& desired, bool dryRun) {
  const kube::ObjectKey key = kube::objectKeyOf(desired);
  fake::WriteOptions options;
  options.dryRun = dryRun;
  Json live;
  try {
    live = cluster.get(key.group, key.kind, key.ns, key.name);
  } catch (const fake::ApiError& e) {
    if (e.code() != 404) throw;
    return cluster.create(clientSideApplied(Json(), desired), options);
  }
  return cluster.update(clientSideApplied(live, desired), options);
}

}  // namespace gs::sync
