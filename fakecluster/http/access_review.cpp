#include "fakecluster/http/access_review.hpp"

#include <array>
#include <string_view>

#include "fakecluster/api_error.hpp"

namespace gs::fake::http {

namespace {

struct Review {
  const char* group;
  const char* plural;
  const char* kind;
};
constexpr std::array<Review, 3> kReviews{{{"authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview"},
                                          {"authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview"},
                                          {"authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview"}}};
constexpr const char* kGroups[] = {"authentication.k8s.io", "authorization.k8s.io"};
constexpr const char* kNoRbac = "gitops-sim's fake API server enforces no RBAC: every request is allowed";

}  // namespace

std::span<const char* const> reviewGroups() { return kGroups; }

bool isReviewResource(const std::string& group, const std::string& version, const std::string& plural) {
  if (version != "v1") return false;
  for (const auto& r : kReviews) {
    if (group == r.group && plural == r.plural) return true;
  }
  return false;
}

Json reviewResources(const std::string& group, const std::string& version) {
  Json resources = Json::array();
  if (version != "v1") return resources;
  for (const auto& r : kReviews) {
    if (group == r.group) {
      resources.push_back(Json{{"name", r.plural}, {"singularName", ""}, {"namespaced", false}, {"kind", r.kind}, {"verbs", Json::array({"create"})}});
    }
  }
  return resources;
}

Json answerReview(const std::string& group, const std::string& plural, Json body) {
  const Review* review = &kReviews[0];
  for (const auto& r : kReviews) {
    if (group == r.group && plural == r.plural) review = &r;
  }
  if (!body.is_object()) throw ApiError::badRequest(std::string("a ") + review->kind + " must be a JSON object");
  body["apiVersion"] = group + "/v1";
  body["kind"] = review->kind;
  if (!body.contains("metadata") || !body["metadata"].is_object()) body["metadata"] = Json::object();
  const std::string_view kind = review->kind;
  if (kind == "SelfSubjectAccessReview") {
    const Json& spec = body.value("spec", Json::object());
    if (!spec.contains("resourceAttributes") && !spec.contains("nonResourceAttributes")) {
      throw ApiError::invalid(review->kind, "", {StatusCause{"FieldValueRequired", "spec.resourceAttributes",
                                                             "exactly one of nonResourceAttributes or resourceAttributes must be specified"}});
    }
    body["status"] = Json{{"allowed", true}, {"reason", kNoRbac}};
  } else if (kind == "SelfSubjectRulesReview") {
    body["status"] = Json{{"resourceRules", Json::array({Json{{"verbs", {"*"}}, {"apiGroups", {"*"}}, {"resources", {"*"}}}})},
                          {"nonResourceRules", Json::array({Json{{"verbs", {"*"}}, {"nonResourceURLs", {"*"}}}})},
                          {"incomplete", false}};
  } else {
    body["status"] = Json{{"userInfo", {{"username", "admin"}, {"groups", {"system:masters", "system:authenticated"}}}}};
  }
  return body;
}

}  // namespace gs::fake::http
