#!/usr/bin/env bash
# Runs the shipped examples with the built CLI and checks each verdict.
# Until scenarios exist (the scenario engine issue), these are the diff examples under
# examples/diff: each folder holds desired.yaml, live.yaml and expect-exit (0 or 1).
set -uo pipefail
bin=${1:-build/gitops-sim}
root="$(cd "$(dirname "$0")/.." && pwd)"
pass=0
fail=0
for dir in "$root"/examples/diff/*/; do
  name=$(basename "$dir")
  want=$(cat "$dir/expect-exit")
  args=()
  [ -f "$dir/args" ] && read -r -a args < "$dir/args"
  echo "=== $name: gitops-sim diff desired.yaml live.yaml ${args[*]}"
  "$bin" diff "$dir/desired.yaml" "$dir/live.yaml" --color=never "${args[@]}"
  got=$?
  if [ "$got" = "$want" ]; then
    echo "--- PASS $name (exit $got)"
    pass=$((pass + 1))
  else
    echo "--- FAIL $name: exit $got, expected $want"
    fail=$((fail + 1))
  fi
done
echo "examples: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
