#!/usr/bin/python3
"""`ferry run`: outputs against references ferry did not make, input files of
every kind, names on disk, and exit 3 for inputs that do not fit the model.

References: fixtures/mnist-8.onnx with ../shared/models/onnx/onnx2c/mnist
input_0.npy / golden_0.npy (outputs recorded by the model's publisher), and
small models built here with the onnx Python package, whose expected outputs
are computed with NumPy. Inputs are written by NumPy (np.save, np.savez) and by
onnx.numpy_helper (TensorProto .pb).

One line per check, "ok NAME" or "FAIL NAME: why", then "N passed, N failed".
"""
import functools
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import FERRY, ROOT, SHARED, close, report  # noqa: E402

MNIST = os.path.join(ROOT, "fixtures", "mnist-8.onnx")
MNIST_DATA = os.path.join(SHARED, "models", "onnx", "onnx2c", "mnist")
TIMEOUT = 120
CONFORMANCE = os.path.join(os.path.dirname(FERRY), "tools", "conformance")

ferry = harness.ferry_runner(TIMEOUT)
show = functools.partial(harness.show, err=500, out=200)


# ---- small models (onnx helper) ----

def make_models(tmp):
    import onnx
    from onnx import helper, TensorProto as TP

    def save(graph, name, opset=13):
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="ferry-test")
        m.ir_version = 7
        onnx.checker.check_model(m)
        path = os.path.join(tmp, name)
        onnx.save(m, path)
        return path

    # one input with an odd name, two outputs whose names need sanitizing
    g = helper.make_graph(
        [helper.make_node("Relu", ["in:0"], ["out/relu:0"], name="relu"),
         helper.make_node("Neg", ["in:0"], ["neg y"], name="neg")],
        "odd_names",
        [helper.make_tensor_value_info("in:0", TP.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("out/relu:0", TP.FLOAT, [2, 3]),
         helper.make_tensor_value_info("neg y", TP.FLOAT, [2, 3])])
    odd = save(g, "odd.onnx")
    # two inputs, one output
    g = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["sum"], name="add")],
        "two_inputs",
        [helper.make_tensor_value_info("a", TP.FLOAT, [2, 2]),
         helper.make_tensor_value_info("b", TP.FLOAT, [2, 2])],
        [helper.make_tensor_value_info("sum", TP.FLOAT, [2, 2])])
    two = save(g, "two.onnx")
    # int64 in, int64 out, symbolic batch
    g = helper.make_graph(
        [helper.make_node("Mul", ["x", "x"], ["sq"], name="mul")],
        "ints",
        [helper.make_tensor_value_info("x", TP.INT64, ["N", 2])],
        [helper.make_tensor_value_info("sq", TP.INT64, ["N", 2])])
    ints = save(g, "ints.onnx")
    return odd, two, ints


def tensor_pb(arr, name, path):
    from onnx import numpy_helper
    t = numpy_helper.from_array(arr, name=name)
    with open(path, "wb") as f:
        f.write(t.SerializeToString())


# ---- checks ----

def check_mnist(tmp):
    inp = os.path.join(MNIST_DATA, "input_0.npy")
    gold = os.path.join(MNIST_DATA, "golden_0.npy")
    if not (os.path.exists(inp) and os.path.exists(gold)):
        report("mnist_matches_golden_output", f"reference data missing under {MNIST_DATA}")
        return
    out = os.path.join(tmp, "mnist-out")
    p = ferry("run", MNIST, "-i", inp, "-o", out)
    if p.returncode != 0:
        report("mnist_matches_golden_output", f"ferry run failed: {show(p)}")
        return
    files = sorted(os.listdir(out))
    if files != ["Plus214_Output_0.npy"]:
        report("mnist_matches_golden_output", f"output folder holds {files}")
        return
    got = np.load(os.path.join(out, files[0]))
    ref = np.load(gold)
    ok, why = close(got.reshape(ref.shape) if got.size == ref.size else got, ref)
    if got.dtype != np.float32:
        ok, why = False, f"dtype {got.dtype}, expected float32"
    report("mnist_matches_golden_output", None if ok else why)

    # by name, with 2 threads and --stats: same numbers, stats printed
    out2 = os.path.join(tmp, "mnist-out2", "nested")
    p = ferry("run", MNIST, "-i", f"Input3={inp}", "-o", out2, "--threads", "2", "--stats",
              "--shape", "Input3=1x1x28x28")
    if p.returncode != 0:
        report("mnist_threads_stats_shape", show(p))
    else:
        got2 = np.load(os.path.join(out2, "Plus214_Output_0.npy"))
        if not np.array_equal(got, got2):
            report("mnist_threads_stats_shape", "2 threads gave different numbers")
        elif "peak activation memory" not in p.stdout or "Conv" not in p.stdout:
            report("mnist_threads_stats_shape", f"--stats printed no per-op table: {show(p)}")
        else:
            report("mnist_threads_stats_shape")


