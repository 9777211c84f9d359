#include <catch2/catch.hpp>

#include "sim/core/yaml.hpp"
#include "sim/core/yaml_scalar.hpp"

using namespace gs;

TEST_CASE("plain scalars resolve as kubectl (YAML 1.1) reads them", "[core][yaml]") {
  CHECK(resolvePlainScalar("yes") == Json(true));
  CHECK(resolvePlainScalar("On") == Json(true));
  CHECK(resolvePlainScalar("off") == Json(false));
  CHECK(resolvePlainScalar("~").is_null());
  CHECK(resolvePlainScalar("null").is_null());
  CHECK(resolvePlainScalar("42") == Json(42));
  CHECK(resolvePlainScalar("-7") == Json(-7));
  CHECK(resolvePlainScalar("0x1F") == Json(31));
  CHECK(resolvePlainScalar("0777") == Json(511));
  CHECK(resolvePlainScalar("1_000") == Json(1000));
  CHECK(resolvePlainScalar("1.5") == Json(1.5));
  CHECK(resolvePlainScalar("1e3") == Json(1000.0));
  CHECK(resolvePlainScalar("1.2.3") == Json("1.2.3"));
  CHECK(resolvePlainScalar("nginx:1.27") == Json("nginx:1.27"));
  CHECK(resolvePlainScalar("500m") == Json("500m"));
  CHECK(resolvePlainScalar("99999999999999999999").is_number_float());
}

TEST_CASE("loading keeps types, skips empty documents and records positions", "[core][yaml]") {
  const char* text =
      "# leading comment only\n"
      "---\n"
      "---\n"
      "a: 1\n"
      "b: \"2\"\n"
      "c: yes\n"
      "d: 'on'\n"
      "e:\n"
      "  - x\n"
      "  - {f: null}\n"
      "---\n"
      "# comment-only document\n"
      "---\n"
      "second: true\n"
      "---\n";
  auto docs = loadYamlDocuments(text, "t.yaml", YamlLoadOptions{true});
  REQUIRE(docs.size() == 2);
  const Json& d = docs[0].value;
  CHECK(d["a"] == 1);
  CHECK(d["b"] == "2");
  CHECK(d["c"] == true);
  CHECK(d["d"] == "on");
  CHECK(d["e"][1]["f"].is_null());
  CHECK(docs[0].where.line == 4);
  auto at = docs[0].positions.locate("t.yaml", "/e/1/f");
  CHECK(at.line == 10);
  CHECK(at.column == 9);
  CHECK(docs[0].positions.locate("t.yaml", "/e/1/missing").line == 10);  // nearest ancestor
  CHECK(docs[1].value == Json{{"second", true}});
}

TEST_CASE("duplicate keys are an error naming the line", "[core][yaml]") {
  try {
    loadYamlDocuments("metadata:\n  name: a\n  name: b\n", "dup.yaml");
    FAIL("duplicate key accepted");
  } catch (const Error& e) {
    CHECK(e.errorClass() == ErrorClass::InvalidInput);
    CHECK(e.where().file == "dup.yaml");
    CHECK(e.where().line == 3);
    CHECK(e.keyPath() == "metadata");
    CHECK_THAT(e.what(), Catch::Contains("duplicate key 'name'"));
  }
}

TEST_CASE("syntax errors carry file:line:col", "[core][yaml]") {
  try {
    loadYamlDocuments("a: [1, 2\nb: 3\n", "bad.yaml");
    FAIL("malformed YAML accepted");
  } catch (const Error& e) {
    CHECK(e.where().file == "bad.yaml");
    CHECK(e.where().line >= 1);
    CHECK_THAT(e.what(), Catch::StartsWith("bad.yaml:"));
  }
  CHECK_THROWS_AS(loadYamlDocuments("a: .inf\n", "inf.yaml"), Error);
}

