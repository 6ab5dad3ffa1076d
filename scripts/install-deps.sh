#!/usr/bin/env bash
# Install what ferry's tests need, and nothing that is already there (run as root by `make check`).
#   Debian: libonnx-testdata python3-onnx python3-numpy, and nodejs/npm only if `node`/`npm`
#           are missing (Debian 12's nodejs 18 runs the peers; any newer node does too).
#   npm:    tests/peers/node_modules from the committed package-lock.json (onnxruntime-node,
#           and @tensorflow/tfjs-tflite: the TFLite interpreter in wasm, with its peer dependency
#           @tensorflow/tfjs-core), with --ignore-scripts: onnxruntime-node's postinstall would
#           download GPU parts; the Linux x64 CPU library is inside the package itself, and the
#           .wasm files inside tfjs-tflite's.
# Quiet on success: one line per thing installed. Any failure stops with a message.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { echo "install-deps: $*"; }
die() { echo "install-deps: ERROR: $*" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Run a command with its output kept; show the output only if it fails.
quiet() { "$@" >"$log" 2>&1 || { cat "$log" >&2; die "failed: $*"; }; }

missing=()
for pkg in libonnx-testdata python3-onnx python3-numpy; do
  [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true) == "install ok installed" ]] || missing+=("$pkg")
done
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || die "need root to install: ${missing[*]} (try: sudo $0)"
  export DEBIAN_FRONTEND=noninteractive
  quiet apt-get update
  quiet apt-get install -y --no-install-recommends "${missing[@]}"
  for pkg in "${missing[@]}"; do say "installed $pkg"; done
fi

peers=$root/tests/peers
[[ -f $peers/package-lock.json ]] || die "missing $peers/package-lock.json"
tflite_wasm=$peers/node_modules/@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc_simd.wasm
if [[ ! -d $peers/node_modules || $peers/package-lock.json -nt $peers/node_modules ||
      ! -f $tflite_wasm ]]; then
  (cd "$peers" && quiet npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  touch "$peers/node_modules"  # mark as up to date with the lock file
  say "installed tests/peers/node_modules (npm ci)"
  # Catch a wrong platform or a Node too old for the binding now, not in the middle of a test.
  (cd "$peers" && quiet node -e "require('onnxruntime-node')")
  [[ -f $tflite_wasm ]] || die "npm ci did not install $tflite_wasm (the TFLite peer's wasm)"
fi
