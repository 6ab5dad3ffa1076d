#!/usr/bin/env bash
# Speed and memory of `ferry convert MODEL.onnx -o OUT.tflite` against `cp` of the same file.
#
#   bash bench/convert.sh [--json] [--runs N] [MODEL]
#
# MODEL defaults to ../shared/models/torch/resnet18_op13/model.onnx (45 MB). The outputs go
# to a temporary folder beside nothing else (same file system for both). Each command runs
# twice to warm up (the model is then in the page cache for both), then N times (default 11),
# ferry and cp alternating so both see the same load; wall time by bash's $EPOCHREALTIME,
# median. Peak RSS: GNU time's %M (KB) over N more runs, median.
# Targets (issue 5): wall time at most 3x cp's; peak memory at most 1.5x the file size.
# Prints the medians, both ratios (time ferry/cp, peak RSS ferry/file size) and the machine;
# --json prints one JSON line instead. The binary is $FERRY_BIN, else
# ${FERRY_BUILD:-build}/release/ferry.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_setup convert.sh 5 11 "$@"
need_gnu_time
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out=$dir/model.tflite
copy=$dir/copy.onnx
"$ferry" convert "$model" -o "$out" >/dev/null 2>&1 || die "'ferry convert $model' fails; nothing to measure"


: >"$dir/f"; : >"$dir/c"
for ((i = 0; i < 2; i++)); do
  "$ferry" convert "$model" -o "$out" >/dev/null; cp "$model" "$copy"
done
for ((i = 0; i < runs; i++)); do
  wall "$ferry" convert "$model" -o "$out" >>"$dir/f"
  wall cp "$model" "$copy" >>"$dir/c"
done
ferry_s=$(median <"$dir/f")
cp_s=$(median <"$dir/c")

peak_rss() {
  local i
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f %M -o "$dir/t" "$@" >/dev/null
    tail -n 1 "$dir/t"
  done | median
}
ferry_kb=$(peak_rss "$ferry" convert "$model" -o "$out")
cp_kb=$(peak_rss cp "$model" "$copy")

bytes=$(stat -c %s "$model")
out_bytes=$(stat -c %s "$out")
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cores=$(nproc)
read -r time_ratio mem_ratio < <(awk -v f="$ferry_s" -v c="$cp_s" -v fk="$ferry_kb" -v b="$bytes" \
  'BEGIN {printf "%.3f %.3f\n", f / c, fk * 1024 / b}')

if ((json)); then
  esc() { sed 's/\\/\\\\/g; s/"/\\"/g' <<<"$1"; }
  printf '{"bench": "convert", "model": "%s", "bytes": %s, "output_bytes": %s, "runs": %s, "ferry_ms": %.3f, "cp_ms": %.3f, "time_ratio": %s, "ferry_peak_rss_kb": %s, "cp_peak_rss_kb": %s, "peak_rss_to_file_size": %s, "nproc": %s, "cpu": "%s"}\n' \
    "$(esc "$model")" "$bytes" "$out_bytes" "$runs" "$(awk -v s="$ferry_s" 'BEGIN {print s * 1000}')" \
    "$(awk -v s="$cp_s" 'BEGIN {print s * 1000}')" "$time_ratio" "$ferry_kb" "$cp_kb" "$mem_ratio" \
    "$cores" "$(esc "$cpu")"
else
  echo "model:   $model ($bytes bytes -> $out_bytes bytes .tflite)"
  echo "machine: $cores cores, $cpu"
  echo "runs:    $runs each after 2 warm-ups; medians (wall: \$EPOCHREALTIME; peak RSS: /usr/bin/time %M)"
  awk -v f="$ferry_s" -v c="$cp_s" 'BEGIN {printf "wall:    ferry convert %.1f ms   cp %.1f ms\n", f * 1000, c * 1000}'
  echo "peak:    ferry convert $ferry_kb KB   cp $cp_kb KB   file $((bytes / 1024)) KB"
  echo "ratios:  time ferry/cp $time_ratio (target <= 3)   peak RSS ferry/file size $mem_ratio (goal <= 1.5)"
fi