TEST_CASE("merge keys and anchors", "[core][yaml]") {
  auto doc = loadYamlDocument(
      "base: &b {x: 1, z: 2}\n"
      "derived:\n"
      "  <<: *b\n"
      "  z: 3\n",
      "m.yaml");
  CHECK(doc.value["derived"] == Json{{"x", 1}, {"z", 3}});
  // As kubectl (go-yaml v2) reads it, a plain `y` key is the boolean true.
  CHECK(loadYamlDocument("y: 1\n", "y.yaml").value == Json{{"true", 1}});
}

TEST_CASE("an alias bomb is rejected, not expanded without bound", "[core][yaml]") {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + prev;
    text += "]\n";
    prev = c;
  }
  YamlLoadOptions options;
  options.maxNodes = 100000;
  CHECK_THROWS_AS(loadYamlDocuments(text, "bomb.yaml", options), Error);
}

TEST_CASE("emitter orders keys as kubectl and quotes what must be quoted", "[core][yaml]") {
  Json obj = {
      {"status", {{"ready", true}}},
      {"spec", {{"replicas", 3}, {"args", {"--port", "8080", "yes", "", "a: b", "-v"}}}},
      {"metadata", {{"name", "web"}, {"labels", Json::object()}}},
      {"kind", "Deployment"},
      {"apiVersion", "apps/v1"},
      {"data", {{"script.sh", "#!/bin/sh\necho hi\n"}, {"version", "1.10"}, {"when", "2024-01-02"}}},
  };
  std::string yaml = toYaml(obj);
  CHECK(yaml ==
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        "  labels: {}\n"
        "  name: web\n"
        "spec:\n"
        "  args:\n"
        "  - --port\n"
        "  - \"8080\"\n"
        "  - \"yes\"\n"
        "  - \"\"\n"
        "  - 'a: b'\n"
        "  - -v\n"
        "  replicas: 3\n"
        "data:\n"
        "  script.sh: |\n"
        "    #!/bin/sh\n"
        "    echo hi\n"
        "  version: \"1.10\"\n"
        "  when: \"2024-01-02\"\n"
        "status:\n"
        "  ready: true\n");
  // And it reads back to the same value.
  CHECK(loadYamlDocument(yaml, "rt.yaml").value == obj);
}

TEST_CASE("emitted YAML round-trips awkward strings", "[core][yaml]") {
  Json values = Json::array({"", " lead", "trail ", "tab\there", "multi\nline", "multi\nline\n\n", "\n", "#hash",
                             "x #y", "- item", "null", "NULL", "~", "0o17", "1e3", ".5", "[x]", "{y}", "*star",
                             "&amp", "!tag", "%pct", "@at", "`tick", "quote\"s", "back\\slash", "ünïcode",
                             "ctrl\x01", "all:\n\techo hi\n\tmake -C x\n", "key: value", "ends:", "y", "N", ".inf", "-.inf", ".nan", "<<",
                             "12:30", "inf", "line\u2028separated", "para\u2029graph", "next\u0085line",
                             "plain words that are definitely longer than the eighty column limit go-yaml uses here and more",
                             ": quoted because of its start and longer than eighty columns, with  double  spaces  inside it too",
                             "tab\tand quote\" in a string well past the eighty column limit   with a run of spaces   here and end ",
                             "\nfirst line empty\n", "\n\nx", "\n\n", "\n\n\n", "two\nlines ", "nginx {\n\tlisten 80;\n}\n"});
  Json obj = {{"items", values}, {"map", Json::object()}};
  for (const auto& v : values) obj["map"][v.get<std::string>()] = v;
  std::string yaml = toYaml(obj);
  INFO(yaml);
  CHECK(loadYamlDocument(yaml, "rt.yaml").value == obj);
}

