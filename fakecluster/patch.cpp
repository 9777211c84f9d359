#include "fakecluster/patch.hpp"

#include <algorithm>

#include "fakecluster/api_error.hpp"
#include "sim/kube/json_patch.hpp"

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

Json applyPatch(const Json& original, const Json& patch, PatchType type, const kube::FieldSchema* schema, bool builtin) {
  try {
    switch (type) {
      case PatchType::Json:
        if (!patch.is_array()) throw ApiError::badRequest("a JSON patch must be a list of operations");
        try {
          return kube::applyJsonPatch(original, patch);
        } catch (const kube::JsonPatchError& e) {
          // The API server's answer to a patch that does not apply (NewGenericServerResponse 422).
          throw ApiError(422, "Invalid", "the server rejected our request due to an error in our request",
                         {StatusCause{"UnexpectedServerResponse", "", e.what()}});
        }
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
        return kube::strategicMerge(original, patch, schema);
    }
  } catch (const Json::exception& e) {
    throw ApiError(422, "Invalid", std::string("the patch does not apply: ") + e.what());
  }
  return original;
}

}  // namespace gs::fake
