#!/usr/bin/python3
"""`ferry validate`: verdicts, exit codes, --json fields and the first divergent node,
judged against faults planted on purpose and data ferry did not make.

References:
  planted   small NCHW float32 nets built here (tests/cli/validate_fixtures.py, onnx helper,
            seeded NumPy weights) with one known fault each: a Conv's weights x1.05, the
            Resize's coordinate_transformation_mode half_pixel -> asymmetric, a Conv's pads
            [1,1,1,1] -> [2,2,0,0] (same output shape), and two faults (x1.001 early, x1.5
            late). The fixture_* checks first confirm, with ONNX Runtime (tests/peers/ort_run.mjs)
            against a NumPy implementation of the net, and with the TFLite peer on the converted
            faulty model, that the clean net is computed right and every fault changes the
            logits far beyond float32 tolerance; so "exit 1, first divergence = the faulty node"
            is the only right answer. The faulty node is known because we planted it.
  numpy     --reference-outputs on the small net: logits computed by NumPy (float64, cast to
            float32) in both folder layouts; the clean conversion passes, a faulty one fails.
  torch     ../shared/models/torch/resnet18_op13: PyTorch's own outputs on the 10 stored inputs
            (--reference-outputs), candidate = ferry's TFLite conversion run by ferry and by the
            TFLite peer (tests/peers/tflite_run.mjs), with the float32 default tolerance.
  tflm      ../shared/models/tflite/tflm/mobilenet_v2_quantized (int8 in and out) against itself
            run by the TFLite peer, with ferry's default TFLite arithmetic (reference kernels)
            and with --tflite-arith xnnpack (the peer's).
  inputs    what an external runner actually received (a logging wrapper around the ORT peer
            copies {in}) compared with the files given to --inputs / the shape given to --shape.

One line per check: "ok NAME", "FAIL NAME: why", "skip NAME: why"; last line
"N passed, N failed". Env: FERRY_BIN, FERRY_BUILD, FERRY_SHARED, NODE.
"""
import functools
import json
import os
import shlex
import shutil
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import harness  # noqa: E402
from harness import FERRY, PEERS, SHARED, report, skip  # noqa: E402

NODE = os.environ.get("NODE", "node")
TFLITE_PEER = os.path.join(PEERS, "tflite_run.mjs")
ORT_PEER = os.path.join(PEERS, "ort_run.mjs")
TORCH = os.path.join(SHARED, "models", "torch")
RESNET = os.path.join(TORCH, "resnet18_op13")
TORCH_INPUTS = os.path.join(TORCH, "inputs_1x3x224x224")
MOBILENET_Q = os.path.join(SHARED, "models", "tflite", "tflm", "mobilenet_v2_quantized",
                           "mobilenet_v2_quantized_1x3x224x224.tflite")
TIMEOUT = 300

sys.path.insert(0, HERE)
import validate_fixtures as F  # noqa: E402

run = functools.partial(harness.run, timeout=TIMEOUT)
ferry = harness.ferry_runner(TIMEOUT)
show = functools.partial(harness.show, err=600, out=300)


def validate(ref, cand, *args):
    """ferry validate REF CAND ARGS --json -> (process, parsed document or None)."""
    p = ferry("validate", ref, cand, *args, "--json")
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
    return p, doc


def peers_ready():
    return bool(shutil.which(NODE)) and os.path.isdir(os.path.join(PEERS, "node_modules"))


def outputs_summary(doc):
    """The numbers worth printing when a verdict is wrong."""
    if not isinstance(doc, dict):
        return "no JSON document"
    parts = []
    for o in doc.get("outputs") or []:
        if isinstance(o, dict):
            parts.append("%s: max_abs %s max_rel %s snr_db %s mismatch %s min_atol %s top1 %s "
                         "max_steps %s passed %s" % (
                             o.get("name"), o.get("max_abs"), o.get("max_rel"), o.get("snr_db"),
                             o.get("mismatch_fraction"), o.get("min_atol_to_pass"),
                             o.get("top1_agreement"), o.get("max_steps"), o.get("passed")))
    return "passed %s, tolerance %s, %s" % (doc.get("passed"), doc.get("tolerance"),
                                            "; ".join(parts))


def layers_summary(doc):
    if not isinstance(doc, dict) or not isinstance(doc.get("layers"), list):
        return "no layers"
    return "; ".join("%s(%s)->%s local %s acc %s%s" % (
        l.get("node"), l.get("op"), l.get("candidate_node"), l.get("local_max_abs"),
        l.get("accumulated_max_abs"), " DIVERGED" if l.get("diverged") else "")
        for l in doc["layers"] if isinstance(l, dict))


# ---- fixtures ----

FAULTS = {
    # name: (faults for build_net, the faulty node, its op)
    "conv_weights_x1.05": ({"scale": {F.BLOCK_CONV: 1.05}}, F.BLOCK_CONV, "Conv"),
    "resize_asymmetric": ({"resize_mode": "asymmetric"}, F.RESIZE, "Resize"),
    "conv_pads_2200": ({"pads": {F.BLOCK_CONV: [2, 2, 0, 0]}}, F.BLOCK_CONV, "Conv"),
}
TWO_FAULTS = {"scale": {F.BLOCK_CONV: 1.001, F.HEAD_CONV: 1.5}}
FUSED_FAULT = {"scale": {F.STEM_CONV: 1.05}}


class Fx:
    """Paths of the models every check uses, built once per run."""


