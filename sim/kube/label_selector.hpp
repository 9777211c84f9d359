// Label selectors as the API server (and kustomize) evaluate them: the string form of list/watch
// (`app=web,tier!=db,env in (a,b),!legacy,team`) and the structured LabelSelector of
// workload specs (matchLabels + matchExpressions with In, NotIn, Exists, DoesNotExist).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/json.hpp"

namespace gs::kube {

// A matchExpressions operator that is none of In, NotIn, Exists, DoesNotExist.
struct BadOperator : Error {
  BadOperator(std::string key, std::string op)
      : Error(ErrorClass::InvalidInput, "\"" + op + "\": not a valid selector operator", {}, "matchExpressions.operator"),
        key(std::move(key)),
        op(std::move(op)) {}
  std::string key;
  std::string op;
};

class LabelSelector {
 public:
  enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };

  // Throws gs::Error (InvalidInput) on a malformed selector.
  static LabelSelector parse(std::string_view text);
  // From a LabelSelector object; throws BadOperator on an unknown operator. null or {}
  // selects everything.
  static LabelSelector fromJson(const Json& selector);

  // `labels` is the metadata.labels map (or null).
  bool matches(const Json& labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<Requirement>& requirements() const { return requirements_; }

 private:
  std::vector<Requirement> requirements_;
};

}  // namespace gs::kube
