#!/usr/bin/python3
"""ferry's interpreter against ONNX Runtime: same machine, same model, same input, same threads.

Run through bench/interp.sh (which checks the prerequisites); options:
  --runs N        timed runs per measurement (default 15, at least 10)
  --warmup W      warm-up runs before them (default 3, as tests/peers/ort_run.mjs --bench)
  --rounds R      in-process measurements per side, alternating ferry/ORT (default 3)
  --threads LIST  comma-separated thread counts (default 1,2)
  --models LIST   comma-separated folders under ../shared/models/torch
                  (default resnet18_op13,mobilenet_v2_op17_bn)
  --no-process    skip the whole-process table
  --json          one JSON document on stdout instead of the tables

Two measurements, each apples to apples:

1. In-process inference time (the headline ratio). Both sides load the model once, then run the
   same input repeatedly inside one process and report the median wall time of one inference:
   - ONNX Runtime: `node tests/peers/ort_run.mjs MODEL IN OUT --threads T --bench N`: session
     created with graphOptimizationLevel 'all', intraOpNumThreads T, interOpNumThreads 1,
     sequential; 3 warm-up runs, then N timed session.run calls; prints the median.
   - ferry: `ferry run MODEL -i input=FILE -o DIR --threads T --repeat W+N`: W+N interp_run
     calls on the same bound input; prints the median over all W+N. The W warm-up runs are
     inside that median (cmd_run reports only the median); with W=3, N=15 that can move the
     median by at most one rank, and only upward, i.e. against ferry.
     Without --repeat in `ferry run --help`, ferry falls back to one run per process, timed by
     `--stats` ("run time", interp_run only, load excluded), median over N processes after W
     warm-up processes; those runs are cold (first touch of activations), which the table
     marks with '*'.
   Both sides are measured in R rounds (ferry, then ORT, R times); each side's figure is the
   median of its R medians, so a burst of load from elsewhere hits both alike (the per-round
   medians and the load average before and after are printed: on a busy machine they show it);
   the table also gives best/best, the ratio of each side's fastest round.
   Neither side's time includes process start, model load, reading inputs or writing outputs.
2. Whole process (context): wall time of a complete `ferry run` process and of a complete
   `node ort_run.mjs` process (no --bench) on the same input, alternating ferry/ORT, W warm-up
   pairs then N timed pairs, median. This includes process start (node's is ~50 ms), model
   load and ORT's graph optimization, so it says more about start-up than about kernels.

ferry's outputs are checked against the PyTorch reference (output_0.npy, |a-r| <= 1e-4 +
1e-4|r|) before timing: a fast wrong answer is not a result. A ferry process that crashes is
retried (6 attempts in all) and every crash is reported under the table.
"""
import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FERRY = os.environ.get("FERRY_BIN") or os.path.join(
    os.environ.get("FERRY_BUILD") or os.path.join(ROOT, "build"), "release", "ferry")
SHARED = os.path.normpath(os.environ.get("FERRY_SHARED") or os.path.join(ROOT, "..", "shared"))
TORCH = os.path.join(SHARED, "models", "torch")
ORT_RUN = os.path.join(ROOT, "tests", "peers", "ort_run.mjs")
NODE = shutil.which("node") or "node"
INPUT = os.path.join(TORCH, "inputs_1x3x224x224", "input_0.npy")


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def sh(argv, timeout=600):
    t0 = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       errors="replace", timeout=timeout)
    return p, (time.perf_counter() - t0) * 1e3


class Notes:
    def __init__(self):
        self.lines = []
        self.crashes = {}  # what -> [crashed processes, ferry processes started]

    def add(self, s):
        if s not in self.lines:
            self.lines.append(s)

    def count(self, what, crashed):
        c = self.crashes.setdefault(what, [0, 0])
        c[0] += crashed
        c[1] += 1

    def all_lines(self):
        out = list(self.lines)
        for what, (crashed, started) in self.crashes.items():
            if crashed:
                out.append(f"{what}: {crashed} of {started} ferry processes crashed "
                           "(killed by a signal) and were rerun")
        return out


def ferry_once(argv, notes, what, tries=6):
    """Run ferry; rerun a process killed by a signal (6 attempts in all); count crashes."""
    for _ in range(tries):
        p, ms = sh(argv)
        crashed = p.returncode < 0 or p.returncode >= 128
        notes.count(what, crashed)
        if p.returncode == 0:
            return p, ms
        if not crashed:
            break
    sig = f" (signal {-p.returncode})" if p.returncode < 0 else ""
    raise RuntimeError(f"{what}: ferry failed (exit {p.returncode}{sig}"
                       f"{f', {tries} attempts' if sig else ''}): "
                       f"{' '.join(p.stderr.split())[:300]}")


