#include <catch2/catch.hpp>

#include "sim/ci/yaml_edit.hpp"
#include "sim/core/error.hpp"

using namespace gs::ci;

TEST_CASE("yaml edit: paths parse and print", "[ci][yaml-edit]") {
  auto p = parseYamlPath("spec.containers[0].image");
  REQUIRE(p.size() == 4);
  CHECK(p[0].key == "spec");
  CHECK(p[2].index == 0u);
  CHECK(formatYamlPath(p) == "spec.containers[0].image");
  CHECK(parseYamlPath("a\\.b.c").front().key == "a.b");
  CHECK_THROWS_AS(parseYamlPath(""), gs::Error);
  CHECK_THROWS_AS(parseYamlPath("a..b"), gs::Error);
  CHECK_THROWS_AS(parseYamlPath("a[x]"), gs::Error);
}

TEST_CASE("yaml edit: only the scalar's bytes change: comments, order and quoting stay", "[ci][yaml-edit]") {
  const std::string values =
      "# Helm values for web\n"
      "replicaCount: 2   # two is enough\n"
      "image:\n"
      "  repository: registry.example.com/web  # where it lives\n"
      "  tag: v1.0.0 # bumped by CI\n"
      "  pullPolicy: IfNotPresent\n"
      "\n"
      "service: {type: ClusterIP, port: 80}\n";
  std::string out = setYamlScalar(values, parseYamlPath("image.tag"), "abc1234", "values.yaml");
  CHECK(out ==
        "# Helm values for web\n"
        "replicaCount: 2   # two is enough\n"
        "image:\n"
        "  repository: registry.example.com/web  # where it lives\n"
        "  tag: abc1234 # bumped by CI\n"
        "  pullPolicy: IfNotPresent\n"
        "\n"
        "service: {type: ClusterIP, port: 80}\n");
  // A value YAML would read as a number is quoted; a quoted value keeps its quotes.
  CHECK(setYamlScalar(values, parseYamlPath("image.tag"), "1.10", "values.yaml").find("  tag: \"1.10\" # bumped by CI\n") != std::string::npos);
  CHECK(setYamlScalar(values, parseYamlPath("image.tag"), "1234567", "values.yaml").find("  tag: \"1234567\" #") != std::string::npos);
  CHECK(setYamlScalar("tag: 'v1'\n", parseYamlPath("tag"), "it's", "f") == "tag: 'it''s'\n");
  CHECK(setYamlScalar("tag: \"v1\"\n", parseYamlPath("tag"), "v2", "f") == "tag: \"v2\"\n");
  // Flow mappings are edited in place too.
  CHECK(setYamlScalar(values, parseYamlPath("service.port"), "8080", "values.yaml").find("service: {type: ClusterIP, port: \"8080\"}\n") !=
        std::string::npos);
  // Sequence elements.
  CHECK(setYamlScalar("images:\n  - a:1\n  - b:1 # second\n", parseYamlPath("images[1]"), "b:2", "f") == "images:\n  - a:1\n  - b:2 # second\n");
}

TEST_CASE("yaml edit: missing keys are added in the mapping's layout", "[ci][yaml-edit]") {
  CHECK(setYamlScalar("image:\n  repository: web\n", parseYamlPath("image.tag"), "v2", "f") == "image:\n  tag: v2\n  repository: web\n");
  CHECK(setYamlScalar("a: 1\n", parseYamlPath("image.tag"), "v2", "f") == "a: 1\nimage:\n  tag: v2\n");
  CHECK(setYamlScalar("a: 1", parseYamlPath("b"), "x", "f") == "a: 1\nb: x\n");
  CHECK(setYamlScalar("", parseYamlPath("image.tag"), "v2", "f") == "image:\n  tag: v2\n");
  CHECK(setYamlScalar("list:\n- name: web\n  x: 1\n", parseYamlPath("list[0].tag"), "v2", "f") == "list:\n- name: web\n  tag: v2\n  x: 1\n");
  CHECK(setYamlScalar("image:\n  tag:\n  x: 1\n", parseYamlPath("image.tag"), "v2", "f") == "image:\n  tag: v2\n  x: 1\n");
  CHECK(setYamlScalar("image:\n  tag: ~ # none yet\n", parseYamlPath("image.tag"), "v2", "f") == "image:\n  tag: v2 # none yet\n");
  // Flow mappings take the key inside their braces.
  CHECK(setYamlScalar("image: {repository: web}  # pinned\n", parseYamlPath("image.tag"), "v2", "f") ==
        "image: {repository: web, tag: v2}  # pinned\n");
  CHECK(setYamlScalar("image: {}\n", parseYamlPath("image.tag"), "a,b", "f") == "image: {tag: \"a,b\"}\n");
  CHECK(setYamlScalar("a: {b: {c: \"}\"}}\n", parseYamlPath("a.x.k"), "1", "f") == "a: {b: {c: \"}\"}, x: {k: \"1\"}}\n");
}

