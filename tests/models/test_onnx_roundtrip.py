#!/usr/bin/python3
"""The ONNX round-trip done-criteria, in one script.

  a) every model.onnx of libonnx-testdata (1,072) is read or refused with a clear UNSUPPORTED
     message, and round-trips to an equal IR (tools/roundtrip: read, write, read, ir_model_equal);
     the refusals go to <build>/onnx-roundtrip/refusals.txt
  b) every .onnx under $FERRY_SHARED/models round-trips to an equal IR
  c) for those, onnx.checker (tests/tools/onnx_check.py) accepts the rewrite wherever it
     accepts the original
  d) ONNX Runtime's outputs on the rewrite are bit-identical to the original's wherever ORT runs
     the original (tests/tools/ort_same_outputs.py, graph optimization 'basic'), on one stored
     input set per model, or seeded random inputs (--make-inputs) where none is stored
  e) every 10th libonnx-testdata rewrite passes onnx_check wherever its original does

One line per item: "ok <check> <model>", "FAIL <check> <model>: why" or "skip <check> <model>:
why" (skips are neither passed nor failed); "== ..." lines summarise each check; the last line
is "N passed, N failed". Exit 1 on any failure.

Env: FERRY_BUILD (default <repo>/build; the tool is $FERRY_BUILD/release/tools/roundtrip),
FERRY_SHARED (default <repo>/../shared). Work files go to $FERRY_BUILD/onnx-roundtrip/ (removed
when everything passed, kept for inspection otherwise).
"""
import collections
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import BUILD, MODELS, PEERS, ROOT  # noqa: E402

TESTDATA = "/usr/share/libonnx-testdata/data"
PY = "/usr/bin/python3"
TOOL = os.path.join(BUILD, "release", "tools", "roundtrip")
ONNX_CHECK = os.path.join(ROOT, "tests", "tools", "onnx_check.py")
ORT_SAME = os.path.join(ROOT, "tests", "tools", "ort_same_outputs.py")
NODE_MODULES = os.path.join(PEERS, "node_modules")
WORK = os.path.join(BUILD, "onnx-roundtrip")
JOBS = 2                      # CI has 2 cores
ROUNDTRIP_TIMEOUT = 600       # seconds per roundtrip invocation
ORT_TIMEOUT = 300             # seconds per model pair under ORT
MAX_INPUT_BYTES = 32 << 20    # skip ORT on models whose inputs take more than this
SAMPLE_EVERY = 10             # check e)


# Lines name the check and the item: "ok <check> <item>[: note]", "FAIL/skip <check> <item>: why".
def ok(check, item, note=""):
    harness.ok(f"{check} {item}", note)


def fail(check, item, why):
    harness.fail(f"{check} {item}", why)


def skip(check, item, why):
    harness.skip(f"{check} {item}", why)


def summary(text):
    print(f"== {text}", flush=True)


def rel(path):
    for base in (MODELS, TESTDATA):
        if path.startswith(base + "/"):
            return os.path.relpath(path, base)
    return path


# ---- round trips -------------------------------------------------------------------------

