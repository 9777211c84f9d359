#include "fakecluster/api_error.hpp"

namespace gs::fake {

ApiError::ApiError(int code, std::string reason, std::string message, std::vector<StatusCause> causes)
    : std::runtime_error(std::move(message)), code_(code), reason_(std::move(reason)), causes_(std::move(causes)) {}

ApiError ApiError::notFound(const std::string& resource, const std::string& name) {
  return ApiError(404, "NotFound", resource + " \"" + name + "\" not found");
}

ApiError ApiError::alreadyExists(const std::string& resource, const std::string& name) {
  return ApiError(409, "AlreadyExists", resource + " \"" + name + "\" already exists");
}

ApiError ApiError::conflict(const std::string& resource, const std::string& name, const std::string& why) {
  return ApiError(409, "Conflict", "Operation cannot be fulfilled on " + resource + " \"" + name + "\": " + why);
}

ApiError ApiError::invalid(const std::string& kind, const std::string& name, std::vector<StatusCause> causes) {
  std::string message = kind + " \"" + name + "\" is invalid: ";
  for (std::size_t i = 0; i < causes.size(); ++i) {
    if (i > 0) message += ", ";
    message += causes[i].field + ": " + causes[i].message;
  }
  return ApiError(422, "Invalid", message, std::move(causes));
}

ApiError ApiError::badRequest(const std::string& message) { return ApiError(400, "BadRequest", message); }

ApiError ApiError::resourceVersionOnCreate() { return ApiError(500, "", "resourceVersion should not be set on objects to be created"); }

Json ApiError::status() const {
  Json s{{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Failure"},
         {"message", what()}, {"code", code_}};
  if (!reason_.empty()) s["reason"] = reason_;  // omitempty, as for an error that is not an API status
  if (!causes_.empty()) {
    Json causes = Json::array();
    for (const auto& c : causes_) causes.push_back(Json{{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
    s["details"] = Json{{"causes", causes}};
  }
  return s;
}

}  // namespace gs::fake
