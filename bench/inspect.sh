#!/usr/bin/env bash
# Speed and memory of `ferry inspect` against `cat FILE > /dev/null` on the same file.
#
#   bash bench/inspect.sh [--json] [--runs N] [MODEL]
#
# MODEL defaults to ../shared/models/torch/resnet18_op13/model.onnx (45 MB). Each command runs
# twice to warm up (the file is then in the page cache for both), then N times (default 11).
# Wall time: bash's $EPOCHREALTIME around each bare run (µs resolution), ferry and cat runs
# alternating so both see the same load; median over the runs.
# Peak RSS: GNU time's %M (maximum resident set size, KB) over N more runs, median; the
# Debian package `time` is installed if /usr/bin/time is missing (needs root).
# Prints the raw medians, the ratios ferry/cat, and the machine; --json prints one JSON line
# instead (for later tooling). The binary is $FERRY_BIN, else ${FERRY_BUILD:-build}/release/ferry.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_setup inspect.sh 10 11 "$@"
need_gnu_time
"$ferry" inspect "$model" >/dev/null 2>&1 || die "'ferry inspect $model' fails; nothing to measure"

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.f" "$tmp.c"' EXIT


# Median wall seconds of ferry inspect and of cat, N runs each after 2 warm-ups each. The
# runs alternate (ferry, cat, ferry, ...) so that both see the same machine load.
wall_both() {
  local i
  : >"$tmp.f"; : >"$tmp.c"
  "$ferry" inspect "$model" >/dev/null; cat "$model" >/dev/null
  "$ferry" inspect "$model" >/dev/null; cat "$model" >/dev/null
  for ((i = 0; i < runs; i++)); do
    wall "$ferry" inspect "$model" >>"$tmp.f"
    wall cat "$model" >>"$tmp.c"
  done
  ferry_s=$(median <"$tmp.f")
  cat_s=$(median <"$tmp.c")
}

# Median peak RSS (KB) of N runs of "$@".
peak_rss() {
  local i
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f %M -o "$tmp" "$@" >/dev/null
    tail -n 1 "$tmp"
  done | median
}


wall_both
ferry_kb=$(peak_rss "$ferry" inspect "$model")
cat_kb=$(peak_rss cat "$model")

bytes=$(stat -c %s "$model")
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
cores=$(nproc)
read -r time_ratio rss_ratio < <(awk -v f="$ferry_s" -v c="$cat_s" -v fk="$ferry_kb" -v ck="$cat_kb" \
  'BEGIN {printf "%.3f %.3f\n", f / c, fk / ck}')

if ((json)); then
  esc() { sed 's/\\/\\\\/g; s/"/\\"/g' <<<"$1"; }
  printf '{"bench": "inspect", "model": "%s", "bytes": %s, "runs": %s, "ferry_ms": %.3f, "cat_ms": %.3f, "time_ratio": %s, "ferry_peak_rss_kb": %s, "cat_peak_rss_kb": %s, "rss_ratio": %s, "nproc": %s, "cpu": "%s", "rss_tool": "/usr/bin/time %%M"}\n' \
    "$(esc "$model")" "$bytes" "$runs" "$(awk -v s="$ferry_s" 'BEGIN {print s * 1000}')" \
    "$(awk -v s="$cat_s" 'BEGIN {print s * 1000}')" "$time_ratio" "$ferry_kb" "$cat_kb" "$rss_ratio" \
    "$cores" "$(esc "$cpu")"
else
  echo "model:   $model ($bytes bytes)"
  echo "machine: $cores cores, $cpu"
  echo "runs:    $runs each after 2 warm-ups; medians (wall: \$EPOCHREALTIME; peak RSS: /usr/bin/time %M)"
  awk -v f="$ferry_s" -v c="$cat_s" 'BEGIN {printf "wall:    ferry inspect %.3f ms   cat %.3f ms\n", f * 1000, c * 1000}'
  echo "peak:    ferry inspect $ferry_kb KB   cat $cat_kb KB"
  echo "ratios:  time ferry/cat $time_ratio   peak RSS ferry/cat $rss_ratio"
fi
