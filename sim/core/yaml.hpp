// YAML <-> JSON with Kubernetes conventions: YAML 1.1 scalars resolved as kubectl
// (sigs.k8s.io/yaml) resolves them, duplicate keys rejected, `<<` merge keys honoured,
// every value's source position kept on request, and output in kubectl's style.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/json.hpp"
#include "sim/core/yaml_scalar.hpp"

namespace gs {

// Source positions of the values of one document, keyed by JSON pointer ("" is the root).
class PositionIndex {
 public:
  void add(std::string pointer, int line, int column) { marks_.emplace(std::move(pointer), Mark{line, column}); }
  void addKey(std::string pointer, int line, int column) { keyMarks_.emplace(std::move(pointer), Mark{line, column}); }
  // The position of the value at `pointer`, or of its nearest recorded ancestor.
  SourceLocation locate(const std::string& file, std::string_view pointer) const;
  // The position of the map key whose value is at `pointer` (recorded only with
  // YamlLoadOptions::recordKeyPositions), else locate()'s answer.
  SourceLocation locateKey(const std::string& file, std::string_view pointer) const;
  bool empty() const { return marks_.empty(); }

 private:
  struct Mark {
    int line;
    int column;
  };
  std::unordered_map<std::string, Mark> marks_;
  std::unordered_map<std::string, Mark> keyMarks_;
};

struct YamlDocument {
  Json value;
  SourceLocation where;     // where the document starts
  PositionIndex positions;  // filled only when LoadOptions::recordPositions
};

struct YamlLoadOptions {
  bool recordPositions = false;
  bool recordKeyPositions = false;  // also where each map key is (error messages about a key)
  YamlBooleans booleans = YamlBooleans::Yaml11;
  // kustomize's output: a plain scalar go-yaml reads as a timestamp comes out as RFC 3339
  // text (`2024-03-15` -> "2024-03-15T00:00:00Z"), except a map key and a value of the
  // document's own metadata.annotations, which kustomize rewrites as the strings they were.
  bool kustomizeTimestamps = false;
  // kustomize's resources: it rewrites an object's own metadata.annotations as strings,
  // each value the text it was written with (`1.50` stays "1.50", `null` is "null", an
  // empty value ""), a list or map value the empty string.
  bool kustomizeAnnotations = false;
  // With kustomizeAnnotations, a null annotation stays null (a patch's null deletes it).
  bool kustomizeAnnotationNullsStay = false;
  // A key set twice in one map: refused, unless `lastKeyWins` (kustomize reads its own
  // kustomization file through Go's JSON decoding, where the last value wins).
  bool lastKeyWins = false;
  // Safety limits: input that exceeds them is rejected as invalid, never crashes.
  int maxDepth = 256;
  // At most this many values (after alias expansion); 0 means 4 per input byte plus
  // 100,000, far above any real document but stopping "billion laughs" at once.
  std::size_t maxNodes = 0;
};

// Parses every document of a YAML stream. Empty and comment-only documents are skipped.
// Throws gs::Error (InvalidInput) naming file:line:col on malformed input.
std::vector<YamlDocument> loadYamlDocuments(std::string_view text, const std::string& file,
                                            YamlLoadOptions options = {});

// Parses a stream that must hold exactly one document (an empty stream gives null).
YamlDocument loadYamlDocument(std::string_view text, const std::string& file, YamlLoadOptions options = {});

struct YamlEmitOptions {
  // Put apiVersion, kind, metadata, spec first at the top level (kubectl's reading order);
  // all other keys, and every nested map, come sorted.
  bool kubernetesKeyOrder = true;
};

// Emits one document in the block style kubectl prints (sequences not indented under
// their key, strings quoted only where a plain scalar would read back as something else).
std::string toYaml(const Json& value, const YamlEmitOptions& options = {});

// Several documents separated by "---".
std::string toYamlStream(const std::vector<Json>& values, const YamlEmitOptions& options = {});

// Reads a whole file ("-" reads standard input); throws gs::Error (InvalidInput) when
// it cannot be read.
std::string readFile(const std::string& path);

// The 1-based line and column of byte `offset` in `text`.
SourceLocation locationOf(std::string_view text, std::size_t offset, const std::string& file);

// Throws gs::Error (InvalidInput) at the first byte that is not valid UTF-8.
void requireUtf8(std::string_view text, const std::string& file);

}  // namespace gs
