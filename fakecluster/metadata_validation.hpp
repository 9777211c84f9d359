// ObjectMeta validation as apimachinery does it, with its messages: object names by the
// rule of their kind (RFC 1123 subdomain, a Namespace's RFC 1123 label, a Service's DNS-1035
// label, an RBAC object's path segment), label keys and values, annotation keys and the
// 256 KiB limit on all annotations together.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "fakecluster/api_error.hpp"
#include "sim/core/json.hpp"

namespace gs::fake {

// apimachinery's RegexError: the message, its examples and the pattern ("... (e.g. 'a',
// or 'b', regex used for validation is '...')", the doubled space included).
std::string regexError(const std::string& message, const std::string& pattern, std::initializer_list<const char*> examples);

// The problems with `name` for an object of group/kind (empty when it is valid): the
// detail text after "Invalid value: "name": ".
std::vector<std::string> nameProblems(std::string_view group, std::string_view kind, const std::string& name);
// IsDNS1123Label's problems with a name that must be an RFC 1123 label (a container's).
std::vector<std::string> dns1123LabelProblems(const std::string& name);

// Causes for invalid label keys and values, annotation keys, and oversized annotations of
// `metadata` (fields reported under `prefix`, e.g. "metadata").
void checkLabelsAndAnnotations(const Json& metadata, const std::string& prefix, std::vector<StatusCause>& causes);

}  // namespace gs::fake
