#!/usr/bin/env bash
# Installs the Debian packages gitops-sim needs to build and test, and only those
# that are missing. Idempotent; runs as root, or through sudo otherwise.
# --fuzzers also installs clang (libFuzzer and the sanitizers) for `make fuzz-parsers`.
# --browser also installs Debian's chromium, Node.js and npm, and playwright-core (from
# tests/browser/package-lock.json) for the HTML report's browser test (`make test`).
# --bench-peers also installs Node.js and npm, and the JavaScript diff libraries (from
# bench/peers/package-lock.json) that bench/compare.sh measures against (`make test`,
# `make bench-compare`). Flags combine.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libgit2-dev libyaml-cpp-dev catch2 librapidcheck-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev libssl-dev libjemalloc-dev
  python3 python3-yaml python3-jsonschema tzdata
)
npm_dirs=()
need_node() {
  # Node.js may come from elsewhere (NodeSource ships npm inside its nodejs): only
  # Debian's packages when the commands are missing.
  command -v node > /dev/null || packages+=(nodejs)
  command -v npm > /dev/null || packages+=(npm)
}
for flag in "$@"; do
  case "$flag" in
    --fuzzers) packages+=(clang) ;;
    --browser)
      packages+=(chromium)
      need_node
      npm_dirs+=(tests/browser)
      ;;
    --bench-peers)
      need_node
      npm_dirs+=(bench/peers)
      ;;
    *) echo "install-deps: unknown flag $flag" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

install_npm_packages() {
  # npm ci installs exactly the committed lock file (playwright-core drives the system
  # chromium; it downloads no browser). Skipped while the installed lock is the same.
  local rel dir
  for rel in ${npm_dirs[@]+"${npm_dirs[@]}"}; do
    dir="$here/$rel"
    if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json" 2>/dev/null; then
      echo "install-deps: npm ci in $rel"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
      cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"
    fi
  done
}

if [ ${#missing[@]} -eq 0 ]; then
  install_npm_packages
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_npm_packages
