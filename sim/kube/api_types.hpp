// The typed shape of built-in Kubernetes objects (v1.32), as the API server's Go decoder
// sees them: every struct's fields with their JSON names and types, and what Go's error
// messages call each type (v1.Container, []v1.Container, map[string]string, int32).
// Parsed once from the generated table (api_types_table.cpp); immutable afterwards and
// safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/json_key.hpp"

namespace gs::kube {

struct ApiStruct;

enum class ApiTypeKind : unsigned char {
  String, Bool, Int32, Int64, Float64,
  IntOrString,  // intstr.IntOrString: a JSON string or an int32
  Quantity,     // resource.Quantity: a string or number in the quantity grammar
  Time,         // metav1.Time: an RFC 3339 string
  MicroTime,    // metav1.MicroTime: an RFC 3339 string with microseconds
  Bytes,        // []byte: a base64 string
  Any,          // runtime.RawExtension, apiextensions JSON: anything
  Struct, Slice, Map,
};

struct ApiType {
  ApiTypeKind kind = ApiTypeKind::Any;
  const ApiStruct* structType = nullptr;  // Struct
  const ApiType* element = nullptr;       // Slice and Map (keys are strings)
  std::string goName;                     // as Go's errors print it
};

struct ApiField {
  std::string name;  // JSON name
  const ApiType* type = nullptr;
  // A scalar Go's encoder leaves out when zero (0, false, ""): omitempty, not a pointer.
  bool omitZero = false;
};

struct ApiStruct {
  std::string goName;     // "v1.EnvVar"
  std::string shortName;  // "EnvVar": what "Go struct field EnvVar.value" names
  std::string definition;  // a unique OpenAPI definition name ending in shortName: "io.k8s.api.v1.EnvVar", "io.k8s.api.core.v1.Event"
  std::vector<ApiField> fields;  // sorted by name
  // The fields whose names are in the shared key table, by the entry's address (sorted).
  std::vector<std::pair<std::uintptr_t, const ApiField*>> sharedFields;

  const ApiField* field(std::string_view name) const;
  // The same for a member key: a shared key is found by its address.
  const ApiField* field(const JsonKey& key) const;
};

// The struct a built-in kind decodes into (apps/v1 Deployment -> v1.Deployment), or
// nullptr for kinds the table does not know (custom resources).
const ApiStruct* apiStructFor(std::string_view group, std::string_view version, std::string_view kind);

}  // namespace gs::kube