def run_roundtrip(paths, out_dir):
    """Runs tools/roundtrip over paths (in as few invocations as a crash allows).
    Returns {path: (kind, message)} with kind 'ok', 'refused' or 'FAIL', and the rewrite of
    paths[i] at out_dir/<i>.onnx when kind is 'ok'. A crash or hang fails the model it hit; the
    rest are run again in a fresh process."""
    results = {}
    start = 0
    attempt = 0
    while start < len(paths):
        attempt += 1
        batch = paths[start:]
        batch_dir = os.path.join(out_dir, f"run{attempt}")
        os.makedirs(batch_dir, exist_ok=True)
        log = os.path.join(out_dir, f"run{attempt}.out")
        timed_out = False
        with open(log, "w") as out, open(log + ".err", "w") as err:
            try:
                p = subprocess.run([TOOL, "--out", batch_dir, "--"] + batch, stdout=out,
                                   stderr=err, timeout=ROUNDTRIP_TIMEOUT)
                rc = p.returncode
            except subprocess.TimeoutExpired:
                timed_out, rc = True, None
        with open(log, errors="replace") as f:
            lines = f.read().splitlines()
        n = 0
        for line in lines:
            if n >= len(batch):
                break
            path = batch[n]
            for kind in ("ok", "refused", "FAIL"):
                head = f"{kind} {path}"
                if line == head or line.startswith(head + ": "):
                    msg = line[len(head) + 2:] if line.startswith(head + ": ") else ""
                    results[path] = (kind, msg)
                    if kind == "ok":
                        os.replace(os.path.join(batch_dir, f"{n}.onnx"),
                                   os.path.join(out_dir, f"{start + n}.onnx"))
                    n += 1
                    break
        if n == len(batch):
            if rc not in (0, 1):
                with open(log + ".err", errors="replace") as f:
                    tail = f.read().strip().splitlines()[-3:]
                results[batch[-1]] = ("FAIL", f"roundtrip exited with status {rc} after the last "
                                      f"model: {' | '.join(tail)}")
            break
        # The tool stopped (crash, hang, abort) inside batch[n].
        with open(log + ".err", errors="replace") as f:
            tail = [ln for ln in f.read().strip().splitlines() if ln.strip()][-3:]
        if rc == 2 and n == 0:  # usage error: it would refuse every rerun the same way
            for p in batch:
                results[p] = ("FAIL", f"roundtrip refused to run (exit 2): {' | '.join(tail)}")
            break
        if timed_out:
            why = f"roundtrip hung (> {ROUNDTRIP_TIMEOUT} s) on this model"
        elif rc is not None and rc < 0:
            why = f"roundtrip crashed on this model (signal {-rc})"
        else:
            why = f"roundtrip stopped on this model (exit status {rc})"
        if tail:
            why += ": " + " | ".join(tail)
        results[batch[n]] = ("FAIL", why)
        start += n + 1
    return results


def batches(items, k):
    size = (len(items) + k - 1) // k
    return [items[i:i + size] for i in range(0, len(items), size)]


def roundtrip_many(paths, out_dir, parts):
    """run_roundtrip over `parts` slices in parallel. Returns (results, rewrite path or None per
    model)."""
    slices = batches(paths, parts) if paths else []
    results, rewrites = {}, {}
    with concurrent.futures.ThreadPoolExecutor(JOBS) as ex:
        futs = []
        for i, sl in enumerate(slices):
            d = os.path.join(out_dir, f"part{i}")
            os.makedirs(d, exist_ok=True)
            futs.append((sl, d, ex.submit(run_roundtrip, sl, d)))
        for sl, d, fut in futs:
            res = fut.result()
            results.update(res)
            for j, p in enumerate(sl):
                kind = res.get(p, ("FAIL", ""))[0]
                rewrites[p] = os.path.join(d, f"{j}.onnx") if kind == "ok" else None
    return results, rewrites


def clear_refusal(msg):
    """A refusal is clear when it says what is not supported, not just 'unsupported'."""
    text = msg.strip()
    bare = {"", "unsupported", "unsupported (no message)"}
    return text.lower() not in bare and len(text) >= 12 and len(text.split()) >= 2


# ---- onnx.checker --------------------------------------------------------------------------

def onnx_check(paths):
    """{path: None if the checker accepts it, else its message}."""
    verdicts = {}
    for part in batches(paths, 1 if len(paths) < 200 else 4):
        p = subprocess.run([PY, ONNX_CHECK] + part, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, errors="replace")
        for line in p.stdout.splitlines():
            for path in part:  # paths come back in order; match exactly
                if line == f"OK {path}":
                    verdicts[path] = None
                    break
                if line.startswith(f"FAIL {path}: "):
                    verdicts[path] = line[len(f"FAIL {path}: "):]
                    break
        for path in part:
            verdicts.setdefault(path, f"onnx_check gave no verdict (exit {p.returncode}): "
                                f"{p.stderr.strip()[-300:]}")
    return verdicts


def check_pairs(check, pairs):
    """pairs: [(original, rewrite)]. The rewrite must pass wherever the original passes."""
    verdicts = onnx_check([x for pair in pairs for x in pair])
    n_ok = n_fail = n_skip = 0
    for orig, new in pairs:
        vo, vn = verdicts[orig], verdicts[new]
        if vo is not None:
            n_skip += 1
            if vn is not None:
                skip(check, rel(orig), f"checker refuses the original too: {vo}")
            else:
                skip(check, rel(orig), f"checker refuses the original ({vo}) but accepts the rewrite")
        elif vn is None:
            n_ok += 1
            ok(check, rel(orig))
        else:
            n_fail += 1
            fail(check, rel(orig), f"checker accepts the original but not the rewrite "
                 f"{new}: {vn}")
    return n_ok, n_fail, n_skip