def check_bad_inputs(tmp):
    x = np.zeros((1, 1, 28, 28), np.float32)
    good = os.path.join(tmp, "good.npy")
    np.save(good, x)
    out = os.path.join(tmp, "bad-out")

    p = ferry("run", MNIST, "-o", out)
    report("missing_input_exit_3_names_it",
           None if p.returncode == 3 and "Input3" in p.stderr and "missing" in p.stderr
           else show(p))

    wrong = os.path.join(tmp, "wrong_shape.npy")
    np.save(wrong, np.zeros((1, 1, 28, 27), np.float32))
    p = ferry("run", MNIST, "-i", wrong, "-o", out)
    report("wrong_shape_exit_3_says_expected_shape",
           None if p.returncode == 3 and "Input3" in p.stderr and "28,28" in p.stderr
           else show(p))

    wrong = os.path.join(tmp, "wrong_dtype.npy")
    np.save(wrong, np.zeros((1, 1, 28, 28), np.float64))
    p = ferry("run", MNIST, "-i", wrong, "-o", out)
    report("wrong_dtype_exit_3_says_expected_dtype",
           None if p.returncode == 3 and "Input3" in p.stderr and "float32" in p.stderr
           and "float64" in p.stderr else show(p))

    p = ferry("run", MNIST, "-i", f"nope={good}", "-o", out)
    report("unknown_input_name_exit_3_lists_inputs",
           None if p.returncode == 3 and "nope" in p.stderr and "Input3" in p.stderr
           else show(p))

    p = ferry("run", MNIST, "-i", good, "-o", out, "--shape", "Input3=1x1x28x29")
    report("shape_option_disagreeing_with_input_exit_3",
           None if p.returncode == 3 and "Input3" in p.stderr else show(p))

    bad = os.path.join(tmp, "corrupt.npy")
    with open(bad, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f4'")
    p = ferry("run", MNIST, "-i", bad, "-o", out)
    report("corrupt_npy_exit_3_names_file",
           None if p.returncode == 3 and "corrupt.npy" in p.stderr else show(p))

    p = ferry("run", MNIST, "-i", os.path.join(tmp, "absent.npy"), "-o", out)
    report("absent_input_file_exit_3", None if p.returncode == 3 and "absent.npy" in p.stderr
           else show(p))

    p = ferry("run", MNIST, "-i", good)
    report("no_output_folder_is_usage_error", None if p.returncode == 2 else show(p))
    p = ferry("run", MNIST, "-i", good, "-o", out, "--threads", "zero")
    report("bad_threads_is_usage_error", None if p.returncode == 2 else show(p))
    p = ferry("run", "--help")
    report("help_exit_0", None if p.returncode == 0 and "--dequantize" in p.stdout else show(p))
    report("nothing_written_on_failure",
           None if not os.path.exists(out) or not os.listdir(out) else
           f"{out} holds {os.listdir(out)}")


def check_small_models(tmp):
    try:
        odd, two, ints = make_models(tmp)
    except Exception as e:  # onnx missing: say so, don't pretend
        report("small_models_built", f"cannot build test models with onnx: {e}")
        return
    x = np.array([[-1.5, 0, 2], [3, -4, 0.25]], np.float32)

    # .npy without NAME (one input); names sanitized
    src = os.path.join(tmp, "x.npy")
    np.save(src, x)
    out = os.path.join(tmp, "odd-out")
    p = ferry("run", odd, "-i", src, "-o", out)
    files = sorted(os.listdir(out)) if os.path.isdir(out) else []
    if p.returncode != 0:
        report("output_names_sanitized", show(p))
    elif files != ["neg_y.npy", "out_relu_0.npy"]:
        report("output_names_sanitized", f"files {files}")
    else:
        a = np.load(os.path.join(out, "out_relu_0.npy"))
        b = np.load(os.path.join(out, "neg_y.npy"))
        ok = np.array_equal(a, np.maximum(x, 0)) and np.array_equal(b, -x)
        report("output_names_sanitized", None if ok else f"values {a} {b}")
    # no temporaries left beside the outputs
    report("no_temporary_files_left", None if all(f.endswith(".npy") for f in files)
           else f"files {files}")

    # .npz: keys are input names (numpy adds .npy to each key; ferry strips it)
    npz = os.path.join(tmp, "x.npz")
    np.savez(npz, **{"in:0": x})
    out = os.path.join(tmp, "npz-out")
    p = ferry("run", odd, "-i", npz, "-o", out)
    ok = p.returncode == 0 and np.array_equal(np.load(os.path.join(out, "neg_y.npy")), -x)
    report("npz_input_by_key", None if ok else show(p))
    npz = os.path.join(tmp, "xc.npz")
    np.savez_compressed(npz, **{"in:0": x})
    out = os.path.join(tmp, "npzc-out")
    p = ferry("run", odd, "-i", npz, "-o", out)
    ok = p.returncode == 0 and np.array_equal(np.load(os.path.join(out, "neg_y.npy")), -x)
    report("npz_compressed_input_by_key", None if ok else show(p))

    # .npz with two keys feeding two inputs; .pb by name field and by order
    a = np.array([[1, 2], [3, 4]], np.float32)
    b = np.array([[10, 20], [30, 40]], np.float32)
    npz = os.path.join(tmp, "ab.npz")
    np.savez(npz, a=a, b=b)
    out = os.path.join(tmp, "ab-out")
    p = ferry("run", two, "-i", npz, "-o", out)
    ok = p.returncode == 0 and np.array_equal(np.load(os.path.join(out, "sum.npy")), a + b)
    report("npz_feeds_several_inputs", None if ok else show(p))

    pa, pb = os.path.join(tmp, "pa.pb"), os.path.join(tmp, "pb.pb")
    tensor_pb(b, "b", pb)
    tensor_pb(a * 2, "a", pa)
    out = os.path.join(tmp, "pb-out")
    p = ferry("run", two, "-i", pb, "-i", pa, "-o", out)  # names, not argument order
    ok = p.returncode == 0 and np.array_equal(np.load(os.path.join(out, "sum.npy")), a * 2 + b)
    report("pb_inputs_bound_by_name_field", None if ok else show(p))

    q0, q1 = os.path.join(tmp, "input_0.pb"), os.path.join(tmp, "input_1.pb")
    tensor_pb(a, "", q0)
    tensor_pb(b * 3, "", q1)
    out = os.path.join(tmp, "pbo-out")
    p = ferry("run", two, "-i", q0, "-i", q1, "-o", out)
    ok = p.returncode == 0 and np.array_equal(np.load(os.path.join(out, "sum.npy")), a + b * 3)
    report("unnamed_pb_inputs_in_model_order", None if ok else show(p))

    # .npy without NAME on a two-input model: ambiguous, a usage error naming the inputs
    na = os.path.join(tmp, "a.npy")
    np.save(na, a)
    p = ferry("run", two, "-i", na, "-o", os.path.join(tmp, "amb-out"))
    report("unnamed_npy_for_two_inputs_is_refused",
           None if p.returncode == 2 and "'a'" in p.stderr and "'b'" in p.stderr else show(p))
    # one of two given
    p = ferry("run", two, "-i", f"a={na}", "-o", os.path.join(tmp, "amb-out"))
    report("second_input_missing_exit_3",
           None if p.returncode == 3 and "'b'" in p.stderr and "missing" in p.stderr
           else show(p))

    # int64 with a symbolic dim: shape comes from the file, dtype kept on disk
    xi = np.array([[3, -4], [5, 6], [-7, 8]], np.int64)
    ni = os.path.join(tmp, "xi.npy")
    np.save(ni, xi)
    out = os.path.join(tmp, "int-out")
    p = ferry("run", ints, "-i", ni, "-o", out, "--shape", "x=3x2")
    if p.returncode != 0:
        report("int64_symbolic_batch_keeps_dtype", show(p))
    else:
        got = np.load(os.path.join(out, "sq.npy"))
        report("int64_symbolic_batch_keeps_dtype",
               None if got.dtype == np.int64 and np.array_equal(got, xi * xi)
               else f"got {got.dtype} {got}")

    # the output is never written over an input
    out = os.path.join(tmp, "self")
    os.makedirs(out)
    victim = os.path.join(out, "neg_y.npy")
    np.save(victim, x)
    before = open(victim, "rb").read()
    p = ferry("run", odd, "-i", f"in:0={victim}", "-o", out)
    report("never_writes_over_an_input",
           None if p.returncode != 0 and open(victim, "rb").read() == before else show(p))


def check_conformance_runner(tmp):
    """The conformance tool on a small fake data folder: ONNX's comparison rule,
    expectations, and --write-expect."""
    name = "conformance_runner"
    if not os.access(CONFORMANCE, os.X_OK):
        report(name, f"{CONFORMANCE} not built")
        return
    try:
        import onnx
        from onnx import helper, TensorProto as TP
    except Exception as e:
        report(name, f"onnx package missing: {e}")
        return
    data = os.path.join(tmp, "data")

    def case(group, cname, op, dtype, x, expected):
        d = os.path.join(data, group, cname)
        os.makedirs(os.path.join(d, "test_data_set_0"))
        et = TP.FLOAT if dtype == np.float32 else TP.INT64
        g = helper.make_graph([helper.make_node(op, ["x"] * (2 if op == "Mul" else 1), ["y"])],
                              cname, [helper.make_tensor_value_info("x", et, list(x.shape))],
                              [helper.make_tensor_value_info("y", et, None)])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 7
        onnx.save(m, os.path.join(d, "model.onnx"))
        tensor_pb(x, "x", os.path.join(d, "test_data_set_0", "input_0.pb"))
        tensor_pb(expected, "y", os.path.join(d, "test_data_set_0", "output_0.pb"))

    x = np.array([[1.0, -2.0, 3.0], [0.5, 100.0, -7.0]], np.float32)
    off = -x
    off[1, 1] = -100.0 * (1 + 2e-3)  # outside rtol 1e-3
    xn = np.array([np.nan, np.inf, -np.inf, 1.0], np.float32)
    xi = np.array([2, -3, 4], np.int64)
    case("node", "test_neg_ok", "Neg", np.float32, x, -x)
    case("node", "test_neg_tol", "Neg", np.float32, x, (-x * (1 + 9e-4)).astype(np.float32))
    case("node", "test_neg_off", "Neg", np.float32, x, off)
    case("node", "test_neg_nan_inf", "Neg", np.float32, xn, -xn)
    case("node", "test_neg_shape", "Neg", np.float32, x, (-x).reshape(3, 2))
    case("node", "test_mul_int_off", "Mul", np.int64, xi, np.array([4, 9, 17], np.int64))
    case("node", "test_skipme", "Neg", np.float32, x, x)
    case("simple", "test_unlisted", "Neg", np.float32, x, -x)
    expect = os.path.join(tmp, "expected.txt")
    with open(expect, "w") as f:
        f.write("# header kept by --write-expect\n\n"
                "pass node/test_neg_ok\npass node/test_neg_tol\npass node/test_neg_off\n"
                "pass node/test_neg_nan_inf\npass node/test_neg_shape\n"
                "pass node/test_mul_int_off\nskip node/test_skipme: a reason we defend\n"
                "pass node/test_gone\n")
    try:
        p = subprocess.run([CONFORMANCE, "--data", data, "--expect", expect],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        report(name, "timed out")
        return
    lines = p.stdout.splitlines()
    want = {
        "pass node/test_neg_ok": None,
        "pass node/test_neg_tol": None,
        "pass node/test_neg_nan_inf": None,
        "FAIL node/test_neg_off: output 0 'y': at [1,1] got -100, expected -100.199997": None,
        "FAIL node/test_neg_shape: output 0 'y': got float32 [2,3], expected float32 [3,2]": None,
        "FAIL node/test_mul_int_off: output 0 'y': at [2] got 16, expected 17": None,
        "skip node/test_skipme: a reason we defend": None,
        "FAIL simple/test_unlisted: not listed in expected.txt (it passes now)": None,
        "FAIL node/test_gone:": None,
    }
    missing = [w for w in want if not any(l.startswith(w) for l in lines)]
    if missing or p.returncode != 1 or lines[-2:] != ["1 skipped", "3 passed, 5 failed"]:
        report(name, f"exit {p.returncode}; missing lines {missing}; output: {lines}")
    else:
        report(name)

    p = subprocess.run([CONFORMANCE, "--data", data, "neg_ok", "neg_tol"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
    report("conformance_patterns_select_cases",
           None if p.returncode == 0 and p.stdout.splitlines()[-1] == "2 passed, 0 failed"
           else f"exit {p.returncode}: {p.stdout}")

    out = os.path.join(tmp, "written.txt")
    p = subprocess.run([CONFORMANCE, "--data", data, "--expect", expect, "--write-expect", out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
    text = open(out).read() if os.path.exists(out) else ""
    ok = (text.startswith("# header kept by --write-expect\n")
          and "pass node/test_neg_ok\n" in text and "pass simple/test_unlisted\n" in text
          and "skip node/test_neg_off: TODO output 0 'y': at [1,1]" in text
          and "skip node/test_skipme: a reason we defend\n" in text)
    report("conformance_write_expect_keeps_reasons", None if ok else f"wrote: {text!r}")


def main():
    if not os.access(FERRY, os.X_OK):
        return harness.setup_failed(f"{FERRY} not built; run `make release`")
    with harness.scratch("ferry-run-") as tmp:
        check_mnist(tmp)
        check_bad_inputs(tmp)
        check_small_models(tmp)
        check_conformance_runner(tmp)
    return harness.finish()


if __name__ == "__main__":
    sys.exit(main())