def build_fixtures(tmp):
    fx = Fx()
    fx.tmp = tmp
    p = lambda n: os.path.join(tmp, n)  # noqa: E731
    fx.net = F.build_net(p("net.onnx"))
    fx.faulty = {}
    for name, (faults, _node, _op) in FAULTS.items():
        fx.faulty[name] = F.build_net(p(f"faulty_{name}.onnx"), faults)
    fx.two = F.build_net(p("two_faults.onnx"), TWO_FAULTS)
    fx.fused = F.build_net(p("fused_fault.onnx"), FUSED_FAULT)
    fx.two_io = F.build_two_io(p("two_io.onnx"))
    fx.dyn = F.build_dynamic(p("dyn.onnx"))
    fx.dyn_copy = p("dyn_copy.onnx")
    shutil.copyfile(fx.dyn, fx.dyn_copy)
    fx.errors = []

    def convert(src, dst):
        r = ferry("convert", src, "-o", dst)
        if r.returncode != 0:
            fx.errors.append(f"ferry convert {src} -o {dst}: {show(r)}")
        return dst

    fx.net_tfl = convert(fx.net, p("net.tflite"))
    fx.net_onnx_copy = convert(fx.net, p("net_converted.onnx"))
    fx.faulty_tfl = {n: convert(m, m[:-5] + ".tflite") for n, m in fx.faulty.items()}
    fx.two_tfl = convert(fx.two, p("two_faults.tflite"))
    fx.fused_tfl = convert(fx.fused, p("fused_fault.tflite"))
    fx.two_io_tfl = convert(fx.two_io, p("two_io.tflite"))
    fx.dyn_tfl = convert(fx.dyn, p("dyn.tflite"))
    r = ferry("convert", fx.net, "-o", p("net_nhwc.tflite"), "--io-layout", "nhwc")
    if r.returncode != 0:
        fx.errors.append(f"ferry convert --io-layout nhwc: {show(r)}")
    fx.net_nhwc = p("net_nhwc.tflite")
    fx.faulty_nhwc = p("faulty_nhwc.tflite")
    first = next(iter(fx.faulty))
    r = ferry("convert", fx.faulty[first], "-o", fx.faulty_nhwc, "--io-layout", "nhwc")
    if r.returncode != 0:
        fx.errors.append(f"ferry convert --io-layout nhwc: {show(r)}")
    return fx


def check_fixtures(fx):
    """The planted faults matter: ORT on the clean net agrees with NumPy; ORT on every faulty
    ONNX and the TFLite peer on every converted faulty model move the logits far beyond
    float32 tolerance (reference: NumPy's float64 net and the clean net's ORT logits)."""
    name = "fixture_faults_change_logits"
    if fx.errors:
        report("fixture_models_convert", "; ".join(fx.errors))
        return
    report("fixture_models_convert")
    if not peers_ready():
        skip(name, "node or tests/peers/node_modules missing")
        return
    x = np.random.default_rng(1).random((1, 3, 8, 8), dtype=np.float32)
    ind = os.path.join(fx.tmp, "fixture_in")
    os.makedirs(ind)
    np.save(os.path.join(ind, "x.npy"), x)

    def peer(script, model, tag):
        outd = os.path.join(fx.tmp, "fixture_out_" + tag)
        r = run([NODE, script, model, ind, outd])
        if r.returncode != 0:
            raise RuntimeError(f"{os.path.basename(script)} {model}: {show(r)}")
        return np.load(os.path.join(outd, "logits.npy")).astype(np.float64)

    try:
        clean = peer(ORT_PEER, fx.net, "clean")
        want = F.net_numpy(x)
        bad = []
        if np.abs(clean - want).max() > 1e-5:
            bad.append(f"clean net: ORT vs NumPy max |d| {np.abs(clean - want).max():.3g}")
        cases = [(n, fx.faulty[n], fx.faulty_tfl[n], FAULTS[n][0]) for n in FAULTS]
        cases += [("two_faults", fx.two, fx.two_tfl, TWO_FAULTS),
                  ("fused_fault", fx.fused, fx.fused_tfl, FUSED_FAULT)]
        for n, onnx_path, tfl_path, faults in cases:
            got = peer(ORT_PEER, onnx_path, "ort_" + n)
            tfl = peer(TFLITE_PEER, tfl_path, "tfl_" + n)
            want_f = F.net_numpy(x, faults)
            d_ort, d_tfl = np.abs(got - clean).max(), np.abs(tfl - clean).max()
            if np.abs(got - want_f).max() > 1e-5:
                bad.append(f"{n}: ORT vs NumPy max |d| {np.abs(got - want_f).max():.3g}")
            if min(d_ort, d_tfl) < 1e-3:
                bad.append(f"{n}: logits move only {d_ort:.3g} (ORT) / {d_tfl:.3g} (TFLite)")
    except RuntimeError as e:
        report(name, str(e))
        return
    report(name, "; ".join(bad) or None)


# ---- 1-3: planted faults, first divergence, clean pairs ----

def check_layers_order(doc):
    """layers name reference nodes, in the reference's order; returns a complaint or None."""
    names = [l.get("node") for l in doc.get("layers") or [] if isinstance(l, dict)]
    known = [n for n in names if n in F.NET_ORDER]
    if known != sorted(known, key=F.NET_ORDER.index):
        return f"layers not in reference order: {names}"
    return None


def layer(doc, node):
    for l in doc.get("layers") or []:
        if isinstance(l, dict) and l.get("node") == node:
            return l
    return None


