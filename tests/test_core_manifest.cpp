#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sim/core/manifest.hpp"

using namespace gs;

TEST_CASE("manifests: List kinds are flattened and positions kept", "[core][manifest]") {
  auto ms = parseManifests(
      "apiVersion: v1\n"
      "kind: List\n"
      "items:\n"
      "- apiVersion: v1\n"
      "  kind: ConfigMap\n"
      "  metadata: {name: a}\n"
      "- apiVersion: v1\n"
      "  kind: ConfigMap\n"
      "  metadata: {name: b}\n"
      "---\n"
      "apiVersion: v1\n"
      "kind: Service\n"
      "metadata: {name: c}\n",
      "list.yaml");
  REQUIRE(ms.size() == 3);
  CHECK(ms[0].object["metadata"]["name"] == "a");
  CHECK(ms[1].object["metadata"]["name"] == "b");
  CHECK(ms[2].object["kind"] == "Service");
  CHECK(ms[2].where.line == 11);
}

TEST_CASE("manifests: non-Kubernetes documents are errors naming file, line and field", "[core][manifest]") {
  auto expectError = [](const char* text, const char* field) {
    try {
      parseManifests(text, "bad.yaml");
      FAIL("accepted: " << text);
    } catch (const Error& e) {
      CHECK(e.errorClass() == ErrorClass::InvalidInput);
      CHECK(e.where().file == "bad.yaml");
      CHECK(e.where().line >= 1);
      CHECK_THAT(e.what(), Catch::Contains(field));
    }
  };
  expectError("just a string\n", "map");
  expectError("kind: ConfigMap\nmetadata: {name: x}\n", "apiVersion");
  expectError("apiVersion: v1\nmetadata: {name: x}\n", "kind");
  expectError("apiVersion: v1\nkind: ConfigMap\n", "metadata");
  expectError("apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {}}\n", "metadata/name");
  expectError("apiVersion: 1\nkind: ConfigMap\nmetadata: {name: x}\n", "apiVersion");
}

TEST_CASE("manifests: field errors point at the field, .json files must be strict JSON", "[core][manifest]") {
  try {
    parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n", "n.yaml");
    FAIL("numeric name accepted");
  } catch (const Error& e) {
    CHECK(e.where().line == 4);
    CHECK(e.where().column == 9);
    CHECK_THAT(e.what(), Catch::Contains("must be a string"));
  }
  try {
    parseManifests("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- kind: ConfigMap\n  metadata: {name: b}\n",
                   "l.yaml");
    FAIL("item without apiVersion accepted");
  } catch (const Error& e) {
    CHECK(e.where().line == 7);
  }
  CHECK_THROWS_WITH(parseManifests(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a",}})", "x.json"),
                    Catch::Contains("x.json:1:"));
  CHECK(parseManifests(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})", "x.json").size() == 1);
  CHECK_THROWS_WITH(parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \xff}\n", "u.yaml"),
                    Catch::Contains("u.yaml:3:"));
}

TEST_CASE("manifests: JSON with escaped surrogate pairs, UTF-16 files, broken links", "[core][manifest]") {
  auto ms = parseManifests(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"smile":"\ud83d\ude00"}})", "s.json");
  REQUIRE(ms.size() == 1);
  CHECK(ms[0].object["data"]["smile"] == "\xF0\x9F\x98\x80");

  auto dir = std::filesystem::temp_directory_path() / "gitops-sim-manifest-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::string utf8 = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \xC3\xA9t\xC3\xA9}\n";
    std::string utf16 = "\xFF\xFE";
    for (char c : std::string("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ")) {
      utf16 += c;
      utf16 += '\0';
    }
    utf16 += std::string("\xE9\x00t\x00\xE9\x00}\x00\n\x00", 10);
    std::ofstream(dir / "win.yaml", std::ios::binary) << utf16;
  }
  auto win = loadManifests((dir / "win.yaml").string());
  REQUIRE(win.size() == 1);
  CHECK(win[0].object["metadata"]["name"] == "\xC3\xA9t\xC3\xA9");
  std::filesystem::create_symlink(dir / "missing.yaml", dir / "link.yaml");
  CHECK_THROWS_WITH(loadManifests(dir.string()), Catch::Contains("broken symbolic link"));
}