TEST_CASE("multi-line strings take go-yaml's style: no block for a TAB or a trailing space, a kept block for line breaks only", "[core][yaml]") {
  CHECK(toYaml(Json{{"a", "x\n\ty\n"}}) == "a: \"x\\n\\ty\\n\"\n");
  CHECK(toYaml(Json{{"a", "x\ny "}}) == "a: \"x\\ny \"\n");
  CHECK(toYaml(Json{{"a", "x\ny\n"}}) == "a: |\n  x\n  y\n");
  CHECK(toYaml(Json{{"a", "\n"}, {"b", 1}}) == "a: |2+\n\nb: 1\n");
}

TEST_CASE("plain-safe strings: words that read as other types are not, at any length", "[core][yaml]") {
  for (const char* s : {"FALSE", "False", "NULL", "y", "off", ".inf", "1234567", "+12345", "-12345", "0x1F", "1_000_000", ".5e10",
                        "3.14159", "2024-01-02T00:00:00Z", "12:30", "1:20:30", "-1:30", "190:20:30.15", "a\u2028b", "x\u0085"}) {
    CHECK_FALSE(isPlainSafeString(s));
  }
  // go-yaml (kubectl, kustomize) writes these plain: only the dotted forms are YAML 1.1 floats.
  for (const char* s : {"False1", "nullable", "offset", "Infinity", "NaNs", "yes-no", "-abcdef", "+plus-sign", ".hidden", "1a2b3c4d",
                        "deployment", "x", "web-7d4b9c", "inf", "INF", "nan", "Nan", "+inf", "-inf", "12:60", "1:2:3x", "a:30"}) {
    CHECK(isPlainSafeString(s));
  }
}

TEST_CASE("kustomize's reading turns plain timestamps into RFC 3339, as kustomize prints them", "[core][yaml]") {
  CHECK(timestampAsRfc3339("2024-03-15") == "2024-03-15T00:00:00Z");
  CHECK(timestampAsRfc3339("2024-1-2") == "2024-01-02T00:00:00Z");
  CHECK(timestampAsRfc3339("2024-03-15 10:20:30") == "2024-03-15T10:20:30Z");
  CHECK(timestampAsRfc3339("2024-03-15T10:20:30.500+02:00") == "2024-03-15T10:20:30.5+02:00");
  CHECK(timestampAsRfc3339("2024-03-15t10:20:30Z") == "2024-03-15T10:20:30Z");
  CHECK(timestampAsRfc3339("2024-03-15T10:20:30.000+00:00") == "2024-03-15T10:20:30Z");
  CHECK(timestampAsRfc3339("2024-02-29") == "2024-02-29T00:00:00Z");
  for (const char* text : {"2023-02-29", "2024-13-45", "2024-03-15 10:20", "2024-03-15T10:20:30", "2001-12-14 21:59:43.10 -5", "12024-03-15",
                           "2024-03-15x", "2024-03-15 24:00:00", "v2024-03-15"}) {
    INFO(text);
    CHECK_FALSE(timestampAsRfc3339(text).has_value());
  }
  const std::string text = "metadata:\n  annotations:\n    when: 2024-01-01\n  labels:\n    day: 2024-01-01\ndata:\n  a: 2024-03-15\n  b: \"2024-03-15\"\n  2024-01-01: key\n";
  YamlLoadOptions kustomize;
  kustomize.kustomizeTimestamps = true;
  const Json read = loadYamlDocument(text, "t.yaml", kustomize).value;
  CHECK(read["metadata"]["annotations"]["when"] == "2024-01-01");  // kustomize rewrites annotations as the strings they were
  CHECK(read["metadata"]["labels"]["day"] == "2024-01-01T00:00:00Z");
  CHECK(read["data"]["a"] == "2024-03-15T00:00:00Z");
  CHECK(read["data"]["b"] == "2024-03-15");  // quoted: a string
  CHECK(read["data"]["2024-01-01"] == "key");  // keys stay
  CHECK(loadYamlDocument(text, "t.yaml").value["data"]["a"] == "2024-03-15");  // kubectl's reading keeps the text
}

