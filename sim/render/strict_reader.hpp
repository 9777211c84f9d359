// Strict reading of kustomize's input files (kustomization, transformer configurations,
// replacement files): typed field access where every mistake is an InvalidInput error
// naming the file, line, column and key path of the offending field, as kustomize's
// strict decoding refuses unknown fields and wrong types.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/json.hpp"
#include "sim/core/yaml.hpp"

namespace gs::render {

// An InvalidInput error about the field at `pointer` (a JSON pointer) of `file`.
Error fieldError(const std::string& file, const PositionIndex* positions, std::string_view pointer, const std::string& message);

class StrictReader {
 public:
  StrictReader(std::string file, std::shared_ptr<const PositionIndex> positions)
      : file_(std::move(file)), positions_(std::move(positions)) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const;
  std::string string(const Json& v, const std::string& pointer) const;
  bool boolean(const Json& v, const std::string& pointer) const;
  std::int64_t integer(const Json& v, const std::string& pointer) const;
  std::vector<std::string> strings(const Json& v, const std::string& pointer) const;
  std::map<std::string, std::string> stringMap(const Json& v, const std::string& pointer) const;
  // Fails on a key of `v` (a map) outside `keys`.
  void onlyKeys(const Json& v, const std::string& pointer, std::initializer_list<const char*> keys) const;
  // v[key] as a string when present, else "".
  std::string optionalString(const Json& v, const char* key, const std::string& pointer) const;

  const std::string& file() const { return file_; }
  SourceLocation locate(std::string_view pointer) const {
    return positions_ ? positions_->locate(file_, pointer) : SourceLocation{file_, 0, 0};
  }

 private:
  std::string file_;
  std::shared_ptr<const PositionIndex> positions_;
};

// Loads one YAML document with positions recorded (YAML 1.1 scalars, as kustomize's
// sigs.k8s.io/yaml reads its own files) and returns it with a reader for its errors.
struct StrictDocument {
  Json value;
  StrictReader reader;
};
StrictDocument loadStrictDocument(std::string_view text, const std::string& file);

}  // namespace gs::render
