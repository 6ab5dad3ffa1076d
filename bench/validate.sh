#!/usr/bin/env bash
# The cost of comparing: `ferry validate MODEL.onnx MODEL.tflite` on 10 inputs against running
# the two models on the same 10 inputs with `ferry run` (20 runs).
#
#   bash bench/validate.sh [--json] [--runs N] [MODEL]
#
# MODEL defaults to ../shared/models/torch/resnet18_op13/model.onnx; its candidate is ferry's own
# TFLite conversion (made once, in a temporary folder); the inputs are the 10 stored
# ../shared/models/torch/inputs_1x3x224x224/input_<i>.npy (for another MODEL, 10 random .npy
# made by numpy). Each measurement runs N times (default 5) after one warm-up, median wall time
# ($EPOCHREALTIME). Reported:
#   time ratio      validate / (10 x run ONNX + 10 x run TFLite)
#   per-layer ratio validate --per-layer / the same 20 runs
#   memory ratio    peak RSS of validate --per-layer / (peak RSS of run ONNX + of run TFLite)
#                   (GNU time %M; issue 6 asks for under 2)
# The binary is $FERRY_BIN, else ${FERRY_BUILD:-build}/release/ferry.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_setup validate.sh 1 5 "$@"
need_gnu_time
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cand=$dir/model.tflite
"$ferry" convert "$model" -o "$cand" >/dev/null || die "'ferry convert $model' fails"
inputs=$root/../shared/models/torch/inputs_1x3x224x224
if [[ $model != */torch/resnet18_op13/model.onnx && $model != */torch/mobilenet_v2* ]]; then
  inputs=$dir/inputs
  mkdir -p "$inputs"
  shape=$("$ferry" inspect "$model" --json | /usr/bin/python3 -c \
    'import json,sys; d=json.load(sys.stdin); print(",".join(str(x if isinstance(x,int) else 1) for x in d["inputs"][0]["shape"]))')
  /usr/bin/python3 -c "
import numpy as np, sys
shape = tuple(int(x) for x in '$shape'.split(','))
rng = np.random.default_rng(0)
for i in range(10): np.save('$inputs/input_%d.npy' % i, rng.random(shape, dtype=np.float32))
"
fi

runs_both() {
  local i
  for ((i = 0; i < 10; i++)); do
    "$ferry" run "$model" -i "$inputs/input_$i.npy" -o "$dir/out_onnx" >/dev/null
    "$ferry" run "$cand" -i "$inputs/input_$i.npy" -o "$dir/out_tflite" >/dev/null
  done
}
validate() { "$ferry" validate "$model" "$cand" --inputs "$inputs" "$@" >/dev/null; }

# one warm-up of each (page cache), and the verdict must be a pass to be worth timing
runs_both
validate || die "validate does not pass on $model; the bench measures passing runs"
validate --per-layer || die "validate --per-layer does not pass on $model"

: >"$dir/r"; : >"$dir/v"; : >"$dir/p"
for ((k = 0; k < runs; k++)); do
  wall runs_both >>"$dir/r"
  wall validate >>"$dir/v"
  wall validate --per-layer >>"$dir/p"
done
run_s=$(median <"$dir/r")
val_s=$(median <"$dir/v")
pl_s=$(median <"$dir/p")

rss() { /usr/bin/time -f %M -o "$dir/t" "$@" >/dev/null 2>&1; tail -n 1 "$dir/t"; }
onnx_kb=$(rss "$ferry" run "$model" -i "$inputs/input_0.npy" -o "$dir/out_onnx")
tfl_kb=$(rss "$ferry" run "$cand" -i "$inputs/input_0.npy" -o "$dir/out_tflite")
val_kb=$(rss "$ferry" validate "$model" "$cand" --inputs "$inputs")
pl_kb=$(rss "$ferry" validate "$model" "$cand" --inputs "$inputs" --per-layer)

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cores=$(nproc)
read -r t_ratio p_ratio m_ratio < <(awk -v r="$run_s" -v v="$val_s" -v p="$pl_s" -v a="$onnx_kb" \
  -v b="$tfl_kb" -v c="$pl_kb" 'BEGIN {printf "%.3f %.3f %.3f\n", v / r, p / r, c / (a + b)}')

if ((json)); then
  esc() { sed 's/\\/\\\\/g; s/"/\\"/g' <<<"$1"; }
  printf '{"bench": "validate", "model": "%s", "runs": %s, "run_both_10_ms": %.1f, "validate_ms": %.1f, "validate_per_layer_ms": %.1f, "time_ratio": %s, "per_layer_time_ratio": %s, "run_onnx_peak_kb": %s, "run_tflite_peak_kb": %s, "validate_peak_kb": %s, "per_layer_peak_kb": %s, "per_layer_memory_ratio": %s, "nproc": %s, "cpu": "%s"}\n' \
    "$(esc "$model")" "$runs" "$(awk -v s="$run_s" 'BEGIN {print s * 1000}')" \
    "$(awk -v s="$val_s" 'BEGIN {print s * 1000}')" "$(awk -v s="$pl_s" 'BEGIN {print s * 1000}')" \
    "$t_ratio" "$p_ratio" "$onnx_kb" "$tfl_kb" "$val_kb" "$pl_kb" "$m_ratio" "$cores" "$(esc "$cpu")"
else
  echo "model:   $model vs its ferry TFLite conversion, 10 input sets"
  echo "machine: $cores cores, $cpu"
  echo "runs:    $runs after a warm-up; medians (wall: \$EPOCHREALTIME; peak RSS: /usr/bin/time %M)"
  awk -v r="$run_s" -v v="$val_s" -v p="$pl_s" 'BEGIN {printf "wall:    20 x ferry run %.0f ms   validate %.0f ms   validate --per-layer %.0f ms\n", r * 1000, v * 1000, p * 1000}'
  echo "peak:    run onnx $onnx_kb KB + run tflite $tfl_kb KB; validate $val_kb KB; --per-layer $pl_kb KB"
  echo "ratios:  validate / runs $t_ratio   per-layer / runs $p_ratio   per-layer memory / (both runs) $m_ratio (target < 2)"
fi
