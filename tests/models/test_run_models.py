#!/usr/bin/python3
"""`ferry run` on every ONNX model of the shared corpus, against outputs ferry did not make.

Every *.onnx under $FERRY_SHARED/models (default <repo>/../shared) is run with $FERRY_BIN
(default build/release/ferry) on every stored input set, and wherever outputs are stored
ferry's outputs must match them (the MANIFEST says what each reference is):

  torch/<m>/                PyTorch eager outputs output_<i>.npy for input_<i>.npy (beside the
                            model, or the shared torch/inputs_1x3x224x224/ for the 224 models)
  torch/mobilenet_v2_qdq_op13
                            ref_onnx_spec/output_<i>.npy: ONNX Runtime with graph optimizations
                            disabled, i.e. QuantizeLinear/DequantizeLinear around float ops as
                            ONNX defines a QDQ graph. PyTorch's own int8 outputs (output_<i>.npy
                            there) are *not* a reference: its quantized engine rounds differently
                            and differs from ORT by ~28 output steps (MANIFEST, QDQ note).
  onnx/**/ref_ort/<model>/  ONNX Runtime outputs: input_<i>/output_<i>.npy, or input<k>_<i>.npy /
                            output<k>_<i>.npy with k the position in the model's input/output list
  onnx/onnx2c/...           golden outputs from the publisher (mnist input/golden_<i>,
                            mnist_pytorch input/golden_seven, tfl_helloworld: 60 rows as one batch)
  onnx/onnx_light/          <model>_golden.npy for input_1x3x224x224_arange.npy
  onnx/hand_gesture/        10 dataset rows run as ONE batch (the ONNX models have a symbolic
                            batch); class ids must equal the stored labels where the MANIFEST says
                            ORT agreed 10/10 (keypoint_classifier, point_history_classifier_lstm);
                            point_history_classifier (ORT = labels 9/10) is compared with ONNX
                            Runtime run here on the same batch, and its label agreement is printed.

Tolerances: float outputs |a - r| <= 1e-4 + 1e-4*|r| everywhere (NaN matches NaN, inf matches the
same inf); integer outputs exactly; dtype and shape must be the reference's. The QDQ model: within
3 output quantization steps and the same top-1 (see check_qdq for how the step is found).

Models with no stored outputs (Attention_*, BatchNorm2D_15, GridSample_16, HardSwish_14,
LayerNormalization3D_*, and any model added later that this file does not know) run on seeded
random inputs (numpy default_rng, seed printed) and are compared with ONNX Runtime on the same
inputs (`node tests/peers/ort_run.mjs`, a peer we did not write) with the float tolerance above.
Two random sets per model, one when a set's inputs exceed 16 MB (the Attention models: q, k, v
are 3 x 8 MB float32 [32,8,128,64], not 3 x 32 MB as the MANIFEST says); for those the ORT
comparison is made only if ferry's run took < 10 s, otherwise the line says so. GridSample's
grid is drawn uniform in [-1.1, 1.1] (mostly inside the image). BatchNorm2D_15 is a
training-mode BatchNormalization on which ORT 1.30 does not compute ONNX's definition as stored;
ORT gets a copy with private running-statistics initializers (ModelInfo.ort_copy says why).

Models whose graph uses ai.onnx.ml ops must be refused: exit 3 and a message naming each such op.
A model that merely imports the ai.onnx.ml domain (point_history_classifier_lstm,
ultraface_rfb_320) must run: the domains actually used by nodes (subgraphs and functions
included) decide.

Output: one line per model and check, `ok ...` or `FAIL ...: <model, input set, max diff, index>`;
then the worst max |diff| measured per model; last line `N passed, N failed`; exit 1 on failure.
Models run two at a time (FERRY_TEST_JOBS to change), each ferry process with one thread.
"""
import concurrent.futures
import functools
import os
import re
import shutil
import sys
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import FERRY, MODELS, PEERS, report, squash  # noqa: E402

ORT_RUN = os.path.join(PEERS, "ort_run.mjs")
NODE = shutil.which("node")
JOBS = int(os.environ.get("FERRY_TEST_JOBS") or 2)
TIMEOUT = 180
ATOL = RTOL = 1e-4
QDQ_STEPS = 3
BIG_SET_BYTES = 16 << 20   # above this per input set: one random set, ORT only if ferry < 10 s
BIG_RUN_SECONDS = 10.0


def sanitize(name):
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


# (CompletedProcess, seconds); a program that cannot start gives exit -998
run = functools.partial(harness.timed_run, timeout=TIMEOUT, start_errors=True)
show = functools.partial(harness.show, err=400)


