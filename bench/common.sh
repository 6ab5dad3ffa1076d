# Shared by the bench scripts (sourced, not run): options, paths and small measuring helpers.
#
#   bench_setup NAME MIN_RUNS DEFAULT_RUNS "$@"
#
# parses --json, --runs N (>= MIN_RUNS), -h/--help (prints the calling script's header
# comment) and one MODEL argument (default ../shared/models/torch/resnet18_op13/model.onnx),
# and sets: root, json, runs, model (absolute), ferry ($FERRY_BIN, else
# ${FERRY_BUILD:-build}/release/ferry). die MESSAGE exits 1 naming the script;
# need_gnu_time installs Debian's `time` package for /usr/bin/time when it is missing (root).
# median reads numbers on stdin and prints their median; wall CMD... prints the wall seconds
# of one bare run of CMD (stdout to /dev/null), from bash's $EPOCHREALTIME.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_setup() {
  bench_name=$1 min_runs=$2 runs=$3
  shift 3
  json=0
  model=
  while (($#)); do
    case $1 in
      --json) json=1 ;;
      --runs) shift; runs=${1:?--runs needs a number} ;;
      -h|--help) sed -n '2,/^set /{/^#/p}' "${BASH_SOURCE[1]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
      -*) echo "bench/$bench_name: unknown option $1" >&2; exit 2 ;;
      *) model=$1 ;;
    esac
    shift
  done
  [[ $runs =~ ^[0-9]+$ ]] && ((runs >= min_runs)) ||
    { echo "bench/$bench_name: --runs must be >= $min_runs" >&2; exit 2; }
  model=${model:-$root/../shared/models/torch/resnet18_op13/model.onnx}
  ferry=${FERRY_BIN:-${FERRY_BUILD:-$root/build}/release/ferry}
  [[ -f $model ]] || die "no model at $model (set the MODEL argument)"
  model=$(readlink -f "$model")
  [[ -x $ferry ]] || die "no ferry binary at $ferry (run make release, or set FERRY_BIN)"
}

die() { echo "bench/$bench_name: $*" >&2; exit 1; }

need_gnu_time() {
  [[ -x /usr/bin/time ]] && return 0
  [[ $(id -u) == 0 ]] || die "/usr/bin/time is missing; install Debian's 'time' package (needs root)"
  echo "bench/$bench_name: installing Debian package 'time' for /usr/bin/time" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >/dev/null 2>&1; } ||
    die "could not install the 'time' package"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.6f\n", (a[NR/2]+a[NR/2+1])/2}'; }

wall() {
  local t0 t1
  t0=$EPOCHREALTIME
  "$@" >/dev/null
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f\n", b - a}'
}
