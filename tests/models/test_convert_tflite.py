#!/usr/bin/python3
"""ONNX -> TFLite conversion (issue 5), judged by runtimes and data ferry did not make.

Every model is converted with `$FERRY_BIN convert X.onnx -o X.tflite --json`; then:

  torch   the Done-means models of ../shared/models/torch (resnet18_op13, mobilenet_v2_op17_bn,
          tiny_transformer_op13/op17, vit_tiny_op13/op17, tiny_lstm_op13/op17): the TFLite peer
          (tests/peers/tflite_run.mjs, the classic TFLite interpreter in wasm with XNNPACK) runs
          the .tflite on the 10 stored inputs, and its outputs agree with the stored PyTorch
          outputs within |a - r| <= 1e-4 + 1e-4*|r|. The line gives the measured max |a - r|.
  corpus  every model of ../shared/models/onnx either converts and agrees the same way with its
          reference (the stored ref_ort/ outputs of ONNX Runtime where the MANIFEST has them,
          else ONNX Runtime run here by tests/peers/ort_run.mjs on the stored inputs, or on
          seeded standard-normal inputs where none are stored), or is refused (exit 3) naming
          the op, for the ops listed in REFUSED with the reason. A conversion with control flow
          (IF / WHILE: If_p1_11) is also run by `ferry run` on the same sets, which must agree
          with the same reference the same way, shapes included (If_p1_11's branches give
          [1,100] or [2,100]).
  layout  the CNNs (resnet18, mobilenet_v2 and the light zoo): `ferry inspect --json` of the
          result counts one TRANSPOSE (the NCHW input) and none with --io-layout nhwc, plus the
          source's own Transposes (shufflenet's 16 channel shuffles), no CAST; this script's
          FlatBuffers walk finds no RESHAPE/CAST/TRANSPOSE pair that does nothing (one after
          another, or to its input's own shape or type); convert --json says every source
          BatchNormalization was folded.
  nhwc    resnet18 with --io-layout nhwc agrees with PyTorch on the 10 inputs fed NHWC.
  det     converting twice gives byte-identical files.
  record  the metadata "ferry.conversion" maps the input and output tensors to their sources
          with the permutation of --io-layout.
  op      one small ONNX graph per awkward op or attribute (negative Slice steps, reflect Pad,
          Resize modes, Softmax axes at opsets 11 and 13, pools with ceil_mode or padding left
          out of the count, 1-D and dilated SAME_LOWER convolutions, depthwise multipliers,
          Gemm transA/alpha/beta, batched MatMul, ConvTranspose with SAME-like, cropped
          (asymmetric, output_padding) and 1-D geometries and a Relu after it, the exact
          compositions of Softplus, Mish, HardSigmoid, InstanceNormalization, ...), built here
          with the onnx package: the TFLite
          peer agrees with ONNX Runtime the same way; where the result has IF or WHILE
          (if_then, if_else), `ferry run` does too.
  testdata ONNX's backend test models node/test_convtranspose* (Debian libonnx-testdata), their
          weights frozen into initializers from test_data_set_0 (TRANSPOSE_CONV takes constant
          filters only): each converts and the TFLite peer, on the stored input, agrees with
          the stored expected output and with ONNX Runtime running the frozen model, the same
          way; or it is refused (exit 3) naming ConvTranspose and the reason, for the cases in
          TESTDATA_REFUSED (3-D, dilations).
  refuse  a model with several unconvertible nodes is refused with exit 3, every node listed
          in convert --json's "unsupported".

One line per check: "ok ...", "FAIL ...: why", "skip ...: why"; last line "N passed, N failed".
Env: FERRY_BIN, FERRY_BUILD (work files in $FERRY_BUILD/convert-tflite/), FERRY_SHARED, NODE.
"""
import functools
import json
import os
import shutil
import struct
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import BUILD, FERRY, MODELS, PEERS, fail, ok, skip  # noqa: E402

NODE = os.environ.get("NODE", "node")
WORK = os.path.join(BUILD, "convert-tflite")

# no timeout; output not decoded leniently (an undecodable byte raises)
run = functools.partial(harness.run, errors=None)


def sanitize(name):
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name) or "_"


def convert(src, dst, extra=()):
    p = run([FERRY, "convert", src, "-o", dst, "--json", *extra])
    rep = None
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        pass
    return p.returncode, rep, p.stderr


def inspect(path):
    p = run([FERRY, "inspect", "--json", path])
    return json.loads(p.stdout) if p.returncode == 0 else None


# ---- peers ----

