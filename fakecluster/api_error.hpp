// Errors of the fake API server, shaped as Kubernetes `Status` objects (reason, HTTP
// code, message, field causes) so clients and the sync engine see what a real server says.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/json.hpp"

namespace gs::fake {

struct StatusCause {
  std::string reason;  // FieldValueRequired, FieldValueInvalid, ...
  std::string field;   // metadata.name
  std::string message;
};

class ApiError : public std::runtime_error {
 public:
  ApiError(int code, std::string reason, std::string message, std::vector<StatusCause> causes = {});

  static ApiError notFound(const std::string& resource, const std::string& name);
  static ApiError alreadyExists(const std::string& resource, const std::string& name);
  static ApiError conflict(const std::string& resource, const std::string& name, const std::string& why);
  static ApiError invalid(const std::string& kind, const std::string& name, std::vector<StatusCause> causes);
  static ApiError badRequest(const std::string& message);
  // A create whose object carries a resourceVersion: the storage layer refuses it with a
  // plain error, which the API server returns as a 500 Status without a reason.
  static ApiError resourceVersionOnCreate();

  // Status.details' name, group and kind (a resource for NotFound, AlreadyExists and
  // Conflict), from a qualified "kind.group" or "resource.group"; kubectl words a 422 from
  // them ("The Deployment \"web\" is invalid: ...").
  ApiError& about(const std::string& qualified, const std::string& name);

  int code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const std::vector<StatusCause>& causes() const { return causes_; }
  // The `Status` object a real API server returns for this error.
  Json status() const;

 private:
  int code_;
  std::string reason_;
  std::vector<StatusCause> causes_;
  std::string detailName_, detailGroup_, detailKind_;
};

}  // namespace gs::fake