# ---- the model, as the onnx package reads it ----

NP_OF_ONNX = {1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32,
              7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32,
              13: np.uint64}


class ModelInfo:
    def __init__(self, path):
        import onnx
        m = onnx.load(path, load_external_data=False)
        self.proto = m
        inits = {i.name for i in m.graph.initializer}

        def vi(v):
            t = v.type.tensor_type
            dims = None
            if t.HasField("shape"):
                dims = [d.dim_param if d.HasField("dim_param") else
                        (d.dim_value if d.HasField("dim_value") else "?") for d in t.shape.dim]
            return v.name, NP_OF_ONNX.get(t.elem_type, np.float32), dims

        self.inputs = [vi(v) for v in m.graph.input if v.name not in inits]
        self.outputs = [vi(v) for v in m.graph.output]
        # op types per domain actually used: graph, subgraphs (If/Loop/Scan bodies), functions
        self.used = {}
        graphs = [m.graph]
        nodes = [n for f in m.functions for n in f.node]
        while graphs:
            g = graphs.pop()
            nodes.extend(g.node)
            for n in g.node:
                for a in n.attribute:
                    if a.type == onnx.AttributeProto.GRAPH:
                        graphs.append(a.g)
                    elif a.type == onnx.AttributeProto.GRAPHS:
                        graphs.extend(a.graphs)
        for n in nodes:
            self.used.setdefault(n.domain or "ai.onnx", set()).add(n.op_type)

    def constant(self, name):
        """Value of an initializer or Constant-node output, else None."""
        from onnx import numpy_helper
        for i in self.proto.graph.initializer:
            if i.name == name:
                return numpy_helper.to_array(i)
        for n in self.proto.graph.node:
            if n.op_type == "Constant" and n.output[0] == name:
                for a in n.attribute:
                    if a.name == "value":
                        return numpy_helper.to_array(a.t)
        return None

    def ort_copy(self, tmpdir):
        """(path, note): a copy of the model for ONNX Runtime when ORT is known to compute
        something other than ONNX's definition on it, else (None, "").

        BatchNormalization with training_mode=1 whose running mean/var inputs are initializers
        shared with other inputs (BatchNorm2D_15 feeds one all-zeros initializer to B and
        input_mean, one all-ones to scale and input_var): ORT 1.30 aliases the running-mean/var
        outputs onto those input buffers, so the update overwrites B and scale before Y is
        computed; Y is then 8.7e-3 off ONNX's definition (batch mean and variance, original
        scale and B) on standard-normal input. ORT's kernel itself agrees with ONNX's own test
        (node/test_batchnorm_epsilon_training_mode, 2.4e-7), and with this model once the
        running statistics get private copies of the initializers, which is what we give it."""
        import copy
        import onnx
        uses = {}
        for n in self.proto.graph.node:
            for i in n.input:
                uses[i] = uses.get(i, 0) + 1
        inits = {i.name: i for i in self.proto.graph.initializer}
        fix = []
        for n in self.proto.graph.node:
            training = any(a.name == "training_mode" and a.i for a in n.attribute)
            if n.op_type == "BatchNormalization" and training:
                fix += [(n, k) for k in (3, 4) if len(n.input) > k and n.input[k] in inits
                        and uses[n.input[k]] > 1]
        if not fix:
            return None, ""
        m = copy.deepcopy(self.proto)
        nodes = {id(n): i for i, n in enumerate(self.proto.graph.node)}
        for n, k in fix:
            t = copy.deepcopy(inits[n.input[k]])
            t.name = f"{n.input[k]}__private_{n.name}_{k}"
            m.graph.initializer.append(t)
            m.graph.node[nodes[id(n)]].input[k] = t.name
        path = os.path.join(tmpdir, "ort_copy.onnx")
        onnx.save(m, path)
        return path, ("ORT ran a copy whose training-mode BatchNormalization running mean/var "
                      "have private initializers (ORT 1.30 otherwise overwrites the shared "
                      "scale/B with the updated statistics; see ModelInfo.ort_copy)")

    def producer(self, name):
        for n in self.proto.graph.node:
            if name in n.output:
                return n
        return None


# ---- comparison ----