TEST_CASE("yaml edit: what cannot be edited safely is an error naming file and key", "[ci][yaml-edit]") {
  try {
    setYamlScalar("image:\n  tag: |\n    v1\n", parseYamlPath("image.tag"), "v2", "values.yaml");
    FAIL("expected an error");
  } catch (const gs::Error& e) {
    CHECK(e.errorClass() == gs::ErrorClass::InvalidInput);
    CHECK_THAT(e.message(), Catch::Contains("values.yaml: cannot set image.tag: block scalars"));
    CHECK(e.where().line == 2);
    CHECK(e.keyPath() == "image.tag");
  }
  CHECK_THROWS_WITH(setYamlScalar("image:\n  tag:\n    nested: 1\n", parseYamlPath("image.tag"), "v2", "v.yaml"),
                    Catch::Contains("mapping, not a scalar"));
  CHECK_THROWS_WITH(setYamlScalar("image: [a]\n", parseYamlPath("image.tag"), "v2", "v.yaml"), Catch::Contains("image is not a mapping"));
  CHECK_THROWS_WITH(setYamlScalar("a: [1, 2\n", parseYamlPath("a"), "v2", "v.yaml"), Catch::Contains("v.yaml: not valid YAML"));
  CHECK_THROWS_WITH(setYamlScalar("l: [1]\n", parseYamlPath("l[3]"), "v2", "v.yaml"), Catch::Contains("no element [3]"));
}

TEST_CASE("yaml edit: kustomization images entries are updated or added", "[ci][yaml-edit]") {
  const std::string k =
      "apiVersion: kustomize.config.k8s.io/v1beta1\n"
      "kind: Kustomization\n"
      "resources:\n"
      "  - deployment.yaml  # the app\n"
      "images:\n"
      "  # pinned by CI\n"
      "  - name: registry.example.com/web\n"
      "    newTag: \"1.0\"\n"
      "  - name: redis\n"
      "    newTag: '7'\n";
  KustomizeImageEdit edit;
  edit.name = "registry.example.com/web";
  edit.newTag = "abc1234";
  CHECK(setKustomizeImage(k, edit, "kustomization.yaml") ==
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
        "kind: Kustomization\n"
        "resources:\n"
        "  - deployment.yaml  # the app\n"
        "images:\n"
        "  # pinned by CI\n"
        "  - name: registry.example.com/web\n"
        "    newTag: \"abc1234\"\n"
        "  - name: redis\n"
        "    newTag: '7'\n");
  KustomizeImageEdit fresh;
  fresh.name = "ghcr.io/acme/api";
  fresh.newTag = "v2";
  fresh.digest = "sha256:0123";
  std::string added = setKustomizeImage(k, fresh, "kustomization.yaml");
  CHECK(added.find("images:\n  # pinned by CI\n  - name: ghcr.io/acme/api\n    newTag: v2\n    digest: sha256:0123\n  - name: registry.example.com/web\n") !=
        std::string::npos);
  edit.digest = "sha256:feed";
  CHECK(setKustomizeImage("images:\n- name: registry.example.com/web\n  newTag: old\n", edit, "k") ==
        "images:\n- name: registry.example.com/web\n  digest: sha256:feed\n  newTag: abc1234\n");
  CHECK(setKustomizeImage("resources:\n- a.yaml\n", fresh, "k") ==
        "resources:\n- a.yaml\nimages:\n- name: ghcr.io/acme/api\n  newTag: v2\n  digest: sha256:0123\n");
  CHECK_THROWS_WITH(setKustomizeImage("images: {}\n", fresh, "k"), Catch::Contains("images is not a list"));
  // An entry written in flow style, as the docs' examples write them.
  CHECK(setKustomizeImage("images:\n  - {name: registry.example.com/web, newTag: v1}\n", edit, "k") ==
        "images:\n  - {name: registry.example.com/web, newTag: abc1234, digest: sha256:feed}\n");
}

TEST_CASE("yaml edit: image fields that all exist are set in one pass, as one edit after another would", "[ci][yaml-edit]") {
  // setKustomizeImage edits existing fields in place from one parse (last position
  // first); setYamlScalar, field by field, re-reads the file between edits: the oracle.
  const std::vector<std::string> kustomizations = {
      "images:\n- name: web\n  newName: registry.example.com/web # moved\n  newTag: \"v1\"\n  digest: 'sha256:aa'\n",
      "images:\n  - digest: sha256:aa\n    newTag: v1\n    name: web\n    newName: old/web\n  - name: other\n",
      "images:\n- {name: web, newTag: v1, newName: old, digest: ~}\n",
      "images:\n- name: web\n  newTag:\n  newName: old # comment\n  digest: null\n",
  };
  KustomizeImageEdit edit;
  edit.name = "web";
  edit.newName = "ghcr.io/acme/web";
  edit.newTag = "v2, with a comma";
  edit.digest = "sha256:0123";
  for (const auto& k : kustomizations) {
    std::string oneByOne = k;
    oneByOne = setYamlScalar(oneByOne, parseYamlPath("images[0].newName"), *edit.newName, "k");
    oneByOne = setYamlScalar(oneByOne, parseYamlPath("images[0].newTag"), *edit.newTag, "k");
    oneByOne = setYamlScalar(oneByOne, parseYamlPath("images[0].digest"), *edit.digest, "k");
    CHECK(setKustomizeImage(k, edit, "k") == oneByOne);
  }
  // A field missing from the entry: added as before, the others set in place.
  KustomizeImageEdit tagOnly;
  tagOnly.name = "web";
  tagOnly.newTag = "v3";
  tagOnly.digest = "sha256:feed";
  CHECK(setKustomizeImage("images:\n- name: web\n  newTag: v1 # ci\n", tagOnly, "k") ==
        "images:\n- name: web\n  digest: sha256:feed\n  newTag: v3 # ci\n");
  CHECK_THROWS_WITH(setKustomizeImage("images:\n- name: web\n  newTag: [a, b]\n", tagOnly, "k"), Catch::Contains("not a scalar"));
}
