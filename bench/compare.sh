#!/usr/bin/env bash
# Runs every benchmark suite and every peer in one go, then rewrites the comparison
# table in docs/benchmarks.md (between its "compare:begin" and "compare:end" markers):
# nlohmann::json::diff (in the diff binary), the JavaScript diff libraries of
# bench/peers under Node, kubectl kustomize (in render_bench) and the git CLI (in
# git_bench). `make bench-compare` runs it after building.
#
#   bench/compare.sh [--build DIR] [--quick] [--out FILE]
#
# --quick runs each suite once on small inputs (for `make test`: proves the pipeline
# works; its figures mean nothing) and writes FILE only if given, else nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build"
quick=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --quick) quick=1; shift ;;
    --out) out="$2"; shift 2 ;;
    *) echo "compare.sh: unknown argument $1 (usage: bench/compare.sh [--build DIR] [--quick] [--out FILE])" >&2; exit 2 ;;
  esac
done
if [ "$quick" -eq 0 ] && [ -z "$out" ]; then out="$here/docs/benchmarks.md"; fi

results="$build/bench-results/compare"
[ "$quick" -eq 1 ] && results="$build/bench-results/compare-quick"
rm -rf "$results"
mkdir -p "$results"

if [ ! -d "$here/bench/peers/node_modules" ]; then
  echo "compare.sh: the JavaScript peers are not installed: run scripts/install-deps.sh --bench-peers" >&2
  exit 3
fi

run() {
  local suite=$1
  shift
  echo "=== $suite $*"
  "$build/bench/$suite" --benchmark_out="$results/$suite.json" --benchmark_out_format=json --benchmark_color=false "$@"
}

if [ "$quick" -eq 1 ]; then
  q=(--benchmark_min_time=0.001)
  run diff_bench "${q[@]}" --benchmark_filter='^(Compare|OneShot|Nlohmann)/|^App10k/.*/100$|^Floor/'
  run yaml_bench --objects=50 "${q[@]}"
  run render_bench --max-objects=10 "${q[@]}"
  run git_bench --bulk=20 "${q[@]}"
  run sync_bench --max-resources=1000 "${q[@]}"
  run fakecluster_bench --deployments=100 "${q[@]}"
  run scenario_bench --apps=3 --commits=6 --day-apps=3 --day-commits=6 "${q[@]}"
else
  run diff_bench
  run yaml_bench
  run render_bench --max-objects=1000
  run git_bench
  run sync_bench
  # 100,000 pods; core/v1 Events off (with them the run needs over 12 GiB).
  run fakecluster_bench --deployments=10000 --no-events
  run scenario_bench
fi

echo "=== JavaScript peers (Node $(node --version))"
"$build/bench/diff_bench" --export-corpus="$results/corpus.json"
peer_flags=()
[ "$quick" -eq 1 ] && peer_flags=(--quick)
node "$here/bench/peers/diff_peers.mjs" "$results/corpus.json" --out "$results/peers.json" ${peer_flags[@]+"${peer_flags[@]}"}

table_flags=()
[ -n "$out" ] && table_flags=(--doc "$out")
python3 "$here/bench/compare_table.py" "$results" ${table_flags[@]+"${table_flags[@]}"}