class TflitePeer:
    def __init__(self):
        self.p = subprocess.Popen([NODE, os.path.join(PEERS, "tflite_run.mjs"), "--serve"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def info(self, model):
        p = run([NODE, os.path.join(PEERS, "tflite_run.mjs"), model, "--info"])
        return json.loads(p.stdout) if p.returncode == 0 else None

    def run(self, model, ind, outd):
        self.p.stdin.write(json.dumps([model, ind, outd]) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def peers_ready():
    return (shutil.which(NODE) and os.path.isdir(os.path.join(PEERS, "node_modules"))
            and os.path.exists(os.path.join(PEERS, "tflite_run.mjs")))


def run_tflite(peer, model, inputs, tag):
    """inputs: arrays in model input order (as the peer lists them). Returns outputs in order."""
    info = peer.info(model)
    if not info:
        return None, "the peer cannot read the model"
    ind = os.path.join(WORK, tag + "_in")
    outd = os.path.join(WORK, tag + "_out")
    for d in (ind, outd):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    for k, spec in enumerate(info["inputs"]):
        x = inputs[k]
        np.save(os.path.join(ind, spec["file"]), x.astype(spec["dtype"]).reshape(spec["shape"]))
    res = peer.run(model, ind, outd)
    if res.get("code") != 0:
        return None, "peer exit %s: %s" % (res.get("code"), res.get("message", "")[:300])
    return [np.load(os.path.join(outd, spec["file"])) for spec in info["outputs"]], None


def run_ort(model, names_in, inputs, names_out, tag):
    ind = os.path.join(WORK, tag + "_ort_in")
    outd = os.path.join(WORK, tag + "_ort_out")
    for d in (ind, outd):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    for n, x in zip(names_in, inputs):
        np.save(os.path.join(ind, sanitize(n) + ".npy"), x)
    p = run([NODE, os.path.join(PEERS, "ort_run.mjs"), model, ind, outd])
    if p.returncode:
        return None
    return [np.load(os.path.join(outd, sanitize(n) + ".npy")) for n in names_out]


def run_ferry(model, names_in, inputs, names_out, tag):
    ind = os.path.join(WORK, tag + "_fr_in")
    outd = os.path.join(WORK, tag + "_fr_out")
    for d in (ind, outd):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    args = [FERRY, "run", model, "-o", outd]
    for n, x in zip(names_in, inputs):
        f = os.path.join(ind, sanitize(n) + ".npy")
        np.save(f, x)
        args += ["-i", "%s=%s" % (n, f)]
    p = run(args)
    if p.returncode:
        return None, "ferry run: " + p.stderr.strip()[:300]
    return [np.load(os.path.join(outd, sanitize(n) + ".npy")) for n in names_out], None


def compare(got, ref):
    """max |a - r| and whether every element is within 1e-4 + 1e-4|r| (ints: equal)."""
    a = np.asarray(got)
    r = np.asarray(ref)
    if a.size != r.size:
        return float("inf"), False
    a = a.reshape(r.shape)
    if r.dtype.kind in "iub":
        d = np.abs(a.astype(np.int64) - r.astype(np.int64))
        return float(d.max(initial=0)), bool((d == 0).all())
    a = a.astype(np.float64)
    r = r.astype(np.float64)
    with np.errstate(invalid="ignore"):
        d = np.where(a == r, 0.0, np.abs(a - r))
    d = np.where(np.isnan(a) & np.isnan(r), 0.0, d)
    with np.errstate(invalid="ignore"):
        good = bool(np.all((d <= 1e-4 + 1e-4 * np.abs(r)) | (a == r) | (np.isnan(a) & np.isnan(r))))
    return float(d.max(initial=0)), good


# ---- the Done-means torch models ----

TORCH = ["resnet18_op13", "mobilenet_v2_op17_bn", "tiny_transformer_op13", "tiny_transformer_op17",
         "vit_tiny_op13", "vit_tiny_op17", "tiny_lstm_op13", "tiny_lstm_op17"]


def torch_inputs(name):
    d = os.path.join(MODELS, "torch", name)
    meta = json.load(open(os.path.join(d, "meta.json")))
    ind = os.path.join(MODELS, meta["inputs_dir"]) if meta.get("inputs_dir") else d
    return [np.load(os.path.join(ind, "input_%d.npy" % i)) for i in range(10)], \
           [np.load(os.path.join(d, "output_%d.npy" % i)) for i in range(10)]


def check_torch(peer, name, extra=(), nhwc=False):
    src = os.path.join(MODELS, "torch", name, "model.onnx")
    tag = name + ("_nhwc" if nhwc else "")
    dst = os.path.join(WORK, tag + ".tflite")
    rc, rep, err = convert(src, dst, extra)
    if rc:
        fail("torch %s: convert exit %d: %s" % (tag, rc, err.strip()[:400]))
        return None
    ok("torch %s converts (%d transposes, %d BatchNorms folded, %d activations fused)" % (
        tag, len(rep["transposes"]), rep["batchnorms_folded"], rep["activations_fused"]))
    if not peer:
        skip("torch %s agrees: no TFLite peer" % tag)
        return rep
    xs, refs = torch_inputs(name)
    worst, good = 0.0, True
    for i, (x, r) in enumerate(zip(xs, refs)):
        if nhwc:
            x = x.transpose(0, 2, 3, 1)
        outs, why = run_tflite(peer, dst, [x], tag)
        if outs is None:
            fail("torch %s agrees: input %d: %s" % (tag, i, why))
            return rep
        m, g = compare(outs[0], r)
        worst = max(worst, m)
        good = good and g
    (ok if good else fail)("torch %s agrees with PyTorch on 10 inputs: max |a-r| %.3g" %
                           (tag, worst))
    return rep


# ---- the ONNX corpus ----

def ref_sets(d, n_in, n_out):
    """Stored ref_ort sets: input_<i>.npy or input<k>_<i>.npy (MANIFEST section 2)."""
    sets = []
    for i in range(64):
        if n_in == 1:
            f = os.path.join(d, "input_%d.npy" % i)
            ins = [np.load(f)] if os.path.exists(f) else None
        else:
            fs = [os.path.join(d, "input%d_%d.npy" % (k, i)) for k in range(n_in)]
            ins = [np.load(f) for f in fs] if all(os.path.exists(f) for f in fs) else None
        if n_in == 0 and i == 0:
            ins = []
        if ins is None:
            break
        if n_out == 1:
            f = os.path.join(d, "output_%d.npy" % i)
            outs = [np.load(f)] if os.path.exists(f) else None
        else:
            fs = [os.path.join(d, "output%d_%d.npy" % (k, i)) for k in range(n_out)]
            outs = [np.load(f) for f in fs] if all(os.path.exists(f) for f in fs) else None
        sets.append((ins, outs))
        if n_in == 0:
            break
    return sets


O = os.path.join(MODELS, "onnx")

# model -> (shape args, input sets loader or None for stored ref_ort / random)
CORPUS = {
    "hand_gesture/keypoint_classifier.onnx": (["--shape", "input=10x42"],
        lambda: [[np.load(os.path.join(O, "hand_gesture/keypoint_inputs_10x42.npy")).astype(np.float32)]]),
    "hand_gesture/point_history_classifier.onnx": (["--shape", "input=10x32"],
        lambda: [[np.load(os.path.join(O, "hand_gesture/point_history_inputs_10x32.npy")).astype(np.float32),
                  np.array(0.5, np.float32)]]),
    "hand_gesture/point_history_classifier_lstm.onnx": (["--shape", "input=10x32"],
        lambda: [[np.load(os.path.join(O, "hand_gesture/point_history_inputs_10x32.npy")).astype(np.float32),
                  np.array(0.5, np.float32)]]),
    "onnx2c/mnist/model.onnx": ([], lambda: [[np.load(os.path.join(O, "onnx2c/mnist/input_%d.npy" % i))]
                                             for i in range(3)]),
    "onnx2c/mnist_pytorch/pytorch.onnx": ([], lambda: [[np.load(os.path.join(O, "onnx2c/mnist_pytorch/input_seven.npy"))]]),
    "onnx2c/tfl_helloworld/model.onnx": (["--shape", "dense_2_input=60x1"],
        lambda: [[np.load(os.path.join(O, "onnx2c/tfl_helloworld/inputs_60x1.npy"))]]),
    "onnx2c/velardo/lesson9.onnx": ([], None),
    "onnx2c/simple_networks/conv_2ch_3kernels_randombias.onnx": ([], None),
    "onnx2c/simple_networks/conv_k2_maxpool_k2.onnx": ([], None),
    "onnx2c/simple_networks/lstm_k1_b1_r1.onnx": (["--shape", "input_1=1x4x5"], None),
    "onnx2c/simple_networks/fp_float16.onnx": ([], None),
    "onnx2c/simple_networks/treeensembleclassifier.onnx": ([], None),
    "ort_examples/quickstart_model.onnx": ([], None),
    "ort_examples/ultraface_rfb_320.onnx": ([], None),
    "onnx2tf_ops/LSTM.tanh.bidirectional.onnx": (["--shape", "Input3=3x1x2"], None),
    "onnx2tf_ops/LSTM_1layer_fixed.onnx": ([], None),
    "onnx2tf_ops/LayerNormalization1D_11.onnx": ([], None),
    "onnx2tf_ops/LayerNormalization1D_17.onnx": ([], None),
    "onnx2tf_ops/LayerNormalization3D_11.onnx": ([], None),
    "onnx2tf_ops/LayerNormalization3D_17.onnx": ([], None),
    "onnx2tf_ops/GroupNormalization_21.onnx": ([], None),
    "onnx2tf_ops/HardSwish_14.onnx": ([], None),
    "onnx2tf_ops/BatchNorm2D_15.onnx": ([], None),
    "onnx2tf_ops/Loop_1_16.onnx": ([], None),
    "onnx2tf_ops/If_p1_11.onnx": ([], None),
    "onnx2tf_ops/GridSample_16.onnx": ([], None),
    "onnx2tf_ops/Attention_torch2.8_23.onnx": ([], None),
    "onnx2tf_ops/Attention_torch2.10_23.onnx": ([], None),
}
LIGHT = ["light_bvlc_alexnet", "light_densenet121", "light_inception_v1", "light_inception_v2",
         "light_resnet50", "light_shufflenet", "light_squeezenet", "light_vgg19", "light_zfnet512"]
for n in LIGHT:
    CORPUS["onnx_light/%s.onnx" % n] = ([], lambda: [[np.load(os.path.join(O, "onnx_light/input_1x3x224x224_arange.npy"))]])

# References computed here from the ONNX operator definition, where ONNX Runtime departs from it:
# BatchNormalization in training mode (training_mode=1) normalizes with the batch's own mean and
# (population) variance over every axis but the channel; onnxruntime-node 1.30 gives results
# up to 1.1e-2 away from that (its per-channel scale differs from 1/sqrt(var+eps)).
def bn_training_spec(ins):
    x = ins[0].astype(np.float64)
    axes = (0,) + tuple(range(2, x.ndim))
    m = x.mean(axis=axes, keepdims=True)
    v = x.var(axis=axes, keepdims=True)
    return [((x - m) / np.sqrt(v + 1e-5)).astype(np.float32)]


SPEC_REF = {"onnx2tf_ops/BatchNorm2D_15.onnx": bn_training_spec}

# Refused by design: the op has neither a TFLite builtin nor an exact composition of builtins
# ferry emits (the reason is checked in the message).
REFUSED = {
    "onnx2c/simple_networks/treeensembleclassifier.onnx":
        ("TreeEnsembleClassifier", "ai.onnx.ml: no TFLite builtin, no composition"),
}


def model_io(path):
    info = inspect(path)
    if not info:
        return None
    return [i["name"] for i in info["inputs"]], [o["name"] for o in info["outputs"]], info


def random_inputs(info, shapes):
    rng = np.random.default_rng(7)
    xs = []
    for i in info["inputs"]:
        shape = [d if isinstance(d, int) else 1 for d in i["shape"]]
        if i["name"] in shapes:
            shape = shapes[i["name"]]
        dt = np.dtype(i["dtype"])
        xs.append(rng.standard_normal(shape).astype(dt) if dt.kind == "f" else
                  np.zeros(shape, dt))
    return xs


def check_corpus(peer, rel):
    args, loader = CORPUS[rel]
    src = os.path.join(O, rel)
    tag = sanitize(rel[:-5])
    dst = os.path.join(WORK, tag + ".tflite")
    rc, rep, err = convert(src, dst, args)
    if rel in REFUSED:
        op, why = REFUSED[rel]
        names = [u["op"] for u in (rep or {}).get("unsupported", [])]
        if rc == 3 and any(op in n for n in names):
            ok("corpus %s refused naming %s (%s)" % (rel, op, why))
        else:
            fail("corpus %s: expected a refusal naming %s, got exit %d %s" % (rel, op, rc, names))
        return
    if rc:
        msg = err.strip() or json.dumps((rep or {}).get("unsupported"))
        fail("corpus %s: convert exit %d: %s" % (rel, rc, msg[:500]))
        return
    io = model_io(src)
    names_in, names_out, info = io
    shapes = {}
    for k in range(0, len(args), 2):
        if args[k] == "--shape":
            n, d = args[k + 1].rsplit("=", 1)
            shapes[n] = [int(v) for v in d.split("x")]
    sets = []
    refdir = None
    for cand in (os.path.join(os.path.dirname(src), "ref_ort", os.path.basename(src)[:-5]),):
        if os.path.isdir(cand):
            refdir = cand
    if loader:
        sets = [(ins, None) for ins in loader()]
    elif refdir:
        sets = ref_sets(refdir, len(names_in), len(names_out))
    else:
        sets = [(random_inputs(info, shapes), None)]
    if not peer:
        ok("corpus %s converts" % rel)
        skip("corpus %s agrees: no TFLite peer" % rel)
        return
    worst, good, n = 0.0, True, 0
    int64_out = any(o["dtype"] == "int64" for o in info["outputs"])
    runner = "TFLite peer"
    if int64_out:
        runner = "ferry run (the TFLite peer cannot write int64 outputs)"
    # control flow (tfl.IF / tfl.WHILE and their subgraphs): ferry's interpreter runs the
    # converted model too, on the same sets and against the same references
    ferry_too = not int64_out and control_flow(dst)
    f_worst, f_good = 0.0, True
    for si, (ins, outs) in enumerate(sets):
        if outs is None and rel in SPEC_REF:
            outs = SPEC_REF[rel](ins)
        if outs is None:
            outs = run_ort(src, names_in, ins, names_out, tag)
            if outs is None:
                fail("corpus %s: ONNX Runtime did not run set %d" % (rel, si))
                return
        if int64_out:
            got, why = run_ferry(dst, names_in, ins, names_out, tag)
        else:
            got, why = run_tflite(peer, dst, ins, tag)
        if got is None:
            fail("corpus %s: %s" % (rel, why))
            return
        if len(got) != len(outs):
            fail("corpus %s: %d outputs, reference has %d" % (rel, len(got), len(outs)))
            return
        for a, r in zip(got, outs):
            m, g = compare(a, r)
            worst = max(worst, m)
            good = good and g
        if ferry_too:
            fgot, why = run_ferry(dst, names_in, ins, names_out, tag)
            if fgot is None or len(fgot) != len(outs):
                fail("corpus %s: ferry run on set %d: %s" % (rel, si, why or "%d outputs" % len(fgot)))
                return
            for a, r in zip(fgot, outs):
                m, g = compare(a, r)
                f_worst = max(f_worst, m)
                f_good = f_good and g and np.shape(a) == np.shape(r)
        n += 1
    (ok if good else fail)("corpus %s converts and agrees on %d set%s: max |a-r| %.3g (%s)" %
                           (rel, n, "" if n == 1 else "s", worst, runner))
    if ferry_too:
        (ok if f_good else fail)("corpus %s: ferry run of the conversion (%s) agrees on %d set%s: "
                                 "max |a-r| %.3g" % (rel, ", ".join(control_flow(dst)), n,
                                                     "" if n == 1 else "s", f_worst))


def control_flow(path):
    """The control-flow builtins (IF, WHILE) of a .tflite, as `ferry inspect` counts them."""
    info = inspect(path)
    return sorted(k for k in (info or {}).get("op_counts", {}) if k in ("IF", "WHILE"))


# ---- structure ----

def source_counts(path):
    info = inspect(path)
    return info["op_counts"] if info else {}


def check_layout(name, src, nhwc):
    tag = sanitize(name) + ("_nhwc" if nhwc else "") + "_layout"
    dst = os.path.join(WORK, tag + ".tflite")
    rc, rep, err = convert(src, dst, ["--io-layout", "nhwc"] if nhwc else [])
    if rc:
        fail("layout %s%s: convert exit %d: %s" % (name, " nhwc" if nhwc else "", rc, err[:300]))
        return
    info = inspect(dst)
    src_ops = source_counts(src)
    c = info["op_counts"]
    # the boundary one, plus the source's own (shufflenet's channel shuffles)
    want_t = (0 if nhwc else 1) + src_ops.get("Transpose", 0)
    problems = []
    if c.get("TRANSPOSE", 0) != want_t:
        problems.append("%d TRANSPOSE (want %d)" % (c.get("TRANSPOSE", 0), want_t))
    if c.get("CAST", 0):
        problems.append("%d CAST" % c["CAST"])
    problems += useless_pairs(dst)
    if rep["batchnorms_folded"] != src_ops.get("BatchNormalization", 0) and \
            not any(d["op"] == "BatchNormalization" for d in rep["decompositions"]):
        problems.append("%d BatchNormalization folded of %d" % (rep["batchnorms_folded"],
                                                                 src_ops.get("BatchNormalization", 0)))
    if any(k.lower().startswith("batch_norm") for k in c):
        problems.append("a BatchNormalization survived")
    (fail if problems else ok)("layout %s%s: %s" % (
        name, " --io-layout nhwc" if nhwc else "",
        "; ".join(problems) if problems else "%d TRANSPOSE, no CAST, %d RESHAPE (no pair that "
        "does nothing), %d BatchNorms folded" % (c.get("TRANSPOSE", 0), c.get("RESHAPE", 0),
                                                 rep["batchnorms_folded"])))


class FB:
    """Just enough FlatBuffers to walk a .tflite (schema.fbs field ids)."""

    def __init__(self, path):
        self.b = open(path, "rb").read()

    def u32(self, o):
        return struct.unpack_from("<I", self.b, o)[0]

    def field(self, t, i):
        vt = t - struct.unpack_from("<i", self.b, t)[0]
        vlen = struct.unpack_from("<H", self.b, vt)[0]
        if 4 + 2 * i >= vlen:
            return None
        f = struct.unpack_from("<H", self.b, vt + 4 + 2 * i)[0]
        return t + f if f else None

    def table(self, t, i):
        f = self.field(t, i)
        return f + self.u32(f) if f is not None else None

    def vector(self, t, i, fmt=None):
        f = self.field(t, i)
        if f is None:
            return []
        v = f + self.u32(f)
        n = self.u32(v)
        if fmt:
            sz = struct.calcsize(fmt)
            return [struct.unpack_from("<" + fmt, self.b, v + 4 + sz * k)[0] for k in range(n)]
        return [v + 4 + 4 * k + self.u32(v + 4 + 4 * k) for k in range(n)]

    def scalar(self, t, i, fmt, default=0):
        f = self.field(t, i)
        return struct.unpack_from("<" + fmt, self.b, f)[0] if f is not None else default


RESHAPE, TRANSPOSE, CAST = 22, 39, 53


def useless_pairs(path):
    """RESHAPE/CAST/TRANSPOSE pairs that do nothing: one right after another of the same kind
    (the first read by nothing else), a RESHAPE to its input's own shape, a CAST to its input's
    own type."""
    fb = FB(path)
    root = fb.u32(0)
    codes = []
    for oc in fb.vector(root, 1):
        codes.append(max(fb.scalar(oc, 0, "b"), fb.scalar(oc, 3, "i")))
    sg = fb.vector(root, 2)[0]
    tensors = fb.vector(sg, 0)
    shape = [tuple(fb.vector(t, 0, "i")) for t in tensors]
    ttype = [fb.scalar(t, 1, "b") for t in tensors]
    ops = [(codes[fb.scalar(o, 0, "I")], fb.vector(o, 1, "i"), fb.vector(o, 2, "i"))
           for o in fb.vector(sg, 3)]
    producer, readers = {}, {}
    for k, (c, ins, outs) in enumerate(ops):
        for t in outs:
            producer[t] = k
        for t in ins:
            readers[t] = readers.get(t, 0) + 1
    bad = []
    for k, (c, ins, outs) in enumerate(ops):
        if c not in (RESHAPE, TRANSPOSE, CAST):
            continue
        x, y = ins[0], outs[0]
        if c == RESHAPE and shape[x] == shape[y]:
            bad.append("RESHAPE to its own shape %s" % (shape[x],))
        if c == CAST and ttype[x] == ttype[y]:
            bad.append("CAST to its own type")
        p = producer.get(x)
        if p is not None and ops[p][0] == c and readers.get(x) == 1:
            name = {RESHAPE: "RESHAPE", TRANSPOSE: "TRANSPOSE", CAST: "CAST"}[c]
            bad.append(f"{name} after {name}")
    return bad


def tflite_metadata(path, key):
    """The bytes of Model.metadata[name == key] (a minimal FlatBuffers walk)."""
    b = open(path, "rb").read()

    def u32(o):
        return struct.unpack_from("<I", b, o)[0]

    def table(o):
        vt = o - struct.unpack_from("<i", b, o)[0]
        vlen = struct.unpack_from("<H", b, vt)[0]

        def field(i):
            off = 4 + 2 * i
            if off >= vlen:
                return None
            f = struct.unpack_from("<H", b, vt + off)[0]
            return o + f if f else None
        return field

    def vec(o):
        o = o + u32(o)
        return o + 4, u32(o)

    def string(o):
        o = o + u32(o)
        return b[o + 4:o + 4 + u32(o)].decode()
    root = u32(0)
    model = table(root)
    meta_f, buf_f = model(6), model(4)
    if meta_f is None:
        return None
    mv, mn = vec(meta_f)
    bv, bn = vec(buf_f)
    for i in range(mn):
        e = mv + 4 * i
        t = table(e + u32(e))
        if string(t(0)) == key:
            bi = struct.unpack_from("<I", b, t(1))[0]
            be = bv + 4 * bi
            bt = table(be + u32(be))
            d = bt(0)
            if d is None:
                return b""
            dv, dn = vec(d)
            return b[dv:dv + dn]
    return None


# ---- single ops: small ONNX graphs (onnx.helper), ONNX Runtime vs the TFLite peer ----

def op_cases():
    from onnx import TensorProto, helper, numpy_helper
    F = TensorProto.FLOAT
    rng = np.random.default_rng(11)

    def c(name, arr):
        return numpy_helper.from_array(np.asarray(arr), name)

    def case(name, nodes, ins, out_shape, inits=(), opset=17, out_type=F):
        g = helper.make_graph(nodes, name, [helper.make_tensor_value_info(n, F, s) for n, s in ins],
                              [helper.make_tensor_value_info("y", out_type, out_shape)], list(inits))
        return name, helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)]), \
            [rng.standard_normal(s).astype(np.float32) for _, s in ins]
    N = helper.make_node
    x4 = [("x", [1, 3, 8, 9])]

    def branch(name, op, operand):
        # reads the outer x (and, for else, the outer constant k); then has its own constant
        inits = [c("two", np.array(2, np.float32))] if operand == "two" else []
        return helper.make_graph([N(op, ["x", operand], [name + "_y"])], name, [],
                                 [helper.make_tensor_value_info(name + "_y", F, [1, 3, 8, 9])], inits)
    return [
        case("slice_negative_step", [N("Slice", ["x", "s", "e", "a", "st"], ["y"])], x4, None,
             [c("s", np.array([-1, 7], np.int64)), c("e", np.array([-100, 0], np.int64)),
              c("a", np.array([1, 3], np.int64)), c("st", np.array([-1, -2], np.int64))]),
        case("pad_reflect", [N("Pad", ["x", "p"], ["y"], mode="reflect")], x4, None,
             [c("p", np.array([0, 0, 2, 1, 0, 0, 1, 3], np.int64))]),
        case("pad_constant_value", [N("Pad", ["x", "p", "v"], ["y"])], x4, None,
             [c("p", np.array([0, 1, 2, 0, 0, 0, 1, 3], np.int64)), c("v", np.array(1.5, np.float32))]),
        case("resize_bilinear_half_pixel", [N("Resize", ["x", "", "sc"], ["y"], mode="linear")], x4, None,
             [c("sc", np.array([1, 1, 2, 2], np.float32))], opset=13),
        case("resize_bilinear_align_corners", [N("Resize", ["x", "", "", "sz"], ["y"], mode="linear",
                                                  coordinate_transformation_mode="align_corners")],
             x4, None, [c("sz", np.array([1, 3, 5, 17], np.int64))], opset=13),
        case("resize_nearest_x2", [N("Resize", ["x", "", "sc"], ["y"], mode="nearest")], x4, None,
             [c("sc", np.array([1, 1, 2, 2], np.float32))], opset=13),
        case("softmax_axis1_op13", [N("Softmax", ["x"], ["y"], axis=1)], x4, None, opset=13),
        case("softmax_axis1_op11", [N("Softmax", ["x"], ["y"], axis=1)], x4, None, opset=11),
        case("logsoftmax_last", [N("LogSoftmax", ["x"], ["y"])], x4, None),
        case("argmax_keepdims", [N("ArgMax", ["x"], ["i"], axis=2, keepdims=1),
                                 N("Cast", ["i"], ["y"], to=TensorProto.INT32)], x4, None,
             out_type=TensorProto.INT32),
        case("gather_negative_indices", [N("Gather", ["x", "i"], ["y"], axis=3)], x4, None,
             [c("i", np.array([-1, 0, 4], np.int64))]),
        case("split_uneven", [N("Split", ["x", "sp"], ["a", "b"], axis=3),
                              N("Mul", ["a", "a2"], ["y"])], x4, None,
             [c("sp", np.array([5, 4], np.int64)), c("a2", np.full([1, 3, 8, 5], 2, np.float32))]),
        case("reduce_mean_no_keepdims", [N("ReduceMean", ["x"], ["y"], axes=[1, 3], keepdims=0)],
             x4, None, opset=13),
        case("reduce_l2", [N("ReduceL2", ["x"], ["y"], axes=[2], keepdims=1)], x4, None, opset=13),
        case("clip_range", [N("Clip", ["x", "lo", "hi"], ["y"])], x4, None,
             [c("lo", np.array(-0.5, np.float32)), c("hi", np.array(0.7, np.float32))]),
        case("hardsigmoid", [N("HardSigmoid", ["x"], ["y"], alpha=0.3, beta=0.4)], x4, None),
        case("hardswish", [N("HardSwish", ["x"], ["y"])], x4, None),
        case("softplus", [N("Mul", ["x", "k"], ["x2"]), N("Softplus", ["x2"], ["y"])], x4, None,
             [c("k", np.array(30, np.float32))]),
        case("softsign", [N("Softsign", ["x"], ["y"])], x4, None),
        case("leakyrelu", [N("LeakyRelu", ["x"], ["y"], alpha=0.2)], x4, None),
        case("prelu_channel", [N("PRelu", ["x", "s"], ["y"])], x4, None,
             [c("s", rng.standard_normal([3, 1, 1]).astype(np.float32))]),
        case("elu", [N("Elu", ["x"], ["y"])], x4, None),
        case("mish", [N("Mish", ["x"], ["y"])], x4, None, opset=18),
        case("where_expand", [N("Greater", ["x", "z"], ["m"]), N("Where", ["m", "x", "h"], ["y"])],
             x4, None, [c("z", np.array(0, np.float32)), c("h", rng.standard_normal([9]).astype(np.float32))]),
        case("expand_tile", [N("Expand", ["v", "sh"], ["e"]), N("Tile", ["e", "r"], ["t"]),
                             N("Add", ["t", "x"], ["y"])], x4, None,
             [c("v", rng.standard_normal([3, 1, 1]).astype(np.float32)), c("sh", np.array([1, 3, 4, 9], np.int64)),
              c("r", np.array([1, 1, 2, 1], np.int64))]),
        case("pow_reciprocal_sum", [N("Pow", ["x", "p3"], ["a"]), N("Reciprocal", ["x"], ["b"]),
                                    N("Sum", ["a", "b", "x"], ["y"])], x4, None,
             [c("p3", np.array(3, np.float32))]),
        case("instance_norm", [N("InstanceNormalization", ["x", "s", "b"], ["y"])], x4, None,
             [c("s", rng.standard_normal([3]).astype(np.float32)), c("b", rng.standard_normal([3]).astype(np.float32))]),
        case("lrn", [N("LRN", ["x"], ["y"], size=3, alpha=0.1, beta=0.75, bias=2.0)], x4, None),
        case("depth_to_space", [N("DepthToSpace", ["x"], ["y"], blocksize=2)], [("x", [1, 8, 3, 4])], None),
        case("space_to_depth", [N("SpaceToDepth", ["x"], ["y"], blocksize=2)], [("x", [1, 2, 4, 6])], None),
        case("pools_ceil_mode", [N("MaxPool", ["x"], ["a"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
                                 N("AveragePool", ["x"], ["b"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
                                 N("Add", ["a", "b"], ["y"])], [("x", [1, 3, 8, 8])], None),
        case("conv1d", [N("Conv", ["x", "w", "b"], ["y"], pads=[1, 2], strides=[2], dilations=[2])],
             [("x", [1, 4, 20])], None,
             [c("w", rng.standard_normal([6, 4, 3]).astype(np.float32)), c("b", rng.standard_normal([6]).astype(np.float32))]),
        case("conv_same_lower", [N("Conv", ["x", "w"], ["y"], auto_pad="SAME_LOWER", strides=[2, 2])],
             x4, None, [c("w", rng.standard_normal([5, 3, 3, 2]).astype(np.float32))]),
        case("conv_dilated_asymmetric_pads", [N("Conv", ["x", "w"], ["y"], pads=[2, 0, 1, 3],
                                                dilations=[2, 1])], x4, None,
             [c("w", rng.standard_normal([5, 3, 3, 2]).astype(np.float32))]),
        case("depthwise_multiplier", [N("Conv", ["x", "w"], ["y"], group=3, pads=[1, 1, 1, 1])], x4, None,
             [c("w", rng.standard_normal([6, 1, 3, 3]).astype(np.float32))]),
        # ConvTranspose: kernel 4, stride 2, pads 1 is TFLite's SAME; kernel 3, stride 2, pads 1,
        # output_padding 1 (PyTorch's x2 upsampling) is TRANSPOSE_CONV VALID + SLICE, the Relu
        # after it a RELU of its own; asymmetric pads; 1-D with output_shape
        case("convtranspose_k4_s2_p1_same", [N("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2],
                                                pads=[1, 1, 1, 1])], x4, None,
             [c("w", rng.standard_normal([3, 5, 4, 4]).astype(np.float32)),
              c("b", rng.standard_normal([5]).astype(np.float32))]),
        case("convtranspose_s2_p1_outpad1_relu",
             [N("ConvTranspose", ["x", "w", "b"], ["d"], strides=[2, 2], pads=[1, 1, 1, 1],
                output_padding=[1, 1]), N("Relu", ["d"], ["y"])], x4, None,
             [c("w", rng.standard_normal([3, 4, 3, 3]).astype(np.float32)),
              c("b", rng.standard_normal([4]).astype(np.float32))]),
        case("convtranspose_asymmetric_pads", [N("ConvTranspose", ["x", "w"], ["y"], strides=[2, 1],
                                                  pads=[0, 2, 1, 0])], x4, None,
             [c("w", rng.standard_normal([3, 2, 3, 2]).astype(np.float32))]),
        case("convtranspose_1d_output_shape", [N("ConvTranspose", ["x", "w", "b"], ["y"], strides=[3],
                                                  output_shape=[20])], [("x", [1, 4, 7])], None,
             [c("w", rng.standard_normal([4, 3, 3]).astype(np.float32)),
              c("b", rng.standard_normal([3]).astype(np.float32))]),
        case("gemm_transA_alpha_beta", [N("Gemm", ["a", "b", "c"], ["y"], transA=1, alpha=0.5, beta=2.0)],
             [("a", [5, 4])], None,
             [c("b", rng.standard_normal([5, 6]).astype(np.float32)), c("c", rng.standard_normal([4, 6]).astype(np.float32))]),
        case("matmul_batched", [N("MatMul", ["a", "b"], ["y"])], [("a", [2, 3, 4]), ("b", [2, 4, 5])], None),
        case("matmul_3d_const", [N("MatMul", ["a", "w"], ["y"])], [("a", [2, 3, 4])], None,
             [c("w", rng.standard_normal([4, 7]).astype(np.float32))]),
        case("gelu_tanh_pattern",
             [N("Pow", ["x", "three"], ["p"]), N("Mul", ["p", "k"], ["pk"]), N("Add", ["x", "pk"], ["in"]),
              N("Mul", ["in", "s2p"], ["t0"]), N("Tanh", ["t0"], ["t"]), N("Add", ["t", "one"], ["t1"]),
              N("Mul", ["x", "t1"], ["xt"]), N("Mul", ["xt", "half"], ["y"])], x4, None,
             [c("three", np.array(3, np.float32)), c("k", np.array(0.044715, np.float32)),
              c("s2p", np.array(np.sqrt(2 / np.pi), np.float32)), c("one", np.array(1, np.float32)),
              c("half", np.array(0.5, np.float32))]),
        case("layernorm_axis2", [N("LayerNormalization", ["x", "g", "b"], ["y"], axis=2)], x4, None,
             [c("g", rng.standard_normal([8, 9]).astype(np.float32)), c("b", rng.standard_normal([8, 9]).astype(np.float32))]),
        case("grid_sample_border_align_corners",
             [N("GridSample", ["x", "grid"], ["y"], padding_mode="border", align_corners=1)],
             [("x", [2, 3, 7, 9]), ("grid", [2, 5, 6, 2])], None, opset=16),
        case("grid_sample_zeros_align_corners",
             [N("GridSample", ["x", "grid"], ["y"], padding_mode="zeros", align_corners=1)],
             [("x", [1, 4, 6, 5]), ("grid", [1, 3, 8, 2])], None, opset=16),
    ] + [
        # If on a data-dependent condition, branches of one output shape: TFLite IF with the
        # branches as subgraphs; thr picks the branch the one input set runs (then / else)
        case("if_%s" % which, [N("ReduceSum", ["x"], ["s"], keepdims=0), N("Greater", ["s", "thr"], ["cond"]),
                               N("If", ["cond"], ["y"], then_branch=branch("then", "Mul", "two"),
                                 else_branch=branch("else", "Sub", "k"))],
             x4, None, [c("thr", np.array(thr, np.float32)), c("k", np.array(0.25, np.float32))])
        for which, thr in (("then", -1e9), ("else", 1e9))
    ] + [
        case("transpose_flatten_concat", [N("Transpose", ["x"], ["t"], perm=[0, 2, 3, 1]),
                                          N("Flatten", ["t"], ["f"], axis=2), N("Relu", ["f"], ["r"]),
                                          N("Concat", ["f", "r"], ["y"], axis=1)], x4, None),
    ]


def check_ops():
    try:
        import onnx
    except ImportError:
        skip("ops: the onnx Python package is missing")
        return
    peer = TflitePeer()
    try:
        for name, model, ins in op_cases():
            src = os.path.join(WORK, "op_%s.onnx" % name)
            onnx.save(model, src)
            dst = src[:-5] + ".tflite"
            rc, rep, err = convert(src, dst)
            if rc:
                fail("op %s: convert exit %d: %s" % (name, rc, (err.strip() or
                     json.dumps((rep or {}).get("unsupported")))[:300]))
                continue
            names_in = [i.name for i in model.graph.input]
            ref = run_ort(src, names_in, ins, ["y"], "op_" + name)
            got, why = run_tflite(peer, dst, ins, "op_" + name)
            if ref is None or got is None:
                fail("op %s: %s" % (name, why or "ONNX Runtime did not run it"))
                continue
            m, g = compare(got[0], ref[0])
            ops = ", ".join(sorted(inspect(dst)["op_counts"]))
            (ok if g else fail)("op %s agrees with ONNX Runtime: max |a-r| %.3g (%s)" % (name, m, ops))
            if control_flow(dst):
                # ferry's interpreter runs tfl.IF / tfl.WHILE too
                fgot, why = run_ferry(dst, names_in, ins, ["y"], "op_" + name)
                if fgot is None:
                    fail("op %s: %s" % (name, why))
                    continue
                m, g = compare(fgot[0], ref[0])
                g = g and np.shape(fgot[0]) == np.shape(ref[0])
                (ok if g else fail)("op %s: ferry run of the conversion agrees with ONNX Runtime: "
                                    "max |a-r| %.3g" % (name, m))
    finally:
        peer.close()


# ---- ONNX's backend test models ----

TESTDATA = "/usr/share/libonnx-testdata/data/node"
# refused by design, with what the reason must say
TESTDATA_REFUSED = {
    "test_convtranspose_3d": "rank 5",
    "test_convtranspose_dilations": "dilation",
}


def frozen_testdata(name):
    """The backend test model `name` with every graph input but the first made an initializer
    holding its test_data_set_0 value; returns (model, first input's value, expected outputs)."""
    import onnx
    from onnx import numpy_helper
    d = os.path.join(TESTDATA, name)
    model = onnx.load(os.path.join(d, "model.onnx"))
    ds = os.path.join(d, "test_data_set_0")
    ins = [numpy_helper.to_array(onnx.load_tensor(os.path.join(ds, "input_%d.pb" % k)))
           for k in range(len(model.graph.input))]
    outs = [numpy_helper.to_array(onnx.load_tensor(os.path.join(ds, "output_%d.pb" % k)))
            for k in range(len(model.graph.output))]
    for vi, v in list(zip(model.graph.input, ins))[1:]:
        model.graph.initializer.append(numpy_helper.from_array(v, vi.name))
    del model.graph.input[1:]
    return model, ins[0], outs


def check_testdata():
    try:
        import onnx
    except ImportError:
        skip("testdata: the onnx Python package is missing")
        return
    names = sorted(n for n in (os.listdir(TESTDATA) if os.path.isdir(TESTDATA) else [])
                   if n.startswith("test_convtranspose"))
    if not names:
        skip("testdata: no node/test_convtranspose* under %s (libonnx-testdata)" % TESTDATA)
        return
    peer = TflitePeer()
    try:
        for name in names:
            model, x, expected = frozen_testdata(name)
            src = os.path.join(WORK, "td_%s.onnx" % name)
            onnx.save(model, src)
            dst = src[:-5] + ".tflite"
            rc, rep, err = convert(src, dst)
            unsup = (rep or {}).get("unsupported", [])
            if name in TESTDATA_REFUSED:
                why = TESTDATA_REFUSED[name]
                good = rc == 3 and any(u["op"] == "ConvTranspose" and why in u["reason"]
                                       for u in unsup)
                (ok if good else fail)("testdata %s refused: exit %d, %s" % (
                    name, rc, "; ".join(u["reason"] for u in unsup)[:200] or err.strip()[:200]))
                continue
            if rc:
                fail("testdata %s: convert exit %d: %s" % (name, rc, (err.strip() or
                     json.dumps(unsup))[:300]))
                continue
            names_in = [model.graph.input[0].name]
            names_out = [o.name for o in model.graph.output]
            ref = run_ort(src, names_in, [x], names_out, "td_" + name)
            got, why = run_tflite(peer, dst, [x], "td_" + name)
            if ref is None or got is None:
                fail("testdata %s: %s" % (name, why or "ONNX Runtime did not run it"))
                continue
            m_exp, g_exp = compare(got[0], expected[0])
            m_ort, g_ort = compare(got[0], ref[0])
            g_shape = np.shape(got[0]) == np.shape(expected[0])
            ops = ", ".join(sorted(inspect(dst)["op_counts"]))
            (ok if g_exp and g_ort and g_shape else fail)(
                "testdata %s: the TFLite peer agrees with the expected output (max |a-r| %.3g) "
                "and ONNX Runtime (%.3g), shape %s (%s)" % (name, m_exp, m_ort,
                                                             list(np.shape(got[0])), ops))
    finally:
        peer.close()


def main():
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(FERRY):
        return harness.abort("no ferry binary at %s" % FERRY)
    peer = TflitePeer() if peers_ready() else None
    if not peer:
        skip("TFLite peer: tests/peers not installed (scripts/install-deps.sh)")
    try:
        for name in TORCH:
            check_torch(peer, name)
        check_torch(peer, "resnet18_op13", ["--io-layout", "nhwc"], nhwc=True)
        for rel in sorted(CORPUS):
            check_corpus(peer, rel)
    finally:
        if peer:
            peer.close()
    if peer:
        check_ops()
        check_testdata()
    # layout and structure
    for name, src in [("resnet18_op13", os.path.join(MODELS, "torch/resnet18_op13/model.onnx")),
                      ("mobilenet_v2_op17_bn", os.path.join(MODELS, "torch/mobilenet_v2_op17_bn/model.onnx"))] + \
                     [(n, os.path.join(O, "onnx_light/%s.onnx" % n)) for n in LIGHT]:
        for nhwc in (False, True):
            check_layout(name, src, nhwc)
    # determinism
    src = os.path.join(MODELS, "torch/mobilenet_v2_op17_bn/model.onnx")
    a, b = os.path.join(WORK, "det_a.tflite"), os.path.join(WORK, "det_b.tflite")
    convert(src, a)
    convert(src, b)
    (ok if open(a, "rb").read() == open(b, "rb").read() else fail)(
        "det: mobilenet_v2_op17_bn converts to byte-identical files twice")
    # the conversion record
    for nhwc in (False, True):
        dst = os.path.join(WORK, "record%s.tflite" % ("_nhwc" if nhwc else ""))
        convert(os.path.join(MODELS, "torch/resnet18_op13/model.onnx"), dst,
                ["--io-layout", "nhwc"] if nhwc else [])
        raw = tflite_metadata(dst, "ferry.conversion")
        try:
            rec = json.loads(raw)
            ts = {t["name"]: t for t in rec["tensors"]}
            good = (rec["format"] == "ferry.conversion" and rec["io_layout"] == ("nhwc" if nhwc else "nchw")
                    and ts["input"]["source"] == "input" and ts["output"]["source"] == "output"
                    and ts["input"].get("perm") == ([0, 2, 3, 1] if nhwc else None)
                    and any(t.get("perm") == [0, 2, 3, 1] for t in rec["tensors"]))
            (ok if good else fail)("record%s: ferry.conversion maps %d tensors, input perm %s" %
                                   (" nhwc" if nhwc else "", len(ts), ts["input"].get("perm")))
        except (TypeError, ValueError, KeyError) as e:
            fail("record: metadata ferry.conversion unreadable: %s" % e)
    # refusal lists every node: a model with two nodes TFLite has nothing for
    try:
        import onnx
        from onnx import TensorProto, helper
        g = helper.make_graph(
            [helper.make_node("Erf", ["x"], ["e"], name="erf_alone"),
             helper.make_node("GridSample", ["e", "grid"], ["g"], name="sampler",
                              padding_mode="reflection"),
             helper.make_node("Relu", ["g"], ["y"], name="fine")],
            "two_bad", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4]),
                        helper.make_tensor_value_info("grid", TensorProto.FLOAT, [1, 2, 2, 2])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 2, 2])])
        src = os.path.join(WORK, "two_bad.onnx")
        onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 16)]), src)
        dst = os.path.join(WORK, "never.tflite")
        rc, rep, err = convert(src, dst)
        names = sorted(u["node"] for u in (rep or {}).get("unsupported", []))
        (ok if rc == 3 and names == ["erf_alone", "sampler"] and not os.path.exists(dst) else fail)(
            "refuse: two unconvertible nodes, exit %d, listed %s, nothing written" % (rc, names))
    except ImportError:
        skip("refuse: the onnx Python package is missing")
    harness.tidy(WORK)
    return harness.finish()


if __name__ == "__main__":
    sys.exit(main())