def check_planted(fx):
    for fault, (_faults, node, op) in FAULTS.items():
        for pair, cand in (("onnx_onnx", fx.faulty[fault]), ("onnx_tflite", fx.faulty_tfl[fault])):
            tag = f"{fault}_{pair}"
            p = ferry("validate", fx.net, cand)
            report(f"{tag}_fails_exit_1", None if p.returncode == 1 else show(p))

            p, doc = validate(fx.net, cand, "--per-layer")
            name = f"{tag}_first_divergence_is_{node}"
            if p.returncode != 1 or not isinstance(doc, dict):
                report(name, show(p))
                continue
            fd = doc.get("first_divergence")
            why = []
            if not isinstance(fd, dict) or fd.get("node") != node:
                why.append(f"first_divergence {fd}, expected node {node!r}")
            elif fd.get("op") != op:
                why.append(f"first_divergence op {fd.get('op')!r}, expected {op!r}")
            layers = [l for l in doc.get("layers") or [] if isinstance(l, dict)]
            idx = [i for i, l in enumerate(layers) if l.get("node") == node]
            if not idx:
                why.append(f"{node} not in layers")
            else:
                if layers[idx[0]].get("diverged") is not True:
                    why.append(f"{node} has diverged {layers[idx[0]].get('diverged')}")
                early = [l.get("node") for l in layers[:idx[0]] if l.get("diverged") is not False]
                if early:
                    why.append(f"layers before {node} not diverged=false: {early}")
            o = check_layers_order(doc)
            if o:
                why.append(o)
            report(name, "; ".join(why) + f" [{layers_summary(doc)}]" if why else None)


def check_two_faults(fx):
    for pair, cand in (("onnx_onnx", fx.two), ("onnx_tflite", fx.two_tfl)):
        name = f"two_faults_{pair}_first_divergence_is_the_early_small_one"
        p, doc = validate(fx.net, cand, "--per-layer")
        if p.returncode != 1 or not isinstance(doc, dict):
            report(name, show(p))
            continue
        fd = doc.get("first_divergence")
        why = []
        if not isinstance(fd, dict) or fd.get("node") != F.BLOCK_CONV:
            why.append(f"first_divergence {fd}, expected node {F.BLOCK_CONV!r}")
        for n in (F.BLOCK_CONV, F.HEAD_CONV):
            l = layer(doc, n)
            if l is None or l.get("diverged") is not True:
                why.append(f"{n}: {l}, expected diverged true")
        # local error: the nodes between the faults run on the reference's inputs and agree
        for n in (F.ADD, F.RESIZE):
            l = layer(doc, n)
            if l is not None and l.get("diverged") is not False:
                why.append(f"{n} (between the faults) diverged {l.get('diverged')}")
        report(name, "; ".join(why) + f" [{layers_summary(doc)}]" if why else None)


def check_fused_fault(fx):
    """The faulty Conv is followed by a Relu, which the TFLite conversion fuses into it, so
    the Conv's own output has no TFLite tensor: the pair is compared at the Relu's output,
    and the divergence is still named by the faulty node, the Conv (the first node of the
    fused region), with nothing earlier diverged."""
    for pair, cand in (("onnx_onnx", fx.fused), ("onnx_tflite", fx.fused_tfl)):
        name = f"fault_in_conv_fused_with_relu_{pair}_first_divergence_is_the_conv"
        p, doc = validate(fx.net, cand, "--per-layer")
        if p.returncode != 1 or not isinstance(doc, dict):
            report(name, show(p))
            continue
        fd = doc.get("first_divergence")
        layers = [l for l in doc.get("layers") or [] if isinstance(l, dict)]
        if not isinstance(fd, dict) or fd.get("node") != F.STEM_CONV or fd.get("op") != "Conv":
            report(name, f"first_divergence {fd}, expected node {F.STEM_CONV!r} (Conv) "
                         f"[{layers_summary(doc)}]")
        elif not layers or layers[0].get("node") != F.STEM_CONV \
                or layers[0].get("diverged") is not True:
            report(name, f"first layer is not the diverged Conv [{layers_summary(doc)}]")
        else:
            report(name)


def check_clean(fx):
    for pair, cand in (("onnx_tflite", fx.net_tfl), ("onnx_onnx_convert", fx.net_onnx_copy)):
        p = ferry("validate", fx.net, cand)
        report(f"clean_{pair}_passes_exit_0", None if p.returncode == 0 else show(p))
        name = f"clean_{pair}_per_layer_no_divergence"
        p, doc = validate(fx.net, cand, "--per-layer")
        if p.returncode != 0 or not isinstance(doc, dict):
            report(name, show(p) + " " + outputs_summary(doc) + " " + layers_summary(doc))
            continue
        why = []
        if doc.get("first_divergence", "absent") is not None:
            why.append(f"first_divergence {doc.get('first_divergence')!r}, expected null")
        if doc.get("passed") is not True:
            why.append(f"passed {doc.get('passed')}")
        layers = doc.get("layers")
        if not isinstance(layers, list) or not layers:
            why.append(f"layers {layers!r}")
        else:
            dv = [l.get("node") for l in layers if l.get("diverged") is not False]
            if dv:
                why.append(f"diverged: {dv}")
            names = [l.get("node") for l in layers]
            if pair == "onnx_onnx_convert" and names != F.NET_ORDER:
                why.append(f"layers {names}, expected every node {F.NET_ORDER}")
            if pair == "onnx_tflite":
                # the nodes whose outputs survive conversion unfused are compared
                miss = [n for n in (F.POOL, F.BLOCK_CONV, F.ADD, F.RESIZE, F.HEAD_CONV, F.FC)
                        if n not in names]
                if miss:
                    why.append(f"layers lack {miss}: {names}")
            o = check_layers_order(doc)
            if o:
                why.append(o)
        report(name, "; ".join(why) or None)
    # the same file against itself's ONNX rewrite: identical numbers, snr_db null
    name = "identical_outputs_snr_null_max_abs_0"
    p, doc = validate(fx.net, fx.net_onnx_copy)
    try:
        o = doc["outputs"][0]
        ok = o["snr_db"] is None and o["max_abs"] == 0 and o["cosine"] == 1
        report(name, None if p.returncode == 0 and ok else f"{show(p)}; {o}")
    except (TypeError, KeyError, IndexError):
        report(name, show(p))


