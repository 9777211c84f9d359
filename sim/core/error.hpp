// The one error type of gitops-sim: a message with where it came from (file, line,
// column, key path) and a class that the CLI maps to an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace gs {

// What went wrong, in the terms of the exit codes (design.md §4).
enum class ErrorClass {
  InvalidInput,       // the user's files or flags are wrong: exit 2
  ExpectationFailed,  // the thing under test misbehaved: exit 1
  Internal,           // a bug or an environment failure: exit 3
};

// Process exit codes shared by every gitops-sim command.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,
  kExitInvalidInput = 2,
  kExitInternal = 3,
};

int exitCodeFor(ErrorClass cls);

// Where in a source file a value came from. line/column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  bool known() const { return line > 0; }
  // "file:line:col", "file" or "" depending on what is known.
  std::string str() const;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorClass cls, std::string message, SourceLocation where = {}, std::string keyPath = {});

  static Error invalid(std::string message, SourceLocation where = {}, std::string keyPath = {}) {
    return Error(ErrorClass::InvalidInput, std::move(message), std::move(where), std::move(keyPath));
  }
  static Error internal(std::string message) { return Error(ErrorClass::Internal, std::move(message)); }

  ErrorClass errorClass() const { return cls_; }
  const SourceLocation& where() const { return where_; }
  const std::string& keyPath() const { return keyPath_; }
  const std::string& message() const { return message_; }

 private:
  ErrorClass cls_;
  SourceLocation where_;
  std::string keyPath_;
  std::string message_;
};

}  // namespace gs
