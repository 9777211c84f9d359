#include <catch2/catch.hpp>

#include "sim/kube/json_patch.hpp"

using namespace gs;
using namespace gs::kube;

namespace {

std::string failure(const Json& doc, const char* patch) {
  try {
    applyJsonPatch(doc, Json::parse(patch));
  } catch (const JsonPatchError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("JSON patch applies as evanphx/json-patch does", "[kube][jsonpatch]") {
  const Json doc = Json::parse(R"({"spec":{"args":["a","b"],"env":[{"name":"X"}]},"data":{"k":"v"}})");
  CHECK(applyJsonPatch(doc, Json::parse(R"([{"op":"add","path":"/spec/args/-","value":"c"}])"))["spec"]["args"] == Json::array({"a", "b", "c"}));
  CHECK(applyJsonPatch(doc, Json::parse(R"([{"op":"add","path":"/spec/args/0","value":"z"}])"))["spec"]["args"] == Json::array({"z", "a", "b"}));
  CHECK(applyJsonPatch(doc, Json::parse(R"([{"op":"remove","path":"/spec/args/0"}])"))["spec"]["args"] == Json::array({"b"}));
  // A replace of a missing map key sets it (evanphx v4's partialDoc.get finds nothing, no error).
  CHECK(applyJsonPatch(doc, Json::parse(R"([{"op":"replace","path":"/data/new","value":"x"}])"))["data"]["new"] == "x");
  const Json moved = applyJsonPatch(doc, Json::parse(R"([{"op":"move","from":"/data/k","path":"/spec/k"},{"op":"copy","from":"/spec/env/0","path":"/spec/env/-"}])"));
  CHECK_FALSE(moved["data"].contains("k"));
  CHECK(moved["spec"]["k"] == "v");
  CHECK(moved["spec"]["env"].size() == 2);
  CHECK(applyJsonPatch(doc, Json::parse(R"([{"op":"test","path":"/data/k","value":"v"}])")) == doc);
  CHECK(applyJsonPatch(doc, Json::parse(R"([{"op":"add","path":"/a~1b","value":1}])"))["a/b"] == 1);
}

TEST_CASE("JSON patch failures read as evanphx/json-patch words them", "[kube][jsonpatch]") {
  const Json doc = Json::parse(R"({"spec":{"args":["a"]},"data":{"k":"v"}})");
  CHECK(failure(doc, R"([{"op":"replace","path":"/spec/missing/x","value":1}])") ==
        "replace operation does not apply: doc is missing path: /spec/missing/x: missing value");
  CHECK(failure(doc, R"([{"op":"replace","path":"/spec/args/3","value":1}])") ==
        "replace operation does not apply: doc is missing key: /spec/args/3: missing value");
  CHECK(failure(doc, R"([{"op":"add","path":"/spec/missing/x","value":1}])") ==
        "add operation does not apply: doc is missing path: \"/spec/missing/x\": missing value");
  CHECK(failure(doc, R"([{"op":"add","path":"/spec/args/5","value":1}])") ==
        "error in add for path: '/spec/args/5': Unable to access invalid index: 5: invalid index referenced");
  CHECK(failure(doc, R"([{"op":"remove","path":"/data/nope"}])") == "error in remove for path: '/data/nope': Unable to remove nonexistent key: nope: missing value");
  CHECK(failure(doc, R"([{"op":"copy","from":"/data/k","path":"/spec/env/0/x"}])") ==
        "copy operation does not apply: doc is missing destination path: /spec/env/0/x: missing value");
  CHECK(failure(doc, R"([{"op":"move","from":"/nope/x","path":"/a"}])") == "move operation does not apply: doc is missing from path: /nope/x: missing value");
  CHECK(failure(doc, R"([{"op":"test","path":"/data/k","value":"w"}])") == "testing value /data/k failed: test failed");
  CHECK(failure(doc, R"([{"op":"frobnicate","path":"/a"}])") == "Unexpected kind: frobnicate");
  // The document is left as it was.
  CHECK(doc == Json::parse(R"({"spec":{"args":["a"]},"data":{"k":"v"}})"));
}