# ---- ONNX Runtime ----------------------------------------------------------------------------

def sanitize(name):
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def model_inputs(path):
    """[(name, elem_type, dims with None for symbolic/unknown)] of the non-initializer inputs."""
    g = onnx.load(path, load_external_data=False).graph
    inits = {t.name for t in g.initializer}
    out = []
    for vi in g.input:
        if vi.name in inits:
            continue
        tt = vi.type.tensor_type
        dims = None
        if vi.type.WhichOneof("value") == "tensor_type" and tt.HasField("shape"):
            dims = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim]
        out.append((vi.name, tt.elem_type, dims))
    return out


def stored_inputs(path, n_inputs):
    """Stored arrays for the model's inputs in model order, or None when there are none.
    See ../shared/models/MANIFEST.md for where each folder keeps them."""
    r = os.path.relpath(path, MODELS)
    d, stem = os.path.dirname(path), os.path.splitext(os.path.basename(path))[0]
    onnx_dir = os.path.join(MODELS, "onnx")
    table = {
        "onnx/onnx2c/mnist/model.onnx": ["onnx/onnx2c/mnist/input_0.npy"],
        "onnx/onnx2c/mnist_pytorch/pytorch.onnx": ["onnx/onnx2c/mnist_pytorch/input_seven.npy"],
        "onnx/onnx2c/tfl_helloworld/model.onnx": ["onnx/onnx2c/tfl_helloworld/inputs_60x1.npy"],
        "onnx/hand_gesture/keypoint_classifier.onnx": ["onnx/hand_gesture/keypoint_inputs_10x42.npy"],
        # score_threshold: the MANIFEST's 0.5
        "onnx/hand_gesture/point_history_classifier.onnx":
            ["onnx/hand_gesture/point_history_inputs_10x32.npy", np.array(0.5, np.float32)],
        "onnx/hand_gesture/point_history_classifier_lstm.onnx":
            ["onnx/hand_gesture/point_history_inputs_10x32.npy", np.array(0.5, np.float32)],
    }
    files = None
    if r in table:
        files = table[r]
    elif r.startswith("onnx/onnx_light/"):
        files = ["onnx/onnx_light/input_1x3x224x224_arange.npy"]
    elif r.startswith("torch/"):
        own = os.path.join(d, "input_0.npy")
        files = [own if os.path.exists(own) else "torch/inputs_1x3x224x224/input_0.npy"]
    elif os.path.isdir(os.path.join(d, "ref_ort", stem)) and d.startswith(onnx_dir):
        ref = os.path.join(d, "ref_ort", stem)
        if n_inputs == 0:
            return []
        if n_inputs == 1 and os.path.exists(os.path.join(ref, "input_0.npy")):
            files = [os.path.join(ref, "input_0.npy")]
        else:
            files = [os.path.join(ref, f"input{k}_0.npy") for k in range(n_inputs)]
    if files is None:
        return None
    arrays = []
    for f in files:
        if isinstance(f, np.ndarray):
            arrays.append(f)
            continue
        f = f if os.path.isabs(f) else os.path.join(MODELS, f)
        if not os.path.exists(f):
            raise ValueError(f"stored input {f} is missing")
        arrays.append(np.load(f))
    return arrays


NP_OF = {1: np.float32, 10: np.float16, 11: np.float64, 2: np.uint8, 3: np.int8, 4: np.uint16,
         5: np.int16, 6: np.int32, 7: np.int64, 9: np.bool_, 12: np.uint32, 13: np.uint64}


