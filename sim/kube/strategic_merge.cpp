#include "sim/kube/strategic_merge.hpp"

#include <algorithm>

namespace gs::kube {

namespace {

Json mergeKeyedList(const Json& original, const Json& patch, const FieldSchema* schema, ListOrder order) {
  Json out = original.is_array() ? original : Json::array();
  auto key = schema->mergeKey();
  Json front = Json::array();  // PatchFirst: the patch's elements, merged, in patch order
  for (const auto& p : patch) {
    std::string directive = p.is_object() ? p.value("$patch", "") : "";
    if (directive == "replace") {
      // The list is replaced by the patch's other elements.
      Json replaced = Json::array();
      for (const auto& e : patch) {
        if (!(e.is_object() && e.value("$patch", "") == "replace")) replaced.push_back(e);
      }
      return replaced;
    }
    auto it = std::find_if(out.begin(), out.end(), [&](const Json& e) { return sameMergeKey(e, p, key); });
    if (directive == "delete") {
      if (it != out.end()) out.erase(it);
      continue;
    }
    Json merged;
    if (it == out.end()) {
      merged = p.is_object() ? strategicMerge(Json::object(), p, schema->element(), order) : p;
    } else {
      merged = p.is_object() ? strategicMerge(*it, p, schema->element(), order) : *it;
    }
    if (order == ListOrder::PatchFirst) {
      if (it != out.end()) out.erase(it);
      front.push_back(std::move(merged));
    } else if (it == out.end()) {
      out.push_back(std::move(merged));
    } else {
      *it = std::move(merged);
    }
  }
  if (order == ListOrder::PatchFirst) {
    for (auto& e : out) front.push_back(std::move(e));
    return front;
  }
  return out;
}

}  // namespace

bool sameMergeKey(const Json& a, const Json& b, std::span<const MergeKeyField> key) {
  if (key.size() == 1 && key[0].name == ".") return a == b;
  if (!a.is_object() || !b.is_object()) return false;
  for (const auto& field : key) {
    const Json fallback = field.fallback.empty() ? Json() : Json(field.fallback);
    if (a.value(field.name, fallback) != b.value(field.name, fallback)) return false;
  }
  return true;
}

Json strategicMerge(const Json& original, const Json& patch, const FieldSchema* schema, ListOrder order) {
  if (!patch.is_object()) return patch;
  if (patch.value("$patch", "") == "replace") {
    Json replaced = patch;
    replaced.erase("$patch");
    return replaced;
  }
  if (patch.value("$patch", "") == "delete") return nullptr;
  Json out = original.is_object() ? original : Json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& key = it.key();
    if (key == "$patch" || key.starts_with("$setElementOrder/") || key == "$retainKeys") continue;
    if (key.starts_with("$deleteFromPrimitiveList/")) {
      std::string field = key.substr(std::string("$deleteFromPrimitiveList/").size());
      if (out.contains(field) && out[field].is_array() && it->is_array()) {
        Json kept = Json::array();
        for (const auto& v : out[field]) {
          if (std::find(it->begin(), it->end(), v) == it->end()) kept.push_back(v);
        }
        out[field] = kept;
      }
      continue;
    }
    const FieldSchema* child = schema != nullptr ? schema->field(key) : nullptr;
    if (it->is_null()) {
      out.erase(key);
    } else if (it->is_object()) {
      Json merged = strategicMerge(out.value(key, Json()), *it, child, order);
      if (merged.is_null()) out.erase(key);
      else out[key] = std::move(merged);
    } else if (it->is_array() && child != nullptr && !child->mergeKey().empty() && !child->replacedWhole()) {
      out[key] = mergeKeyedList(out.value(key, Json()), *it, child, order);
    } else {
      out[key] = *it;
    }
  }
  return out;
}

}  // namespace gs::kube
