#!/usr/bin/python3
"""`ferry inspect --json` against the onnx Python package, on every .onnx model we have.

For each .onnx under $FERRY_SHARED/models (default <repo>/../shared/models) and the repo's
fixtures/, runs `ferry inspect --json MODEL` ($FERRY_BIN, default <repo>/build/release/ferry)
and `tests/tools/onnx_facts.py MODEL`, and compares inputs and outputs (name, dtype, shape),
node_count, subgraph_node_count, param_count, op_counts, opset and producer. A file the onnx
package cannot read must be refused by ferry too (exit 3).

One line per model, "ok <model>" or "FAIL <model>: <what differs>", then "N passed, N failed".
Exit 1 on any failure. Run with /usr/bin/python3 (Debian's onnx).
"""
import functools
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import ROOT, SHARED, report  # noqa: E402

# This suite has always ignored $FERRY_BUILD: $FERRY_BIN, else <repo>/build/release/ferry.
FERRY = os.environ.get("FERRY_BIN") or os.path.join(ROOT, "build", "release", "ferry")
FACTS = os.path.join(ROOT, "tests", "tools", "onnx_facts.py")
TIMEOUT = 300

# Fields compared as they are (DESIGN.md names on both sides).
SAME_FIELDS = ("node_count", "subgraph_node_count", "param_count", "op_counts", "opset")

run = functools.partial(harness.run, timeout=TIMEOUT)


def models():
    found = []
    for top in (os.path.join(SHARED, "models"), os.path.join(ROOT, "fixtures")):
        for folder, _, files in os.walk(top):
            found += [os.path.join(folder, f) for f in files if f.endswith(".onnx")]
    return sorted(found)


def short(x, n=160):
    s = json.dumps(x) if not isinstance(x, str) else x
    return s if len(s) <= n else s[: n - 3] + "..."


def compare_values(kind, ours, theirs):
    """Differences between two [{name, dtype, shape}] lists."""
    if len(ours) != len(theirs):
        return [f"{kind}: {len(ours)} listed, onnx has {len(theirs)} "
                f"(ferry {short([v.get('name') for v in ours])}, "
                f"onnx {short([v['name'] for v in theirs])})"]
    diffs = []
    for i, (a, b) in enumerate(zip(ours, theirs)):
        for key in ("name", "dtype", "shape"):
            if a.get(key, "<missing>") != b[key]:
                diffs.append(f"{kind}[{i}] '{b['name']}' {key}: ferry {short(a.get(key, '<missing>'))}, "
                             f"onnx {short(b[key])}")
    return diffs


def compare(ours, theirs):
    diffs = compare_values("inputs", ours.get("inputs", []), theirs["inputs"])
    diffs += compare_values("outputs", ours.get("outputs", []), theirs["outputs"])
    for key in SAME_FIELDS:
        if ours.get(key, "<missing>") != theirs[key]:
            diffs.append(f"{key}: ferry {short(ours.get(key, '<missing>'))}, onnx {short(theirs[key])}")
    producer = ours.get("producer") or {}
    want = {"name": theirs["producer_name"], "version": theirs["producer_version"]}
    if producer != want:
        diffs.append(f"producer: ferry {short(producer)}, onnx {short(want)}")
    if ours.get("format") != "onnx":
        diffs.append(f"format: ferry {short(ours.get('format'))}, expected 'onnx'")
    for key in ("weight_bytes", "findings"):
        if key not in ours:
            diffs.append(f"{key} missing")
    return diffs


def check(path):
    """None when ferry agrees with onnx on path, else what differs."""
    facts = run([sys.executable, FACTS, path])
    got = run([FERRY, "inspect", "--json", path])
    if facts.returncode != 0:
        if got.returncode == 3:
            return None  # both refuse the file
        return (f"onnx cannot read it ({' '.join(facts.stderr.split())[:200]}), "
                f"but ferry exited {got.returncode}")
    if got.returncode != 0:
        return f"ferry exited {got.returncode}: {' '.join(got.stderr.split())[:300]}"
    try:
        ours = json.loads(got.stdout)
    except json.JSONDecodeError as e:
        return f"ferry's output is not JSON: {e}"
    if not isinstance(ours, dict):
        return "ferry's JSON is not an object"
    diffs = compare(ours, json.loads(facts.stdout))
    return "; ".join(diffs) if diffs else None


def main():
    if not os.access(FERRY, os.X_OK):
        return harness.setup_failed(f"{FERRY} is not built (make release, or set FERRY_BIN)")
    paths = models()
    if not paths:
        return harness.setup_failed(f"no .onnx models under {SHARED}/models")
    for path in paths:
        top = os.path.join(SHARED, "models")
        name = os.path.relpath(path, top if path.startswith(top) else ROOT)
        report(name, check(path))
    return harness.finish()


if __name__ == "__main__":
    sys.exit(main())
