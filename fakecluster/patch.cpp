#include "fakecluster/patch.hpp"

#include <algorithm>

#include "fakecluster/api_error.hpp"

namespace gs::fake {

PatchType patchTypeFromContentType(std::string_view contentType) {
  auto semicolon = contentType.find(';');
  contentType = contentType.substr(0, semicolon);
  if (contentType == "application/json-patch+json") return PatchType::Json;
  if (contentType == "application/merge-patch+json") return PatchType::Merge;
  if (contentType == "application/strategic-merge-patch+json") return PatchType::Strategic;
  throw ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                                              "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
}

namespace {

bool matchesKey(const Json& element, const Json& patchElement, std::span<const kube::MergeKeyField> key) {
  if (key.size() == 1 && key[0].name == ".") return element == patchElement;
  if (!element.is_object() || !patchElement.is_object()) return false;
  for (const auto& field : key) {
    Json a = element.value(field.name, Json(field.fallback.empty() ? Json() : Json(field.fallback)));
    Json b = patchElement.value(field.name, Json(field.fallback.empty() ? Json() : Json(field.fallback)));
    if (a != b) return false;
  }
  return true;
}

Json mergeKeyedList(const Json& original, const Json& patch, const kube::FieldSchema* schema) {
  Json out = original.is_array() ? original : Json::array();
  auto key = schema->mergeKey();
  for (const auto& p : patch) {
    std::string directive = p.is_object() ? p.value("$patch", "") : "";
    if (directive == "replace") return patch;  // the list is replaced by the patch's elements
    auto it = std::find_if(out.begin(), out.end(), [&](const Json& e) { return matchesKey(e, p, key); });
    if (directive == "delete") {
      if (it != out.end()) out.erase(it);
      continue;
    }
    if (it == out.end()) {
      out.push_back(p.is_object() ? strategicMerge(Json::object(), p, schema->element()) : p);
    } else if (p.is_object()) {
      *it = strategicMerge(*it, p, schema->element());
    }
  }
  return out;
}

}  // namespace

Json strategicMerge(const Json& original, const Json& patch, const kube::FieldSchema* schema) {
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
    const kube::FieldSchema* child = schema != nullptr ? schema->field(key) : nullptr;
    if (it->is_null()) {
      out.erase(key);
    } else if (it->is_object()) {
      Json merged = strategicMerge(out.value(key, Json()), *it, child);
      if (merged.is_null()) out.erase(key);
      else out[key] = std::move(merged);
    } else if (it->is_array() && child != nullptr && !child->mergeKey().empty() && !child->replacedWhole()) {
      out[key] = mergeKeyedList(out.value(key, Json()), *it, child);
    } else {
      out[key] = *it;
    }
  }
  return out;
}

Json applyPatch(const Json& original, const Json& patch, PatchType type, const kube::FieldSchema* schema, bool builtin) {
  try {
    switch (type) {
      case PatchType::Json:
        if (!patch.is_array()) throw ApiError::badRequest("a JSON patch must be a list of operations");
        return original.patch(patch);
      case PatchType::Merge: {
        Json out = original;
        out.merge_patch(patch);
        return out;
      }
      case PatchType::Strategic:
        if (!builtin) {
          throw ApiError(415, "UnsupportedMediaType",
                         "the body of the request was in an unknown format - accepted media types include: "
                         "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }
        if (!patch.is_object()) throw ApiError::badRequest("a strategic merge patch must be a map");
        return strategicMerge(original, patch, schema);
    }
  } catch (const Json::exception& e) {
    throw ApiError(422, "Invalid", std::string("the patch does not apply: ") + e.what());
  }
  return original;
}

}  // namespace gs::fake
