#!/usr/bin/env bash
# Installs the Debian packages gitops-sim needs to build and test, and only those
# that are missing. Idempotent; runs as root, or through sudo otherwise.
# --fuzzers also installs clang (libFuzzer and the sanitizers) for `make fuzz-parsers`.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libgit2-dev libyaml-cpp-dev catch2 librapidcheck-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  python3 python3-yaml python3-jsonschema
)
if [ "${1:-}" = "--fuzzers" ]; then
  packages+=(clang)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
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
