// The create-only review resources clients ask "who am I, what may I do" with:
// authorization.k8s.io/v1 SelfSubjectAccessReview (`kubectl auth can-i`) and
// SelfSubjectRulesReview (`kubectl auth can-i --list`), authentication.k8s.io/v1
// SelfSubjectReview (`kubectl auth whoami`). The fake API server enforces no RBAC, so every
// request is allowed, and the answers say so; the caller is the kubeconfig's admin user.
#pragma once

#include <span>
#include <string>

#include "fakecluster/http/http_types.hpp"
#include "sim/core/json.hpp"

namespace gs::fake::http {

// Does group/version/plural name a review resource?
bool isReviewResource(const std::string& group, const std::string& version, const std::string& plural);
// The answer to a POST of the review resource group/v1/plural (isReviewResource must hold),
// its body already decoded. Throws ApiError for a body that is not a valid review.
Json answerReview(const std::string& group, const std::string& plural, Json body);
// Discovery entries of the review resources in group/version (empty when none).
Json reviewResources(const std::string& group, const std::string& version);
// The groups that hold only review resources (authorization.k8s.io, authentication.k8s.io).
std::span<const char* const> reviewGroups();

}  // namespace gs::fake::http