def compare_float(a, r):
    """(ok, max_abs, where, detail): |a - r| <= ATOL + RTOL*|r| everywhere."""
    if a.dtype != r.dtype:
        return False, float("inf"), None, f"dtype {a.dtype}, expected {r.dtype}"
    if a.shape != r.shape:
        return False, float("inf"), None, f"shape {a.shape}, expected {r.shape}"
    if a.size == 0:
        return True, 0.0, None, ""
    a64, r64 = a.astype(np.float64), r.astype(np.float64)
    same = (a64 == r64) | (np.isnan(a64) & np.isnan(r64))
    with np.errstate(invalid="ignore"):
        d = np.where(same, 0.0, np.abs(a64 - r64))
    d = np.where(np.isnan(d), np.inf, d)  # NaN against a number, or inf against -inf
    tol = ATOL + RTOL * np.abs(np.where(np.isfinite(r64), r64, 0.0))
    excess = d - tol
    worst = np.unravel_index(int(np.argmax(d)), d.shape)
    if (excess > 0).any():
        i = np.unravel_index(int(np.argmax(excess)), d.shape)
        n = int((excess > 0).sum())
        return False, float(d.max()), i, (f"max|diff| {d.max():.3g} at {fmt_index(worst)}; "
                                         f"{n} of {d.size} values outside tolerance, worst at "
                                         f"{fmt_index(i)}: got {a[i]!r}, expected {r[i]!r}")
    return True, float(d.max()), worst, ""


def compare_exact(a, r):
    if a.dtype != r.dtype:
        return False, float("inf"), None, f"dtype {a.dtype}, expected {r.dtype}"
    if a.shape != r.shape:
        return False, float("inf"), None, f"shape {a.shape}, expected {r.shape}"
    bad = a != r
    if bad.any():
        i = np.unravel_index(int(np.argmax(bad)), a.shape)
        return False, float(np.abs(a.astype(np.float64) - r).max()), i, (
            f"{int(bad.sum())} of {a.size} values differ, first at {fmt_index(i)}: "
            f"got {a[i]!r}, expected {r[i]!r}")
    return True, 0.0, None, ""


def compare(a, r):
    if np.issubdtype(r.dtype, np.floating):
        return compare_float(a, r)
    return compare_exact(a, r)


def fmt_index(i):
    return "(" + ", ".join(str(int(x)) for x in i) + ")" if i is not None else "-"


# ---- running ----

class Runner:
    def __init__(self, tmp):
        self.tmp = tmp
        self.count = 0

    def new_dir(self, what):
        self.count += 1
        d = os.path.join(self.tmp, f"{self.count:04d}-{what}")
        os.makedirs(d)
        return d

    def ferry(self, model, info, inputs, names=None):
        """inputs: {name: path}. Returns (outputs list or None, seconds, error); outputs in
        the order of `names` (default: the model's outputs)."""
        out = self.new_dir("ferry")
        argv = [FERRY, "run", model, "-o", out]
        for name, path in inputs.items():
            argv += ["-i", f"{name}={path}"]
        p, dt = run(argv)
        if p.returncode != 0:
            return None, dt, show(p)
        outs = []
        for name in names or [n for n, _, _ in info.outputs]:
            f = os.path.join(out, sanitize(name) + ".npy")
            if not os.path.exists(f):
                return None, dt, f"exit 0 but no {os.path.basename(f)} in the output folder " \
                                 f"(holds {sorted(os.listdir(out))})"
            outs.append(np.load(f))
        return outs, dt, None

    def ort(self, model, info, inputs, opt="all", names=None):
        """ONNX Runtime peer on the same input files (linked as <name>.npy); outputs in the
        order of `names` (default: the model's outputs)."""
        if not NODE:
            return None, "node is not installed (scripts/install-deps.sh installs it)"
        if not os.path.exists(ORT_RUN):
            return None, f"{ORT_RUN} is missing"
        ind = self.new_dir("ort-in")
        out = self.new_dir("ort-out")
        for name, path in inputs.items():
            os.symlink(path, os.path.join(ind, sanitize(name) + ".npy"))
        p, _ = run([NODE, ORT_RUN, model, ind, out, "--opt", opt])
        if p.returncode != 0:
            return None, f"ONNX Runtime peer failed: {show(p)}"
        names = names or [n for n, _, _ in info.outputs]
        return [np.load(os.path.join(out, sanitize(n) + ".npy")) for n in names], None

    def save(self, arr, what):
        d = self.new_dir("in")
        f = os.path.join(d, what + ".npy")
        np.save(f, arr)
        return f


