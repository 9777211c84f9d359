// The fake API server's view of label selectors (sim/kube/label_selector.hpp), with
// errors as the API server reports them: 400 BadRequest for a malformed selector string,
// 422 Invalid for an unknown matchExpressions operator.
#pragma once

#include "sim/kube/label_selector.hpp"

namespace gs::fake {

class LabelSelector : public kube::LabelSelector {
 public:
  using Op = kube::LabelSelector::Op;
  // Throws ApiError (400 BadRequest) on a malformed selector.
  static LabelSelector parse(std::string_view text);
  // Throws ApiError (422 Invalid) on an unknown operator. null or {} selects everything.
  static LabelSelector fromJson(const Json& selector);

 private:
  explicit LabelSelector(kube::LabelSelector s) : kube::LabelSelector(std::move(s)) {}
};

}  // namespace gs::fake