def check_nhwc_io(fx):
    """A TFLite with NHWC inputs and outputs (--io-layout nhwc): the conversion record's
    permutation must carry the NCHW reference inputs over; judged by the clean pair passing and
    the planted fault still being named (the fault fixtures above)."""
    p, doc = validate(fx.net, fx.net_nhwc, "--per-layer")
    ok = p.returncode == 0 and isinstance(doc, dict) and doc.get("first_divergence") is None
    report("clean_onnx_vs_nhwc_io_tflite_passes", None if ok else show(p) + " " +
           outputs_summary(doc))
    first = next(iter(fx.faulty))
    _faults, node, _op = FAULTS[first]
    p, doc = validate(fx.net, fx.faulty_nhwc, "--per-layer")
    fd = doc.get("first_divergence") if isinstance(doc, dict) else None
    report(f"{first}_fault_in_nhwc_io_tflite_first_divergence_is_{node}",
           None if p.returncode == 1 and fd and fd.get("node") == node else
           f"{show(p)}; first_divergence {fd}")


# ---- 4, 5: several inputs and outputs, dynamic batch ----

def check_two_io(fx):
    name = "two_inputs_two_outputs_onnx_tflite_passes_outputs_by_name"
    p, doc = validate(fx.two_io, fx.two_io_tfl)
    if not isinstance(doc, dict):
        report(name, show(p))
        return
    names = [o.get("name") for o in doc.get("outputs") or []]
    ok = p.returncode == 0 and doc.get("passed") is True and names == ["features", "scores"]
    report(name, None if ok else f"{show(p)}; outputs {names}; {outputs_summary(doc)}")


def logging_runner(logdir, files):
    """An external runner: the ORT peer, after copying {in}/FILE for FILE in files into a new
    folder under logdir (what ferry really handed the runner)."""
    os.makedirs(logdir, exist_ok=True)
    cps = " && ".join(f"cp {{in}}/{shlex.quote(f)} \"$d\"/" for f in files)
    return (f"d=$(mktemp -d -p {shlex.quote(logdir)}) && {cps} && "
            f"{shlex.quote(NODE)} {shlex.quote(ORT_PEER)} {{model}} {{in}} {{out}}")


def logged_sets(logdir, files):
    sets = []
    for d in sorted(os.listdir(logdir)):
        sets.append(tuple(np.load(os.path.join(logdir, d, f)) for f in files))
    return sets


def check_dynamic(fx):
    name = "dynamic_batch_onnx_vs_tflite_default_batch_1_passes"
    p, doc = validate(fx.dyn, fx.dyn_tfl)
    ok = p.returncode == 0 and isinstance(doc, dict) and doc.get("inputs_used") == 10
    report(name, None if ok else f"{show(p)}; {outputs_summary(doc)}")

    name = "dynamic_batch_shape_option_onnx_vs_onnx_passes"
    p, doc = validate(fx.dyn, fx.dyn_copy, "--shape", "x=2x3x8x8")
    ok = p.returncode == 0 and isinstance(doc, dict) and doc.get("inputs_used") == 10
    report(name, None if ok else f"{show(p)}; {outputs_summary(doc)}")

    name = "dynamic_batch_shape_option_reaches_both_runners"
    if not peers_ready():
        skip(name, "node or tests/peers/node_modules missing")
        return
    logs = {s: os.path.join(fx.tmp, f"dyn_log_{s}") for s in ("reference", "candidate")}
    p, doc = validate(fx.dyn, fx.dyn_copy, "--shape", "x=2x3x8x8", "-n", "3",
                      "--runner", "reference=" + logging_runner(logs["reference"], ["x.npy"]),
                      "--runner", "candidate=" + logging_runner(logs["candidate"], ["x.npy"]))
    if p.returncode != 0 or not isinstance(doc, dict):
        report(name, show(p))
        return
    ref_sets = logged_sets(logs["reference"], ["x.npy"])
    cand_sets = logged_sets(logs["candidate"], ["x.npy"])
    shapes = sorted({s[0].shape for s in ref_sets + cand_sets})
    same = sorted(s[0].tobytes() for s in ref_sets) == sorted(s[0].tobytes() for s in cand_sets)
    ok = (len(ref_sets) == 3 and len(cand_sets) == 3 and shapes == [(2, 3, 8, 8)] and same
          and doc.get("inputs_used") == 3)
    report(name, None if ok else f"runs {len(ref_sets)}/{len(cand_sets)}, shapes {shapes}, "
                                 f"same inputs both sides {same}, inputs_used "
                                 f"{doc.get('inputs_used')}")


# ---- 6: int8 I/O ----