class Check:
    """One line: a named comparison over several input sets."""

    def __init__(self, model, what):
        self.model, self.what = model, what
        self.compared = 0          # comparisons with a finite max |diff|
        self.max_abs = 0.0
        self.where = None
        self.fail = None
        self.notes = []

    def add(self, label, out_name, result):
        ok, max_abs, where, detail = result
        if np.isfinite(max_abs):
            self.compared += 1
            if max_abs >= self.max_abs:
                self.max_abs = max_abs
                self.where = f"{label}, output '{out_name}'" + \
                    (f" at {fmt_index(where)}" if where is not None else "")
        if not ok and self.fail is None:
            self.fail = f"{label}, output '{out_name}': {detail}"
        return ok

    def worst(self):
        """The measured worst max |diff|, or None when nothing was compared numerically."""
        if not self.compared or self.max_abs != self.max_abs:
            return None
        return self.max_abs

    def line(self, summary):
        name = f"{self.model} {self.what}"
        w = self.worst()
        note = [f"max|diff| {w:.3g}" + (f" ({self.where})" if self.where else "")] \
            if w is not None else []
        if self.fail:
            over = [f"over all sets {note[0]}"] if note and self.compared > 1 else []
            report(name, self.fail + (f" [{'; '.join(over + self.notes)}]"
                                      if over or self.notes else ""))
        else:
            report(name, None, "; ".join([summary] + note + self.notes))
        return w


# ---- input sets per model ----

class InputSet:
    def __init__(self, label, inputs, refs=None):
        self.label = label        # e.g. "set 3"
        self.inputs = inputs      # {input name: path}
        self.refs = refs          # [path or array per output] or None


def ref_ort_sets(folder, info):
    """ref_ort/<model>/: input_<i>/output_<i>, or input<k>_<i>/output<k>_<i> (k = position)."""
    files = os.listdir(folder)
    idx = sorted({int(m.group(2)) for f in files
                  for m in [re.fullmatch(r"output(\d*)_(\d+)\.npy", f)] if m})
    sets = []
    for i in idx:
        def pick(kind, k, n):
            single = os.path.join(folder, f"{kind}_{i}.npy")
            if n == 1 and os.path.exists(single):
                return single
            return os.path.join(folder, f"{kind}{k}_{i}.npy")
        ins = {name: pick("input", k, len(info.inputs)) for k, (name, _, _) in
               enumerate(info.inputs)}
        refs = [pick("output", k, len(info.outputs)) for k in range(len(info.outputs))]
        sets.append(InputSet(f"set {i}", ins, refs))
    return sets


def stored_sets(rel, path, info):
    """(list of InputSet, description of the reference) or (None, None) when none are stored."""
    d = os.path.dirname(path)
    base = os.path.splitext(os.path.basename(path))[0]
    one_in = info.inputs[0][0] if len(info.inputs) == 1 else None
    if rel.startswith("torch/"):
        ind = d if os.path.exists(os.path.join(d, "input_0.npy")) else \
            os.path.join(MODELS, "torch", "inputs_1x3x224x224")
        refd = os.path.join(d, "ref_onnx_spec") if "qdq" in rel else d
        n = len([f for f in os.listdir(refd) if re.fullmatch(r"output_\d+\.npy", f)])
        sets = [InputSet(f"set {i}", {one_in: os.path.join(ind, f"input_{i}.npy")},
                         [os.path.join(refd, f"output_{i}.npy")]) for i in range(n)]
        return sets, ("vs ONNX-spec QDQ outputs ref_onnx_spec/output_<i>.npy" if "qdq" in rel
                      else "vs PyTorch output_<i>.npy")
    if rel == "onnx/onnx2c/mnist/model.onnx":
        n = len([f for f in os.listdir(d) if re.fullmatch(r"golden_\d+\.npy", f)])
        return [InputSet(f"set {i}", {one_in: os.path.join(d, f"input_{i}.npy")},
                         [os.path.join(d, f"golden_{i}.npy")]) for i in range(n)], \
            "vs golden_<i>.npy (model zoo test data)"
    if rel == "onnx/onnx2c/mnist_pytorch/pytorch.onnx":
        return [InputSet("set seven", {one_in: os.path.join(d, "input_seven.npy")},
                         [os.path.join(d, "golden_seven.npy")])], "vs golden_seven.npy (onnx2c)"
    if rel == "onnx/onnx2c/tfl_helloworld/model.onnx":
        return [InputSet("60 rows as one batch", {one_in: os.path.join(d, "inputs_60x1.npy")},
                         [os.path.join(d, "golden_60x1.npy")])], "vs golden_60x1.npy (onnx2c)"
    if rel.startswith("onnx/onnx_light/"):
        return [InputSet("arange input", {one_in: os.path.join(d, "input_1x3x224x224_arange.npy")},
                         [os.path.join(d, f"{base}_golden.npy")])], \
            f"vs {base}_golden.npy (ONNX reference evaluator)"
    ro = os.path.join(d, "ref_ort", base)
    if os.path.isdir(ro):
        return ref_ort_sets(ro, info), f"vs ref_ort/{base}/ (ONNX Runtime)"
    return None, None


