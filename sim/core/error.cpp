#include "sim/core/error.hpp"

namespace gs {

int exitCodeFor(ErrorClass cls) {
  switch (cls) {
    case ErrorClass::InvalidInput: return kExitInvalidInput;
    case ErrorClass::ExpectationFailed: return kExitFailed;
    case ErrorClass::Internal: return kExitInternal;
  }
  return kExitInternal;
}

std::string SourceLocation::str() const {
  if (line <= 0) return file;
  std::string out = file;
  if (!out.empty()) out.push_back(':');
  out.append(std::to_string(line));
  if (column > 0) {
    out.push_back(':');
    out.append(std::to_string(column));
  }
  return out;
}

namespace {
std::string formatWhat(const SourceLocation& where, const std::string& keyPath, const std::string& message) {
  std::string out;
  std::string loc = where.str();
  if (!loc.empty()) out += loc + ": ";
  if (!keyPath.empty()) out += keyPath + ": ";
  out += message;
  return out;
}
}  // namespace

Error::Error(ErrorClass cls, std::string message, SourceLocation where, std::string keyPath)
    : std::runtime_error(formatWhat(where, keyPath, message)),
      cls_(cls),
      where_(std::move(where)),
      keyPath_(std::move(keyPath)),
      message_(std::move(message)) {}

}  // namespace gs