def check_int8(fx):
    """int8 in, int8 out: the quantized MobileNet against itself on the TFLite peer. ferry's
    built-in side must use the peer's integer arithmetic (--tflite-arith xnnpack), so only the
    runtimes differ, not the rounding rules: by default ferry computes TFLite's reference
    kernels (what TFLite Micro runs), which differ from XNNPACK's by up to 9 output steps on
    this model (18 dB on random inputs), a real difference between the two runtimes rather than
    a validation error."""
    check_int8_one("int8_mobilenet_vs_itself_on_tflite_peer_xnnpack_arith_passes",
                   ["--tflite-arith", "xnnpack"])


def check_int8_one(name, extra):
    if not os.path.exists(MOBILENET_Q):
        skip(name, f"{MOBILENET_Q} absent")
        return
    if not peers_ready():
        skip(name, "node or tests/peers/node_modules missing")
        return
    runner = f"{shlex.quote(NODE)} {shlex.quote(TFLITE_PEER)} {{model}} {{in}} {{out}}"
    p, doc = validate(MOBILENET_Q, MOBILENET_Q, "--runner", "candidate=" + runner, "-n", "3",
                      *extra)
    if not isinstance(doc, dict):
        report(name, show(p))
        return
    why = []
    if doc.get("precision") != "int8":
        why.append(f"precision {doc.get('precision')!r}")
    if p.returncode != 0 or doc.get("passed") is not True:
        why.append(f"exit {p.returncode}, passed {doc.get('passed')}")
    tol = doc.get("tolerance") or {}
    if tol.get("min_snr_db") != 20 or tol.get("min_top1") != 0.9:
        why.append(f"tolerance {tol}, expected min_snr_db 20, min_top1 0.9")
    outs = doc.get("outputs") or [{}]
    o = outs[0]
    if not (o.get("snr_db") is None or (isinstance(o.get("snr_db"), (int, float))
                                        and o["snr_db"] >= 20)):
        why.append(f"snr_db {o.get('snr_db')}")
    if not isinstance(o.get("max_steps"), (int, float)) or isinstance(o.get("max_steps"), bool):
        why.append(f"max_steps {o.get('max_steps')!r}, expected a number")
    if doc.get("inputs_used") != 3:
        why.append(f"inputs_used {doc.get('inputs_used')}")
    report(name, "; ".join(why) + f" [{outputs_summary(doc)}]" if why else None)


# ---- 7: input folders, runners, usage and input errors ----

def check_inputs_and_runners(fx):
    rng = np.random.default_rng(5)
    sets = [(rng.random((1, 3, 8, 8), dtype=np.float32),
             rng.standard_normal((1, 4, 8, 8)).astype(np.float32)) for _ in range(3)]
    sub = os.path.join(fx.tmp, "inputs_sub")
    for i, (a, b) in enumerate(sets):
        os.makedirs(os.path.join(sub, str(i)))
        np.save(os.path.join(sub, str(i), "image.npy"), a)
        np.save(os.path.join(sub, str(i), "bias_map.npy"), b)
    npz = os.path.join(fx.tmp, "inputs_npz")
    os.makedirs(npz)
    for i, (a, b) in enumerate(sets):
        np.savez(os.path.join(npz, f"set{i}.npz"), image=a, bias_map=b)
    files = ["image.npy", "bias_map.npy"]
    want = sorted(a.tobytes() + b.tobytes() for a, b in sets)

    for kind, folder in (("subfolders", sub), ("npz", npz)):
        name = f"inputs_folder_{kind}_feeds_every_set"
        p, doc = validate(fx.two_io, fx.two_io_tfl, "--inputs", folder)
        ok = p.returncode == 0 and isinstance(doc, dict) and doc.get("inputs_used") == 3
        if not ok or not peers_ready():
            report(name, None if ok else f"{show(p)}; {outputs_summary(doc)}")
            continue
        # what the candidate really received: the files' values, each set once
        log = os.path.join(fx.tmp, f"log_{kind}")
        p, doc = validate(fx.two_io, fx.two_io, "--inputs", folder,
                          "--runner", "candidate=" + logging_runner(log, files))
        got = sorted(a.tobytes() + b.tobytes() for a, b in logged_sets(log, files)) \
            if os.path.isdir(log) else []
        report(name, None if p.returncode == 0 and got == want
               else f"{show(p)}; runner received {len(got)} sets, equal to the files: "
                    f"{got == want}")

    # an external runner that fails: exit 3, the command named
    failing = os.path.join(fx.tmp, "failing_runner.sh")
    with open(failing, "w") as f:
        f.write("echo 'runner: cannot open the model' >&2\nexit 5\n")
    p = ferry("validate", fx.net, fx.net_tfl, "--runner",
              f"candidate=sh {shlex.quote(failing)} {{model}} {{in}} {{out}}")
    report("runner_exit_nonzero_exit_3_names_command",
           None if p.returncode == 3 and "failing_runner.sh" in p.stderr else show(p))
    # a runner that exits 0 and writes nothing: the missing output is bad input
    p = ferry("validate", fx.net, fx.net_tfl, "--runner", "candidate=true {model} {in} {out}")
    report("runner_writes_no_output_exit_3_names_output",
           None if p.returncode == 3 and "logits" in p.stderr else show(p))

    # usage errors
    usage = {
        "unknown_flag": ["--bogus"],
        "bad_range_not_a_number": ["--range", "0,abc"],
        "bad_range_one_bound": ["--range", "x=0.5"],
        "range_names_no_input": ["--range", "nope=0,1"],
        "bad_rule": ["--rule", "strict"],
        "bad_dist": ["--dist", "cauchy"],
        "bad_count": ["-n", "many"],
        "per_layer_with_external_runner": [
            "--per-layer", "--runner",
            f"candidate={shlex.quote(NODE)} {shlex.quote(TFLITE_PEER)} {{model}} {{in}} {{out}}"],
        "runner_side_unknown": ["--runner", "middle=true {model} {in} {out}"],
    }
    for case, extra in usage.items():
        p = ferry("validate", fx.net, fx.net_tfl, *extra)
        report(f"usage_{case}_exit_2", None if p.returncode == 2 else show(p))
    p = ferry("validate", fx.net)
    report("usage_one_model_exit_2", None if p.returncode == 2 else show(p))
    # the valid spellings of the same options run (positive control for the cases above)
    p = ferry("validate", fx.net, fx.net_tfl, "--range", "x=-1,1", "--dist", "normal",
              "--seed", "3", "-n", "2", "--rule", "either", "--threads", "2")
    report("valid_range_dist_seed_rule_threads_accepted", None if p.returncode == 0 else show(p))
    p = ferry("validate", fx.net, fx.net_tfl, "--range", "0,2")
    report("range_without_name_applies_to_all_inputs", None if p.returncode == 0 else show(p))
    p = ferry("validate", "--help")
    report("help_exit_0", None if p.returncode == 0 and "--per-layer" in p.stdout else show(p))

    # missing model files: exit 3, named
    gone = os.path.join(fx.tmp, "no_such_model.onnx")
    p = ferry("validate", gone, fx.net_tfl)
    report("missing_reference_model_exit_3_names_it",
           None if p.returncode == 3 and "no_such_model.onnx" in p.stderr else show(p))
    gone = os.path.join(fx.tmp, "no_such_candidate.tflite")
    p = ferry("validate", fx.net, gone)
    report("missing_candidate_model_exit_3_names_it",
           None if p.returncode == 3 and "no_such_candidate.tflite" in p.stderr else show(p))
    # an input folder that lacks an input: exit 3
    part = os.path.join(fx.tmp, "inputs_partial", "0")
    os.makedirs(part)
    np.save(os.path.join(part, "image.npy"), sets[0][0])
    p = ferry("validate", fx.two_io, fx.two_io_tfl, "--inputs", os.path.dirname(part))
    report("inputs_folder_missing_an_input_exit_3_names_it",
           None if p.returncode == 3 and "bias_map" in p.stderr else show(p))