def random_sets(rel, info, runner):
    """Seeded random inputs; symbolic dims as the MANIFEST's ref_ort rule (1; M1=4, None=3)."""
    seed0 = zlib.crc32(rel.encode()) & 0xFFFF
    shapes = []
    for name, dt, dims in info.inputs:
        dims = dims or []
        shapes.append([d if isinstance(d, int) and d > 0 else {"M1": 4, "None": 3}.get(d, 1)
                       for d in dims])
    nbytes = sum(int(np.prod(s)) * np.dtype(dt).itemsize
                 for s, (_, dt, _) in zip(shapes, info.inputs))
    n = 1 if nbytes > BIG_SET_BYTES else 2
    sets = []
    for s in range(n):
        rng = np.random.default_rng(seed0 + s)
        ins = {}
        for shape, (name, dt, _) in zip(shapes, info.inputs):
            if name == "grid":  # GridSample: sample mostly inside the image, a few outside
                a = rng.uniform(-1.1, 1.1, shape)
            elif np.issubdtype(dt, np.floating):
                a = rng.standard_normal(shape)
            elif dt == np.bool_:
                a = rng.integers(0, 2, shape)
            else:
                a = rng.integers(0, 4, shape)
            ins[name] = runner.save(np.asarray(a).astype(dt), f"{sanitize(name)}")
        sets.append(InputSet(f"seed {seed0 + s}", ins))
    return sets, nbytes


# ---- checks per model ----

def check_refused(rel, path, info, runner, ml_ops):
    """ai.onnx.ml ops: exit 3 and every such op named."""
    ins = {}
    for name, dt, dims in info.inputs:
        ins[name] = runner.save(np.zeros([d if isinstance(d, int) and d > 0 else 1
                                          for d in dims or []], dt), sanitize(name))
    out = runner.new_dir("refused")
    argv = [FERRY, "run", path, "-o", out]
    for name, f in ins.items():
        argv += ["-i", f"{name}={f}"]
    p, _ = run(argv)
    missing = [op for op in sorted(ml_ops) if op not in p.stderr]
    name = f"{rel} refused (uses ai.onnx.ml {', '.join(sorted(ml_ops))})"
    if p.returncode == 3 and not missing and not os.listdir(out):
        return [(name, None, f"exit 3: '{squash(p.stderr, 160)}'")], None
    return [(name, f"expected exit 3 naming {missing or sorted(ml_ops)} and no outputs; "
             f"{show(p)}", "")], None


def run_sets(rel, path, info, runner, sets):
    """ferry on every set; stops at the first failing run. Returns (results, error, seconds)."""
    results, total = [], 0.0
    for s in sets:
        outs, dt, err = runner.ferry(path, info, s.inputs)
        total += dt
        if err:
            return results, f"{s.label}: ferry run failed: {err}", total
        results.append((s, outs, dt))
    return results, None, total


def check_stored(rel, path, info, runner, sets, what):
    results, err, secs = run_sets(rel, path, info, runner, sets)
    c = Check(rel, what)
    if err:
        c.fail = err + (f" (after {len(results)} good runs; stopped)" if results else "")
        return [c], secs
    for s, outs, _ in results:
        for k, (name, _, _) in enumerate(info.outputs):
            r = np.load(s.refs[k]) if isinstance(s.refs[k], str) else s.refs[k]
            c.add(s.label, name, compare(outs[k], r))
    c.summary = f"{len(results)} set(s) within |a-r| <= {ATOL:g}+{RTOL:g}|r| (ints exact)"
    return [c], secs


def output_scale(info):
    """Scale of the DequantizeLinear that produces the graph output, or None."""
    n = info.producer(info.outputs[0][0])
    while n is not None and n.op_type in ("Identity", "Reshape", "Flatten"):
        n = info.producer(n.input[0])
    if n is None or n.op_type != "DequantizeLinear":
        return None
    s = info.constant(n.input[1])
    return float(np.asarray(s).reshape(-1)[0]) if s is not None and np.size(s) == 1 else None


