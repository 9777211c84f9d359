#include "fakecluster/controllers/token_controller.hpp"

#include "fakecluster/object_util.hpp"
#include "sim/core/base64.hpp"
#include "sim/core/json_dump.hpp"
#include "sim/core/sha256.hpp"

namespace gs::fake {

const char* const kClusterRootCa =
    "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2Vy\n"
    "dmVyLWNhQGdpdG9wcy1zaW0wHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAxMDAwMDAw\n-----END CERTIFICATE-----\n";

namespace {

constexpr const char* kTokenType = "kubernetes.io/service-account-token";
constexpr const char* kAccountName = "kubernetes.io/service-account.name";
constexpr const char* kAccountUid = "kubernetes.io/service-account.uid";

std::string base64Url(std::string_view data) {
  std::string out = base64Encode(data);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

// A legacy token's shape: header.claims.signature, the claims as the token controller sets them.
std::string legacyToken(const std::string& ns, const std::string& secret, const std::string& account, const std::string& uid) {
  const Json claims{{"iss", "kubernetes/serviceaccount"},
                    {"kubernetes.io/serviceaccount/namespace", ns},
                    {"kubernetes.io/serviceaccount/secret.name", secret},
                    {"kubernetes.io/serviceaccount/service-account.name", account},
                    {"kubernetes.io/serviceaccount/service-account.uid", uid},
                    {"sub", "system:serviceaccount:" + ns + ":" + account}};
  const std::string body = base64Url(R"({"alg":"RS256","kid":"gitops-sim"})") + "." + base64Url(dumpCompact(claims));
  return body + "." + base64Url(sha256Hex(body));
}

}  // namespace

void TokenController::observe(const WatchEvent& event) {
  const Json& object = *event.object;
  if (is(object, "v1", "Secret")) {
    if (event.type != WatchEvent::Type::Deleted && object.value("type", "") == kTokenType) queue().add(kube::objectKeyOf(object));
    return;
  }
  if (!is(object, "v1", "ServiceAccount")) return;
  // An account that comes or goes: its namespace's token Secrets are looked at again.
  const std::string ns = stringField(object, {"metadata"_key, "namespace"_key});
  ListOptions tokens;
  tokens.fieldSelector = std::string("type=") + kTokenType;
  for (const auto& secret : ctx_.store.listShared("", "Secret", ns, tokens)) queue().add(kube::objectKeyOf(*secret));
}

void TokenController::reconcile(const kube::ObjectKey& key) {
  auto found = ctx_.store.find(key);
  if (!found || terminating(*found) || found->value("type", "") != kTokenType) return;
  const Json& secret = *found;
  const Json& annotations = at(secret, {"metadata"_key, "annotations"_key});
  const std::string account = annotations.is_object() ? annotations.value(kAccountName, "") : "";
  auto serviceAccount = ctx_.store.find(kube::ObjectKey{"", "ServiceAccount", key.ns, account});
  const std::string uid = serviceAccount ? stringField(*serviceAccount, {"metadata"_key, "uid"_key}) : "";
  const std::string recorded = annotations.is_object() ? annotations.value(kAccountUid, "") : "";
  if (!serviceAccount || (!recorded.empty() && recorded != uid)) {
    try {
      ctx_.store.removeShared("", "Secret", key.ns, key.name);
    } catch (const ApiError&) {
    }
    return;
  }
  const Json& data = at(secret, {"data"_key});
  if (recorded == uid && data.is_object() && data.contains("token") && data.contains("ca.crt") && data.contains("namespace")) return;
  Json next = secret;
  next["data"]["ca.crt"] = base64Encode(kClusterRootCa);
  next["data"]["namespace"] = base64Encode(key.ns);
  next["data"]["token"] = base64Encode(legacyToken(key.ns, key.name, account, uid));
  next["metadata"]["annotations"][kAccountUid] = uid;
  updateOrRetry(key, std::move(next));
}

}  // namespace gs::fake
