#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "git_cli.hpp"
#include "sim/core/error.hpp"
#include "sim/git/workspace.hpp"
#include "sim/render/kustomize.hpp"
#include "sim/render/field_path.hpp"
#include "sim/render/renderer.hpp"
#include "sim/render/vars.hpp"

using namespace gs;
using namespace gs::render;
namespace fs = std::filesystem;

namespace {

// A throwaway folder of files for one test.
struct Files {
  fs::path root;
  Files() {
    std::string pattern = (fs::temp_directory_path() / "gs-render-XXXXXX").string();
    root = mkdtemp(pattern.data());
  }
  ~Files() { fs::remove_all(root); }
  void write(const std::string& path, const std::string& content) {
    fs::create_directories((root / path).parent_path());
    std::ofstream(root / path) << content;
  }
  std::vector<Json> render(const std::string& app, const RenderOptions& options = {}) {
    DiskSource source(root);
    return render::render(source, app, options);
  }
};

const char* kDeployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n";

// The error a render of `app` throws.
Error renderError(Files& f, const std::string& app) {
  try {
    f.render(app);
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected an error rendering " << app);
  return Error::internal("unreachable");
}

}  // namespace

TEST_CASE("render: a plain directory, recursive on request, with include and exclude globs", "[render]") {
  Files f;
  f.write("app/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
  f.write("app/c.json", R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"}})");
  f.write("app/README.md", "not a manifest");
  f.write("app/sub/d.yml", "apiVersion: v1\nkind: Secret\nmetadata: {name: d}\n");
  f.write("app/sub/skip.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: skip}\n");
  auto names = [](const std::vector<Json>& objects) {
    std::vector<std::string> out;
    for (const auto& o : objects) out.push_back(o["metadata"]["name"]);
    return out;
  };
  CHECK(names(f.render("app")) == std::vector<std::string>{"a", "b", "c"});
  RenderOptions recurse;
  recurse.recurse = true;
  CHECK(names(f.render("app", recurse)) == std::vector<std::string>{"a", "b", "c", "d", "skip"});
  recurse.exclude = "sub/skip.yaml";
  CHECK(names(f.render("app", recurse)) == std::vector<std::string>{"a", "b", "c", "d"});
  recurse.include = "{*.json,sub/*}";
  CHECK(names(f.render("app", recurse)) == std::vector<std::string>{"c", "d"});

  f.write("app/bad.yaml", "just: some config\n");
  auto e = renderError(f, "app");
  CHECK(e.errorClass() == ErrorClass::InvalidInput);
  CHECK_THAT(e.what(), Catch::Contains("bad.yaml"));
}

TEST_CASE("render: kustomize errors name the kustomization, line and field", "[render]") {
  Files f;
  f.write("base/deploy.yaml", kDeployment);
  f.write("base/kustomization.yaml", "resources:\n- deploy.yaml\n");

  f.write("missing/kustomization.yaml", "resources:\n- deploy.yaml\n- nope.yaml\n");
  f.write("missing/deploy.yaml", kDeployment);
  auto e = renderError(f, "missing");
  CHECK_THAT(e.what(), Catch::Contains("missing/kustomization.yaml:3:3: resources.1:"));
  CHECK_THAT(e.what(), Catch::Contains("nope.yaml' must resolve to a file or a directory with a kustomization"));

  f.write("unknown/kustomization.yaml", "resources:\n- ../base\nnamePrefx: x-\n");
  e = renderError(f, "unknown");
  CHECK_THAT(e.what(), Catch::Contains("unknown/kustomization.yaml:3:") && Catch::Contains(": namePrefx: unknown field \"namePrefx\""));

  f.write("collide/cms.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: b}\n");
  f.write("collide/kustomization.yaml", "resources: [cms.yaml]\nnamespace: dev\n");
  CHECK_THAT(renderError(f, "collide").what(), Catch::Contains("collide/kustomization.yaml:2:12: namespace: namespace transformation produces ID conflict: ConfigMap dev/c"));

  // CheckEmpty: nothing but zero values is an error; an empty list is not.
  for (const char* text : {"", "# nothing yet\n", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n", "resources:\nnamespace: \"\"\n"}) {
    f.write("empty/kustomization.yaml", text);
    CHECK_THAT(renderError(f, "empty").what(), Catch::Contains("empty/kustomization.yaml") && Catch::Contains("kustomization.yaml is empty"));
  }
  f.write("generated/job.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\nspec: {}\n");
  f.write("generated/kustomization.yaml", "resources: [job.yaml]\n");
  CHECK_THAT(renderError(f, "generated").what(), Catch::Contains("missing metadata.name in object {{batch/v1 Job} {{ } map[] map[]}}"));
  f.write("empty/kustomization.yaml", "resources: []\n");
  CHECK(f.render("empty").empty());
  f.write("pair/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Kustomization\nresources: [../base]\n");
  CHECK_THAT(renderError(f, "pair").what(), Catch::Contains("pair/kustomization.yaml:1:13: apiVersion: apiVersion for Kustomization should be kustomize.config.k8s.io/v1beta1"));
  f.write("nest/app/kustomization.yaml", "resources: [../]\n");
  f.write("nest/kustomization.yaml", "resources: [../base]\n");
  CHECK_THAT(renderError(f, "nest/app").what(), Catch::Contains("cycle detected: candidate root") && Catch::Contains("contains visited root"));
  f.write("component/deploy.yaml", kDeployment);
  f.write("component/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [deploy.yaml]\nnamePrefix: c-\n");
  CHECK(f.render("component").at(0)["metadata"]["name"] == "c-web");  // built on its own, a Component renders

  f.write("helm/kustomization.yaml", "helmCharts:\n- name: redis\n");
  CHECK_THAT(renderError(f, "helm").what(), Catch::Contains("helmCharts: \"helmCharts\" is not supported by gitops-sim"));
  f.write("remote/kustomization.yaml", "resources:\n- https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0\n");
  CHECK_THAT(renderError(f, "remote").what(), Catch::Contains("remote resources"));
  f.write("build/kustomization.yaml", "buildMetadata: [originAnnotations, transformerAnnotations]\n");
  CHECK_THAT(renderError(f, "build").what(), Catch::Contains("buildMetadata.1: buildMetadata transformerAnnotations is not supported"));
  f.write("sort/kustomization.yaml", "sortOptions:\n  order: Fifo\n");
  CHECK_THAT(renderError(f, "sort").what(), Catch::Contains("sort/kustomization.yaml:2:") && Catch::Contains("must be one of [fifo, legacy]"));

  f.write("cycle-a/kustomization.yaml", "resources:\n- ../cycle-b\n");
  f.write("cycle-b/kustomization.yaml", "resources:\n- ../cycle-a\n");
  CHECK_THAT(renderError(f, "cycle-a").what(), Catch::Contains("cycle detected: ") && Catch::Contains("cycle-a -> ") &&
                                                   Catch::Contains("cycle-b -> "));

  f.write("badpatch/kustomization.yaml",
          "resources:\n- ../base\npatches:\n- patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: api\n    spec:\n      replicas: 2\n");
  e = renderError(f, "badpatch");
  CHECK_THAT(e.what(), Catch::Contains("badpatch/kustomization.yaml:4:") && Catch::Contains("patches.0:") &&
                           Catch::Contains("Deployment api: failed to find unique target for patch"));
  f.write("nopatchfile/kustomization.yaml", "resources:\n- ../base\npatches:\n- path: gone.yaml\n");
  CHECK_THAT(renderError(f, "nopatchfile").what(), Catch::Contains("patches.0.path: patch file") && Catch::Contains("gone.yaml\" not found"));
  f.write("json-no-target/kustomization.yaml", "resources:\n- ../base\npatches:\n- patch: '[{\"op\": \"remove\", \"path\": \"/spec\"}]'\n");
  CHECK_THAT(renderError(f, "json-no-target").what(), Catch::Contains("a JSON 6902 patch needs a target"));
  // An empty list is both an empty JSON patch and no strategic merge patch: refused.
  f.write("json-empty/kustomization.yaml", "resources:\n- ../base\npatches:\n- target: {kind: Deployment}\n  patch: '[]'\n");
  CHECK_THAT(renderError(f, "json-empty").what(), Catch::Contains("patches.0: illegally qualifies as both an SM and JSON patch"));
  // A patch naming its object with another apiVersion: the message says which one exists.
  f.write("wrong-version/kustomization.yaml",
          "resources:\n- ../base\npatches:\n- patch: |\n    apiVersion: extensions/v1beta1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      replicas: 2\n");
  CHECK_THAT(renderError(f, "wrong-version").what(),
             Catch::Contains("no resource matches strategic merge patch for extensions/v1beta1 Deployment web") &&
                 Catch::Contains("(there is a Deployment web of apiVersion apps/v1"));
  f.write("config-folder/conf/x.yaml", "namePrefix: []\n");
  f.write("config-folder/kustomization.yaml", "resources:\n- ../base\nconfigurations:\n- conf\n");
  CHECK_THAT(renderError(f, "config-folder").what(), Catch::Contains("configurations.0: '") && Catch::Contains("conf' must resolve to a file"));
  f.write("escape/kustomization.yaml", "resources:\n- ../base/deploy.yaml\n");
  CHECK_THAT(renderError(f, "escape").what(), Catch::Contains("security; file") && Catch::Contains("is not in or below"));
  f.write("badtype/kustomization.yaml", "namePrefix: [a]\n");
  CHECK_THAT(renderError(f, "badtype").what(), Catch::Contains("namePrefix: expected a string"));
  f.write("two/kustomization.yaml", "resources: []\n");
  f.write("two/kustomization.yml", "resources: []\n");
  CHECK_THAT(renderError(f, "two").what(), Catch::Contains("found multiple kustomization files"));
  f.write("dup/kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n");
  f.write("dup/a.yaml", kDeployment);
  f.write("dup/b.yaml", kDeployment);
  CHECK_THAT(renderError(f, "dup").what(), Catch::Contains("already registered id: Deployment web"));
  f.write("gen/kustomization.yaml", "configMapGenerator:\n- name: c\n  behavior: merge\n  literals: [A=1]\n");
  CHECK_THAT(renderError(f, "gen").what(), Catch::Contains("configMapGenerator.0: cannot merge ConfigMap \"c\": no such ConfigMap"));
}

TEST_CASE("render: null scalars read as empty, and a RoleBinding's null subject namespace is kustomize's error", "[render]") {
  Files f;
  f.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n");
  f.write("app/p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace:\ndata:\n  b: \"2\"\n");
  f.write("app/kustomization.yaml", "resources: [cm.yaml]\npatches:\n- path: p.yaml\n");
  const auto objects = f.render("app");
  REQUIRE(objects.size() == 1);
  CHECK(objects[0]["data"] == Json{{"a", "1"}, {"b", "2"}});

  f.write("rb/rb.yaml",
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: test\nsubjects:\n- kind: ServiceAccount\n"
          "  name: test\n  namespace:\nroleRef:\n  kind: Role\n  name: test\n  apiGroup: rbac.authorization.k8s.io\n");
  f.write("rb/kustomization.yaml", "resources: [rb.yaml]\n");
  CHECK_THAT(renderError(f, "rb").what(), Catch::Contains("namespace is blank for resource RoleBinding test"));
}

TEST_CASE("render: vars, replacements and configurations errors name their file, line and field", "[render]") {
  Files f;
  f.write("base/deploy.yaml", kDeployment);
  f.write("base/kustomization.yaml", "resources:\n- deploy.yaml\n");

  // A var's objref matches group and version exactly: without them it names nothing.
  f.write("novar/kustomization.yaml", "resources:\n- ../base\nvars:\n- name: WEB\n  objref: {kind: Deployment, name: web}\n");
  auto e = renderError(f, "novar");
  CHECK_THAT(e.what(), Catch::Contains("novar/kustomization.yaml:4:3: vars: var 'WEB' cannot be mapped") &&
                           Catch::Contains("with group \"\" and version \"\""));
  f.write("twice/kustomization.yaml",
          "resources:\n- ../base\nvars:\n- name: W\n  objref: {kind: Deployment, name: web, apiVersion: apps/v1}\n"
          "- name: W\n  objref: {kind: Deployment, name: web, apiVersion: apps/v1}\n");
  CHECK_THAT(renderError(f, "twice").what(), Catch::Contains("vars.1: var 'W' already encountered"));
  f.write("nofield/kustomization.yaml",
          "resources:\n- ../base\nvars:\n- name: W\n  objref: {kind: Deployment, name: web, apiVersion: apps/v1}\n  fieldref: {fieldpath: spec.nope}\n");
  CHECK_THAT(renderError(f, "nofield").what(), Catch::Contains("field specified in var 'W' (spec.nope) not found in corresponding resource Deployment web"));

  f.write("nosource/kustomization.yaml", "resources:\n- ../base\nreplacements:\n- source: {kind: Service, name: web}\n  targets:\n  - select: {kind: Deployment}\n");
  CHECK_THAT(renderError(f, "nosource").what(), Catch::Contains("nosource/kustomization.yaml:4:3: replacements.0: nothing selected by the replacement source (kind Service, name web)"));
  f.write("notarget/kustomization.yaml", "resources:\n- ../base\nreplacements:\n- source: {kind: Deployment, name: web}\n");
  CHECK_THAT(renderError(f, "notarget").what(), Catch::Contains("replacements must specify a source and at least one target"));
  f.write("badtype/repl.yaml", "- source: {kind: Deployment, name: web, fieldPath: spec.template.spec.containers.0.image}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.replicas]\n    options: {create: true}\n");
  f.write("badtype/d.yaml", std::string(kDeployment) + "  replicas: 1\n");
  f.write("badtype/kustomization.yaml", "resources:\n- d.yaml\nreplacements:\n- path: repl.yaml\n");
  CHECK_THAT(renderError(f, "badtype").what(), Catch::Contains("badtype/repl.yaml") && Catch::Contains("cannot decode !!str `nginx:1.25` as a !!int"));
  f.write("nolist/kustomization.yaml",
          "resources:\n- ../base\nreplacements:\n- source: {kind: Deployment, name: web}\n  targets:\n  - select: {kind: Deployment}\n"
          "    fieldPaths: [spec.template.spec.containers.3.name]\n    options: {create: true}\n");
  CHECK_THAT(renderError(f, "nolist").what(), Catch::Contains("unable to find or create field \"spec.template.spec.containers.3.name\"") &&
                                                 Catch::Contains("index 3 specified but only 1 elements found"));
  f.write("badopt/kustomization.yaml", "replacements:\n- source: {kind: Deployment, name: web, options: {delimter: x}}\n  targets: []\n");
  CHECK_THAT(renderError(f, "badopt").what(), Catch::Contains("badopt/kustomization.yaml:2:") && Catch::Contains("unknown field \"delimter\""));

  f.write("conf/kustomization.yaml", "resources:\n- ../base\nconfigurations:\n- conf.yaml\n");
  f.write("conf/conf.yaml", "commonLabels:\n- kind: Deployment\n  pth: spec/x\n");
  CHECK_THAT(renderError(f, "conf").what(), Catch::Contains("conf/conf.yaml:3:") && Catch::Contains(": commonLabels.0.pth: unknown field \"pth\""));
  f.write("conf/conf.yaml", "commonLabels:\n- path: metadata/labels\n  create: false\n");
  CHECK_THAT(renderError(f, "conf").what(), Catch::Contains("configurations.0: conflicting fieldspecs"));
  f.write("noconf/kustomization.yaml", "configurations:\n- ../base/deploy.yaml\n");
  CHECK_THAT(renderError(f, "noconf").what(), Catch::Contains("configurations.0: security; file"));
}

TEST_CASE("render: var expansion is kustomize's", "[render]") {
  const std::map<std::string, Json> values{{"NAME", "web"}, {"PORT", 8080}, {"ON", true}, {"OBJ", Json()}};
  CHECK(render::expandVars("$(NAME)", values) == "web");
  CHECK(render::expandVars("$(PORT)", values) == 8080);  // a whole-string reference keeps the value's type
  CHECK(render::expandVars("$(ON)", values) == true);
  CHECK(render::expandVars("http://$(NAME):$(PORT)/", values) == "http://web:8080/");
  CHECK(render::expandVars("$$(NAME) $(OTHER) $(OBJ) $x $( $", values) == "$(NAME) $(OTHER) $(OBJ) $x $( $");
  CHECK(render::expandVars("a$$b", values) == "a$b");
}

TEST_CASE("render: kustomize field paths", "[render]") {
  using render::splitFieldPath;
  CHECK(splitFieldPath(".spec.template.spec.containers.[name=web.x].image") ==
        std::vector<std::string>{"spec", "template", "spec", "containers", "[name=web.x]", "image"});
  CHECK(splitFieldPath("metadata.annotations.[config.kubernetes.io/local-config]") ==
        std::vector<std::string>{"metadata", "annotations", "config.kubernetes.io/local-config"});
  CHECK(splitFieldPath("data.a\\.b") == std::vector<std::string>{"data", "a.b"});
  Json object = Json::parse(R"({"spec": {"ports": [{"name": "http", "port": 80}, {"name": "grpc", "port": 9090}]}})");
  CHECK(*render::lookupField(object, splitFieldPath("spec.ports.[name=grpc].port")) == 9090);
  CHECK(*render::lookupField(object, splitFieldPath("spec.ports.1.name")) == "grpc");
  CHECK(render::lookupField(object, splitFieldPath("spec.ports.*.port")) == nullptr);  // no wildcards in a lookup
  CHECK(render::matchFields(object, splitFieldPath("spec.ports.*.port")).size() == 2);
  auto made = render::lookupCreateFields(object, splitFieldPath("spec.ports.[name=admin].port"), Json());
  REQUIRE(made.size() == 1);
  *made[0] = 9901;
  CHECK(object["spec"]["ports"][2] == Json::parse(R"({"name": "admin", "port": 9901})"));
  CHECK(render::lookupCreateFields(object, splitFieldPath("spec.ports.*.protocol"), Json()).size() == 3);  // every element, none made
  CHECK_THROWS_WITH(render::lookupCreateFields(object, splitFieldPath("spec.ports.name"), Json()),
                    Catch::Contains("expected MappingNode but got SequenceNode"));
}

TEST_CASE("render: generator hashes are kustomize's and references follow renamed objects", "[render]") {
  Files f;
  f.write("app/kustomization.yaml",
          "namePrefix: dev-\nresources:\n- deploy.yaml\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1, B=two]\nsecretGenerator:\n- name: creds\n  "
          "literals: [A=1, B=two]\n");
  f.write("app/deploy.yaml",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      volumes:\n      - name: c\n        "
          "configMap: {name: cfg}\n      containers:\n      - name: web\n        image: nginx\n        envFrom:\n        - secretRef: {name: creds}\n");
  auto objects = f.render("app");
  REQUIRE(objects.size() == 3);
  // The worked examples of kustomize's hasher.
  CHECK(objects[0]["metadata"]["name"] == "dev-cfg-6b56fdfggc");
  CHECK(objects[1]["metadata"]["name"] == "dev-creds-m4kt5fh6g4");
  CHECK(objects[1]["type"] == "Opaque");
  CHECK(objects[2]["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"] == "dev-cfg-6b56fdfggc");
  CHECK(objects[2]["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["secretRef"]["name"] == "dev-creds-m4kt5fh6g4");
}

TEST_CASE("render: from a Git revision, with a cache keyed by the tree ids the render read", "[render][git]") {
  VirtualClock clock;
  git::Workspace ws(clock);
  git::Repository& repo = ws.createRepo(
      "deploy", {{"base/deploy.yaml", kDeployment},
                 {"base/kustomization.yaml", "resources:\n- deploy.yaml\n"},
                 {"apps/web/kustomization.yaml", "resources:\n- ../../base\nnamePrefix: prod-\nimages:\n- name: nginx\n  newTag: \"1.27\"\n"},
                 {"apps/other/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n"}});
  RenderCache cache;
  auto first = cache.render(repo, "main", "apps/web");
  REQUIRE(first->size() == 1);
  CHECK((*first)[0]["metadata"]["name"] == "prod-web");
  CHECK((*first)[0]["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27");
  CHECK(cache.stats().misses == 1);

  // Another app changes: same result, from the cache.
  git::CommitRequest other;
  other.changes.push_back({"apps/other/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other2}\n"});
  other.message = "other app";
  repo.commit(other);
  CHECK(cache.render(repo, "main", "apps/web").get() == first.get());
  CHECK(cache.stats().hits == 1);

  // The base outside the app folder changes: rendered again, the two kustomization files
  // (unchanged) from the parse cache.
  CHECK(cache.manifests().kustomizationsParsed() == 2);
  git::CommitRequest base;
  base.changes.push_back({"base/deploy.yaml", std::string(kDeployment) + "  replicas: 3\n"});
  base.message = "base";
  repo.commit(base);
  auto third = cache.render(repo, "main", "apps/web");
  CHECK(third.get() != first.get());
  CHECK((*third)[0]["spec"]["replicas"] == 3);
  CHECK(cache.stats().misses == 2);
  CHECK(cache.manifests().kustomizationsParsed() == 2);
  // The old revision is still served from the cache.
  CHECK(cache.render(repo, "main~2", "apps/web").get() == first.get());
  CHECK_THROWS_WITH(cache.render(repo, "main", "apps/none"), Catch::Contains("does not exist"));
  // A plain directory app from Git.
  CHECK(cache.render(repo, "main", "apps/other")->at(0)["metadata"]["name"] == "other2");

  // One file of a two-file app changes: the app renders again, but only that file is parsed.
  git::CommitRequest add;
  add.changes.push_back({"apps/other/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n"});
  add.message = "add a service";
  repo.commit(add);
  CHECK(cache.render(repo, "main", "apps/other")->size() == 2);
  const std::size_t parsedBefore = cache.manifests().size();
  git::CommitRequest edit;
  edit.changes.push_back({"apps/other/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: svc2}\n"});
  edit.message = "rename the service";
  repo.commit(edit);
  const std::size_t hitsBefore = cache.manifests().hits();
  CHECK(cache.render(repo, "main", "apps/other")->at(1)["metadata"]["name"] == "svc2");
  CHECK(cache.manifests().hits() == hitsBefore + 1);    // cm.yaml came from the parse cache
  CHECK(cache.manifests().size() == parsedBefore + 1);  // only svc.yaml was parsed

  // An image bump edits the app's kustomization: parsed again, and the new tag is used.
  git::CommitRequest bump;
  bump.changes.push_back({"apps/web/kustomization.yaml", "resources:\n- ../../base\nnamePrefix: prod-\nimages:\n- name: nginx\n  newTag: \"1.28\"\n"});
  bump.message = "bump";
  repo.commit(bump);
  CHECK(cache.render(repo, "main", "apps/web")->at(0)["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28");
  CHECK(cache.manifests().kustomizationsParsed() == 3);
  // A kustomization from the parse cache names the revision rendered now in its messages.
  git::CommitRequest remove;
  remove.changes.push_back({"base/deploy.yaml", std::nullopt});
  remove.message = "remove the base's resource";
  const std::string removed = repo.commit(remove);
  CHECK_THROWS_WITH(cache.render(repo, "main", "apps/web"), Catch::Contains(repo.name() + "@" + removed.substr(0, 7) + ":base/kustomization.yaml:2:3"));
  CHECK(cache.manifests().kustomizationsParsed() == 3);
}

TEST_CASE("render: one cache serves several repositories by content, and stays within its bound", "[render][git]") {
  VirtualClock clock;
  git::Workspace ws(clock);
  const std::map<std::string, std::string> files{{"apps/a/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"},
                                                 {"apps/b/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n"}};
  git::Repository& one = ws.createRepo("one", files);
  git::Repository& two = ws.createRepo("two", files);
  RenderCache cache(/*maxEntries=*/1);
  auto a = cache.render(one, "main", "apps/a");
  CHECK(cache.render(two, "main", "apps/a").get() == a.get());  // same content, another repository
  CHECK(cache.stats().hits == 1);
  // A second render does not fit: the cache starts over, so `a` renders again.
  CHECK(cache.render(one, "main", "apps/b")->at(0)["metadata"]["name"] == "b");
  auto again = cache.render(one, "main", "apps/a");
  CHECK(again.get() != a.get());
  CHECK(*again == *a);
  CHECK(cache.stats().misses == 3);
  CHECK(cache.manifests().size() <= 1);
}

TEST_CASE("render: the CLI prints kubectl kustomize's YAML and exits 2 on bad input", "[render][cli]") {
  Files f;
  f.write("app/kustomization.yaml", "resources:\n- deploy.yaml\ncommonLabels: {team: a}\n");
  f.write("app/deploy.yaml", kDeployment);
  auto out = test::runCommand(std::string(GS_CLI_PATH) + " render '" + (f.root / "app").string() + "'");
  CHECK(out.status == 0);
  auto reference = test::runCommand("{ kubectl kustomize '" + (f.root / "app").string() + "' 2>/dev/null; }");
  if (reference.status == 0) CHECK(out.output == reference.output);
  CHECK(out.output.find("      team: a\n") != std::string::npos);
  // The same app from a Git revision.
  VirtualClock clock;
  git::Workspace ws(clock);
  ws.createRepo("deploy", {{"apps/web/kustomization.yaml", "resources:\n- deploy.yaml\ncommonLabels: {team: a}\n"},
                           {"apps/web/deploy.yaml", kDeployment}});
  auto fromGit = test::runCommand(std::string(GS_CLI_PATH) + " render --repo '" + ws.serverPath("deploy").string() +
                                  "' --revision main --path apps/web");
  CHECK(fromGit.status == 0);
  CHECK(fromGit.output == out.output);
  auto noRev = test::runCommand(std::string(GS_CLI_PATH) + " render --repo '" + ws.serverPath("deploy").string() + "' --revision nope --path apps/web");
  CHECK(noRev.status == 2);
  CHECK_THAT(noRev.output, Catch::Contains("unknown revision \"nope\""));
  f.write("bad/kustomization.yaml", "oops: 1\n");
  auto bad = test::runCommand(std::string(GS_CLI_PATH) + " render '" + (f.root / "bad").string() + "'");
  CHECK(bad.status == 2);
  CHECK_THAT(bad.output, Catch::Contains("kustomization.yaml:1:") && Catch::Contains(": oops: unknown field \"oops\""));
}

TEST_CASE("render: built-in plugin configurations refuse what kustomize refuses, and misspelt fields, naming file, line and field", "[render]") {
  Files f;
  f.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n");
  auto withConfig = [&](const char* field, const std::string& config) {
    f.write("app/kustomization.yaml", std::string("resources: [cm.yaml]\n") + field + ":\n- plugin.yaml\n");
    f.write("app/plugin.yaml", config);
    return std::string(renderError(f, "app").what());
  };
  CHECK_THAT(withConfig("transformers", "apiVersion: example.com/v1\nkind: Mine\nmetadata: {name: x}\n"),
             Catch::Contains("app/kustomization.yaml:3:3: transformers.0: plugin Mine x") && Catch::Contains("external plugins are not supported"));
  CHECK_THAT(withConfig("transformers", "apiVersion: builtin\nkind: NoSuchTransformer\nmetadata: {name: x}\n"),
             Catch::Contains("unable to load builtin NoSuchTransformer"));
  CHECK_THAT(withConfig("transformers", "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: x}\nliterals: [a=b]\n"),
             Catch::Contains("plugin ConfigMapGenerator x") && Catch::Contains("is not a transformer"));
  CHECK_THAT(withConfig("generators", "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: x}\nlabels: {a: b}\n"),
             Catch::Contains("generators.0: plugin LabelTransformer x") && Catch::Contains("is not a generator"));
  CHECK_THAT(withConfig("generators", "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: x}\n"),
             Catch::Contains("the built-in HelmChartInflationGenerator is not supported by gitops-sim"));
  CHECK_THAT(withConfig("transformers", "apiVersion: builtin\nkind: PrefixTransformer\nmetadata: {name: x}\nprefix: a-\n"),
             Catch::Contains("fieldSpecs is not expected to be nil"));
  // A misspelt field (kustomize would ignore it and label nothing): the file, line and field.
  CHECK_THAT(withConfig("transformers", "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: x}\nlabels: {a: b}\nfieldSpec:\n- path: metadata/labels\n"),
             Catch::Contains("app/plugin.yaml:6:") && Catch::Contains("fieldSpec: unknown field \"fieldSpec\" for a LabelTransformer"));
  CHECK_THAT(withConfig("transformers", "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: x}\nlabels: {a: [1]}\n"),
             Catch::Contains("app/plugin.yaml:4:") && Catch::Contains("labels.a: expected a string"));
  CHECK_THAT(withConfig("transformers",
                        "apiVersion: builtin\nkind: ReplicaCountTransformer\nmetadata: {name: x}\nreplica: {name: nope, count: 2}\n"
                        "fieldSpecs:\n- {kind: Deployment, path: spec/replicas}\n"),
             Catch::Contains("transformers.0: ReplicaCountTransformer x") && Catch::Contains("resource with name nope does not match a config"));
  CHECK_THAT(withConfig("transformers", "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata: {name: x, namespace: n}\nsetRoleBindingSubjects: some\n"),
             Catch::Contains("invalid value \"some\" for setRoleBindingSubjects"));
  CHECK_THAT(withConfig("transformers", "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: x}\nlabels: {a: b}\nfieldSpecs:\n- {path: metadata/name}\n"),
             Catch::Contains("transformers.0: LabelTransformer x") && Catch::Contains("expected MappingNode but got ScalarNode"));
  CHECK_THAT(withConfig("generators", "apiVersion: builtin\nkind: ConfigMapGenerator\nliterals: [a=b]\n"), Catch::Contains("missing metadata.name"));
  // Two configurations with one id, and a file outside the kustomization's folder.
  CHECK_THAT(withConfig("transformers", "apiVersion: builtin\nkind: HashTransformer\nmetadata: {name: h}\n---\napiVersion: builtin\nkind: HashTransformer\nmetadata: {name: h}\n"),
             Catch::Contains("may not add resource with an already registered id"));
  f.write("outside.yaml", "apiVersion: builtin\nkind: HashTransformer\nmetadata: {name: h}\n");
  f.write("app/kustomization.yaml", "resources: [cm.yaml]\ntransformers:\n- ../outside.yaml\n");
  CHECK_THAT(renderError(f, "app").what(), Catch::Contains("transformers.0: security; file"));
  f.write("app/kustomization.yaml", "resources: [cm.yaml]\ntransformers:\n- gone.yaml\n");
  CHECK_THAT(renderError(f, "app").what(), Catch::Contains("app/kustomization.yaml:3:3: transformers.0: accumulating transformers") &&
                                               Catch::Contains("must resolve to a file or a directory"));
}

TEST_CASE("render: the openapi field refuses what kustomize refuses, and a schema file it cannot use", "[render]") {
  Files f;
  f.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n");
  auto withOpenApi = [&](const std::string& field) {
    f.write("app/kustomization.yaml", "resources: [cm.yaml]\nopenapi:\n" + field);
    return std::string(renderError(f, "app").what());
  };
  CHECK_THAT(withOpenApi("  version: v1.30.0\n"), Catch::Contains("app/kustomization.yaml:3:") && Catch::Contains("the specified OpenAPI version is not built in"));
  CHECK_THAT(withOpenApi("  version: v1.21.2\n  path: s.json\n"), Catch::Contains("builtin version and custom schema provided, cannot use both"));
  CHECK_THAT(withOpenApi("  file: s.json\n"), Catch::Contains("unknown openapi field \"file\""));
  CHECK_THAT(withOpenApi("  path: gone.json\n"), Catch::Contains("openapi.path: OpenAPI schema file") && Catch::Contains("not found"));
  f.write("app/s.json", "{\"swagger\": \"2.0\"}");
  CHECK_THAT(withOpenApi("  path: s.json\n"), Catch::Contains("invalid schema file") && Catch::Contains("no \"definitions\" map"));
  f.write("app/s.json", "{\"definitions\": ");
  CHECK_THAT(withOpenApi("  path: s.json\n"), Catch::Contains("app/s.json:1:"));
  f.write("schema.json", "{\"definitions\": {}}");
  CHECK_THAT(withOpenApi("  path: ../schema.json\n"), Catch::Contains("security; file"));
  // The built-in version renders as without the field.
  f.write("app/kustomization.yaml", "resources: [cm.yaml]\nopenapi:\n  version: v1.21.2\n");
  CHECK(f.render("app").size() == 1);
}

TEST_CASE("render: a file reached through a symbolic link must really lie in or below the kustomization's folder", "[render]") {
  Files f;
  f.write("outside/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: out}\n");
  f.write("app/sub/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in}\n");
  fs::create_symlink("sub/cm.yaml", f.root / "app/link-in.yaml");
  fs::create_symlink("../outside/cm.yaml", f.root / "app/link-out.yaml");
  fs::create_symlink("../outside", f.root / "app/linkdir");
  f.write("app/kustomization.yaml", "resources: [link-in.yaml]\n");
  CHECK(f.render("app").at(0)["metadata"]["name"] == "in");
  for (const char* entry : {"resources: [link-out.yaml]\n", "resources: [linkdir/cm.yaml]\n",
                                   "configMapGenerator:\n- name: g\n  files: [link-out.yaml]\n",
                                   "resources: [link-in.yaml]\npatches:\n- path: link-out.yaml\n"}) {
    f.write("app/kustomization.yaml", entry);
    CHECK_THAT(renderError(f, "app").what(), Catch::Contains("security; file") && Catch::Contains("is not in or below"));
  }
}
