// Differential test against the reference: renders one case folder of
// tests/data/kustomize with gitops-sim and with `kubectl kustomize`, and compares the
// output object by object (and reports whether the YAML text is byte-identical too).
//   kustomize_differential CASE_DIR
// Exit codes: 0 equal, 1 different (the first difference is printed), 77 skipped
// because kubectl is not installed (ctest shows the case as skipped).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "git_cli.hpp"
#include "sim/core/error.hpp"
#include "sim/core/yaml.hpp"
#include "sim/render/renderer.hpp"

using namespace gs;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kustomize_differential CASE_DIR\n";
    return 2;
  }
  if (test::runCommand("kubectl version --client").status != 0) {
    std::cout << "SKIPPED: kubectl is not installed, so there is no reference to compare with\n";
    return 77;
  }
  const fs::path caseDir = fs::absolute(argv[1]);
  std::string path;
  std::getline(std::ifstream(caseDir / "case.txt"), path);
  const fs::path app = (caseDir / path).lexically_normal();

  auto reference = test::runCommand("{ kubectl kustomize '" + app.string() + "' 2>/dev/null; }");
  if (reference.status != 0) {
    std::cout << "FAIL: kubectl kustomize refused the case:\n" << reference.output;
    return 1;
  }
  std::vector<Json> expected;
  YamlLoadOptions options;
  options.booleans = YamlBooleans::Yaml12;
  for (auto& doc : loadYamlDocuments(reference.output, "kubectl kustomize output", options)) expected.push_back(std::move(doc.value));

  std::vector<Json> actual;
  try {
    render::DiskSource source(caseDir);
    actual = render::render(source, path == "." ? "" : fs::relative(app, caseDir).generic_string());
  } catch (const Error& e) {
    std::cout << "FAIL: gitops-sim could not render " << app << ": " << e.what() << '\n';
    return 1;
  }
  if (actual.size() != expected.size()) {
    std::cout << "FAIL: " << actual.size() << " objects, kubectl kustomize gives " << expected.size() << '\n';
  }
  for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
    if (actual[i] == expected[i]) continue;
    std::cout << "FAIL: object " << i << " differs\n--- kubectl kustomize\n"
              << toYaml(expected[i]) << "--- gitops-sim\n"
              << toYaml(actual[i]) << "--- JSON patch from kubectl's to ours\n"
              << Json::diff(expected[i], actual[i]).dump(1) << '\n';
    return 1;
  }
  if (actual.size() != expected.size()) return 1;
  YamlEmitOptions emit;
  emit.kubernetesKeyOrder = false;
  const bool sameText = toYamlStream(actual, emit) == reference.output;
  std::cout << "OK: " << actual.size() << " objects equal to kubectl kustomize" << (sameText ? ", YAML byte-identical" : " (YAML text differs in style)")
            << '\n';
  return 0;
}
