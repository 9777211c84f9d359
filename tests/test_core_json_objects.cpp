// gs::Json's object representation (sim/core/sorted_vector_map.hpp): it must behave as
// nlohmann::json's std::map objects do wherever a user could tell.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string_view>

#include "sim/core/json.hpp"
#include "sim/core/json_object_builder.hpp"
#include "sim/kube/defaults.hpp"

using namespace gs;

TEST_CASE("objects iterate and dump in key order, whatever the insertion order", "[core][json]") {
  Json o = Json::object();
  for (const char* key : {"zeta", "alpha", "mid", "beta", "a-very-long-key-over-sso"}) o[key] = std::string(key).size();
  std::string keys;
  for (const auto& [key, value] : o.items()) keys += key + ",";
  CHECK(keys == "a-very-long-key-over-sso,alpha,beta,mid,zeta,");
  // Byte-identical to nlohmann::json (std::map) for the same document.
  const std::string text = R"({"b":{"y":[1,{"q":null,"p":true}],"x":"s"},"a":1.5,"c":[]})";
  CHECK(Json::parse(text).dump() == nlohmann::json::parse(text).dump());
  CHECK(Json::parse(text).dump(2) == nlohmann::json::parse(text).dump(2));
}

TEST_CASE("object equality and order do not depend on how the object was built", "[core][json]") {
  Json built = Json::object();
  built["b"] = 2;
  built["a"] = 1;
  CHECK(built == Json::parse(R"({"a":1,"b":2})"));
  CHECK(built != Json::parse(R"({"a":1,"b":3})"));
  CHECK_FALSE(built < Json::parse(R"({"a":1,"b":2})"));
  CHECK(Json::parse(R"({"a":1})") < Json::parse(R"({"b":0})"));
}

TEST_CASE("lookups, emplace, insertion and erase keep std::map's semantics", "[core][json]") {
  Json o = Json::parse(R"({"m":1,"c":2,"x":3})");
  auto& members = *o.get_ptr<Json::object_t*>();
  CHECK(members.emplace("c", 99).second == false);  // an existing key is kept
  CHECK(o["c"] == 2);
  CHECK(members.emplace("d", 4).second);
  CHECK(o.contains(std::string_view("d")));
  CHECK(o.count("zz") == 0);
  CHECK(o.value("x", 0) == 3);
  CHECK(o.erase("m") == 1);
  CHECK(o.erase("m") == 0);
  o.erase(o.find("x"));
  CHECK(o == Json::parse(R"({"c":2,"d":4})"));
  CHECK_THROWS(o.at("missing"));
  // JSON Pointer, patch and merge patch go through the same members.
  o["/e/f"_json_pointer] = 5;
  o.merge_patch(Json::parse(R"({"c":null,"g":[1]})"));
  CHECK(o == Json::parse(R"({"d":4,"e":{"f":5},"g":[1]})"));
  CHECK(o.patch(Json::diff(o, Json::parse(R"({"a":0})"))) == Json::parse(R"({"a":0})"));
}

TEST_CASE("defaulting reports the values it inserted at their final addresses", "[core][json][kube]") {
  // Defaulting inserts several keys into the same objects: the addresses it reports
  // must be those of the finished tree, not of members that later insertions moved.
  Json svc = Json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
    "spec":{"type":"NodePort","ports":[{"port":80}]}})");
  kube::DefaultedValues inserted;
  kube::applyDefaults(svc, &inserted);
  const Json& spec = svc["spec"];
  CHECK(spec["externalTrafficPolicy"] == "Cluster");  // read through `type` after the inserts
  CHECK(spec["sessionAffinity"] == "None");
  for (const char* key : {"sessionAffinity", "internalTrafficPolicy", "externalTrafficPolicy"}) {
    CHECK(inserted.contains(&spec[key]));
  }
  CHECK_FALSE(inserted.contains(&spec["type"]));
  CHECK(inserted.contains(&spec["ports"][0]["targetPort"]));
}

