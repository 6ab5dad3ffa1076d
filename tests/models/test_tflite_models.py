#!/usr/bin/python3
"""The TFLite done-criteria of issue 4, on every .tflite of the shared corpus, in one script.

Every *.tflite under $FERRY_SHARED/models (default <repo>/../shared) is checked with $FERRY_BIN
(default build/release/ferry) against data ferry did not make (../shared/models/MANIFEST.md
sections 1, 1b and 4 say what each reference is):

  a      `ferry inspect --json X` loads the model (exit 0, one JSON document); a model with
         custom ops (the Vela model's ethos-u, the TFLM signal ops) may instead be refused with
         exit 3, but then the message must name every custom op; either way the names must
         appear. The custom ops come from this script's own small FlatBuffers reader, not ferry.
  a-run  on a model with custom ops, `ferry run` exits 3 and names every custom op.
  b      round trip: `ferry convert X.tflite -o Y.tflite`, then the TFLite peer
         (tests/peers/tflite_run.mjs: the classic TFLite interpreter in wasm, XNNPACK on) gives
         bit-identical outputs on Y and X wherever it runs X, on the model's first stored input
         set (seeded random inputs of the model's dtypes where none is stored). Where the peer
         refuses X (person_detect), `ferry run` on Y and X is compared instead, if it runs X.
  b-ir   `ferry inspect --json Y` equals `ferry inspect --json X` (the IR as ferry summarises it).
  b-fb   this script's own FlatBuffers reader finds the same model in Y as in X: every tensor's
         name, type, shape, shape_signature, quantization (incl. quantized_dimension),
         is_variable and constant bytes; every operator's code, version, custom code, inputs,
         outputs, builtin-options type and custom options bytes, in order; signature defs,
         metadata entries (name and bytes), description and version. Tensor and buffer
         numbering may change. This covers the 4 models the peer refuses.
  p      the peer reproduces the stored TFLite output for that input set bit for bit (the
         stored ref_tflite/ and *_tflite_output.npy files came from this peer), and the TFLM
         golden on the seanet models (the MANIFEST: 122/127; on the 5 transpose_conv models
         the stored *_tflite_output.npy were read from the peer before Infer() resized the
         output, a stale buffer; read after Infer(), as tflite_run.mjs now does, the peer
         equals those goldens too); a failure here is a peer or corpus problem, not ferry's.
  c      `ferry run` is bit-exact with the TFLM goldens from reference kernels: network_tester
         golden.npy, the seanet suite (<name>_input<k>.npy -> <name>_golden.npy) and dtln
         golden.npy. Where a golden and TFLite disagree the line says which one ferry follows and
         why. The 5 seanet transpose_conv goldens: the stored *_tflite_output.npy differ from
         them in every value (the MANIFEST), and this script computes the layer exactly
         (dequantize, transposed convolution in float64, requantize): the goldens are within 1
         step of it (31-47% of the exact values saturate int16: the saturation is real); the
         stored TFLite files are a stale output buffer (see p). dtln: TFLite differs from
         the TFLM golden by up to 22 LSB; ferry follows the TFLM golden (TFLite's reference
         kernels, as TFLM runs them) and the line says how far the TFLite peer is.
  d      against the TFLite peer, on every model the peer runs: integer outputs within one
         quantization step (1 in the stored integer), the line says how many values differ at
         all; integer models run with `ferry run --tflite-arith xnnpack` here (the peer's
         XNNPACK delegate rounds int8 ops its own way; c keeps the reference arithmetic); float outputs |a - r| <= 1e-5 + 1e-5*|r|. References: the stored peer outputs,
         else the peer run here on the set b) used (seanet: its one stored input set). dtln and
         on the 5 seanet transpose_conv models the reference is the peer run here (their
         stored TFLite files are stale, see p); dtln is judged by its golden in c) only (the
         peer is up to 22 LSB off on dtln).
  e      person_detect.tflite, which TFLite refuses (rank-1 bias tensors with
         quantized_dimension=3) and TFLM runs: ferry runs it, warns about quantized_dimension,
         and ranks person (output[1]) above no_person (output[0]) on person_input.npy and the
         reverse on no_person_input.npy, as TFLM's person_detection_test expects.
  f      labels the MANIFEST gives: micro_speech yes=2 / no=3, mnist_lstm (float and int8)
         argmax = digit, magic_wand ring=1 / slope=2, hand-gesture keypoint_classifier.tflite
         argmax = dataset label (10/10), hello_world_float sin(x) +-0.05 on the test inputs.

The peer runs as one `node tflite_run.mjs --serve` process per worker thread (the wasm starts
once; every job still gets a fresh interpreter, which the stored references were made with).

One line per check and model: "ok <check> <model>[: note]", "FAIL <check> <model>: why" or
"skip <check> <model>: why" (skips are neither passed nor failed); "== ..." lines summarise each
check; the last line is "N passed, N failed". Exit 1 on any failure.

Env: FERRY_BIN, FERRY_BUILD (work files go to $FERRY_BUILD/tflite-models/, removed when all
passed), FERRY_SHARED, FERRY_TEST_JOBS (parallel models, default 2), NODE.
"""
import collections
import concurrent.futures
import functools
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import BUILD, FERRY, MODELS, PEERS, show, squash  # noqa: E402

TFLITE_RUN = os.path.join(PEERS, "tflite_run.mjs")
NODE = os.environ.get("NODE") or shutil.which("node")
WORK = os.path.join(BUILD, "tflite-models")
JOBS = int(os.environ.get("FERRY_TEST_JOBS") or 2)
TIMEOUT = 180
ATOL = RTOL = 1e-5
SLOW_RUN_SECONDS = 5.0   # a model whose first ferry run takes longer gets at most 3 sets

CHECKS = ["a", "a-run", "b", "b-ir", "b-fb", "p", "c", "d", "e", "f"]
WHAT = {
    "a": "ferry inspect --json loads it or names its custom ops",
    "a-run": "ferry run refuses custom ops by name",
    "b": "TFLite peer: ferry convert's rewrite gives bit-identical outputs",
    "b-ir": "inspect --json of the rewrite equals the original's",
    "b-fb": "the rewrite holds the same tensors, constants, operators, signatures, metadata",
    "p": "TFLite peer reproduces the stored TFLite outputs (seanet: the goldens)",
    "c": "ferry run bit-exact with TFLM goldens",
    "d": "ferry run vs TFLite (int: --tflite-arith xnnpack, 1 step; float: 1e-5 + 1e-5*|r|)",
    "e": "person_detect runs and ranks the images",
    "f": "labels from the MANIFEST",
}


# (CompletedProcess, seconds); a program that cannot start gives exit -998
run = functools.partial(harness.timed_run, timeout=TIMEOUT, timed_out="timed out after {} s",
                        start_errors=True)


