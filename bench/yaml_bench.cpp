// YAML loading (issue 10): the deterministic corpus (bench/corpus.hpp) as YAML streams,
// loaded the way rendering loads manifest files, in bytes per second:
//
//   Load/*        sim/core's parseManifests: yaml-cpp with source positions, converted to
//                 JSON with Kubernetes' YAML 1.1 scalar rules (what a cold render pays)
//   YamlCpp/*     yaml-cpp's own YAML::LoadAll on the same text, no conversion: the
//                 library's floor, in the same process
//   JsonParse/*   nlohmann::json::parse of the same objects written as JSON: what the
//                 same data costs in a format without YAML's grammar, for context
//   CacheHit/*    render::ManifestCache given the file's Git blob id: the path every
//                 render after the first takes for an unchanged file
//
//   yaml_bench [--objects=N] [google benchmark flags]
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include "bench_main.hpp"
#include "corpus.hpp"
#include "sim/core/manifest.hpp"
#include "sim/core/yaml.hpp"
#include "sim/render/manifest_cache.hpp"

using namespace gs;
using namespace gs::bench;

namespace {

int gObjects = 1000;

struct Text {
  std::string name;
  std::string yaml;
  std::string json;  // the same objects, one JSON array
};

Text stream(const std::string& name, const std::vector<Json>& objects) {
  Text t{name, toYamlStream(objects), Json(objects).dump()};
  return t;
}

std::vector<Text> corpusTexts() {
  const auto app = makeApp(42, static_cast<std::size_t>(gObjects));
  std::vector<Json> manifests, live;
  for (const auto& p : app) {
    manifests.push_back(p.desired);
    live.push_back(p.live);
  }
  return {stream("manifests", manifests), stream("live-objects", live),
          stream("configmap-200KB", {makeConfigMap(217, 200000, Variant::InSync).desired})};
}

// One file whose content id is known, as a Git-backed source gives it.
class BlobSource final : public render::FileSource {
 public:
  explicit BlobSource(std::string content) : content_(std::move(content)) {}
  std::optional<std::string> read(const std::string&) const override { return content_; }
  bool isDirectory(const std::string&) const override { return false; }
  std::vector<std::string> list(const std::string&) const override { return {}; }
  std::string display(const std::string& path) const override { return "bench@main:" + path; }
  std::string contentId(const std::string&) const override { return "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"; }

 private:
  std::string content_;
};

void registerText(const Text& t) {
  const auto bytes = static_cast<std::int64_t>(t.yaml.size());
  benchmark::RegisterBenchmark(("Load/" + t.name).c_str(), [t, bytes](benchmark::State& state) {
    std::size_t objects = 0;
    for (auto _ : state) {
      auto parsed = parseManifests(t.yaml, "bench.yaml");
      objects = parsed.size();
      benchmark::DoNotOptimize(parsed);
    }
    state.counters["objects"] = static_cast<double>(objects);
    state.SetBytesProcessed(state.iterations() * bytes);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("YamlCpp/" + t.name).c_str(), [t, bytes](benchmark::State& state) {
    for (auto _ : state) {
      auto docs = YAML::LoadAll(t.yaml);
      benchmark::DoNotOptimize(docs);
    }
    state.SetBytesProcessed(state.iterations() * bytes);
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("JsonParse/" + t.name).c_str(), [t](benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(Json::parse(t.json));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(t.json.size()));
  })->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("CacheHit/" + t.name).c_str(), [t, bytes](benchmark::State& state) {
    BlobSource source(t.yaml);
    render::ManifestCache cache;
    const auto first = cache.parse(source, "app.yaml", t.yaml, YamlBooleans::Yaml11);
    for (auto _ : state) benchmark::DoNotOptimize(cache.parse(source, "app.yaml", t.yaml, YamlBooleans::Yaml11));
    if (cache.hits() + 1 < static_cast<std::size_t>(state.iterations())) state.SkipWithError("the cache did not hit");
    state.counters["objects"] = static_cast<double>(first.size());
    state.SetBytesProcessed(state.iterations() * bytes);
  })->Unit(benchmark::kMillisecond);
}

void registerAll() {
  for (const auto& t : corpusTexts()) registerText(t);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::ConsoleReporter reporter;
  return gs::bench::runSuite(argc, argv, {{"--objects=", &gObjects, 1}}, registerAll, reporter);
}
