#!/usr/bin/env bash
# The HTML report's browser test: gitops-sim writes a run report (the shipped scenarios),
# a failing run's report and a fuzz campaign's report, then report_test.mjs opens them
# in headless Chromium (networking off) and checks lanes, marks, clicks, zoom, filters and
# the failure view, and takes screenshots. Exit 77 (ctest: skipped) when Chromium or
# playwright-core is missing; scripts/install-deps.sh --browser installs both.
# Usage: run-browser-test.sh GITOPS_SIM SOURCE_DIR OUT_DIR
set -euo pipefail
bin=$1 src=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
  echo "SKIP: Chromium is not installed ($chromium); scripts/install-deps.sh --browser installs Debian's chromium"
  exit 77
fi
if ! command -v node > /dev/null || [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "SKIP: node or playwright-core is missing; scripts/install-deps.sh --browser runs npm ci in tests/browser"
  exit 77
fi

rm -rf "$out"
mkdir -p "$out"
"$bin" run "$src/scenarios" -j 2 --json "$out/run.json" --html "$out/report.html" > "$out/run.log" || { cat "$out/run.log"; exit 1; }

set +e
"$bin" run "$here/fixtures/failing-drift-expectation.yaml" --html "$out/failing.html" > "$out/failing.log"
rc=$?
# A canary case: the deliberate skip-prune bug, caught and shrunk (deterministic: one case seed).
"$bin" fuzz --case 3939695477114415929 --canary skip-prune --out "$out/counterexamples" --html "$out/campaign.html" > "$out/campaign.log"
fuzz_rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "the failing fixture should fail with exit 1, got $rc"; cat "$out/failing.log"; exit 1; }
[ "$fuzz_rc" -eq 1 ] || { echo "the canary case should fail with exit 1, got $fuzz_rc"; cat "$out/campaign.log"; exit 1; }

CHROMIUM=$chromium node "$here/report_test.mjs" --run "$out/run.json" --html "$out/report.html" --scenario happy-path \
  --failing "$out/failing.html" --campaign "$out/campaign.html" --screenshots "$out/screenshots"
