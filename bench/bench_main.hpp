// The shared main of the benchmark suites: takes the suite's own integer flags
// ("--bulk=N") out of argv, lets Google Benchmark parse the rest, registers the suite's
// benchmarks and runs them with the suite's reporter (which prints its ratio summary).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <vector>

namespace gs::bench {

struct IntFlag {
  const char* prefix;  // "--bulk="
  int* value;
  int minimum;
};

inline int runSuite(int argc, char** argv, std::initializer_list<IntFlag> flags, const std::function<void()>& registerAll,
                    benchmark::BenchmarkReporter& reporter) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    bool taken = false;
    for (const auto& f : flags) {
      const std::size_t n = std::strlen(f.prefix);
      if (std::strncmp(argv[i], f.prefix, n) == 0) {
        *f.value = std::max(f.minimum, std::atoi(argv[i] + n));
        taken = true;
      }
    }
    if (!taken) rest.push_back(argv[i]);
  }
  int restCount = static_cast<int>(rest.size());
  benchmark::Initialize(&restCount, rest.data());
  if (benchmark::ReportUnrecognizedArguments(restCount, rest.data())) return 1;
  registerAll();
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace gs::bench