def check_qdq(rel, path, info, runner, sets, what):
    """Within QDQ_STEPS output quantization steps of the ONNX-spec outputs, and the same top-1.

    The step is the scale of the model's last DequantizeLinear (the one producing the graph
    output: every output value is (q - zero_point) * scale, so two executions that disagree by
    one rounding of the final QuantizeLinear differ by exactly one scale). We cross-check it
    with the smallest spacing between distinct values of the reference outputs, which must be
    that same step; if the model's scale cannot be found the measured spacing is used.
    Top-1: ferry's arg-max class must be a top class of the reference (a reference output can
    hold ties at its maximum: e.g. set 1 has two classes at the top value)."""
    results, err, secs = run_sets(rel, path, info, runner, sets)
    steps_c = Check(rel, f"{what} within {QDQ_STEPS} output steps")
    top_c = Check(rel, "same top-1 as ref_onnx_spec")
    if err:
        steps_c.fail = err
        top_c.fail = "not checked: " + err
        return [steps_c, top_c], secs
    scale = output_scale(info)
    refs = [np.load(s.refs[0]) for s, _, _ in results]
    spacing = min(float(np.diff(np.unique(r.astype(np.float64))).min()) for r in refs)
    step = scale if scale else spacing
    src = (f"step {step:.6g} = scale of the output DequantizeLinear (reference spacing "
           f"{spacing:.6g})" if scale else f"step {step:.6g} measured as the reference's spacing")
    if scale and abs(spacing - scale) > 1e-3 * scale:
        steps_c.notes.append(f"reference spacing {spacing:.6g} differs from the model's scale")
    worst_steps, agree, per_set = 0.0, 0, []
    for (s, outs, _), r in zip(results, refs):
        a = outs[0]
        name = info.outputs[0][0]
        if a.shape != r.shape or a.dtype != r.dtype:
            steps_c.add(s.label, name, (False, float("inf"), None,
                                        f"got {a.dtype} {a.shape}, expected {r.dtype} {r.shape}"))
            continue
        d = np.abs(a.astype(np.float64) - r.astype(np.float64))
        i = np.unravel_index(int(np.argmax(d)), d.shape)
        nsteps = float(d[i]) / step
        worst_steps = max(worst_steps, nsteps)
        per_set.append(f"{nsteps:.0f}")
        ok = nsteps <= QDQ_STEPS + 1e-3
        steps_c.add(s.label, name, (ok, float(d[i]), i,
                                    f"{nsteps:.2f} steps ({d[i]:.4g}) at {fmt_index(i)}: "
                                    f"got {a[i]!r}, expected {r[i]!r}"))
        top_a = int(np.argmax(a))
        top_r = np.flatnonzero(r.reshape(-1) == r.max())
        if top_a in top_r:
            agree += 1
        elif top_c.fail is None:
            top_c.fail = (f"{s.label}: ferry's top-1 is class {top_a}, the reference's is "
                          f"{', '.join(map(str, top_r))} (reference value there "
                          f"{r.reshape(-1)[top_a]!r}, top {r.max()!r})")
    steps_c.notes.append(f"worst steps per set: {' '.join(per_set)} (worst {worst_steps:.2f})")
    diagnosed = {}
    for c in (steps_c, top_c):
        if c.fail:  # the failing set is named first on the line: "set 3, output ..." / "set 3: ..."
            st = next((x for x, _, _ in results if re.match(re.escape(x.label) + r"[,:]", c.fail)),
                      results[0][0])
            if st.label not in diagnosed:
                diagnosed[st.label] = qdq_first_divergence(path, info, runner, st)
            c.notes.append(diagnosed[st.label])
    steps_c.summary = f"{len(results)} sets, worst {worst_steps:.2f} steps; {src}"
    steps_c.notes.append("PyTorch's own int8 output_<i>.npy not compared: not the reference "
                         "for ONNX QDQ semantics (MANIFEST, QDQ note)")
    top_c.summary = f"top-1 agrees {agree}/{len(results)} (ties at the reference's top accepted)"
    top_c.max_abs = float("nan")  # not a numeric comparison: no max|diff| on its line
    return [steps_c, top_c], secs


