# Thin wrapper over CMake: every target installs what is missing, configures and builds.
#   make run    build and run the shipped scenarios (scenarios/) and the diff examples
#   make test   build and run every test (ctest: unit, golden, properties, quick benchmarks)
#   make fuzz   long property-based fuzz campaign
#   make bench  full benchmarks, JSON results in $(BUILD)/bench-results
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

export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_DIR ?= $(HOME)/.cache/ccache

.PHONY: deps configure build run test fuzz bench clean

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_ARGS) > /dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@$(BUILD)/gitops-sim run scenarios -j $(JOBS) --junit $(BUILD)/scenarios-junit.xml --json $(BUILD)/scenarios.json
	@bash scripts/run-examples.sh $(BUILD)/gitops-sim > $(BUILD)/examples.log || { cat $(BUILD)/examples.log; exit 1; }
	@tail -n 1 $(BUILD)/examples.log

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

fuzz: build
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/diff_properties
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/store_properties
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/cluster_properties
	@RC_PARAMS="max_success=$(FUZZ_CASES)" $(BUILD)/fuzz/ci_properties

bench: build
	@bash scripts/run-benchmarks.sh $(BUILD)

clean:
	rm -rf build build-san