# ---- a small TFLite FlatBuffers reader (independent of ferry) ----------------------------------
# Only what the checks need: operator codes, subgraph 0's inputs/outputs (name, type, shape,
# quantization). Field numbers from the published schema (tensorflow/lite/schema/schema.fbs).

NP_OF_TFL = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_,
             7: np.int16, 9: np.int8, 10: np.float64, 12: np.uint64, 15: np.uint32, 16: np.uint16}
BUILTIN_CUSTOM = 32


class FbTable:
    def __init__(self, buf, pos):
        if pos < 0 or pos + 4 > len(buf):
            raise ValueError(f"table at {pos} outside the {len(buf)}-byte buffer")
        self.buf, self.pos = buf, pos
        self.vt = pos - struct.unpack_from("<i", buf, pos)[0]
        if self.vt < 0 or self.vt + 4 > len(buf):
            raise ValueError(f"vtable at {self.vt} outside the buffer")
        self.vtsize = struct.unpack_from("<H", buf, self.vt)[0]

    def _field(self, i):
        o = 4 + 2 * i
        if o + 2 > self.vtsize:
            return None
        off = struct.unpack_from("<H", self.buf, self.vt + o)[0]
        return self.pos + off if off else None

    def scalar(self, i, fmt, default=0):
        p = self._field(i)
        return struct.unpack_from("<" + fmt, self.buf, p)[0] if p is not None else default

    def _target(self, i):
        p = self._field(i)
        return None if p is None else p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, i):
        t = self._target(i)
        return None if t is None else FbTable(self.buf, t)

    def string(self, i):
        t = self._target(i)
        if t is None:
            return None
        n = struct.unpack_from("<I", self.buf, t)[0]
        return self.buf[t + 4:t + 4 + n].decode("utf-8", "replace")

    def scalars(self, i, fmt):
        t = self._target(i)
        if t is None:
            return []
        n = struct.unpack_from("<I", self.buf, t)[0]
        return list(struct.unpack_from(f"<{n}{fmt}", self.buf, t + 4))

    def tables(self, i):
        t = self._target(i)
        if t is None:
            return []
        n = struct.unpack_from("<I", self.buf, t)[0]
        out = []
        for k in range(n):
            e = t + 4 + 4 * k
            out.append(FbTable(self.buf, e + struct.unpack_from("<I", self.buf, e)[0]))
        return out


class TflInfo:
    """custom_ops: sorted custom op names used by an operator of any subgraph; inputs/outputs of
    subgraph 0: dicts name, dtype (numpy type or None), shape, scale, zero_point."""

    def __init__(self, path):
        with open(path, "rb") as f:
            buf = f.read()
        model = FbTable(buf, struct.unpack_from("<I", buf, 0)[0])
        codes = []
        for oc in model.tables(1):
            code = max(oc.scalar(0, "b", 0), oc.scalar(3, "i", 0))
            codes.append((code, oc.string(1)))
        subgraphs = model.tables(2)
        used = set()
        for sg in subgraphs:
            for op in sg.tables(3):
                k = op.scalar(0, "I", 0)
                if k < len(codes) and codes[k][0] == BUILTIN_CUSTOM:
                    used.add(codes[k][1] or "")
        self.custom_ops = sorted(used)
        sg = subgraphs[0]
        tensors = sg.tables(0)

        def tensor(k):
            t = tensors[k]
            q = t.table(4)
            return {"name": t.string(3) or "", "dtype": NP_OF_TFL.get(t.scalar(1, "b", 0)),
                    "type_code": t.scalar(1, "b", 0), "shape": t.scalars(0, "i"),
                    "scale": q.scalars(2, "f") if q else [],
                    "zero_point": q.scalars(3, "q") if q else []}

        self.inputs = [tensor(k) for k in sg.scalars(1, "i")]
        self.outputs = [tensor(k) for k in sg.scalars(2, "i")]


def tfl_structure(path):
    """The model as this script's reader sees it, in a form two files can be compared by:
    tensors are described by content (name, type, shape, shape_signature, quantization,
    is_variable, a hash of their constant bytes), never by index, so a writer may renumber
    tensors and buffers. Builtin option tables are compared by their union type only (their
    values show in the TFLite peer's outputs)."""
    import hashlib
    with open(path, "rb") as f:
        buf = f.read()
    model = FbTable(buf, struct.unpack_from("<I", buf, 0)[0])

    def digest(b):
        return hashlib.sha1(b).hexdigest()[:16] if b else None

    def buffer_bytes(k, buffers):
        if k >= len(buffers):
            return b"<buffer index %d past %d buffers>" % (k, len(buffers))
        b = buffers[k]
        t = b._target(0)
        if t is not None:
            n = struct.unpack_from("<I", buf, t)[0]
            return buf[t + 4:t + 4 + n]
        off, size = b.scalar(1, "Q", 0), b.scalar(2, "Q", 0)
        return buf[off:off + size] if off > 1 else b""

    buffers = model.tables(4)
    codes = [(max(oc.scalar(0, "b", 0), oc.scalar(3, "i", 0)), oc.string(1) or "", oc.scalar(2, "i", 1))
             for oc in model.tables(1)]
    subgraphs = []
    tensor_names = []
    for sg in model.tables(2):
        descs = []
        for t in sg.tables(0):
            q = t.table(4)
            shape = tuple(t.scalars(0, "i"))
            sig = tuple(t.scalars(7, "i")) or None
            quant = None
            if q is not None and (q.scalars(2, "f") or q.scalars(3, "q")):
                quant = (tuple(q.scalars(2, "f")), tuple(q.scalars(3, "q")), q.scalar(6, "i", 0))
            descs.append((t.string(3) or "", t.scalar(1, "b", 0), shape,
                          None if sig == shape else sig, quant, bool(t.scalar(5, "B", 0)),
                          t.table(6) is not None, digest(buffer_bytes(t.scalar(2, "I", 0), buffers))))
        tensor_names.append([d[0] for d in descs])

        def ref(k, descs=descs):
            return None if k < 0 else descs[k] if k < len(descs) else f"<tensor {k} past the end>"
        ops = []
        for op in sg.tables(3):
            k = op.scalar(0, "I", 0)
            custom = op._target(5)
            cbytes = b""
            if custom is not None:
                n = struct.unpack_from("<I", buf, custom)[0]
                cbytes = buf[custom + 4:custom + 4 + n]
            ops.append((codes[k] if k < len(codes) else f"<opcode {k}>",
                        tuple(ref(i) for i in op.scalars(1, "i")),
                        tuple(ref(i) for i in op.scalars(2, "i")),
                        op.scalar(3, "B", 0), digest(cbytes),
                        tuple(ref(i) for i in op.scalars(8, "i"))))
        subgraphs.append({"name": sg.string(4) or "", "inputs": [ref(i) for i in sg.scalars(1, "i")],
                          "outputs": [ref(i) for i in sg.scalars(2, "i")], "operators": ops,
                          "tensors": sorted(descs, key=repr)})
    sigs = []
    for sd in model.tables(7):
        sgi = sd.scalar(4, "I", 0)
        names = tensor_names[sgi] if sgi < len(tensor_names) else []

        def tmap(tm, names=names):
            k = tm.scalar(1, "I", 0)
            return (tm.string(0) or "", names[k] if k < len(names) else f"<tensor {k}>")
        sigs.append((sd.string(2) or "", sgi, [tmap(m) for m in sd.tables(0)],
                     [tmap(m) for m in sd.tables(1)]))
    metadata = sorted((m.string(0) or "", digest(buffer_bytes(m.scalar(1, "I", 0), buffers)))
                      for m in model.tables(6))
    # an absent string and an empty one mean the same: both are compared as ""
    return {"version": model.scalar(0, "I", 0), "description": model.string(3) or "",
            "subgraphs": subgraphs, "signature_defs": sigs, "metadata": metadata}


