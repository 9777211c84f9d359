#!/usr/bin/env bash
# Runs every benchmark suite with JSON output into <build>/bench-results/ and prints the
# console tables (with the ratio summary each suite prints after its runs).
set -euo pipefail
build=${1:-build}
out="$build/bench-results"
mkdir -p "$out"
for suite in "$build"/bench/*_bench; do
  name=$(basename "$suite")
  echo "=== $name"
  "$suite" --benchmark_out="$out/$name.json" --benchmark_out_format=json --benchmark_color=false "${@:2}"
done
echo "JSON results in $out/"
