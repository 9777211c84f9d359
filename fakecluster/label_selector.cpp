#include "fakecluster/label_selector.hpp"

#include "fakecluster/api_error.hpp"

namespace gs::fake {

LabelSelector LabelSelector::parse(std::string_view text) {
  try {
    return LabelSelector(kube::LabelSelector::parse(text));
  } catch (const Error& e) {
    throw ApiError::badRequest(e.message());
  }
}

LabelSelector LabelSelector::fromJson(const Json& selector) {
  try {
    return LabelSelector(kube::LabelSelector::fromJson(selector));
  } catch (const kube::BadOperator& e) {
    throw ApiError::invalid("LabelSelector", e.key, {{"FieldValueNotSupported", "matchExpressions.operator", "\"" + e.op + "\": not a valid selector operator"}});
  }
}

}  // namespace gs::fake
