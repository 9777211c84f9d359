// libFuzzer target: the kustomize renderer. The input is a kustomization.yaml over a
// small fixed tree (a Deployment, a Service, a ConfigMap, a base with its own
// kustomization, a plugin configuration, an OpenAPI schema); any input must render or
// give a gs::Error, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "sim/core/error.hpp"
#include "sim/render/kustomize.hpp"
#include "sim/render/source.hpp"

namespace {

class MapSource final : public gs::render::FileSource {
 public:
  explicit MapSource(std::map<std::string, std::string> files) : files_(std::move(files)) {
    for (const auto& [path, content] : files_) {
      for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) dirs_.insert(path.substr(0, slash));
    }
    dirs_.insert("");
  }
  std::optional<std::string> read(const std::string& path) const override {
    auto it = files_.find(path);
    return it == files_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  bool isDirectory(const std::string& path) const override { return dirs_.count(path) != 0; }
  std::vector<std::string> list(const std::string& dir) const override {
    std::set<std::string> names;
    const std::string prefix = dir.empty() ? "" : dir + "/";
    for (const auto& [path, content] : files_) {
      if (path.rfind(prefix, 0) != 0) continue;
      const std::string rest = path.substr(prefix.size());
      names.insert(rest.substr(0, rest.find('/')));
    }
    return {names.begin(), names.end()};
  }
  std::string display(const std::string& path) const override { return "fuzz:" + path; }

 private:
  std::map<std::string, std::string> files_;
  std::set<std::string> dirs_;
};

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
          envFrom: [{configMapRef: {name: web-config}}]
)";
const char* kService = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n";
const char* kConfig = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\ndata: {a: \"1\"}\n";

// A built-in transformer configuration and an OpenAPI schema, for `transformers:` and
// `openapi: {path: schema.json}`.
const char* kPlugin = "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: l}\nlabels: {a: b}\nfieldSpecs: [{path: metadata/labels, create: true}]\n";
const char* kSchema = R"({"definitions": {"svc": {"x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Service"}],
  "properties": {"spec": {"properties": {"ports": {"type": "array", "x-kubernetes-patch-strategy": "merge",
  "x-kubernetes-list-map-keys": ["port"], "items": {"$ref": "#/definitions/port"}}}}}},
  "port": {"properties": {"port": {"type": "integer"}}}}})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  MapSource source({{"app/kustomization.yaml", std::string(reinterpret_cast<const char*>(data), size)},
                    {"app/deployment.yaml", kDeployment},
                    {"app/service.yaml", kService},
                    {"app/config.yaml", kConfig},
                    {"app/patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n"},
                    {"app/plugin.yaml", kPlugin},
                    {"app/schema.json", kSchema},
                    {"base/kustomization.yaml", "resources: [../app/service.yaml]\nnamePrefix: base-\n"}});
  try {
    (void)gs::render::kustomizeBuild(source, "app");
  } catch (const gs::Error&) {
  }
  return 0;
}