def structure_diff(a, b, path="model"):
    """First few places where two tfl_structure results differ, in words."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            out += structure_diff(a[k], b.get(k), f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} entries, the rewrite has {len(b)}")
            sa, sb = set(map(repr, a)), set(map(repr, b))
            only_a = [x for x in a if repr(x) not in sb][:1]
            only_b = [x for x in b if repr(x) not in sa][:1]
            if only_a:
                out.append(f"{path}: e.g. only in the original: {squash(repr(only_a[0]), 200)}")
            if only_b:
                out.append(f"{path}: e.g. only in the rewrite: {squash(repr(only_b[0]), 200)}")
        else:
            for i, (x, y) in enumerate(zip(a, b)):
                out += structure_diff(x, y, f"{path}[{i}]")
    elif a != b:
        out.append(f"{path}: {squash(repr(a), 200)} vs {squash(repr(b), 200)}")
    return out[:3]


def transpose_conv_exact(path, arrays):
    """The output of a single-TRANSPOSE_CONV model (inputs: output_shape, weights OHWI, input,
    bias) computed exactly: dequantize input, weights (per channel) and bias, transposed
    convolution in float64, then quantize with the output's scale and zero point, rounding to
    nearest and saturating. Returns (quantized result, share of results that saturate).
    arrays: the model inputs in order. Raises ValueError on anything it does not handle."""
    with open(path, "rb") as f:
        buf = f.read()
    model = FbTable(buf, struct.unpack_from("<I", buf, 0)[0])
    buffers = model.tables(4)
    sg = model.tables(2)[0]
    tensors = sg.tables(0)
    ops = sg.tables(3)
    if len(ops) != 1:
        raise ValueError(f"{len(ops)} operators, expected one TRANSPOSE_CONV")
    op = ops[0]
    graph_inputs = sg.scalars(1, "i")

    def value(k):
        t = tensors[k]
        q = t.table(4)
        scale = np.array(q.scalars(2, "f") if q else [], np.float64)
        zp = np.array(q.scalars(3, "q") if q else [], np.float64)
        dt = NP_OF_TFL[t.scalar(1, "b", 0)]
        if k in graph_inputs:
            a = arrays[graph_inputs.index(k)]
        else:
            tgt = buffers[t.scalar(2, "I", 0)]._target(0)
            if tgt is None:
                raise ValueError(f"tensor {k} has no data")
            n = struct.unpack_from("<I", buf, tgt)[0]
            a = np.frombuffer(buf[tgt + 4:tgt + 4 + n], dt).reshape(t.scalars(0, "i"))
        return a, scale, zp, dt

    ins = op.scalars(1, "i")
    shape, _, _, _ = value(ins[0])
    w, w_scale, _, _ = value(ins[1])
    x, x_scale, x_zp, _ = value(ins[2])
    opt = op.table(4)
    padding, stride_w, stride_h = opt.scalar(0, "b", 0), opt.scalar(1, "i", 0), opt.scalar(2, "i", 0)
    if opt.scalar(3, "b", 0) != 0:
        raise ValueError("fused activation: not handled here")
    out_k = op.scalars(2, "i")[0]
    oq = tensors[out_k].table(4)
    o_scale, o_zp = oq.scalars(2, "f")[0], (oq.scalars(3, "q") or [0])[0]
    o_dt = NP_OF_TFL[tensors[out_k].scalar(1, "b", 0)]
    N, OH, OW, OC = (int(v) for v in shape)
    _, IH, IW, IC = x.shape
    O, KH, KW, I = w.shape
    xf = (x.astype(np.float64) - (x_zp[0] if x_zp.size else 0)) * x_scale[0]
    wf = w.astype(np.float64) * w_scale.reshape(-1, 1, 1, 1)

    def pad(stride, insz, k, outsz):
        return 0 if padding == 1 else max((insz - 1) * stride + k - outsz, 0) // 2
    ph, pw = pad(stride_h, IH, KH, OH), pad(stride_w, IW, KW, OW)
    y = np.zeros((N, OH, OW, OC))
    for iy in range(IH):
        for ix in range(IW):
            for ky in range(KH):
                for kx in range(KW):
                    oy, ox = iy * stride_h + ky - ph, ix * stride_w + kx - pw
                    if 0 <= oy < OH and 0 <= ox < OW:
                        y[:, oy, ox, :] += xf[:, iy, ix, :] @ wf[:, ky, kx, :].T
    if len(ins) > 3 and ins[3] >= 0:
        b, b_scale, _, _ = value(ins[3])
        y += b.astype(np.float64) * b_scale
    q = np.round(y / o_scale) + o_zp
    ii = np.iinfo(o_dt)
    return np.clip(q, ii.min, ii.max).astype(o_dt), float(np.mean((q < ii.min) | (q > ii.max)))


def sanitized_file(name):
    """<name>.npy as `ferry run` names output files ('_' for an empty name; a stem over 200
    bytes keeps 183 and gets '-' + 16 hex digits of the name's FNV-1a hash)."""
    # ferry replaces each byte (not each character) outside the set
    stem = "_" if name == "" else re.sub(rb"[^A-Za-z0-9._-]", b"_", name.encode()).decode()
    if len(stem) > 200:
        h = 1469598103934665603
        for b in name.encode():
            h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
        stem = stem[:183] + "-%016x" % h
    return stem + ".npy"


def peer_file(name, kind, i):
    """The file tflite_run.mjs uses for a tensor (see its header)."""
    f = ("_" if name == "" else re.sub(rb"[^A-Za-z0-9._-]", b"_", name.encode()).decode()) + ".npy"
    return f if len(f.encode()) <= 255 else f"{kind}_{i}.npy"


# ---- the corpus: input sets and references, as the MANIFEST describes them ---------------------

class Set:
    """One input set: arrays in model input order, and what its outputs are compared with.
    tflite: the TFLite peer's stored outputs (list in model output order) or None; golden: TFLM
    golden (list) or None; label: expected argmax of output 0; sine: expected sin(x) value."""

    def __init__(self, tag, arrays, tflite=None, golden=None, label=None, sine=None):
        self.tag, self.arrays, self.tflite, self.golden = tag, arrays, tflite, golden
        self.label, self.sine = label, sine


def ld(*parts):
    return np.load(os.path.join(MODELS, *parts))


def known_sets(rel, info):
    """(sets, note) for a model the MANIFEST describes, else (None, None)."""
    d = os.path.dirname(rel)
    stem = os.path.splitext(os.path.basename(rel))[0]
    T = "tflite/tflm"

    def ref_dir(name, n=10):
        base = os.path.join(d, "ref_tflite", name)
        out = []
        for i in range(n):
            if len(info.inputs) == 1:
                arrays = [ld(base, f"input_{i}.npy")]
            else:
                arrays = [ld(base, f"input{k}_{i}.npy") for k in range(len(info.inputs))]
            if len(info.outputs) == 1:
                refs = [ld(base, f"output_{i}.npy")]
            else:
                refs = [ld(base, f"output{k}_{i}.npy") for k in range(len(info.outputs))]
            out.append(Set(f"ref_tflite/{name}/{i}", arrays, tflite=refs))
        return out

    if rel == f"{T}/hello_world/hello_world_float.tflite":
        sets = [Set(f"test_float_input_{k}", [ld(d, f"test_float_input_{k}.npy")],
                    tflite=[ld(d, f"test_float_tflite_output_{k}.npy")]) for k in range(4)]
        for s in sets:
            s.sine = float(np.sin(s.arrays[0].ravel()[0]))
        return sets + ref_dir(stem), None
    if rel == f"{T}/hello_world/hello_world_int8.tflite":
        sets = [Set(f"test_int8_input_{k}", [ld(d, f"test_int8_input_{k}.npy")],
                    tflite=[ld(d, f"test_int8_tflite_output_{k}.npy")]) for k in range(4)]
        return sets + ref_dir(stem), None
    if rel == f"{T}/micro_speech/micro_speech_quantized.tflite":
        return [Set(f"{w}_features_input", [ld(d, f"{w}_features_input.npy")],
                    tflite=[ld(d, f"{w}_tflite_output.npy")], label=lab)
                for w, lab in (("yes", 2), ("no", 3))], None
    if rel in (f"{T}/mnist_lstm/trained_lstm.tflite", f"{T}/mnist_lstm/trained_lstm_int8.tflite"):
        kind = "int8" if stem.endswith("int8") else "float"
        return [Set(f"sample{k}_{kind}_input", [ld(d, f"sample{k}_{kind}_input.npy")],
                    tflite=[ld(d, f"sample{k}_{kind}_tflite_output.npy")], label=k)
                for k in range(10)], None
    if rel == f"{T}/magic_wand/magic_wand.tflite":
        return [Set(f"{w}_input", [ld(d, f"{w}_input.npy")], tflite=[ld(d, f"{w}_tflite_output.npy")],
                    label=lab) for w, lab in (("ring", 1), ("slope", 2))], None
    if rel in (f"{T}/keyword_scrambled/keyword_scrambled.tflite",
               f"{T}/simple_add/simple_add_model.tflite",
               f"{T}/mobilenet_v2_quantized/mobilenet_v2_quantized_1x3x224x224.tflite"):
        return ref_dir(stem), None
    if rel == f"{T}/dtln/dtln_noise_suppression.tflite":
        s = Set("input", [ld(d, "input.npy")], golden=[ld(d, "golden.npy")])
        s.disputed_tflite = [ld(d, "tflite_output.npy")]
        return [s], None
    if rel == f"{T}/network_tester/network_model.tflite":
        return [Set("input", [ld(d, "input.npy")], golden=[ld(d, "golden.npy")],
                    tflite=[ld(d, "tflite_output.npy")])], None
    if rel.startswith(f"{T}/seanet/"):
        arrays = [ld(d, f"{stem}_input{k}.npy") for k in range(len(info.inputs))]
        s = Set(f"{stem}_input*", arrays, golden=[ld(d, f"{stem}_golden.npy")])
        tfl = os.path.join(MODELS, d, f"{stem}_tflite_output.npy")
        if os.path.exists(tfl):
            s.tflite = [np.load(tfl)]
        return [s], None
    if rel in ("onnx/hand_gesture/keypoint_classifier.tflite",
               "onnx/hand_gesture/point_history_classifier.tflite"):
        kp = "keypoint" if "keypoint" in rel else "point_history"
        xs = ld(d, f"{kp}_inputs_10x{42 if kp == 'keypoint' else 32}.npy")
        ys = ld(d, f"{kp}_tflite_outputs_10x{3 if kp == 'keypoint' else 4}.npy")
        labels = ld(d, f"{kp}_labels_10.npy") if kp == "keypoint" else [None] * 10
        return [Set(f"row {i} of {kp}_inputs", [xs[i:i + 1].copy()], tflite=[ys[i:i + 1].copy()],
                    label=None if labels[i] is None else int(labels[i]))
                for i in range(len(xs))], "one dataset row per run"
    if rel == f"{T}/person_detection/person_detect.tflite":
        return [Set(f"{w}_input", [ld(d, f"{w}_input.npy")]) for w in ("person", "no_person")], None
    if rel == f"{T}/person_detection/person_detect_vela.tflite":
        return [Set("person_input", [ld(d, "person_input.npy")])], None
    return None, None


def random_set(rel, info):
    """Seeded random inputs of the model's own dtypes and stored shapes."""
    seed = zlib.crc32(rel.encode())
    rng = np.random.default_rng(seed)
    arrays = []
    for t in info.inputs:
        dt, shape = t["dtype"], [max(1, s) for s in t["shape"]]
        if dt is None or dt == np.float16:
            raise ValueError(f"input '{t['name']}' has TFLite type {t['type_code']}, which this "
                             "script cannot make data for")
        if np.issubdtype(dt, np.floating):
            a = rng.standard_normal(shape).astype(dt)
        elif dt == np.bool_:
            a = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            ii = np.iinfo(dt)
            lo, hi = max(ii.min, -1000), min(ii.max, 1000)
            if ii.bits <= 16:
                lo, hi = ii.min, ii.max
            a = rng.integers(lo, hi, shape, endpoint=True).astype(dt)
        arrays.append(a)
    return Set(f"random (numpy default_rng({seed}))", arrays)


# ---- comparisons ---------------------------------------------------------------------------------

def compare(a, r, kind):
    """(ok, text, n_differing). kind: 'exact' (bit for bit), 'step' (integers within 1) or
    'float' (|a - r| <= ATOL + RTOL*|r|)."""
    if a.dtype != r.dtype:
        return False, f"dtype {a.dtype}, reference {r.dtype}", None
    if a.shape != r.shape:
        return False, f"shape {list(a.shape)}, reference {list(r.shape)}", None
    if a.size == 0:
        return True, "empty", 0
    where = lambda i: list(map(int, np.unravel_index(i, r.shape)))  # noqa: E731
    if np.issubdtype(r.dtype, np.floating):
        a64, r64 = a.astype(np.float64), r.astype(np.float64)
        bits = f"u{r.dtype.itemsize}"
        same_bits = a.view(bits) == r.view(bits)
        n_diff = int(np.count_nonzero(~same_bits))
        if kind == "exact":
            i = int(np.argmax(~same_bits))
            text = f"bit-exact, {r.size} values" if n_diff == 0 else \
                f"{n_diff} of {r.size} values differ (at {where(i)}: {a64.flat[i]!r} vs {r64.flat[i]!r})"
            return n_diff == 0, text, n_diff
        with np.errstate(invalid="ignore"):
            diff = np.where(same_bits | (np.isnan(a64) & np.isnan(r64)), 0.0, np.abs(a64 - r64))
        diff = np.nan_to_num(diff, nan=np.inf)
        excess = diff - (ATOL + RTOL * np.abs(np.nan_to_num(r64)))
        ok = bool(excess.max() <= 0)
        i = int(np.argmax(diff)) if ok else int(np.argmax(excess))
        text = (f"{n_diff} of {r.size} values differ at all, max |diff| {diff.max():.3g}" +
                (f" ({'worst' if not ok else 'at'} {where(i)}: {a64.flat[i]!r} vs {r64.flat[i]!r})"
                 if n_diff else ""))
        return ok, text, n_diff
    if r.dtype == np.bool_ or not np.issubdtype(r.dtype, np.integer):
        n_diff = int(np.count_nonzero(a != r))
        return n_diff == 0, f"{n_diff} of {r.size} values differ", n_diff
    diff = np.abs(a.astype(np.int64) - r.astype(np.int64))
    n_diff = int(np.count_nonzero(diff))
    limit = 0 if kind == "exact" else 1
    if n_diff == 0:
        return True, f"bit-exact, {r.size} values", 0
    i = int(np.argmax(diff))
    text = (f"{n_diff} of {r.size} values differ, max {int(diff.max())} step(s) "
            f"(at {where(i)}: {int(a.flat[i])} vs {int(r.flat[i])})")
    return bool(diff.max() <= limit), text, n_diff


# ---- running ferry and the peer --------------------------------------------------------------------

class PeerServer:
    """One `node tflite_run.mjs --serve` process (the wasm starts once, not once per run; each
    job still gets a fresh interpreter). A job that hangs or kills the process fails alone: the
    next job starts a new process."""

    def __init__(self):
        self.p = None
        self.lines = None
        self.err = None

    def _start(self):
        import queue
        import tempfile
        import threading
        self.err = tempfile.TemporaryFile(mode="w+", errors="replace")
        self.p = subprocess.Popen([NODE, TFLITE_RUN, "--serve"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.err, text=True,
                                  errors="replace")
        self.lines = queue.Queue()

        def pump(p, q):
            for line in p.stdout:
                q.put(line)
            q.put(None)
        threading.Thread(target=pump, args=(self.p, self.lines), daemon=True).start()

    def _stderr_tail(self):
        try:
            self.err.seek(0)
            return squash(self.err.read()[-600:], 600)
        except (OSError, ValueError):
            return ""

    def run(self, model, in_dir, out_dir):
        """(exit code as tflite_run.mjs would give it alone, message)."""
        import queue
        if self.p is None or self.p.poll() is not None:
            self._start()
        try:
            self.p.stdin.write(json.dumps([model, in_dir, out_dir]) + "\n")
            self.p.stdin.flush()
            line = self.lines.get(timeout=TIMEOUT)
        except (OSError, BrokenPipeError):
            line = None
        except queue.Empty:
            self.close()
            return 4, f"the TFLite peer took more than {TIMEOUT} s"
        if line is None:
            tail = self._stderr_tail()
            self.close()
            return 4, f"the TFLite peer process died: '{tail}'"
        try:
            ans = json.loads(line)
            return int(ans["code"]), str(ans["message"])
        except (ValueError, KeyError, TypeError):
            return 4, f"the TFLite peer answered '{squash(line, 200)}'"

    def close(self):
        if self.p is not None:
            try:
                self.p.stdin.close()
            except OSError:
                pass
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
            self.p = None
        if self.err is not None:
            self.err.close()
            self.err = None


_servers = []
_local = None


def peer_server():
    import threading
    global _local
    if _local is None:
        _local = threading.local()
    if not hasattr(_local, "server"):
        _local.server = PeerServer()
        _servers.append(_local.server)
    return _local.server


class Job:
    """Everything about one model; lines collected in self.lines as (check, verdict, text)."""

    def __init__(self, path):
        self.path = path
        self.rel = os.path.relpath(path, MODELS)
        self.item = self.rel[len("tflite/"):] if self.rel.startswith("tflite/") else self.rel
        self.work = os.path.join(WORK, re.sub(r"[^A-Za-z0-9._-]", "_", self.rel))
        self.lines = []
        self.ferry_runs = {}   # set index -> (outputs list or None, text, process)

    def add(self, check, verdict, text=""):
        self.lines.append((check, verdict, text))

    def in_dir(self, idx, s):
        d = os.path.join(self.work, f"in{idx}")
        if not os.path.isdir(d):
            os.makedirs(d)
            for i, a in enumerate(s.arrays):
                np.save(os.path.join(d, f"input_{i}.npy"), np.ascontiguousarray(a))
        return d

    def ferry_run(self, idx, s, model=None, arith=None):
        """(outputs, why, process, seconds): ferry's outputs for set idx in model output order
        (from the 'wrote FILE' lines it prints), or None and why. model: another file with the
        same inputs (the rewrite) instead of the original. arith: `ferry run --tflite-arith`
        (None: the default, reference)."""
        key = (idx, model, arith)
        if key in self.ferry_runs:
            return self.ferry_runs[key]
        d = self.in_dir(idx, s)
        out = os.path.join(self.work, f"ferry{idx}" + ("" if model is None else "_rewrite") +
                           ("" if arith is None else f"_{arith}"))
        argv = [FERRY, "run", model or self.path, "-o", out]
        if arith is not None:
            argv += ["--tflite-arith", arith]
        for i, t in enumerate(self.info.inputs):
            f = os.path.join(d, f"input_{i}.npy")
            argv += ["-i", f if len(self.info.inputs) == 1 else f"{t['name']}={f}"]
        p, secs = run(argv)
        res = None
        if p.returncode != 0:
            why = f"ferry run failed on {s.tag}: {show(p)}"
            lengths = [len(sanitized_file(t["name"]).encode()) for t in self.info.outputs]
            if max(lengths, default=0) > 255:
                why += (f" [hint: an output's name makes a file name of {max(lengths)} bytes, "
                        f"over the 255-byte limit of a file name; tflite_run.mjs writes "
                        f"output_<i>.npy then]")
            res = (None, why, p, secs)
        else:
            files = re.findall(r"^wrote (.+?\.npy)  ", p.stdout, re.M)
            if len(files) != len(self.info.outputs):
                res = (None, f"ferry run wrote {len(files)} outputs, the model has "
                       f"{len(self.info.outputs)}: stdout '{squash(p.stdout)}'", p, secs)
            else:
                try:
                    res = ([np.load(f) for f in files], "", p, secs)
                except (OSError, ValueError) as e:
                    res = (None, f"cannot read ferry's output: {e}", p, secs)
        self.ferry_runs[key] = res
        return res

    def peer_run(self, model, idx, s, tag):
        """(outputs or None, refused?, text)."""
        d = self.in_dir(idx, s)
        out = os.path.join(self.work, f"peer_{tag}{idx}")
        code, message = peer_server().run(model, d, out)
        if code == 3:
            return None, True, squash(message, 600)
        if code != 0:
            return None, False, f"peer failed (exit {code}): {squash(message)}"
        try:
            info = self.info if model == self.path else TflInfo(model)
            files = [os.path.join(out, peer_file(t["name"], "output", i))
                     for i, t in enumerate(info.outputs)]
            return [np.load(f) for f in files], False, ""
        except (OSError, ValueError, struct.error, IndexError) as e:
            return None, False, f"cannot read the peer's outputs: {e}"


def normalize_inspect(doc):
    """inspect --json without what names the file rather than the model."""
    drop = {"path", "file", "file_size", "file_bytes", "size_bytes"}
    if isinstance(doc, dict):
        return {k: normalize_inspect(v) for k, v in doc.items() if k not in drop}
    if isinstance(doc, list):
        return [normalize_inspect(v) for v in doc]
    return doc


def json_diff(a, b, path="$"):
    """First few paths where a and b differ."""
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k} only in {'rewrite' if k in b else 'original'}")
            else:
                out += json_diff(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            out += json_diff(x, y, f"{path}[{i}]")
    elif a != b:
        out.append(f"{path}: {squash(json.dumps(a), 80)} vs {squash(json.dumps(b), 80)}")
    return out[:4]


def inspect_json(path):
    p, _ = run([FERRY, "inspect", "--json", path])
    if p.returncode != 0:
        return None, p
    try:
        return json.loads(p.stdout), p
    except ValueError as e:
        return None, subprocess.CompletedProcess(p.args, 0, p.stdout, f"not one JSON document: {e}")


# ---- the checks for one model ----------------------------------------------------------------------

def check_model(path, peer_ok):
    job = Job(path)
    os.makedirs(job.work, exist_ok=True)
    try:
        job.info = TflInfo(path)
    except (ValueError, struct.error, IndexError) as e:
        job.add("a", "FAIL", f"this script's FlatBuffers reader cannot read the file ({e}); "
                "the corpus file is broken or the reader is")
        return job
    info = job.info

    # a) inspect
    doc, p = inspect_json(path)
    custom = info.custom_ops
    if doc is not None:
        text = json.dumps(doc)
        missing = [c for c in custom if c not in text]
        if missing:
            job.add("a", "FAIL", f"inspect --json loads it but does not name the custom op(s) "
                    f"{', '.join(missing)}")
        else:
            job.add("a", "ok", f"custom ops named: {', '.join(custom)}" if custom else "")
    elif custom and p.returncode == 3 and all(c in p.stderr for c in custom):
        job.add("a", "ok", f"refused naming its custom op(s) {', '.join(custom)}: "
                f"'{squash(p.stderr, 200)}'")
    else:
        need = f" (it has custom op(s) {', '.join(custom)}: a refusal must exit 3 and name them)" \
            if custom else ""
        job.add("a", "FAIL", f"ferry inspect --json: {show(p)}{need}")

    sets, note = known_sets(job.rel, info)
    if sets is None:
        try:
            sets, note = [random_set(job.rel, info)], "not described by this script: random inputs"
        except ValueError as e:
            sets, note = [], str(e)

    # a-run) custom ops must be refused by name
    if custom:
        if not sets:
            job.add("a-run", "skip", f"no input set: {note}")
        else:
            _outs, _why, p, _ = job.ferry_run(0, sets[0])
            unnamed = [c for c in custom if c not in p.stderr]
            if p.returncode == 3 and not unnamed:
                job.add("a-run", "ok", f"'{squash(p.stderr, 200)}'")
            else:
                job.add("a-run", "FAIL", f"ferry run should exit 3 and name every custom op; "
                        f"exit {p.returncode}" + (f", custom op(s) not named: "
                                                  f"{', '.join(unnamed)}" if unnamed else "") +
                        f"; stderr: '{squash(p.stderr, 300)}'")

    # b) round trip
    rewrite = os.path.join(job.work, "rewrite.tflite")
    p, _ = run([FERRY, "convert", path, "-o", rewrite])
    converted = p.returncode == 0 and os.path.exists(rewrite)
    if not converted:
        job.add("b", "FAIL", f"ferry convert {job.item} -o rewrite.tflite: {show(p)}")
    else:
        doc2, p2 = inspect_json(rewrite)
        if doc is None:
            job.add("b-ir", "skip", "inspect --json did not load the original (see a)")
        elif doc2 is None:
            job.add("b-ir", "FAIL", f"inspect --json on the rewrite: {show(p2)}")
        else:
            n1, n2 = normalize_inspect(doc), normalize_inspect(doc2)
            if n1 == n2:
                job.add("b-ir", "ok")
            else:
                job.add("b-ir", "FAIL", "inspect --json differs: " + "; ".join(json_diff(n1, n2)))

        try:
            sx, sy = tfl_structure(path), tfl_structure(rewrite)
            diffs = structure_diff(sx, sy)
            if diffs:
                job.add("b-fb", "FAIL", "; ".join(diffs))
            else:
                n_t = sum(len(g["tensors"]) for g in sx["subgraphs"])
                n_o = sum(len(g["operators"]) for g in sx["subgraphs"])
                job.add("b-fb", "ok", f"{n_t} tensors, {n_o} operators, "
                        f"{len(sx['signature_defs'])} signature(s), {len(sx['metadata'])} "
                        "metadata entries the same")
        except (ValueError, struct.error, IndexError) as e:
            job.add("b-fb", "FAIL", f"this script's FlatBuffers reader cannot read the rewrite: {e}")

    peer_x = None
    if not sets:
        job.add("b", "skip", f"no input set: {note}")
    elif not peer_ok:
        job.add("b", "FAIL", f"TFLite peer missing ({peer_ok!r}): run scripts/install-deps.sh")
    else:
        peer_x, refused, why = job.peer_run(path, 0, sets[0], "x")
        if refused:
            if converted:
                # ferry's own outputs on X and Y instead, where ferry runs X (person_detect)
                fx = job.ferry_run(0, sets[0])
                if fx[0] is None:
                    job.add("b", "skip", f"the TFLite peer refuses the original ({why}), and "
                            f"ferry does not run it either ({fx[1]}); b-fb compares the two "
                            "files instead")
                else:
                    fy = job.ferry_run(0, sets[0], model=rewrite)
                    head = ("the TFLite peer refuses the original, so ferry run is compared on "
                            f"the rewrite and the original, {sets[0].tag}")
                    if fy[0] is None:
                        job.add("b", "FAIL", f"{head}: it runs the original but not the "
                                f"rewrite: {fy[1]}")
                    else:
                        bad = [f"output {k}: {compare(y, x, 'exact')[1]}"
                               for k, (y, x) in enumerate(zip(fy[0], fx[0]))
                               if not compare(y, x, "exact")[0]]
                        job.add("b", "FAIL" if bad else "ok",
                                f"{head}: " + ("; ".join(bad) if bad else "bit-identical"))
        elif peer_x is None:
            job.add("b", "FAIL", f"peer on the original, {sets[0].tag}: {why}")
        elif converted:
            peer_y, refused_y, why_y = job.peer_run(rewrite, 0, sets[0], "y")
            if peer_y is None:
                job.add("b", "FAIL", f"the peer runs the original but "
                        f"{'refuses' if refused_y else 'fails on'} the rewrite: {why_y}")
            else:
                bad = []
                for k, (y, x) in enumerate(zip(peer_y, peer_x)):
                    ok, text, _ = compare(y, x, "exact")
                    if not ok:
                        bad.append(f"output {k}: {text}")
                if len(peer_y) != len(peer_x):
                    bad.append(f"{len(peer_y)} outputs, the original has {len(peer_x)}")
                if bad:
                    job.add("b", "FAIL", f"on {sets[0].tag}: " + "; ".join(bad))
                else:
                    job.add("b", "ok", f"bit-identical on {sets[0].tag}")
        # p) the peer reproduces the stored reference; on seanet (no stored TFLite output but
        # the 5 transpose_conv ones) the TFLM golden, as the MANIFEST says it does 122 times
        # The 5 transpose_conv models' stored *_tflite_output.npy came from a peer that read
        # output buffers before Infer(); TRANSPOSE_CONV resizes its output while running, so
        # those files hold a stale buffer. Read after Infer(), the peer equals the golden.
        tc = "/seanet/transpose_conv/" in path
        seanet_golden = "/seanet/" in path
        ref = sets[0].golden if tc else sets[0].tflite if sets[0].tflite is not None else \
            sets[0].golden if seanet_golden else None
        if peer_x is not None and ref is not None:
            what = "its stored output" if sets[0].tflite is not None and not tc else \
                "the TFLM golden"
            bad = [f"output {k}: {compare(x, r, 'exact')[1]}"
                   for k, (x, r) in enumerate(zip(peer_x, ref)) if not compare(x, r, "exact")[0]]
            if bad:
                job.add("p", "FAIL", f"the peer does not reproduce {what} for {sets[0].tag}: " +
                        "; ".join(bad))
            else:
                job.add("p", "ok", f"{what}, {sets[0].tag}")

    if custom or not sets:
        return job

    # the model's ferry runs (shared by c, d, e, f); a slow model gets at most 3 sets
    limit_note = ""
    first = job.ferry_run(0, sets[0])
    if first[0] is not None and first[3] > SLOW_RUN_SECONDS and len(sets) > 3:
        limit_note = f" (3 of {len(sets)} sets: ferry took {first[3]:.1f} s on the first)"
        sets = sets[:3]

    stem = os.path.splitext(os.path.basename(path))[0]
    is_tc = "/seanet/transpose_conv/" in path
    is_dtln = stem == "dtln_noise_suppression"

    # c) TFLM goldens
    for idx, s in enumerate(sets):
        if s.golden is None:
            continue
        outs, why, _p, _ = job.ferry_run(idx, s)
        if is_tc:
            # The MANIFEST: TFLite matches none of these 5 goldens. The exact computation
            # decides which of the two is TFLite's arithmetic; ferry must follow that one.
            try:
                exact, saturated = transpose_conv_exact(path, s.arrays)
            except (ValueError, KeyError, IndexError, struct.error) as e:
                job.add("c", "FAIL", f"cannot compute the exact result to decide between the "
                        f"TFLM golden and TFLite's output: {e}")
                continue
            g_gap = int(np.abs(exact.astype(np.int64) - s.golden[0].astype(np.int64)).max())
            t_gap = int(np.abs(exact.astype(np.int64) - s.tflite[0].astype(np.int64)).max())
            if g_gap > 1:
                job.add("c", "FAIL", f"the exact computation is {g_gap} steps from "
                        f"{stem}_golden.npy (and {t_gap} from TFLite's output): neither is a "
                        f"reference as this test assumes; look again")
                continue
            gt = np.abs(s.golden[0].astype(np.int64) - s.tflite[0].astype(np.int64))
            head = (f"{stem}_golden.npy (the stored {stem}_tflite_output.npy differs from it in "
                    f"{np.count_nonzero(gt)} of {gt.size} values, by up to {int(gt.max())} "
                    f"steps, because it was read from the peer before Infer() resized "
                    f"TRANSPOSE_CONV's output; read after, the peer equals the golden, see p): "
                    f"the exact computation (dequantize, transposed convolution in float64, "
                    f"requantize; {saturated:.0%} of it saturates int16) is within {g_gap} step "
                    f"of the golden and {t_gap} steps from that stale file")
            if outs is None:
                job.add("c", "FAIL", f"{head}: {why}")
                continue
            ok, text, _ = compare(outs[0], s.golden[0], "exact")
            job.add("c", "ok" if ok else "FAIL", f"{head}. ferry vs the golden: {text}")
            continue
        if is_dtln:
            gap = int(np.abs(s.golden[0].astype(int) - s.disputed_tflite[0].astype(int)).max())
            head = (f"golden.npy (TFLM); TFLite (tflite_output.npy) is up to {gap} LSB from it, "
                    f"and ferry follows the TFLM golden: it is what TFLite's reference kernels "
                    f"compute, as TFLM runs them (the TFLite interpreter's own int8 LSTM path differs)")
        else:
            head = "golden.npy" if stem == "network_model" else f"{stem}_golden.npy"
        if outs is None:
            job.add("c", "FAIL", f"{head}: {why}")
            continue
        ok, text, _ = compare(outs[0], s.golden[0], "exact")
        if is_dtln:
            _, t_text, _ = compare(outs[0], s.disputed_tflite[0], "step")
            text += f"; ferry vs TFLite: {t_text}"
        job.add("c", "ok" if ok else "FAIL", f"{head}: {text}")

    # d) against the TFLite peer
    if not is_dtln and stem != "person_detect":
        worst, n_diff, n_vals, fails, n_sets, xnn = None, 0, 0, [], 0, False
        for idx, s in enumerate(sets):
            refs, src = (None if is_tc else s.tflite), "stored"
            if refs is None and idx == 0 and peer_x is not None:
                refs, src = peer_x, "peer run here"
            if refs is None:
                continue
            # integer models run in xnnpack mode here: the peer is the TFLite interpreter with
            # its XNNPACK delegate, whose int8 rounding differs from the reference kernels (c
            # keeps the reference mode against the TFLM goldens)
            integer = any(not np.issubdtype(r.dtype, np.floating) for r in refs)
            xnn = xnn or integer
            outs, why, _p, _ = job.ferry_run(idx, s, arith="xnnpack" if integer else None)
            if outs is None:
                fails.append(why)
                break
            n_sets += 1
            for k, (a, r) in enumerate(zip(outs, refs)):
                kind = "float" if np.issubdtype(r.dtype, np.floating) else "step"
                ok, text, nd = compare(a, r, kind)
                n_vals += r.size
                n_diff += nd or 0
                if not ok:
                    fails.append(f"{s.tag} output {k} ({src}): {text}")
                elif nd:
                    worst = f"{s.tag}: {text}"
        if fails:
            job.add("d", "FAIL", "; ".join(fails[:3]) + (f"; and {len(fails) - 3} more"
                                                         if len(fails) > 3 else ""))
        elif n_sets:
            msg = f"{n_sets} set(s), {n_diff} of {n_vals} values differ at all"
            if xnn:
                msg += " (ferry run --tflite-arith xnnpack, the peer's XNNPACK arithmetic)"
            if worst:
                msg += f"; e.g. {worst}"
            job.add("d", "ok", msg + limit_note + (f"; {note}" if note else ""))
        elif peer_x is None and sets[0].tflite is None:
            job.add("d", "skip", "no TFLite output: the peer does not run this model")

    # e) person_detect
    if stem == "person_detect":
        warned = None
        for idx, s in enumerate(sets):
            outs, why, p, _ = job.ferry_run(idx, s)
            if outs is None:
                job.add("e", "FAIL", f"{s.tag}: {why}")
                continue
            warned = warned or ("quantized_dimension" in p.stderr)
            o = outs[0].reshape(-1)
            person = s.tag.startswith("person")
            ok = o[1] > o[0] if person else o[0] > o[1]
            job.add("e", "ok" if ok else "FAIL",
                    f"{s.tag}: output {o.tolist()}: person score {int(o[1])} "
                    f"{'>' if o[1] > o[0] else '<=' } no_person score {int(o[0])}"
                    f"{'' if ok else ' (TFLM expects the reverse)'}")
        if warned is not None:
            job.add("e", "ok" if warned else "FAIL",
                    "warning about the bias tensors' quantized_dimension" +
                    ("" if warned else ": ferry run printed none (stderr has no "
                     "'quantized_dimension')"))

    # f) labels
    labeled = [(i, s) for i, s in enumerate(sets) if s.label is not None or s.sine is not None]
    if labeled:
        right, wrong = 0, []
        for idx, s in labeled:
            outs, why, _p, _ = job.ferry_run(idx, s)
            if outs is None:
                wrong.append(f"{s.tag}: ferry run failed ({squash(why, 150)})")
                continue
            if s.label is not None:
                got = int(np.argmax(outs[0].reshape(-1)))
                if got == s.label:
                    right += 1
                else:
                    wrong.append(f"{s.tag}: argmax {got}, expected {s.label}")
            else:
                y = float(outs[0].reshape(-1)[0])
                if abs(y - s.sine) <= 0.05:
                    right += 1
                else:
                    wrong.append(f"{s.tag}: {y:.4f}, sin(x) = {s.sine:.4f}")
        what = "sin(x) +-0.05" if labeled[0][1].sine is not None else "argmax = expected label"
        job.add("f", "FAIL" if wrong else "ok",
                f"{what} on {right}/{len(labeled)}" + (": " + "; ".join(wrong[:4]) if wrong else ""))
    return job


def main():
    t_start = time.time()
    paths = []
    for dp, _dn, fn in os.walk(MODELS):
        paths += [os.path.join(dp, f) for f in fn if f.endswith(".tflite")]
    paths.sort()
    if not paths:
        harness.fail(f"a {MODELS}",
                     "no .tflite found; set FERRY_SHARED to the folder holding models/")
        return harness.finish()
    peer_ok = True
    if not NODE:
        peer_ok = "node not found"
    elif not os.path.exists(os.path.join(PEERS, "node_modules", "@tensorflow", "tfjs-tflite")):
        peer_ok = "tests/peers/node_modules/@tensorflow/tfjs-tflite missing"
    if not os.access(FERRY, os.X_OK):
        harness.fail(f"a {FERRY}", "no ferry binary; build it (make release) or set FERRY_BIN")
        return harness.finish()
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    per_check = collections.defaultdict(collections.Counter)
    with concurrent.futures.ThreadPoolExecutor(JOBS) as ex:
        futs = [(p, ex.submit(check_model, p, peer_ok)) for p in paths]
        for path, fut in futs:
            try:
                job = fut.result()
                lines = job.lines
                item = job.item
            except Exception as e:  # a bug of this script: say where, go on with the rest
                rel = os.path.relpath(path, MODELS)
                item = rel[len("tflite/"):] if rel.startswith("tflite/") else rel
                lines = [("a", "FAIL", f"test script error: {type(e).__name__}: {e}")]
            for check, verdict, text in lines:
                per_check[check][verdict] += 1
                harness.verdict(verdict, f"{check} {item}", text)
    for server in _servers:
        server.close()
    for c in CHECKS:
        if per_check[c]:
            k = per_check[c]
            print(f"== {c}) {WHAT[c]}: {k['ok']} ok, {k['FAIL']} failed, {k['skip']} skipped")
    harness.tidy(WORK, f"== work files kept for inspection in {WORK}")
    print(f"== {len(paths)} models, {time.time() - t_start:.1f}s")
    return harness.finish()


if __name__ == "__main__":
    sys.exit(main())