# ---- 8: reference outputs (NumPy's on the small net, PyTorch's on resnet18) ----

def check_bad_record(fx):
    """A conversion record that is not what the converter writes (its "tensors" key renamed in
    the file's bytes, same length) is a malformed candidate: exit 3 naming the record, never a
    guess at the mapping."""
    name = "malformed_conversion_record_exit_3"
    data = open(fx.net_tfl, "rb").read()
    if data.count(b'"tensors"') != 1:
        report(name, "the converted file does not hold exactly one record key \"tensors\"")
        return
    bad = os.path.join(fx.tmp, "bad_record.tflite")
    with open(bad, "wb") as f:
        f.write(data.replace(b'"tensors"', b'"tensorz"'))
    p = ferry("validate", fx.net, bad)
    report(name, None if p.returncode == 3 and "ferry.conversion" in p.stderr and
           "bad_record.tflite" in p.stderr else show(p))


def check_reference_outputs_small(fx):
    """--inputs DIR/input_<i>.npy and --reference-outputs with the NumPy net's float64 logits
    (cast to float32) in both folder layouts: the clean TFLite passes, the faulty one fails."""
    rng = np.random.default_rng(9)
    ind = os.path.join(fx.tmp, "ro_inputs")
    flat = os.path.join(fx.tmp, "ro_outputs_flat")
    sub = os.path.join(fx.tmp, "ro_outputs_sub")
    for d in (ind, flat):
        os.makedirs(d)
    for i in range(4):
        x = rng.random((1, 3, 8, 8), dtype=np.float32)
        y = F.net_numpy(x).astype(np.float32)
        np.save(os.path.join(ind, f"input_{i}.npy"), x)
        np.save(os.path.join(flat, f"output_{i}.npy"), y)
        os.makedirs(os.path.join(sub, str(i)))
        np.save(os.path.join(sub, str(i), "logits.npy"), y)

    p, doc = validate(fx.net, fx.net_tfl, "--inputs", ind)
    report("inputs_folder_input_i_npy_one_input_model",
           None if p.returncode == 0 and isinstance(doc, dict) and doc.get("inputs_used") == 4
           else f"{show(p)}; {outputs_summary(doc)}")
    for layout, folder in (("output_i_npy", flat), ("subfolders", sub)):
        p, doc = validate(fx.net, fx.net_tfl, "--inputs", ind, "--reference-outputs", folder)
        report(f"reference_outputs_{layout}_numpy_logits_clean_tflite_passes",
               None if p.returncode == 0 and isinstance(doc, dict)
               and doc.get("inputs_used") == 4 else f"{show(p)}; {outputs_summary(doc)}")
        p = ferry("validate", fx.net, fx.faulty_tfl["conv_weights_x1.05"], "--inputs", ind,
                  "--reference-outputs", folder)
        report(f"reference_outputs_{layout}_numpy_logits_faulty_tflite_fails_exit_1",
               None if p.returncode == 1 else show(p))
    p = ferry("validate", fx.net, fx.net_tfl, "--reference-outputs", flat)
    report("reference_outputs_without_inputs_exit_2", None if p.returncode == 2 else show(p))



