#include "fakecluster/field_validation.hpp"

#include "fakecluster/api_error.hpp"
#include "sim/kube/typed_decode.hpp"

namespace gs::fake {

std::optional<FieldValidation> parseFieldValidation(std::string_view text) {
  if (text.empty() || text == "Warn") return FieldValidation::Warn;
  if (text == "Strict") return FieldValidation::Strict;
  if (text == "Ignore") return FieldValidation::Ignore;
  return std::nullopt;
}

void decodeBody(const ResourceType& type, Json& object, FieldValidation mode, std::vector<std::string>* warnings) {
  if (mode == FieldValidation::Trusted || type.shape == nullptr || !object.is_object()) return;
  kube::TypedDecodeResult decoded = kube::decodeTyped(object, *type.shape);
  const auto prefix = [&] { return type.kind + " in version \"" + type.version + "\" cannot be handled as a " + type.kind + ": "; };
  if (!decoded.error.empty()) throw ApiError::badRequest(prefix() + decoded.error);
  if (decoded.unknownFields.empty()) return;
  if (mode == FieldValidation::Strict) {
    std::string message = prefix() + "strict decoding error: ";
    for (std::size_t i = 0; i < decoded.unknownFields.size(); ++i) message += (i > 0 ? ", " : "") + decoded.unknownFields[i];
    throw ApiError::badRequest(message);
  }
  if (mode == FieldValidation::Warn && warnings != nullptr) {
    warnings->insert(warnings->end(), decoded.unknownFields.begin(), decoded.unknownFields.end());
  }
}

}  // namespace gs::fake
