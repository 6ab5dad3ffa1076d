#!/usr/bin/env python3
"""ferry's test runner: runs every suite, each in the tree it belongs to, and
ends with one line `N passed, N failed` summing them all.

Unit and robustness tests run in the sanitizer tree (build/asan); model and
conformance suites run in the release tree, which keeps the whole run under
CI's budget. Each suite prints one line per test and its own closing
`N passed, N failed` line, which is what this runner adds up; a suite that
exits non-zero without reporting a failure counts as one failure.
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"

# (name, tree, argv relative to the repo)
SUITES = [
    ("unit (asan)", "asan", ["{build}/asan/unit-tests"]),
    ("cli", "release", [PY, "tests/cli/test_cli.py"]),
    ("inspect vs onnx", "release", [PY, "tests/models/test_inspect_vs_onnx.py"]),
    ("onnx round trip", "release", [PY, "tests/models/test_onnx_roundtrip.py"]),
    ("run", "release", [PY, "tests/cli/test_run.py"]),
    ("models run", "release", [PY, "tests/models/test_run_models.py"]),
    ("tflite models", "release", [PY, "tests/models/test_tflite_models.py"]),
    ("convert tflite", "release", [PY, "tests/models/test_convert_tflite.py"]),
    ("validate", "release", [PY, "tests/cli/test_validate.py"]),
    ("check", "release", [PY, "tests/cli/test_check.py"]),
    ("conformance", "release", ["{build}/release/tools/conformance", "--quiet",
                                "--expect", "tests/conformance/expected.txt"]),
]

CLOSING = re.compile(r"^(?:\w+: )?(\d+) passed, (\d+) failed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", help="run suites whose name contains this")
    args = ap.parse_args()
    build = os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build
    env = dict(os.environ)
    env.setdefault("FERRY_ROOT", ROOT)
    env.setdefault("FERRY_BUILD", build)
    env.setdefault("FERRY_BIN", os.path.join(build, "release", "ferry"))
    env.setdefault("FERRY_SHARED", os.path.normpath(os.path.join(ROOT, "..", "shared")))
    # ASan: fail on leaks too; UBSan already aborts (-fno-sanitize-recover).
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    logdir = os.path.join(build, "test-logs")
    os.makedirs(logdir, exist_ok=True)

    total_pass = total_fail = 0
    rows = []
    for name, _tree, argv in SUITES:
        if args.only and args.only not in name:
            continue
        cmd = [a.format(build=build) for a in argv]
        print(f"=== {name}: {' '.join(cmd)}", flush=True)
        t0 = time.time()
        log_path = os.path.join(logdir, re.sub(r"[^A-Za-z0-9]+", "_", name) + ".log")
        passed = failed = None
        with open(log_path, "w") as log:
            try:
                p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, errors="replace")
            except OSError as e:
                print(f"cannot run suite: {e}")
                p = None
            if p:
                for line in p.stdout:
                    log.write(line)
                    # Keep the console short: show failures and closing lines.
                    if not line.startswith(("ok ", "ok\t")):
                        sys.stdout.write(line)
                    m = CLOSING.match(line.strip())
                    if m:
                        passed, failed = int(m.group(1)), int(m.group(2))
                rc = p.wait()
            else:
                rc = 127
        dt = time.time() - t0
        if passed is None:
            passed, failed = 0, 1
        elif rc != 0 and failed == 0:
            failed = 1
        total_pass += passed
        total_fail += failed
        rows.append((name, passed, failed, dt))
        print(f"--- {name}: {passed} passed, {failed} failed in {dt:.1f}s (log: {log_path})",
              flush=True)

    print()
    for name, p_, f_, dt in rows:
        print(f"  {name:<20} {p_:>6} passed {f_:>4} failed {dt:8.1f}s")
    print(f"{total_pass} passed, {total_fail} failed")
    return 1 if total_fail else 0


if __name__ == "__main__":
    sys.exit(main())