def qdq_first_divergence(path, info, runner, s):
    """Diagnosis for a failed QDQ check: where ferry first leaves ONNX Runtime with graph
    optimizations disabled (which is how ref_onnx_spec was made), on input set `s`.

    A copy of the model exposes every QuantizeLinear's float input and quantized output; both
    run it; the first QuantizeLinear (in graph order) whose outputs differ is described: how
    many values, how many steps, and for the worst one both sides' float inputs and x/scale +
    zero_point. If those floats are a few ulps apart and sit on a .5 rounding boundary, the
    divergence is float summation order (e.g. in Conv), not QDQ semantics; one such flipped
    value early in the network grows through the later layers."""
    import onnx
    from onnx import helper
    m = onnx.load(path)
    qs = [n for n in m.graph.node if n.op_type == "QuantizeLinear"]
    have = {o.name for o in m.graph.output}
    taps = []
    for n in qs:
        for t in (n.input[0], n.output[0]):
            if t not in have:
                m.graph.output.append(helper.make_empty_tensor_value_info(t))
                have.add(t)
            taps.append(t)
    d = runner.new_dir("qdq-taps")
    tapped = os.path.join(d, "taps.onnx")
    onnx.save(m, tapped)
    got, _, err = runner.ferry(tapped, info, s.inputs, names=taps)
    if err:
        return f"diagnosis: tapped copy failed in ferry: {err}"
    ref, err = runner.ort(tapped, info, s.inputs, opt="disabled", names=taps)
    if err:
        return f"diagnosis: tapped copy failed in ORT: {err}"
    for k, n in enumerate(qs):
        xf, xr = got[2 * k].astype(np.float64), ref[2 * k].astype(np.float64)
        qf, qr = got[2 * k + 1].astype(np.int64), ref[2 * k + 1].astype(np.int64)
        if qf.shape != qr.shape:
            return f"diagnosis: QuantizeLinear '{n.name}' output shape {qf.shape} vs {qr.shape}"
        diff = np.abs(qf - qr)
        if not diff.any():
            continue
        i = np.unravel_index(int(np.argmax(diff)), diff.shape)
        msg = (f"diagnosis: first divergence from ORT (optimizations disabled) on {s.label} is "
               f"QuantizeLinear '{n.name}' (#{k + 1} of {len(qs)}): {int((diff > 0).sum())} of "
               f"{diff.size} values, at most {int(diff.max())} step(s); at {fmt_index(i)} ferry's "
               f"float input {xf[i]:.9g} vs ORT's {xr[i]:.9g}")
        scale, zp = info.constant(n.input[1]), info.constant(n.input[2]) if len(n.input) > 2 \
            else np.zeros(1)
        if scale is not None and np.size(scale) == 1 and zp is not None and np.size(zp) == 1:
            sc, z = float(np.asarray(scale).reshape(-1)[0]), int(np.asarray(zp).reshape(-1)[0])
            f32 = [np.float32(v) for v in (got[2 * k][i], ref[2 * k][i])]
            ulps = abs(int(f32[0].view(np.int32)) - int(f32[1].view(np.int32)))
            # x / y_scale in float32, as ONNX defines it, then round half to even
            qq = [np.float32(v / np.float32(sc)) for v in f32]
            msg += (f" ({ulps} ulp apart); x/scale in float32 {qq[0]!r} vs {qq[1]!r}, "
                    f"zero point {z} -> {int(qf[i])} vs {int(qr[i])}")
            frac = min(abs(abs(float(v)) % 1 - 0.5) for v in qq)
            if ulps <= 8 and frac < 1e-5:
                msg += ": a rounding tie split by float summation order, not a QDQ semantic error"
        return msg
    return ("diagnosis: every QuantizeLinear output equals ORT's (optimizations disabled); "
            "the difference is after the last one")


def check_vs_ort(rel, path, info, runner, sets, what, nbytes=0):
    results, err, secs = run_sets(rel, path, info, runner, sets)
    c = Check(rel, what)
    if err:
        c.fail = err
        return [c], secs
    slow = [dt for _, _, dt in results if dt >= BIG_RUN_SECONDS]
    if nbytes > BIG_SET_BYTES and slow:
        c.summary = (f"ran {len(results)} seeded set(s) ({nbytes / 2**20:.0f} MB each) without "
                     f"error in {max(slow):.1f} s; ORT comparison skipped: ferry took >= "
                     f"{BIG_RUN_SECONDS:g} s on inputs this big")
        c.max_abs, c.where = float("nan"), None  # nothing compared: no max|diff| on the line
        return [c], secs
    ort_path, note = info.ort_copy(runner.new_dir("ort-model"))
    if note:
        c.notes.append(note)
    for s, outs, _ in results:
        refs, e = runner.ort(ort_path or path, info, s.inputs)
        if e:
            c.fail = f"{s.label}: {e}"
            break
        for k, (name, _, _) in enumerate(info.outputs):
            c.add(s.label, name, compare(outs[k], refs[k]))
    size = (f" (one set only: {nbytes / 2**20:.0f} MB of inputs per set)"
            if nbytes > BIG_SET_BYTES else "")
    c.summary = (f"{len(results)} seeded random set(s){size}, same input files to both, "
                 f"within |a-r| <= {ATOL:g}+{RTOL:g}|r|")
    return [c], secs