def check_reference_outputs(fx):
    names = ["resnet18_reference_outputs_tflite_passes_float32_defaults",
             "resnet18_reference_outputs_tflite_peer_runner_passes_float32_defaults"]
    model = os.path.join(RESNET, "model.onnx")
    if not (os.path.exists(model) and os.path.isdir(TORCH_INPUTS)):
        for n in names:
            skip(n, f"{RESNET} or {TORCH_INPUTS} absent")
        return
    tfl = os.path.join(fx.tmp, "resnet18.tflite")
    r = ferry("convert", model, "-o", tfl)
    if r.returncode != 0:
        for n in names:
            report(n, f"ferry convert: {show(r)}")
        return
    runs = [(names[0], [])]
    if peers_ready():
        runs.append((names[1], ["--runner", "candidate=" + f"{shlex.quote(NODE)} "
                                f"{shlex.quote(TFLITE_PEER)} {{model}} {{in}} {{out}}"]))
    else:
        skip(names[1], "node or tests/peers/node_modules missing")
    for n, extra in runs:
        p, doc = validate(model, tfl, "--inputs", TORCH_INPUTS, "--reference-outputs", RESNET,
                          *extra)
        if not isinstance(doc, dict):
            report(n, show(p))
            continue
        tol = doc.get("tolerance") or {}
        why = []
        if p.returncode != 0 or doc.get("passed") is not True:
            why.append(f"exit {p.returncode}")
        if doc.get("inputs_used") != 10:
            why.append(f"inputs_used {doc.get('inputs_used')}")
        if (doc.get("precision"), tol.get("atol"), tol.get("rtol"), tol.get("rule")) != \
                ("float32", 1e-5, 1e-4, "numpy"):
            why.append(f"precision {doc.get('precision')}, tolerance {tol}")
        report(n, "; ".join(why) + f" [{outputs_summary(doc)}]" if why else None)


# ---- 9: the JSON document ----

NUM = "number"
NUM_OR_NULL = "number|null"
INT = "int"
STR = "str"
STR_OR_NULL = "str|null"
BOOL = "bool"
INT_OR_LIST = "int|list"

OUTPUT_FIELDS = {
    "name": STR, "max_abs": NUM, "max_abs_index": INT_OR_LIST, "mean_abs": NUM, "p99_abs": NUM,
    "max_rel": NUM_OR_NULL, "cosine": NUM_OR_NULL, "snr_db": NUM_OR_NULL, "nan": INT,
    "inf": INT, "mismatch_fraction": NUM, "min_atol_to_pass": NUM_OR_NULL,
    "top1_agreement": NUM_OR_NULL, "top5_agreement": NUM_OR_NULL, "max_steps": NUM_OR_NULL,
    "passed": BOOL,
}
LAYER_FIELDS = {"node": STR, "op": STR, "candidate_node": STR_OR_NULL,
                "local_max_abs": NUM_OR_NULL, "accumulated_max_abs": NUM_OR_NULL,
                "snr_db": NUM_OR_NULL, "diverged": BOOL}
FIRST_FIELDS = {"node": STR, "op": STR, "candidate_node": STR_OR_NULL,
                "local_max_abs": NUM_OR_NULL, "accumulated_max_abs": NUM_OR_NULL}
TOP_FIELDS = {"passed": BOOL, "reference": STR, "candidate": STR, "precision": STR,
              "inputs_used": INT}
TOL_FIELDS = {"atol": NUM, "rtol": NUM, "rule": STR, "min_snr_db": NUM_OR_NULL,
              "min_top1": NUM_OR_NULL}


def type_ok(v, t):
    isnum = isinstance(v, (int, float)) and not isinstance(v, bool)
    isint = isinstance(v, int) and not isinstance(v, bool)
    return {NUM: isnum, NUM_OR_NULL: v is None or isnum, INT: isint, STR: isinstance(v, str),
            STR_OR_NULL: v is None or isinstance(v, str), BOOL: isinstance(v, bool),
            INT_OR_LIST: isint or (isinstance(v, list) and all(
                isinstance(i, int) and not isinstance(i, bool) for i in v))}[t]


def field_errors(obj, fields, where):
    if not isinstance(obj, dict):
        return [f"{where} is {type(obj).__name__}, expected an object"]
    errs = []
    for k, t in fields.items():
        if k not in obj:
            errs.append(f"{where}.{k} missing")
        elif not type_ok(obj[k], t):
            errs.append(f"{where}.{k} = {obj[k]!r}, expected {t}")
    return errs


