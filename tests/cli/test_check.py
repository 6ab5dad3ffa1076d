#!/usr/bin/python3
"""`ferry check`: known answers per target, taken from the targets' public documentation
(../shared/reference/targets.md cites each), check on every model of ../shared/models, the
agreement of the tflite target with `ferry convert` (one source of truth), and
docs/targets.md equal to what the tables generate.

Small models are built here with the onnx Python package; the shared models are used as
their publishers made them. One line per check, "ok NAME" / "FAIL NAME: why" / "skip NAME:
why", then "N passed, N failed".
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import FERRY, MODELS, ROOT, report, show, skip  # noqa: E402

DOCGEN = os.path.join(os.path.dirname(FERRY), "tools", "targets_doc")
TFLM = os.path.join(MODELS, "tflite", "tflm")
TIMEOUT = 300
ALL = ["tflite", "tflite-gpu", "tflite-micro", "edgetpu", "tensorrt", "openvino", "hailo8",
       "onnxruntime"]
STATUSES = {"native", "fallback", "substituted", "unsupported"}

ferry = harness.ferry_runner(TIMEOUT)


def check(model, targets=None, *extra):
    args = ["check", model, "--json", *extra]
    if targets:
        args += ["--target", ",".join(targets)]
    p = ferry(*args)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
    return p, doc


def answers(doc, target):
    """node name -> (status, rule, detail) on target."""
    return {n["name"]: (n["results"][target]["status"], n["results"][target]["rule"],
                        n["results"][target]["detail"]) for n in doc["nodes"]}


def expect_nodes(name, model, target, pick, want, *extra, detail_has=None):
    """Every node pick(node) selects answers `want` on target (and the detail names
    detail_has, when given)."""
    if not os.path.exists(model):
        skip(name, f"{model} absent")
        return
    p, doc = check(model, [target], *extra)
    if doc is None:
        report(name, show(p))
        return
    sel = [n for n in doc["nodes"] if pick(n)]
    if not sel:
        report(name, "no node selected")
        return
    bad = []
    for n in sel:
        r = n["results"][target]
        if r["status"] != want or (detail_has and detail_has.lower() not in
                                   (r["detail"] or "").lower()):
            bad.append(f"{n['name']} ({n['op']}): {r['status']} [{r['rule']}] {r['detail']}")
    want_exit = 1 if any(n["results"][target]["status"] == "unsupported"
                         for n in doc["nodes"]) else 0
    if p.returncode != want_exit:
        bad.append(f"exit {p.returncode}, expected {want_exit}")
    report(name, "; ".join(bad[:3]) if bad else None)


def save(model, path):
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def tiny(tmp, op, opset, inputs, attrs=None, extra_inits=(), out_shape=None, name="m"):
    """One node of `op` on float inputs of the given shapes."""
    ins = [helper.make_tensor_value_info(f"x{i}", TensorProto.FLOAT, s) for i, s in
           enumerate(inputs)]
    inits = list(extra_inits)
    node = helper.make_node(op, [f"x{i}" for i in range(len(inputs))] + [t.name for t in inits],
                            ["y"], name=f"{op.lower()}_node", **(attrs or {}))
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)
    g = helper.make_graph([node], name, ins, [out], initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return save(m, os.path.join(tmp, f"{name}.onnx"))


def main():
    if not os.access(FERRY, os.X_OK):
        return harness.abort(f"no ferry binary at {FERRY}")
    tmp = tempfile.mkdtemp(prefix="ferry-check-")
    rng = np.random.default_rng(0)

    # ---- the docs are the tables ----
    if os.access(DOCGEN, os.X_OK):
        gen = subprocess.run([DOCGEN], stdout=subprocess.PIPE, text=True).stdout
        with open(os.path.join(ROOT, "docs", "targets.md"), encoding="utf-8") as f:
            have = f.read()
        report("docs_targets_md_is_generated_from_the_tables",
               None if gen == have else "docs/targets.md differs from the tables: run make docs")
    else:
        report("docs_targets_md_is_generated_from_the_tables", f"no {DOCGEN}")

    # ---- known answers the issue names ----
    vela = os.path.join(TFLM, "person_detection", "person_detect_vela.tflite")
    for t in ALL:
        expect_nodes(f"person_detect_vela_ethos_u_custom_op_unsupported_on_{t}", vela, t,
                     lambda n: n["op"].lower().startswith("custom:ethos"), "unsupported")
    for pre in ("audio_preprocessor_int8", "audio_preprocessor_float"):
        model = os.path.join(TFLM, "micro_speech", f"{pre}.tflite")
        custom = lambda n: n["op"].startswith("CUSTOM:")
        expect_nodes(f"{pre}_signal_ops_native_on_tflite_micro", model, "tflite-micro", custom,
                     "native")
        for t in ("tflite", "edgetpu", "tensorrt"):
            expect_nodes(f"{pre}_signal_ops_unsupported_on_{t}", model, t, custom, "unsupported")

    mnist = os.path.join(ROOT, "fixtures", "mnist-8.onnx")
    expect_nodes("float_model_unsupported_on_edgetpu_needs_int8", mnist, "edgetpu",
                 lambda n: True, "unsupported", detail_has="int8")
    q = os.path.join(TFLM, "mobilenet_v2_quantized", "mobilenet_v2_quantized_1x3x224x224.tflite")
    expect_nodes("int8_model_conv_native_on_edgetpu", q, "edgetpu",
                 lambda n: n["op"] == "CONV_2D", "native")

    dyn = os.path.join(MODELS, "onnx", "onnx2c", "velardo", "lesson9.onnx")
    for t in ("hailo8", "edgetpu"):
        expect_nodes(f"dynamic_batch_model_unsupported_on_{t}", dyn, t, lambda n: True,
                     "unsupported")
    p, doc = check(dyn, ["hailo8"], "--shape", "dense_input=1x2")
    if doc is None:
        report("dynamic_batch_model_with_shape_not_refused_for_shapes_on_hailo8", show(p))
    else:
        rules = [n["results"]["hailo8"]["rule"] or "" for n in doc["nodes"]]
        report("dynamic_batch_model_with_shape_not_refused_for_shapes_on_hailo8",
               None if not any("static" in r or "dynamic" in r for r in rules) else
               f"rules still about shapes after --shape: {rules}")

    ln = os.path.join(MODELS, "torch", "tiny_transformer_op17", "model.onnx")
    expect_nodes("layernormalization_substituted_on_onnx_opset13", ln, "onnx-opset13",
                 lambda n: n["op"] == "LayerNormalization", "substituted")
    expect_nodes("layernormalization_native_on_onnx_opset17", ln, "onnx-opset17",
                 lambda n: n["op"] == "LayerNormalization", "native")

    w = numpy_helper.from_array(rng.standard_normal((2, 1, 3, 3)).astype(np.float32), "w")
    off = numpy_helper.from_array(np.zeros((1, 18, 4, 4), np.float32), "off")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 6, 6])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])
    g = helper.make_graph([helper.make_node("DeformConv", ["x", "w", "off"], ["y"],
                                            name="deform")], "d", [x], [y], initializer=[w, off])
    dm = helper.make_model(g, opset_imports=[helper.make_opsetid("", 19)])
    dm.ir_version = 9
    dpath = os.path.join(tmp, "deform.onnx")
    onnx.save(dm, dpath)
    expect_nodes("deformconv_unsupported_on_tflite", dpath, "tflite",
                 lambda n: n["op"] == "DeformConv", "unsupported")

    hs = tiny(tmp, "HardSwish", 14, [[1, 8]], out_shape=[1, 8], name="hardswish")
    expect_nodes("hardswish_native_on_tflite", hs, "tflite", lambda n: n["op"] == "HardSwish",
                 "native", detail_has="HARD_SWISH")
    expect_nodes("hardswish_substituted_on_onnx_opset13", hs, "onnx-opset13",
                 lambda n: n["op"] == "HardSwish", "substituted")

    conv = tiny(tmp, "Conv", 13, [[1, 3, 8, 8]], {"dilations": [2, 2], "pads": [2, 2, 2, 2]},
                [numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
                                         "cw")], [1, 4, 8, 8], name="dilated")
    expect_nodes("dilated_conv_native_on_tflite", conv, "tflite", lambda n: n["op"] == "Conv",
                 "native", detail_has="CONV_2D")
    expect_nodes("conv_native_on_tensorrt", conv, "tensorrt", lambda n: n["op"] == "Conv",
                 "native")
    expect_nodes("conv_native_on_openvino", conv, "openvino", lambda n: n["op"] == "Conv",
                 "native")
    expect_nodes("conv_native_on_onnxruntime", conv, "onnxruntime", lambda n: n["op"] == "Conv",
                 "native")

    # TFLM's IF copies branch outputs into planned outputs (kernels/if.cc): branches of
    # different output sizes cannot run there, while TFLite resizes the output
    ifm = os.path.join(MODELS, "onnx", "onnx2tf_ops", "If_p1_11.onnx")
    if os.path.exists(ifm):
        ift = os.path.join(tmp, "if.tflite")
        c = ferry("convert", ifm, "-o", ift)
        if c.returncode != 0:
            report("if_with_branch_sizes_differing_unsupported_on_tflite_micro", show(c))
        else:
            expect_nodes("if_with_branch_sizes_differing_unsupported_on_tflite_micro", ift,
                         "tflite-micro", lambda n: n["op"] == "IF", "unsupported",
                         detail_has="sizes must match")
            expect_nodes("if_native_on_tflite", ift, "tflite", lambda n: n["op"] == "IF",
                         "native")

    # ---- usage ----
    p = ferry("check", mnist, "--target", "nosuch")
    report("unknown_target_is_usage_error_exit_2",
           None if p.returncode == 2 and "nosuch" in p.stderr else show(p))
    p = ferry("check", os.path.join(tmp, "missing.onnx"))
    report("missing_model_exit_3_naming_it",
           None if p.returncode == 3 and "missing.onnx" in p.stderr else show(p))

    # ---- every shared model, every target: an answer per node and target ----
    if not os.path.isdir(MODELS):
        skip("every_shared_model_checks_on_every_target", "../shared absent")
    else:
        paths = []
        for d, _, files in os.walk(MODELS):
            paths += [os.path.join(d, f) for f in files if f.endswith((".onnx", ".tflite"))]
        paths.sort()
        bad = []
        for path in paths:
            p, doc = check(path, ALL + ["onnx-opset13"])
            rel = os.path.relpath(path, MODELS)
            if doc is None or p.returncode not in (0, 1):
                bad.append(f"{rel}: {show(p)}")
                continue
            for n in doc["nodes"]:
                for t in ALL + ["onnx-opset13"]:
                    r = n["results"].get(t)
                    if not r or r["status"] not in STATUSES or not r["detail"]:
                        bad.append(f"{rel}: node {n['name']} on {t}: {r}")
                        break
            want = 1 if doc["verdict"] == "unsupported" else 0
            if p.returncode != want:
                bad.append(f"{rel}: exit {p.returncode} with verdict {doc['verdict']}")
        report(f"every_shared_model_checks_on_every_target ({len(paths)} models)",
               "; ".join(bad[:4]) + (f" (+{len(bad) - 4})" if len(bad) > 4 else "") if bad
               else None)

        # ---- the tflite target and the converter agree, node by node ----
        onnx_paths = [p for p in paths if p.endswith(".onnx")] + [mnist]
        disagree = []
        for path in onnx_paths:
            p, doc = check(path, ["tflite"])
            if doc is None:
                disagree.append(f"{path}: {show(p)}")
                continue
            c = ferry("convert", path, "-o", os.path.join(tmp, "agree.tflite"), "--json")
            try:
                conv = json.loads(c.stdout)
            except ValueError:
                disagree.append(f"{path}: convert --json: {show(c)}")
                continue
            refused = {u["node"] for u in conv.get("unsupported", [])}
            for n in doc["nodes"]:
                st = n["results"]["tflite"]["status"]
                maps = st in ("native", "substituted")
                if maps == (n["name"] in refused):
                    disagree.append(f"{os.path.relpath(path, ROOT)}: {n['name']} ({n['op']}): "
                                    f"check {st}, convert {'refuses' if n['name'] in refused else 'maps'}")
            if conv.get("error") and not refused and doc["verdict"] != "unsupported":
                disagree.append(f"{path}: convert fails ({conv['error'][:100]}) but check "
                                f"answers {doc['verdict']}")
        report(f"tflite_target_agrees_with_convert_node_by_node ({len(onnx_paths)} models)",
               "; ".join(disagree[:4]) + (f" (+{len(disagree) - 4})" if len(disagree) > 4
                                          else "") if disagree else None)

    harness.tidy(tmp, f"kept {tmp} for inspection")
    return harness.finish()


if __name__ == "__main__":
    sys.exit(main())