TEST_CASE("floats print as the Go tools print them after JSON, Unicode line breaks as escapes", "[core][yaml]") {
  CHECK(toYaml(Json{{"a", 5e6}, {"b", 1000.0}, {"c", -0.0}, {"d", 0.5}, {"e", 1e22}}) == "a: 5000000\nb: 1000\nc: 0\nd: 0.5\ne: 1e+22\n");
  // As kubectl kustomize prints them: Go's shortest digits; plain for exponents -4 to 5
  // (and for integral values that fit 64 bits, which come back from JSON as integers),
  // else exponent notation with at least two exponent digits.
  const std::pair<double, const char*> kubectl[] = {
      {1e-5, "1e-05"},          {-1234567.5, "-1.2345675e+06"},  {1.8446744073709552e19, "1.8446744073709552e+19"},
      {12345.678, "12345.678"}, {-0.000123, "-0.000123"},        {1e-4, "0.0001"},
      {1e20, "1e+20"},          {1.5e20, "1.5e+20"},             {1e23, "1e+23"},
      {123456.5, "123456.5"},   {9.28071737214422e+18, "9280717372144220000"}, {-43025556754851820.0, "-43025556754851820"}};
  for (const auto& [value, text] : kubectl) {
    INFO(text);
    CHECK(toYaml(Json{{"v", value}}) == std::string("v: ") + text + "\n");
  }
  CHECK(toYaml(Json{{"motd", "Welcome\u2028Be careful"}, {"nel", "a\u0085b"}}) == "motd: \"Welcome\\LBe careful\"\nnel: \"a\\u0085b\"\n");
  CHECK(toYaml(Json{{"time", "12:30"}, {"k", "inf"}}) == "k: inf\ntime: \"12:30\"\n");
  // As kubectl prints them: << plain as a value (quoted as a key, where it would merge);
  // .1_000 is a float to go-yaml v2 (quoted), ._5 is not.
  CHECK(toYaml(Json{{"a", "<<"}, {"b", ".1_000"}, {"e", "._5"}, {"<<", "v"}}) == "'<<': v\na: <<\nb: \".1_000\"\ne: ._5\n");
  CHECK(resolvePlainScalar(".1_000").is_number_float());
  CHECK(resolvePlainScalar(".1_000", YamlBooleans::Yaml12).is_string());
}

TEST_CASE("a comma at the top level of a document is an error, not a runaway parse") {
  // yaml-cpp 0.7 loops forever on these (found by fuzz/parsers/yaml_loader_fuzzer).
  for (const char* text : {",", "[a],", "\"x\",", ",a", " ,"}) {
    INFO(text);
    CHECK_THROWS_WITH(loadYamlDocuments(text, "bad.yaml"), Catch::Contains("bad.yaml:1:") && Catch::Contains("outside any [ ] or { }"));
  }
  CHECK(loadYamlDocuments("a: [1, 2]\n---\nb: {c: 3, d: 4}\n", "ok.yaml").size() == 2);
}

TEST_CASE("long values fold at column 80 as go-yaml folds them, and the first empty line of a block is indicated", "[core][yaml]") {
  Json obj = {{"data", {{"plain-long", "plain words that are definitely longer than the eighty column limit go-yaml uses here"},
                        {"sq-long", ": starts with colon space and is definitely longer than eighty columns in total, yes"},
                        {"dq-long", "this line has a tab\there and is definitely longer than eighty columns in total ok"},
                        {"f1.txt", "\nfirst line empty\n"}}}};
  // As kubectl kustomize (go-yaml v3) prints them.
  CHECK(toYaml(obj) ==
        "data:\n"
        "  dq-long: \"this line has a tab\\there and is definitely longer than eighty columns\n"
        "    in total ok\"\n"
        "  f1.txt: |2\n"
        "\n"
        "    first line empty\n"
        "  plain-long: plain words that are definitely longer than the eighty column limit\n"
        "    go-yaml uses here\n"
        "  sq-long: ': starts with colon space and is definitely longer than eighty columns\n"
        "    in total, yes'\n");
}