TEST_CASE("keys read the same whether shared or owned by their object", "[core][json]") {
  // "metadata" and "lastTransitionTime" are in the shared table; the others are not.
  const JsonKey shared("metadata"), sharedLong("lastTransitionTime");
  const JsonKey owned("my-own-key"), ownedLong(std::string("an-owned-key-longer-than-sso"));
  CHECK(shared.shared());
  CHECK(sharedLong.shared());
  CHECK(JsonKey("f:containerStatuses").shared());  // managedFields' form of a field name
  CHECK(JsonKey("app.kubernetes.io/name").shared());
  CHECK_FALSE(owned.shared());
  CHECK_FALSE(ownedLong.shared());
  CHECK(sharedLong.str() == "lastTransitionTime");
  CHECK(ownedLong.view() == "an-owned-key-longer-than-sso");
  // Two shared keys with the same text are the same string; owned copies are independent.
  CHECK(&JsonKey("metadata").str() == &shared.str());
  JsonKey copy = ownedLong;
  CHECK(copy == ownedLong);
  CHECK(&copy.str() != &ownedLong.str());
  JsonKey moved = std::move(copy);
  CHECK(moved.str() == "an-owned-key-longer-than-sso");
  CHECK(copy.str().empty());  // NOLINT: a moved-from key reads as ""
  copy = shared;
  CHECK(copy == shared);
  // Order is by text across both kinds.
  CHECK(owned > shared);
  CHECK(JsonKey("apiVersion") < JsonKey("apiVersionX"));
  CHECK(JsonKey("") == JsonKey(std::string()));

  // Through gs::Json: mixed keys, copies, erase and lookups by every key type.
  Json o = Json::parse(R"({"status":1,"zz-custom":2,"metadata":{"a-label/key":"v"},"":3})");
  Json c = o;
  c["zz-custom"] = 5;
  CHECK(o["zz-custom"] == 2);
  CHECK(c.find(std::string("metadata")) != c.end());
  CHECK(c.contains(std::string_view("zz-custom")));
  CHECK(c.at("") == 3);
  c.erase("status");
  std::string keys;
  for (auto it = c.begin(); it != c.end(); ++it) keys += "[" + it.key() + "]";
  CHECK(keys == "[][metadata][zz-custom]");
  CHECK(c.dump() == nlohmann::json::parse(c.dump()).dump());
}

TEST_CASE("JsonObjectBuilder builds what operator[] builds, from members in any order", "[core][json]") {
  Json expected = Json::object();
  expected["zeta"] = 1;
  expected["alpha"] = "a";
  expected["a-very-long-key-over-sso"] = Json::array({1, 2});
  expected["mid"] = Json::object();
  const Json built = JsonObjectBuilder(4).add("zeta", 1).add("alpha", "a").add("a-very-long-key-over-sso", Json::array({1, 2})).add("mid", Json::object()).build();
  CHECK(built == expected);
  CHECK(built.dump() == expected.dump());
  CHECK(built.find("mid") != built.end());  // lookups work: the members are sorted
  CHECK(JsonObjectBuilder(0).build() == Json::object());
  CHECK_THROWS_AS(JsonObjectBuilder(2).add("k", 1).add("k", 2).build(), std::logic_error);
}

TEST_CASE("freeing a value works at any depth, bottom-up and then with an explicit stack", "[core][json]") {
  for (int depth : {1, 63, 64, 65, 200000}) {
    Json arrays = Json::parse(std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'));
    std::string objects;
    for (int i = 0; i < depth; ++i) objects += R"({"k":[1,"two",{"x":null}],"n":)";
    objects += "0" + std::string(static_cast<std::size_t>(depth), '}');
    Json nested = Json::parse(objects);
    if (depth < 100) {  // copying and comparing recurse (the library's own)
      Json copy = nested;
      CHECK(copy == nested);
      copy["n"] = 1;  // the copy is freed on its own
    }
    nested = Json();  // freed here; the sanitizer builds check nothing leaks or is freed twice
    CHECK(arrays.is_array());
  }
}
