// gs::Json's object representation (sim/core/sorted_vector_map.hpp): it must behave as
// nlohmann::json's std::map objects do wherever a user could tell.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string_view>

#include "sim/core/json.hpp"
#include "sim/core/json_key_table.hpp"
#include "sim/core/json_lookup.hpp"
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

TEST_CASE("lookups by a shared key's address find what lookups by text find", "[core][json]") {
  // The shared table's addresses are in its texts' order: every pair of shared keys
  // compares by address as it does by text.
  const auto known = detail::knownJsonKeys();
  std::vector<JsonKey> shared;
  for (std::string_view text : known) {
    if (auto key = JsonKey::findShared(text)) shared.push_back(*key);
    if (auto f = JsonKey::findShared("f:" + std::string(text))) shared.push_back(*f);
  }
  REQUIRE(shared.size() > known.size());
  for (std::size_t i = 0; i < shared.size(); ++i) {
    const JsonKey& a = shared[i];
    const JsonKey& b = shared[(i * 7919 + 13) % shared.size()];
    REQUIRE(a.ordersByAddress());
    INFO(a.view() << " vs " << b.view());
    CHECK(a.sortsBefore(b) == (a.view() < b.view()));
    CHECK(a.sameAs(b) == (a.view() == b.view()));
  }
  CHECK_FALSE(JsonKey::findShared("my-own-key"));
  CHECK_FALSE(JsonKey::findShared(""));
  CHECK_FALSE(JsonKey("").ordersByAddress());
  CHECK(&"metadata"_key == &"metadata"_key);  // made once
  CHECK("metadata"_key.ordersByAddress());
  CHECK_FALSE("my-own-key"_key.ordersByAddress());

  // Objects mixing shared, owned and empty keys, built by text, by shared key and by
  // owned key: every key is found by every kind of probe, and order is by text.
  const std::vector<std::string> texts = {"", "a", "apiVersion", "apiVersionX", "kind", "metadata", "my-own-key", "spec",
                                          "status", "zz-custom", "~", "f:spec", "\xff"};
  for (int build = 0; build < 3; ++build) {
    Json o = Json::object();
    for (std::size_t i = texts.size(); i-- > 0;) {
      if (build == 0) o[texts[i]] = static_cast<int>(i);
      if (build == 1) o.get_ref<Json::object_t&>().emplace(JsonKey(texts[i]), static_cast<int>(i));
      if (build == 2) o.get_ref<Json::object_t&>().emplace(std::string_view(texts[i]), static_cast<int>(i));
    }
    REQUIRE(o.size() == texts.size());
    std::string previous;
    bool first = true;
    for (auto it = o.begin(); it != o.end(); ++it) {
      if (!first) CHECK(previous < it.key());
      previous = it.key();
      first = false;
    }
    const auto& members = o.get_ref<const Json::object_t&>();
    for (std::size_t i = 0; i < texts.size(); ++i) {
      INFO(build << ": " << texts[i]);
      const JsonKey key(texts[i]);
      REQUIRE(members.find(key) != members.end());
      CHECK(members.find(key)->second == static_cast<int>(i));
      CHECK(members.find(std::string_view(texts[i])) == members.find(key));
      CHECK(findMember(o, key) == &o[texts[i]]);
      CHECK_FALSE(o.get_ref<Json::object_t&>().emplace(JsonKey(texts[i]), -1).second);  // present: left as it is
    }
    for (const char* absent : {"apiVersionY", "metadat", "kin", "zzz", "f:status", "labels"}) {
      CHECK(members.find(JsonKey(absent)) == members.end());
      CHECK(findMember(o, JsonKey(absent)) == nullptr);
    }
  }
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
