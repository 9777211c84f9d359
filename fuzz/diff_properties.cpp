// Properties of the diff core on generated Kubernetes-like objects (RapidCheck). Each
// runs 100 cases in `make test`; `make fuzz` runs them with RC_PARAMS=max_success=N.
// A failure prints the seed and shrunk counterexample; replay with
// RC_PARAMS="replay=<string printed>" build/fuzz/diff_properties.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <set>

#include "kube_generators.hpp"
#include "sim/diff/diff.hpp"
#include "sim/diff/normalize.hpp"

using namespace gs;
using namespace gs::diff;

namespace {

// Drops null, {} and [] members recursively: the API treats them as missing.
Json dropEmpty(Json v) {
  if (v.is_object()) {
    Json out = Json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      Json child = dropEmpty(it.value());
      if (!(child.is_null() || ((child.is_object() || child.is_array()) && child.empty()))) out[it.key()] = std::move(child);
    }
    return out;
  }
  if (v.is_array()) {
    for (auto& e : v) e = dropEmpty(e);
  }
  return v;
}

std::set<std::string> changePaths(const DiffResult& r) {
  std::set<std::string> out;
  for (const auto& c : r.changes) out.insert(std::string(changeKindName(c.kind)) + " " + c.path);
  return out;
}

// Every leaf path of an object, written as ignore paths (keyed lists by selector).
void leafPaths(const Json& v, const std::string& prefix, const std::string& parentKey, std::vector<std::string>& out) {
  static const std::set<std::string> byName = {"containers", "env"};
  if (v.is_object()) {
    if (v.empty()) out.push_back(prefix);
    for (auto it = v.begin(); it != v.end(); ++it) leafPaths(it.value(), prefix + "/" + escapePointerToken(it.key()), it.key(), out);
  } else if (v.is_array() && byName.contains(parentKey)) {
    for (const auto& e : v) leafPaths(e, prefix + "[name=" + e.value("name", "") + "]", "", out);
  } else {
    out.push_back(prefix);
  }
}

}  // namespace

TEST_CASE("diff properties", "[diff][property]") {
  rc::prop("diff(a, a) is empty", [] {
    Json a = *fuzz::genObject();
    RC_ASSERT_FALSE(diffObjects(a, a).modified);
    RC_ASSERT(inSync(prepareDesired(a), prepareLive(a)));
  });

  rc::prop("an object as the server returns it after kubectl apply is in sync with its manifest", [] {
    Json a = *fuzz::genObject();
    Json live = fuzz::asServerReturns(a);
    auto r = diffObjects(a, live);
    RC_ASSERT(changePaths(r) == std::set<std::string>{});
  });

  rc::prop("the fast verdict agrees with the full diff", [] {
    auto [desired, manifest] = *fuzz::genSameObjectPair();
    Json live = *rc::gen::arbitrary<bool>() ? fuzz::asServerReturns(manifest) : manifest;
    auto d = prepareDesired(desired);
    auto l = prepareLive(live);
    RC_ASSERT(inSync(d, l) == !diffPrepared(d, l).modified);
  });

  rc::prop("the JSON patch turns live into a predicted object that is in sync", [] {
    auto [desired, manifest] = *fuzz::genSameObjectPair();
    Json live = fuzz::shuffleKeyedLists(fuzz::asServerReturns(manifest));
    auto r = diffObjects(desired, live);
    Json patched = r.normalizedLive.patch(toJsonPatch(r.changes));
    RC_ASSERT(patched == r.predictedLive);
    auto again = diffObjects(desired, patched);
    RC_ASSERT(changePaths(again) == std::set<std::string>{});
  });

  rc::prop("for custom resources applied by kubectl, patch(live) equals desired", [] {
    Json a = *fuzz::genCustomResource();
    Json b = *fuzz::genCustomResource();
    auto r = diffObjects(b, fuzz::asServerReturns(a));
    Json expected = b;
    normalizeObject(expected);
    RC_ASSERT(dropEmpty(r.predictedLive) == dropEmpty(expected));
  });

  rc::prop("normalization is idempotent", [] {
    Json a = fuzz::asServerReturns(*fuzz::genObject());
    Json once = a;
    normalizeObject(once, "default");
    Json twice = once;
    normalizeObject(twice, "default");
    RC_ASSERT(once == twice);
    Json prepared = prepareDesired(a).normalized();
    RC_ASSERT(prepareDesired(prepared).normalized() == prepared);
  });

  rc::prop("adding an ignore rule never adds changes", [] {
    auto [desired, manifest] = *fuzz::genSameObjectPair();
    Json live = fuzz::asServerReturns(manifest);
    std::vector<std::string> candidates;
    leafPaths(desired, "", "", candidates);
    leafPaths(manifest, "", "", candidates);
    // Ignoring a list element's merge key (".../containers[name=x]/name") takes away the
    // element's identity; that is not a rule anyone means, so it is not drawn.
    // Identity fields cannot be ignored at all (parseIgnoreRule rejects them).
    std::erase_if(candidates, [](const std::string& p) {
      return p.empty() || p.ends_with("]/name") || p == "/apiVersion" || p == "/kind" || p == "/metadata/name" ||
             p == "/metadata/namespace";
    });
    RC_PRE(!candidates.empty());
    auto path = *rc::gen::elementOf(candidates);
    DiffOptions options;
    options.ignore.push_back(parseIgnoreRule(Json(path)));
    auto without = changePaths(diffObjects(desired, live));
    auto with = changePaths(diffObjects(desired, live, options));
    for (const auto& c : with) RC_ASSERT(without.contains(c));
  });

  rc::prop("a keyed list live holds in another order than Git's is a change of that whole list, and only that", [] {
    Json a = *fuzz::genObject();
    Json live = fuzz::asServerReturns(a);
    Json shuffled = fuzz::shuffleKeyedLists(live);
    auto r = diffObjects(a, shuffled);
    RC_ASSERT(r.modified == (shuffled != live));
    for (const auto& c : r.changes) {
      RC_ASSERT(c.kind == ChangeKind::Changed);
      RC_ASSERT(c.desired.is_array());
      RC_ASSERT(c.live.is_array());
    }
  });
}
