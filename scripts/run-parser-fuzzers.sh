#!/usr/bin/env bash
# Runs each libFuzzer parser target for a fixed time on a copy of its committed seed
# corpus (fuzz/parsers/corpus/<target>/), under ASan/UBSan; new inputs stay in the build
# folder. A crash, leak, timeout or sanitizer report fails the run and leaves the input
# as BUILD/parser-fuzz/<target>/crash-* (replay: BUILD/fuzz/parsers/<target>_fuzzer FILE).
set -euo pipefail
build=${1:?usage: run-parser-fuzzers.sh BUILD_DIR SECONDS}
seconds=${2:-60}
here=$(cd "$(dirname "$0")/.." && pwd)
for target in yaml_loader scenario_parser kustomize_render http_handler; do
  work="$build/parser-fuzz/$target"
  mkdir -p "$work/corpus"
  cp -n "$here/fuzz/parsers/corpus/$target/"* "$work/corpus/" 2>/dev/null || true
  echo "== $target: ${seconds}s"
  (cd "$work" && "$OLDPWD/$build/fuzz/parsers/${target}_fuzzer" corpus -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
     -max_len=65536 -print_final_stats=1 2>&1 | tail -n 12)
done