def check_json(fx):
    fault = fx.faulty["conv_weights_x1.05"]
    name = "json_every_contract_field_with_its_type"
    p, doc = validate(fx.net, fault, "--per-layer")
    if not isinstance(doc, dict):
        report(name, f"stdout is not one JSON document: {show(p)}")
    else:
        errs = field_errors(doc, TOP_FIELDS, "doc")
        errs += field_errors(doc.get("tolerance"), TOL_FIELDS, "tolerance")
        outs = doc.get("outputs")
        if not isinstance(outs, list) or len(outs) != 1:
            errs.append(f"outputs {outs!r}, expected one entry")
        else:
            errs += field_errors(outs[0], OUTPUT_FIELDS, "outputs[0]")
            if outs[0].get("name") != "logits":
                errs.append(f"outputs[0].name {outs[0].get('name')!r}")
        layers = doc.get("layers")
        if not isinstance(layers, list) or not layers:
            errs.append(f"layers {layers!r}")
        else:
            for i, l in enumerate(layers):
                errs += field_errors(l, LAYER_FIELDS, f"layers[{i}]")
        if "first_divergence" not in doc:
            errs.append("first_divergence missing")
        else:
            errs += field_errors(doc["first_divergence"], FIRST_FIELDS, "first_divergence")
        if doc.get("reference") and not doc["reference"].endswith("net.onnx"):
            errs.append(f"reference {doc['reference']!r}")
        if doc.get("candidate") and not doc["candidate"].endswith(os.path.basename(fault)):
            errs.append(f"candidate {doc['candidate']!r}")
        report(name, "; ".join(errs) or None)

        name = "json_failing_pair_says_passed_false_and_why"
        o = (doc.get("outputs") or [{}])[0]
        ok = (p.returncode == 1 and doc.get("passed") is False and o.get("passed") is False
              and isinstance(o.get("mismatch_fraction"), (int, float))
              and 0 < o["mismatch_fraction"] <= 1 and o.get("nan") == 0 and o.get("inf") == 0)
        report(name, None if ok else f"exit {p.returncode}; {outputs_summary(doc)}")

        name = "json_float32_defaults"
        tol = doc.get("tolerance") or {}
        ok = (doc.get("precision") == "float32" and tol.get("atol") == 1e-5
              and tol.get("rtol") == 1e-4 and tol.get("rule") == "numpy"
              and doc.get("inputs_used") == 10)
        report(name, None if ok else f"precision {doc.get('precision')}, tolerance {tol}, "
                                     f"inputs_used {doc.get('inputs_used')}")

    # --json alone (no --per-layer): no layers needed, and stdout is still one document
    name = "json_without_per_layer_is_one_document"
    p, doc = validate(fx.net, fx.net_tfl)
    report(name, None if p.returncode == 0 and isinstance(doc, dict) and doc.get("passed") is True
           else show(p))

    name = "json_rule_either_reported"
    p, doc = validate(fx.net, fx.net_tfl, "--rule", "either")
    tol = (doc or {}).get("tolerance") or {}
    report(name, None if p.returncode == 0 and tol.get("rule") == "either"
           else f"{show(p)}; tolerance {tol}")

    for label, rtol_args in (("rtol_0", ["--rtol", "0"]), ("default_rtol", [])):
        name = f"min_atol_to_pass_{label}_makes_the_failing_pair_pass"
        p, doc = validate(fx.net, fault, *rtol_args)
        try:
            m = doc["outputs"][0]["min_atol_to_pass"]
            atol = doc["tolerance"]["atol"]
        except (TypeError, KeyError, IndexError):
            report(name, show(p))
            continue
        if p.returncode != 1 or not isinstance(m, (int, float)) or not m > atol:
            report(name, f"exit {p.returncode}; min_atol_to_pass {m!r}, atol {atol!r}")
            continue
        # rtol 0: min_atol is max_abs exactly
        if label == "rtol_0" and m != doc["outputs"][0]["max_abs"]:
            report(name, f"with rtol 0 min_atol_to_pass {m!r} != max_abs "
                         f"{doc['outputs'][0]['max_abs']!r}")
            continue
        p2, doc2 = validate(fx.net, fault, *rtol_args, "--atol", repr(float(m)))
        below = repr(float(m) * (1 - 1e-3))
        p3, _ = validate(fx.net, fault, *rtol_args, "--atol", below)
        if p2.returncode != 0:
            report(name, f"--atol {m!r}: {show(p2)}; {outputs_summary(doc2)}")
        elif p3.returncode != 1:
            report(name, f"--atol {below} (just below min_atol_to_pass) still passes: "
                         f"{show(p3)}")
        else:
            report(name)

    name = "same_seed_same_numbers_other_seed_other_numbers"
    a = validate(fx.net, fault, "--seed", "42")[1]
    b = validate(fx.net, fault, "--seed", "42")[1]
    c = validate(fx.net, fault, "--seed", "43")[1]
    try:
        ok = (a["outputs"] == b["outputs"]
              and a["outputs"][0]["max_abs"] != c["outputs"][0]["max_abs"])
        report(name, None if ok else f"{outputs_summary(a)} / {outputs_summary(b)} / "
                                     f"{outputs_summary(c)}")
    except (TypeError, KeyError, IndexError):
        report(name, "no JSON document")

    name = "text_output_says_verdict"
    p = ferry("validate", fx.net, fault)
    report(name, None if p.returncode == 1 and p.stdout.strip() and "logits" in p.stdout
           else show(p))


def main():
    t0 = time.time()
    if not os.access(FERRY, os.X_OK):
        return harness.setup_failed(f"{FERRY} not built; run `make release`")
    try:
        import onnx  # noqa: F401
    except ImportError as e:
        return harness.setup_failed(f"the onnx package is needed to build the fixtures: {e}")
    if not os.path.isdir(SHARED):
        skip("shared", f"{SHARED} absent: the int8 and PyTorch-reference checks are skipped")
    h = ferry("validate", "--help")
    if h.returncode != 0 and "unknown command" in (h.stderr + h.stdout).lower():
        return harness.setup_failed(f"this ferry has no validate command: {show(h)}")
    with harness.scratch("ferry-validate-") as tmp:
        fx = build_fixtures(tmp)
        check_fixtures(fx)
        if fx.errors:
            harness.finish()
            return 1
        check_planted(fx)
        check_two_faults(fx)
        check_fused_fault(fx)
        check_clean(fx)
        check_nhwc_io(fx)
        check_two_io(fx)
        check_dynamic(fx)
        check_int8(fx)
        check_inputs_and_runners(fx)
        check_bad_record(fx)
        check_reference_outputs_small(fx)
        check_reference_outputs(fx)
        check_json(fx)
    print(f"({time.time() - t0:.1f}s)")
    return harness.finish()


if __name__ == "__main__":
    sys.exit(main())
