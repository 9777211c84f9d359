# Thin wrapper over CMake: every target installs what is missing, configures and builds.
#   make run    build and run the shipped scenarios (scenarios/) and the diff examples;
#               leaves the HTML report in $(BUILD)/report.html
#   make test   build and run every test (ctest: unit, golden, properties, quick benchmarks,
#               the report's browser test in headless Chromium)
#   make fuzz   long property-based fuzz campaigns (properties, then whole worlds)
#   make fuzz-parsers  libFuzzer on the YAML loader, scenario parser, kustomize renderer and the served API's request handler (clang, ASan/UBSan)
#   make bench  full benchmarks, JSON results in $(BUILD)/bench-results
#   make bench-compare  every suite and every peer in one run; rewrites the table in docs/benchmarks.md
#   SAN=1       Debug build with AddressSanitizer + UndefinedBehaviorSanitizer (own build dir)

SAN ?= 0
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ifeq ($(SAN),1)
BUILD ?= build-san
CMAKE_ARGS ?= -DCMAKE_BUILD_TYPE=Debug -DGITOPS_SIM_SANITIZE=ON -DGITOPS_SIM_BUILD_BENCH=OFF
else
BUILD ?= build
CMAKE_ARGS ?= -DCMAKE_BUILD_TYPE=Release
endif
FUZZ_CASES ?= 20000
WORLD_CASES ?= 20000
WORLD_OUT ?= scenarios/regressions
PARSER_FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-fuzzers

export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_DIR ?= $(HOME)/.cache/ccache

.PHONY: deps configure build run test fuzz fuzz-parsers bench bench-compare clean

# `make test` also installs what the report's browser test needs (chromium, playwright-core)
# and the JavaScript diff peers of bench/compare.sh (run there in a quick mode).
DEPS_FLAGS ?=
test: DEPS_FLAGS = --browser --bench-peers
bench-compare: DEPS_FLAGS = --bench-peers

deps:
	@bash scripts/install-deps.sh $(DEPS_FLAGS)

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS) > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@$(BUILD)/gitops-sim run scenarios -j $(JOBS) --junit $(BUILD)/scenarios-junit.xml --json $(BUILD)/scenarios.json --html $(BUILD)/report.html
	@bash scripts/run-examples.sh $(BUILD)/gitops-sim > $(BUILD)/examples.log || { cat $(BUILD)/examples.log; exit 1; }
	@tail -n 1 $(BUILD)/examples.log

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

fuzz: build
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/diff_properties
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/store_properties
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/cluster_properties
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/ci_properties
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/world_properties
	@$(BUILD)/gitops-sim fuzz --runs $(WORLD_CASES) -j $(JOBS) --out $(WORLD_OUT) --json $(BUILD)/fuzz-campaign.json

fuzz-parsers:
	@bash scripts/install-deps.sh --fuzzers
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGITOPS_SIM_LIBFUZZER=ON \
	  -DGITOPS_SIM_BUILD_TESTS=OFF -DGITOPS_SIM_BUILD_FUZZ=OFF -DGITOPS_SIM_BUILD_BENCH=OFF > /dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target yaml_loader_fuzzer scenario_parser_fuzzer kustomize_render_fuzzer http_handler_fuzzer
	@bash scripts/run-parser-fuzzers.sh $(FUZZ_BUILD) $(PARSER_FUZZ_SECONDS)

bench: build
	@bash scripts/run-benchmarks.sh $(BUILD)

bench-compare: build
	@bash bench/compare.sh --build $(BUILD)

clean:
	rm -rf build build-san build-fuzzers