def has_repeat():
    p, _ = sh([FERRY, "run", "--help"])
    return "--repeat" in p.stdout


def check_output(model_dir, out_dir):
    got = np.load(os.path.join(out_dir, "output.npy")).astype(np.float64)
    ref = np.load(os.path.join(model_dir, "output_0.npy")).astype(np.float64)
    if got.shape != ref.shape or (np.abs(got - ref) > 1e-4 + 1e-4 * np.abs(ref)).any():
        d = np.abs(got - ref).max() if got.shape == ref.shape else float("nan")
        raise RuntimeError(f"ferry's output for {model_dir} is wrong (max|diff| {d:.3g} vs "
                           "PyTorch); not timing it")
    return float(np.abs(got - ref).max())


def bench_pair(name, threads, args, tmp, notes, repeat):
    model_dir = os.path.join(TORCH, name)
    model = os.path.join(model_dir, "model.onnx")
    what = f"{name} --threads {threads}"
    out = os.path.join(tmp, "ferry-out")
    base = [FERRY, "run", model, "-i", f"input={INPUT}", "-o", out, "--threads", str(threads)]
    row = {"model": name, "threads": threads}

    # correctness first
    ferry_once(base, notes, what)
    row["max_abs_vs_pytorch"] = check_output(model_dir, out)

    # 1. in-process: `rounds` rounds, ferry then ORT in each, so that a burst of load from
    # elsewhere on the machine hits both sides alike; each side's figure is the median of its
    # per-round medians
    ind = os.path.join(tmp, "ort-in")
    os.makedirs(ind, exist_ok=True)
    if not os.path.exists(os.path.join(ind, "input.npy")):
        os.symlink(INPUT, os.path.join(ind, "input.npy"))
    ort = [NODE, ORT_RUN, model, ind, os.path.join(tmp, "ort-out"), "--threads", str(threads)]
    f_rounds, o_rounds = [], []
    for _ in range(args.rounds):
        if repeat:
            p, _ = ferry_once(base + ["--repeat", str(args.warmup + args.runs)], notes, what)
            m = re.search(r"median run time over (\d+) runs: ([0-9.]+) ms", p.stdout)
            if not m:
                raise RuntimeError(f"{what}: no 'median run time' line in: {p.stdout[-300:]}")
            f_rounds.append(float(m.group(2)))
            row["ferry_method"] = f"--repeat {m.group(1)}"
        else:
            times = []
            for k in range(args.warmup + args.runs):
                p, _ = ferry_once(base + ["--stats"], notes, what)
                m = re.search(r"^run time: ([0-9.]+) ms", p.stdout, re.M)
                if not m:
                    raise RuntimeError(f"{what}: no 'run time' line from --stats")
                if k >= args.warmup:
                    times.append(float(m.group(1)))
            f_rounds.append(median(times))
            row["ferry_method"] = f"{args.runs} processes, --stats*"
        p, _ = sh(ort + ["--bench", str(args.runs)])
        if p.returncode != 0:
            raise RuntimeError(f"{what}: ORT failed (exit {p.returncode}): {p.stderr[-300:]}")
        o_rounds.append(json.loads(p.stdout.strip().splitlines()[-1])["median_ms"])
    row["ferry_ms"], row["ort_ms"] = median(f_rounds), median(o_rounds)
    row["ferry_rounds_ms"], row["ort_rounds_ms"] = f_rounds, o_rounds
    row["best_ratio"] = min(f_rounds) / min(o_rounds)
    row["ratio"] = row["ferry_ms"] / row["ort_ms"]

    # 2. whole process, alternating
    if not args.no_process:
        f_ms, o_ms = [], []
        for k in range(args.warmup + args.runs):
            _, a = ferry_once(base, notes, what)
            q, b = sh(ort)
            if q.returncode != 0:
                raise RuntimeError(f"{what}: ORT failed (exit {q.returncode})")
            if k >= args.warmup:
                f_ms.append(a)
                o_ms.append(b)
        row["ferry_process_ms"], row["ort_process_ms"] = median(f_ms), median(o_ms)
        row["process_ratio"] = row["ferry_process_ms"] / row["ort_process_ms"]
    return row


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ort_version = "?"
    try:
        with open(os.path.join(ROOT, "tests", "peers", "node_modules", "onnxruntime-node",
                               "package.json")) as f:
            ort_version = json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        pass
    node = sh([NODE, "--version"])[0].stdout.strip()
    rev = sh(["git", "-C", ROOT, "describe", "--always", "--dirty"])[0].stdout.strip()
    try:
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
    except OSError:
        load = "?"
    return {"nproc": os.cpu_count(), "cpu": cpu, "loadavg": load, "kernel": platform.release(),
            "onnxruntime_node": ort_version, "node": node, "ferry": f"{FERRY} ({rev})"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--models", default="resnet18_op13,mobilenet_v2_op17_bn")
    ap.add_argument("--no-process", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.runs < 10:
        ap.error("--runs must be at least 10")
    threads = [int(t) for t in args.threads.split(",")]
    notes = Notes()
    repeat = has_repeat()
    load_before = machine()["loadavg"]
    rows = []
    tmp = tempfile.mkdtemp(prefix="ferry-bench-")
    try:
        for name in args.models.split(","):
            for t in threads:
                try:
                    rows.append(bench_pair(name, t, args, tmp, notes, repeat))
                except RuntimeError as e:
                    rows.append({"model": name, "threads": t, "error": str(e)})
                print(f"bench/interp: {name} threads {t} done", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    mach = machine()
    if args.json:
        print(json.dumps({"machine": mach, "runs": args.runs, "warmup": args.warmup,
                          "rows": rows, "notes": notes.all_lines()}))
        return 0 if all("error" not in r for r in rows) else 1

    print(f"machine: {mach['cpu']}, nproc {mach['nproc']}, Linux {mach['kernel']}; "
          f"load average {load_before} before, {mach['loadavg']} after")
    print(f"peers:   onnxruntime-node {mach['onnxruntime_node']} (CPU EP, graph optimization "
          f"'all'), node {mach['node']}")
    print(f"ferry:   {mach['ferry']}")
    print(f"input:   {INPUT}")
    print(f"method:  {args.warmup} warm-up + {args.runs} timed runs per measurement; "
          f"in-process: {args.rounds} alternating rounds per side, median of round medians")
    print()
    print("in-process inference (model loaded once; median ms per run)")
    hdr = (f"{'model':<22} {'threads':>7} {'ferry ms':>10} {'ORT ms':>10} {'ferry/ORT':>10}"
           f" {'best/best':>10}   rounds: ferry | ORT")
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        if "error" in r:
            print(f"{r['model']:<22} {r['threads']:>7}  error: {r['error']}")
            continue
        star = "*" if r["ferry_method"].endswith("*") else ""
        rounds = "/".join(f"{x:.1f}" for x in r["ferry_rounds_ms"]) + " | " + \
            "/".join(f"{x:.1f}" for x in r["ort_rounds_ms"])
        print(f"{r['model']:<22} {r['threads']:>7} {r['ferry_ms']:>9.2f}{star:1} "
              f"{r['ort_ms']:>10.2f} {r['ratio']:>9.2f}x {r['best_ratio']:>9.2f}x   {rounds}")
    print("ferry/ORT: ratio of the medians of the round medians; best/best: fastest round of "
          "each side\n(on a loaded machine the best rounds are the least disturbed ones)")
    if any(r.get("ferry_method", "").endswith("*") for r in rows):
        print("* ferry has no --repeat: one cold run per process (--stats run time)")
    if not args.no_process:
        print()
        print("whole process (start + load + one run + write; median ms)")
        hdr = f"{'model':<22} {'threads':>7} {'ferry ms':>10} {'ORT ms':>10} {'ferry/ORT':>10}"
        print(hdr)
        print("-" * len(hdr))
        for r in rows:
            if "error" in r:
                continue
            print(f"{r['model']:<22} {r['threads']:>7} {r['ferry_process_ms']:>10.1f} "
                  f"{r['ort_process_ms']:>10.1f} {r['process_ratio']:>9.2f}x")
    ok = [r for r in rows if "error" not in r]
    if ok:
        print()
        print("ferry's outputs vs PyTorch before timing: max|diff| " +
              ", ".join(f"{r['model']}/{r['threads']}t {r['max_abs_vs_pytorch']:.2g}"
                        for r in ok))
    for n in notes.all_lines():
        print(f"note: {n}")
    return 0 if len(ok) == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