def prepare_inputs(path, in_dir):
    """Fills in_dir for the model. Returns (source description, None) or (None, skip reason);
    raises ValueError when the stored inputs do not fit the model (a bug of this script)."""
    ins = model_inputs(path)
    arrays = stored_inputs(path, len(ins))
    if arrays is not None:
        if len(arrays) != len(ins):
            raise ValueError(f"{len(arrays)} stored inputs for {len(ins)} model inputs")
        for (name, et, dims), a in zip(ins, arrays):
            want = NP_OF.get(et)
            if want is None or a.dtype != np.dtype(want):
                raise ValueError(f"input '{name}': stored {a.dtype}, model wants type {et}")
            if dims is not None and (len(dims) != a.ndim or
                                     any(m is not None and m != s for m, s in zip(dims, a.shape))):
                raise ValueError(f"input '{name}': stored shape {list(a.shape)}, model {dims}")
            np.save(os.path.join(in_dir, sanitize(name) + ".npy"), np.ascontiguousarray(a))
        return "stored inputs", None
    total = 0
    for name, et, dims in ins:
        if dims is None or et not in NP_OF:
            return None, f"input '{name}' has no known shape/type to make data for"
        total += int(np.prod([d or 1 for d in dims], dtype=np.int64)) * np.dtype(NP_OF[et]).itemsize
    if total > MAX_INPUT_BYTES:
        return None, (f"inputs take {total / 2**20:.0f} MB (> {MAX_INPUT_BYTES >> 20} MB) and none "
                      "are stored; too slow for the suite")
    p = subprocess.run([PY, ORT_SAME, "--make-inputs", in_dir, path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    if p.returncode != 0:
        raise ValueError(f"--make-inputs failed: {p.stdout.strip()}")
    return "seeded random inputs", None


def ort_compare(orig, new):
    """('ok'|'fail'|'skip', text)."""
    with tempfile.TemporaryDirectory(prefix="ferry-rt-in-") as in_dir:
        try:
            source, why = prepare_inputs(orig, in_dir)
        except ValueError as e:
            return "fail", f"cannot prepare inputs: {e}"
        if why:
            return "skip", why
        try:
            p = subprocess.run([PY, ORT_SAME, orig, new, in_dir], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace",
                               timeout=ORT_TIMEOUT)
        except subprocess.TimeoutExpired:
            return "fail", f"ort_same_outputs took more than {ORT_TIMEOUT} s"
        text = " ".join(p.stdout.split())
        if p.returncode == 0:
            return "ok", f"{text} on {source}"
        if p.returncode == 2:
            return "skip", text
        if p.returncode == 1:
            return "fail", f"{text} (on {source}; rewrite {new})"
        if p.returncode == 3:
            return "fail", f"{text} (rewrite {new})"
        return "fail", f"comparison could not be made (exit {p.returncode}): {text}"


def timed(fn, *args):
    t0 = time.time()
    return (*fn(*args), time.time() - t0)


# ---- the checks ---------------------------------------------------------------------------------

def main():
    t_start = time.time()
    if not os.access(TOOL, os.X_OK):
        fail("setup", TOOL, "tool not built; run `make release` (or make BUILD=... release)")
        return harness.finish()
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    print(f"# tool {TOOL}; shared models {MODELS}; work {WORK}", flush=True)

    # a) libonnx-testdata
    t0 = time.time()
    testdata = []
    if os.path.isdir(TESTDATA):
        for dp, _dn, fn in os.walk(TESTDATA):
            if "model.onnx" in fn:
                testdata.append(os.path.join(dp, "model.onnx"))
        testdata.sort()
    td_results, td_rewrites = {}, {}
    if not testdata:
        fail("a", TESTDATA, "no model.onnx found: libonnx-testdata is missing; run "
             "scripts/install-deps.sh (as root)")
    else:
        td_results, td_rewrites = roundtrip_many(testdata, os.path.join(WORK, "testdata"), 4)
        refusals = []
        n_ok = n_fail = 0
        for p in testdata:
            kind, msg = td_results.get(p, ("FAIL", "no result"))
            if kind == "ok":
                n_ok += 1
                ok("a", rel(p))
            elif kind == "refused":
                refusals.append((p, msg))
                if clear_refusal(msg):
                    ok("a", rel(p), f"refused: {msg}")
                else:
                    n_fail += 1
                    fail("a", rel(p), f"refused without a clear message: '{msg}'")
            else:
                n_fail += 1
                fail("a", rel(p), msg)
        ref_file = os.path.join(BUILD, "onnx-roundtrip-refusals.txt")
        with open(ref_file, "w") as f:
            for p, msg in refusals:
                f.write(f"{p}: {msg}\n")
        reasons = collections.Counter(re.sub(r"'[^']*'", "'…'", m) for _p, m in refusals)
        summary(f"a) libonnx-testdata: {len(testdata)} models: {n_ok} round-trip equal, "
                f"{len(refusals)} refused as UNSUPPORTED (list: {ref_file}), {n_fail} failed "
                f"[{time.time() - t0:.1f}s]")
        for reason, count in reasons.most_common(8):
            summary(f"   {count:4d} × refused: {reason}")

    # b) shared models
    t0 = time.time()
    shared = []
    for sub in ("torch", "onnx"):
        for dp, _dn, fn in os.walk(os.path.join(MODELS, sub)):
            shared += [os.path.join(dp, f) for f in fn if f.endswith(".onnx")]
    shared.sort()
    sh_rewrites = {}
    if not shared:
        fail("b", MODELS, "no .onnx models found; set FERRY_SHARED to the folder holding models/")
    else:
        # resnet18 (45 MB) takes one slice of its own time; 2 slices keep both cores busy.
        sh_results, sh_rewrites = roundtrip_many(shared, os.path.join(WORK, "shared"), 2)
        n_ok = n_fail = 0
        for p in shared:
            kind, msg = sh_results.get(p, ("FAIL", "no result"))
            if kind == "ok":
                n_ok += 1
                ok("b", rel(p))
            else:
                n_fail += 1
                fail("b", rel(p), f"refused: {msg}" if kind == "refused" else msg)
        summary(f"b) shared models: {len(shared)}: {n_ok} round-trip equal, {n_fail} failed "
                f"[{time.time() - t0:.1f}s]")

    # c) onnx.checker on shared rewrites
    t0 = time.time()
    pairs = [(p, sh_rewrites[p]) for p in shared if sh_rewrites.get(p)]
    if pairs:
        n_ok, n_fail, n_skip = check_pairs("c", pairs)
        summary(f"c) onnx.checker on {len(pairs)} shared rewrites: {n_ok} accepted as the "
                f"original is, {n_fail} failed, {n_skip} skipped (checker refuses the original) "
                f"[{time.time() - t0:.1f}s]")

    # d) ONNX Runtime on shared rewrites
    t0 = time.time()
    if pairs:
        if not os.path.isdir(NODE_MODULES) or shutil.which(os.environ.get("NODE", "node")) is None:
            fail("d", NODE_MODULES, "ONNX Runtime peer missing (node or tests/peers/node_modules); "
                 "run scripts/install-deps.sh")
        else:
            counts = collections.Counter()
            with concurrent.futures.ThreadPoolExecutor(JOBS) as ex:
                futs = [(orig, ex.submit(timed, ort_compare, orig, new)) for orig, new in pairs]
                for orig, fut in futs:
                    verdict, text, secs = fut.result()
                    text += f" [{secs:.1f}s]"
                    counts[verdict] += 1
                    {"ok": ok, "fail": fail, "skip": skip}[verdict]("d", rel(orig), text)
            summary(f"d) ONNX Runtime on {len(pairs)} shared rewrites: {counts['ok']} bit-identical, "
                    f"{counts['fail']} failed, {counts['skip']} skipped [{time.time() - t0:.1f}s]")

    # e) onnx.checker on every 10th testdata rewrite
    t0 = time.time()
    sample = [p for i, p in enumerate(testdata) if i % SAMPLE_EVERY == 0]
    pairs_e = [(p, td_rewrites[p]) for p in sample if td_rewrites.get(p)]
    if testdata:
        n_ok, n_fail, n_skip = check_pairs("e", pairs_e) if pairs_e else (0, 0, 0)
        summary(f"e) onnx.checker on every {SAMPLE_EVERY}th testdata rewrite: {len(sample)} sampled, "
                f"{len(sample) - len(pairs_e)} without a rewrite (refused or failed in a), "
                f"{n_ok} accepted as the original is, {n_fail} failed, {n_skip} skipped "
                f"(checker refuses the original) [{time.time() - t0:.1f}s]")

    harness.tidy(WORK, f"== rewrites kept for inspection in {WORK}")
    summary(f"total {time.time() - t_start:.1f}s; {harness.skipped} skipped")
    return harness.finish()


if __name__ == "__main__":
    sys.exit(main())
