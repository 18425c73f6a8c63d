#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine with Node 20, then its npm packages.
#   bash scripts/setup.sh          # to run the system (espeak-ng for local speech)
#   bash scripts/setup.sh --test   # also what the test suite and benches use
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(espeak-ng sox)
if [[ "${1:-}" == "--test" ]]; then
  # redis-server: cache and queue contract suites; libspeexdsp-dev + pkg-config: the AEC bench's
  # speexdsp harness; chromium: page tests (never a downloaded browser).
  packages+=(redis-server libspeexdsp-dev pkg-config build-essential chromium fonts-dejavu-core)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ "$(id -u)" != 0 ]]; then sudo_cmd=(sudo); fi
  echo "installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != 20 ]]; then
  echo "Node 20 is required (found $(node --version)): the uWebSockets.js native addon ships for Node 20." >&2
  exit 1
fi

npm ci --no-audit --no-fund
