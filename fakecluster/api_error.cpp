#include "fakecluster/api_error.hpp"

namespace gs::fake {

ApiError::ApiError(int code, std::string reason, std::string message, std::vector<StatusCause> causes)
    : std::runtime_error(std::move(message)), code_(code), reason_(std::move(reason)), causes_(std::move(causes)) {}

ApiError ApiError::notFound(const std::string& resource, const std::string& name) {
  return std::move(ApiError(404, "NotFound", resource + " \"" + name + "\" not found").about(resource, name));
}

ApiError ApiError::alreadyExists(const std::string& resource, const std::string& name) {
  return std::move(ApiError(409, "AlreadyExists", resource + " \"" + name + "\" already exists").about(resource, name));
}

ApiError ApiError::conflict(const std::string& resource, const std::string& name, const std::string& why) {
  return std::move(ApiError(409, "Conflict", "Operation cannot be fulfilled on " + resource + " \"" + name + "\": " + why).about(resource, name));
}

ApiError ApiError::invalid(const std::string& kind, const std::string& name, std::vector<StatusCause> causes) {
  std::string message = kind + " \"" + name + "\" is invalid: ";
  for (std::size_t i = 0; i < causes.size(); ++i) {
    if (i > 0) message += ", ";
    message += causes[i].field + ": " + causes[i].message;
  }
  return std::move(ApiError(422, "Invalid", message, std::move(causes)).about(kind, name));
}

ApiError& ApiError::about(const std::string& qualified, const std::string& name) {
  const auto dot = qualified.find('.');
  detailKind_ = qualified.substr(0, dot);
  detailGroup_ = dot == std::string::npos ? std::string() : qualified.substr(dot + 1);
  detailName_ = name;
  return *this;
}

ApiError ApiError::badRequest(const std::string& message) { return ApiError(400, "BadRequest", message); }

ApiError ApiError::resourceVersionOnCreate() { return ApiError(500, "", "resourceVersion should not be set on objects to be created"); }

Json ApiError::status() const {
  Json s{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Failure"},
         {"message", what()}, {"code", code_}};
  if (!reason_.empty()) s["reason"] = reason_;  // omitempty, as for an error that is not an API status
  Json details = Json::object();  // every member omitempty
  if (!detailName_.empty()) details["name"] = detailName_;
  if (!detailGroup_.empty()) details["group"] = detailGroup_;
  if (!detailKind_.empty()) details["kind"] = detailKind_;
  if (!causes_.empty()) {
    Json causes = Json::array();
    for (const auto& c : causes_) causes.push_back(Json{{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    details["causes"] = causes;
  }
  if (!details.empty()) s["details"] = std::move(details);
  return s;
}

}  // namespace gs::fake
