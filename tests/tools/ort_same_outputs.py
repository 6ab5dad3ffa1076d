#!/usr/bin/python3
"""Do two ONNX models compute bit-identical outputs under ONNX Runtime?

  ort_same_outputs.py MODEL_A MODEL_B IN_DIR [--opt disabled|basic|all]
      Runs both models with tests/peers/ort_run.mjs (graph optimization 'basic' by default, so
      ORT's own fusions do not hide or cause differences) on IN_DIR/<input name>.npy and compares
      every output's dtype, shape and raw bytes; NaN in the same places counts as identical.
      Exit 0 identical; 1 different (prints the first differing output and its max abs diff);
      2 ORT cannot run MODEL_A ("SKIP: ORT refuses original: ..."); 3 ORT runs A but not B;
      4 the comparison could not be made (usage, missing input files, node or the peer missing).

  ort_same_outputs.py --make-inputs OUT_DIR MODEL [--seed S]
      Writes OUT_DIR/<input name>.npy for every model input: symbolic or unknown dims become 1;
      floats standard normal, integers in [0, 3), bools random; numpy.random.default_rng(S),
      S = 7 by default, inputs drawn in model order.

Tensor names become file names by replacing every char outside [A-Za-z0-9._-] with '_'.
Uses /usr/bin/python3 with Debian's onnx and numpy; ORT itself runs under Node.
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx

PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers", "ort_run.mjs")
NODE = os.environ.get("NODE", "node")
FLOATS = {1: np.float32, 10: np.float16, 11: np.float64}
INTS = {2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64,
        12: np.uint32, 13: np.uint64}


def sanitize(name):
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def fail(code, msg):
    print(msg, file=sys.stderr if code == 4 else sys.stdout)
    sys.exit(code)


def load(path):
    try:
        return onnx.load(path, load_external_data=False)
    except Exception as e:
        fail(4, f"ort_same_outputs: cannot parse {path}: {e}")


def make_inputs(out_dir, model_path, seed):
    graph = load(model_path).graph
    inits = {t.name for t in graph.initializer}
    rng = np.random.default_rng(seed)
    os.makedirs(out_dir, exist_ok=True)
    for vi in graph.input:
        if vi.name in inits:
            continue
        tt = vi.type.tensor_type
        if vi.type.WhichOneof("value") != "tensor_type" or not tt.HasField("shape"):
            fail(4, f"ort_same_outputs: input '{vi.name}': not a tensor of known rank; cannot make it")
        shape = [d.dim_value if d.HasField("dim_value") else 1 for d in tt.shape.dim]
        if tt.elem_type in FLOATS:
            arr = rng.standard_normal(shape).astype(FLOATS[tt.elem_type])
        elif tt.elem_type in INTS:
            arr = rng.integers(0, 3, shape).astype(INTS[tt.elem_type])
        elif tt.elem_type == 9:
            arr = rng.integers(0, 2, shape).astype(bool)
        else:
            fail(4, f"ort_same_outputs: input '{vi.name}': element type {tt.elem_type} not supported")
        np.save(os.path.join(out_dir, sanitize(vi.name) + ".npy"), np.ascontiguousarray(arr))


def run(model, in_dir, out_dir, opt):
    """(ort_run exit code, its stderr)."""
    try:
        p = subprocess.run([NODE, PEER, model, in_dir, out_dir, "--opt", opt],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        fail(4, f"ort_same_outputs: cannot start {NODE}: {e}")
    return p.returncode, p.stderr.strip()


def difference(a, b):
    """None if a and b are identical (NaN where the other has NaN counts as equal), else a text."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return f"dtype/shape {a.dtype}{list(a.shape)} vs {b.dtype}{list(b.shape)}"
    if a.tobytes() == b.tobytes():
        return None
    if a.dtype.kind == "U":
        bad = np.flatnonzero(a != b)
        return f"{bad.size} of {a.size} strings differ, first at flat index {bad[0]}"
    same = a.view(f"u{a.itemsize}") == b.view(f"u{a.itemsize}") if a.dtype.kind == "f" else a == b
    if a.dtype.kind == "f":
        same |= np.isnan(a) & np.isnan(b)  # same NaN places, payload bits may differ
        if same.all():
            return None
    bad = np.flatnonzero(~same)
    a64, b64 = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    nan_mismatch = int(np.count_nonzero(np.isnan(a64) != np.isnan(b64)))
    d = np.abs(a64 - b64)
    finite = d[~np.isnan(d)]
    max_abs = float(finite.max()) if finite.size else float("nan")
    return (f"{bad.size} of {a.size} elements differ, first at flat index {bad[0]} "
            f"({a64[bad[0]]!r} vs {b64[bad[0]]!r}); max abs diff {max_abs:g}"
            + (f"; NaN in one model only at {nan_mismatch} places" if nan_mismatch else ""))


def compare(model_a, model_b, in_dir, opt):
    with tempfile.TemporaryDirectory(prefix="ort_same_") as tmp:
        out_a, out_b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
        code, err = run(model_a, in_dir, out_a, opt)
        if code == 4:
            fail(2, f"SKIP: ORT refuses original: {err}")
        if code != 0:
            fail(4, f"ort_same_outputs: cannot run {model_a}: {err}")
        code, err = run(model_b, in_dir, out_b, opt)
        if code != 0:
            fail(3, f"ORT runs {model_a} but not {model_b}: {err}")
        files_a, files_b = set(os.listdir(out_a)), set(os.listdir(out_b))
        # Model order for "first differing output"; file names not named by the model go last.
        order = [sanitize(o.name) + ".npy" for o in load(model_a).graph.output]
        order += sorted(files_a - set(order))
        for f in order:
            if f not in files_a:
                continue
            if f not in files_b:
                fail(1, f"DIFFERENT: output {f[:-4]} missing from {model_b}")
            why = difference(np.load(os.path.join(out_a, f)), np.load(os.path.join(out_b, f)))
            if why:
                fail(1, f"DIFFERENT: output {f[:-4]}: {why}")
        if files_b - files_a:
            fail(1, f"DIFFERENT: {model_b} has extra outputs {sorted(x[:-4] for x in files_b - files_a)}")
        print(f"IDENTICAL: {len(files_a)} outputs")


def main(argv):
    usage = ("usage: ort_same_outputs.py MODEL_A MODEL_B IN_DIR [--opt disabled|basic|all]\n"
             "       ort_same_outputs.py --make-inputs OUT_DIR MODEL [--seed S]")
    opts, pos = {}, []
    it = iter(argv)
    for a in it:
        if a in ("--opt", "--seed", "--make-inputs"):
            opts[a] = next(it, None)
            if opts[a] is None:
                fail(4, usage)
        else:
            pos.append(a)
    if "--make-inputs" in opts:
        if len(pos) != 1 or "--opt" in opts or not re.fullmatch(r"\d+", opts.get("--seed", "7")):
            fail(4, usage)
        make_inputs(opts["--make-inputs"], pos[0], int(opts.get("--seed", "7")))
    else:
        if len(pos) != 3 or "--seed" in opts or opts.get("--opt", "basic") not in ("disabled", "basic", "all"):
            fail(4, usage)
        compare(pos[0], pos[1], pos[2], opts.get("--opt", "basic"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
