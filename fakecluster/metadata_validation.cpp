#include "fakecluster/metadata_validation.hpp"

#include <algorithm>
#include <cctype>

namespace gs::fake {

std::string regexError(const std::string& message, const std::string& pattern, std::initializer_list<const char*> examples) {
  std::string out = message + " (e.g. ";
  bool first = true;
  for (const char* e : examples) {
    if (!first) out += " or ";
    first = false;
    out += "'" + std::string(e) + "', ";
  }
  return out + "regex used for validation is '" + pattern + "')";
}

namespace {

constexpr std::size_t kLabelMax = 63;
constexpr std::size_t kSubdomainMax = 253;
constexpr std::size_t kAnnotationsMax = 262144;  // TotalAnnotationSizeLimitB

bool lowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

std::string maxLen(std::size_t n) { return "must be no more than " + std::to_string(n) + " characters"; }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool matchesDns1123Label(std::string_view s) {
  return !s.empty() && lowerAlnum(s.front()) && lowerAlnum(s.back()) &&
         std::all_of(s.begin(), s.end(), [](char c) { return lowerAlnum(c) || c == '-'; });
}

bool matchesDns1123Subdomain(std::string_view s) {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    if (!matchesDns1123Label(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool matchesQualifiedName(std::string_view s) {
  return !s.empty() && alnum(s.front()) && alnum(s.back()) &&
         std::all_of(s.begin(), s.end(), [](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

const char* kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an "
    "alphanumeric character";
const char* kSubdomainPattern = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const char* kQualifiedMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const char* kQualifiedPattern = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

std::vector<std::string> dns1123Subdomain(const std::string& s) {
  std::vector<std::string> out;
  if (s.size() > kSubdomainMax) out.push_back(maxLen(kSubdomainMax));
  if (!matchesDns1123Subdomain(s)) out.push_back(regexError(kSubdomainMessage, kSubdomainPattern, {"example.com"}));
  return out;
}

std::vector<std::string> dns1123Label(const std::string& s) {
  std::vector<std::string> out;
  if (s.size() > kLabelMax) out.push_back(maxLen(kLabelMax));
  if (!matchesDns1123Label(s)) {
    if (matchesDns1123Subdomain(s)) {
      out.push_back("must not contain dots");
    } else {
      out.push_back(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
                               "with an alphanumeric character",
                               "[a-z0-9]([-a-z0-9]*[a-z0-9])?", {"my-name", "123-abc"}));
    }
  }
  return out;
}

std::vector<std::string> dns1035Label(const std::string& s) {
  std::vector<std::string> out;
  if (s.size() > kLabelMax) out.push_back(maxLen(kLabelMax));
  if (!(matchesDns1123Label(s) && s.front() >= 'a' && s.front() <= 'z')) {
    out.push_back(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, "
                             "and end with an alphanumeric character",
                             "[a-z]([-a-z0-9]*[a-z0-9])?", {"my-name", "abc-123"}));
  }
  return out;
}

std::vector<std::string> pathSegment(const std::string& s) {
  if (s == "." || s == "..") return {"may not be '" + s + "'"};
  std::vector<std::string> out;
  for (const char* bad : {"/", "%"}) {
    if (s.find(bad) != std::string::npos) out.push_back(std::string("may not contain '") + bad + "'");
  }
  return out;
}

// IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63.
std::vector<std::string> qualifiedName(const std::string& value) {
  std::vector<std::string> out;
  const auto slashes = std::count(value.begin(), value.end(), '/');
  std::string name = value;
  if (slashes == 1) {
    const std::string prefix = value.substr(0, value.find('/'));
    name = value.substr(value.find('/') + 1);
    if (prefix.empty()) {
      out.push_back("prefix part must be non-empty");
    } else {
      for (const auto& m : dns1123Subdomain(prefix)) out.push_back("prefix part " + m);
    }
  } else if (slashes > 1) {
    out.push_back("a qualified name " + regexError(kQualifiedMessage, kQualifiedPattern, {"MyName", "my.name", "123-abc"}) +
                  " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    return out;
  }
  if (name.empty()) {
    out.push_back("name part must be non-empty");
  } else if (name.size() > kLabelMax) {
    out.push_back("name part " + maxLen(kLabelMax));
  }
  if (!matchesQualifiedName(name)) out.push_back("name part " + regexError(kQualifiedMessage, kQualifiedPattern, {"MyName", "my.name", "123-abc"}));
  return out;
}

// The common case without building messages: a qualified name (an annotation key's
// prefix compared case-insensitively, as it is checked lower-cased).
bool isValidQualifiedName(std::string_view value, bool ignoreCase) {
  const std::size_t slash = value.find('/');
  std::string_view name = value;
  if (slash != std::string_view::npos) {
    const std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty() || prefix.size() > kSubdomainMax || name.find('/') != std::string_view::npos) return false;
    if (!matchesDns1123Subdomain(prefix)) {
      if (!ignoreCase) return false;
      std::string lower(prefix);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (!matchesDns1123Subdomain(lower)) return false;
    }
  }
  return name.size() <= kLabelMax && matchesQualifiedName(name);
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

std::vector<std::string> nameProblems(std::string_view group, std::string_view kind, const std::string& name) {
  if (group.empty() && kind == "Namespace") return dns1123Label(name);
  if (group.empty() && kind == "Service") return dns1035Label(name);
  if (group == "rbac.authorization.k8s.io") return pathSegment(name);
  return dns1123Subdomain(name);
}

void checkLabelsAndAnnotations(const Json& metadata, const std::string& prefix, std::vector<StatusCause>& causes) {
  if (!metadata.is_object()) return;
  auto labels = metadata.find("labels");
  if (labels != metadata.end() && labels->is_object()) {
    const std::string field = prefix + ".labels";
    for (auto it = labels->begin(); it != labels->end(); ++it) {
      if (!isValidQualifiedName(it.key(), false)) {
        for (const auto& m : qualifiedName(it.key())) causes.push_back({"FieldValueInvalid", field, "Invalid value: " + quoted(it.key()) + ": " + m});
      }
      if (!it.value().is_string()) continue;
      const std::string& value = it.value().get_ref<const std::string&>();
      if (value.size() > kLabelMax) causes.push_back({"FieldValueInvalid", field, "Invalid value: " + quoted(value) + ": " + maxLen(kLabelMax)});
      if (!value.empty() && !matchesQualifiedName(value)) {
        causes.push_back({"FieldValueInvalid", field,
                          "Invalid value: " + quoted(value) + ": " +
                              regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
                                         "start and end with an alphanumeric character",
                                         "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", {"MyValue", "my_value", "12345"})});
      }
    }
  }
  auto annotations = metadata.find("annotations");
  if (annotations != metadata.end() && annotations->is_object()) {
    const std::string field = prefix + ".annotations";
    std::size_t total = 0;
    for (auto it = annotations->begin(); it != annotations->end(); ++it) {
      if (!isValidQualifiedName(it.key(), true)) {
        std::string lower = it.key();
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        for (const auto& m : qualifiedName(lower)) causes.push_back({"FieldValueInvalid", field, "Invalid value: " + quoted(it.key()) + ": " + m});
      }
      total += it.key().size() + (it.value().is_string() ? it.value().get_ref<const std::string&>().size() : 0);
    }
    if (total > kAnnotationsMax) {
      causes.push_back({"FieldValueTooLong", field, "Too long: must have at most " + std::to_string(kAnnotationsMax) + " bytes"});
    }
  }
}

std::vector<std::string> dns1123LabelProblems(const std::string& name) { return dns1123Label(name); }

}  // namespace gs::fake