def check_hand_gesture(rel, path, info, runner):
    d = os.path.dirname(path)
    kind = "keypoint" if "keypoint" in rel else "point_history"
    rows = os.path.join(d, f"{kind}_inputs_10x{42 if kind == 'keypoint' else 32}.npy")
    labels = np.load(os.path.join(d, f"{kind}_labels_10.npy"))
    ins = {"input": rows}
    if any(n == "score_threshold" for n, _, _ in info.inputs):
        ins["score_threshold"] = runner.save(np.array(0.5, np.float32), "score_threshold")
    s = InputSet("10 rows as one batch" + (", score_threshold 0.5" if len(ins) > 1 else ""), ins)
    results, err, secs = run_sets(rel, path, info, runner, [s])
    if rel.endswith("point_history_classifier.onnx"):
        # MANIFEST: ORT gives the labels for 9 of 10 rows here: ORT itself is the reference.
        c = Check(rel, "class ids vs ONNX Runtime (same batch)")
        if err:
            c.fail = err
            return [c], secs
        refs, e = runner.ort(path, info, ins)
        if e:
            c.fail = e
            return [c], secs
        got = results[0][1][0]
        c.add(s.label, info.outputs[0][0], compare_exact(got, refs[0]))
        c.summary = (f"{s.label}: exact; dataset labels agree {int((got == labels).sum())}/10 "
                     f"(MANIFEST: ORT 9/10)")
        return [c], secs
    c = Check(rel, "class ids vs stored labels (ORT = labels 10/10)")
    if err:
        c.fail = err
        return [c], secs
    c.add(s.label, info.outputs[0][0], compare_exact(results[0][1][0], labels))
    c.summary = f"{s.label}: 10/10 exact"
    return [c], secs


def check_model(rel, runner):
    """Returns ([Check or (name, why, note)], seconds)."""
    path = os.path.join(MODELS, rel)
    try:
        info = ModelInfo(path)
    except Exception as e:  # noqa: BLE001 - say what broke, don't crash the suite
        return [(f"{rel} read by the onnx package", f"{type(e).__name__}: {e}", "")], 0.0
    ml_ops = info.used.get("ai.onnx.ml", set())
    if ml_ops:
        return check_refused(rel, path, info, runner, ml_ops)[0], 0.0
    if rel.startswith("onnx/hand_gesture/"):
        return check_hand_gesture(rel, path, info, runner)
    sets, what = stored_sets(rel, path, info)
    if sets and "qdq" in rel:
        return check_qdq(rel, path, info, runner, sets, what)
    if sets:
        return check_stored(rel, path, info, runner, sets, what)
    sets, nbytes = random_sets(rel, info, runner)
    return check_vs_ort(rel, path, info, runner, sets,
                        "vs ONNX Runtime (no stored outputs)", nbytes)


def main():
    if not os.access(FERRY, os.X_OK):
        return harness.setup_failed(f"{FERRY} not built; run `make release`")
    try:
        import onnx  # noqa: F401
    except ImportError as e:
        return harness.setup_failed(f"the onnx Python package is missing ({e}); "
                                    "scripts/install-deps.sh")
    if not os.path.isdir(MODELS):
        return harness.setup_failed(f"no model corpus at {MODELS} (set FERRY_SHARED)")
    models = sorted(os.path.relpath(os.path.join(dp, f), MODELS)
                    for dp, _, fs in os.walk(MODELS) for f in fs if f.endswith(".onnx"))
    worst = []
    t0 = time.time()
    with harness.scratch("ferry-models-") as tmp:
        def one(rel):
            t = time.time()
            checks, secs = check_model(rel, Runner(os.path.join(tmp, sanitize(rel))))
            shutil.rmtree(os.path.join(tmp, sanitize(rel)), ignore_errors=True)
            return rel, checks, time.time() - t

        with concurrent.futures.ThreadPoolExecutor(max(1, JOBS)) as pool:
            for rel, checks, secs in pool.map(one, models):
                w, ok = None, True
                for c in checks:
                    if isinstance(c, tuple):
                        report(*c)
                        ok = ok and c[1] is None
                        continue
                    m = c.line(getattr(c, "summary", ""))
                    ok = ok and not c.fail
                    if m is not None:
                        w = m if w is None else max(w, m)
                worst.append((rel, ok, w, secs))
    print(f"# worst max|diff| per model over all its checks and sets (vs each check's "
          f"reference; '-': nothing compared numerically); suite {time.time() - t0:.1f}s, "
          f"{JOBS} jobs")
    for rel, ok, w, secs in worst:
        wd = f"{w:.3g}" if w is not None else "-"
        print(f"#   {'ok  ' if ok else 'FAIL'} {rel:<60} {wd:>10} {secs:6.1f}s")
    return harness.finish()


if __name__ == "__main__":
    sys.exit(main())
