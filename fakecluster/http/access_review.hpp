// The create-only review resources clients ask "who am I, what may I do" with:
// authorization.k8s.io/v1 SelfSubjectAccessReview (`kubectl auth can-i`) and
// SelfSubjectRulesReview (`kubectl auth can-i --list`), authentication.k8s.io/v1
// SelfSubjectReview (`kubectl auth whoami`). The fake API server enforces no RBAC, so every
// request is allowed, and the answers say so; the caller is the kubeconfig's admin user.
#pragma once

#include <optional>
#include <string>

#include "fakecluster/http/http_types.hpp"
#include "sim/core/json.hpp"

namespace gs::fake::http {

// Does group/version/plural name a review resource?
bool isReviewResource(const std::string& group, const std::string& version, const std::string& plural);
// The answer to a POST of a review (its body already decoded), or nullopt when
// group/version/plural names no review resource. Throws ApiError for a wrong method or body.
std::optional<Json> answerReview(const std::string& group, const std::string& version, const std::string& plural, const std::string& method,
                                 Json body);
// Discovery entries of the review resources in group/version (empty when none).
Json reviewResources(const std::string& group, const std::string& version);
// The groups that hold only review resources (authorization.k8s.io, authentication.k8s.io).
const char* const* reviewGroups();

}  // namespace gs::fake::http
