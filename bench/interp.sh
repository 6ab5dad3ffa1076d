#!/usr/bin/env bash
# ferry's interpreter against ONNX Runtime on resnet18_op13 and mobilenet_v2_op17_bn, 1 and 2
# threads, same machine, same input (../shared/models/torch/inputs_1x3x224x224/input_0.npy).
#
#   bash bench/interp.sh [--runs N] [--warmup W] [--rounds R] [--threads 1,2] [--models A,B]
#                        [--no-process] [--json]
#
# Headline: in-process median time of one inference after warm-up, model loaded once on both
# sides: ferry `run --repeat W+N` (median over all W+N in-process runs) against
# `node tests/peers/ort_run.mjs --bench N` (3 warm-ups, then N timed session.run calls), in R
# alternating rounds (default 3), median of the round medians.
# Neither includes process start, model load or file I/O. Context: whole-process wall time of
# `ferry run` and `node ort_run.mjs` (start + load + one run), alternating, median.
# Defaults: 3 warm-up + 15 timed runs (at least 10). ferry's output is checked against
# PyTorch's before it is timed. bench/interp_compare.py holds the method in detail.
# Prints the machine (CPU model, nproc), the tables with ferry/ORT ratios, and notes (e.g. a
# ferry crash that was retried). The binary is $FERRY_BIN, else ${FERRY_BUILD:-build}/release/ferry.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ferry=${FERRY_BIN:-${FERRY_BUILD:-$root/build}/release/ferry}
shared=${FERRY_SHARED:-$root/../shared}
die() { echo "bench/interp.sh: $*" >&2; exit 1; }

case ${1:-} in
  -h|--help) sed -n '2,/^set /{/^#/p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
[[ -x $ferry ]] || die "no ferry binary at $ferry (run make release, or set FERRY_BIN)"
command -v node >/dev/null || die "node is missing (scripts/install-deps.sh installs it)"
[[ -d $root/tests/peers/node_modules/onnxruntime-node ]] ||
  die "onnxruntime-node is missing: (cd tests/peers && npm ci --ignore-scripts)"
[[ -f $shared/models/torch/inputs_1x3x224x224/input_0.npy ]] ||
  die "no model corpus under $shared/models (set FERRY_SHARED)"

FERRY_BIN=$ferry FERRY_SHARED=$shared exec /usr/bin/python3 "$root/bench/interp_compare.py" "$@"
