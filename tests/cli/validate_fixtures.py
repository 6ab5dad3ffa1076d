"""Small ONNX models for tests/cli/test_validate.py, built with the onnx package
(python3-onnx 1.12) and seeded NumPy weights, so every run builds the same bytes.

The main fixture, `net` (NCHW float32, input x [1,3,8,8] or ['N',3,8,8], output
logits [1,5]), named the way a PyTorch export names things:

    x ─ /stem/conv/Conv ─ /stem/relu/Relu ─ /stem/pool/MaxPool ─┬─────────────┐
                                                                └ /block/conv/Conv ─ /block/Add
      ─ /up/Resize (linear, half_pixel, x2) ─ /head/conv/Conv (1x1)
      ─ /head/GlobalAveragePool ─ /head/Flatten ─ /head/fc/Gemm ─ logits

Faults are planted by build_net(..., faults): a Conv's weights scaled, the Resize's
coordinate_transformation_mode changed, a Conv's pads changed with the output shape kept.
/block/conv/Conv and /head/conv/Conv keep their own output tensor through conversion to
TFLite (nothing fuses into them); /stem/conv/Conv is followed by a Relu, which the converter
fuses into it.
"""
import os

import numpy as np

STEM_CONV = "/stem/conv/Conv"
STEM_RELU = "/stem/relu/Relu"
POOL = "/stem/pool/MaxPool"
BLOCK_CONV = "/block/conv/Conv"
ADD = "/block/Add"
RESIZE = "/up/Resize"
HEAD_CONV = "/head/conv/Conv"
GAP = "/head/GlobalAveragePool"
FLATTEN = "/head/Flatten"
FC = "/head/fc/Gemm"
NET_ORDER = [STEM_CONV, STEM_RELU, POOL, BLOCK_CONV, ADD, RESIZE, HEAD_CONV, GAP, FLATTEN, FC]


def _save(graph, path, opset=13):
    import onnx
    from onnx import helper
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="ferry-test-validate")
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return path


def _w(rng, shape, fan_in):
    return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32)


def build_net(path, faults=None, batch=1, seed=7):
    """faults: {"scale": {node: factor}, "resize_mode": str, "pads": {node: [4 ints]}}."""
    from onnx import helper, numpy_helper, TensorProto as TP
    faults = faults or {}
    scale = faults.get("scale", {})
    pads = faults.get("pads", {})
    rng = np.random.default_rng(seed)
    w = {
        STEM_CONV: (_w(rng, (8, 3, 3, 3), 27), (0.1 * rng.standard_normal(8)).astype(np.float32)),
        BLOCK_CONV: (_w(rng, (8, 8, 3, 3), 72), (0.1 * rng.standard_normal(8)).astype(np.float32)),
        HEAD_CONV: (_w(rng, (4, 8, 1, 1), 8), (0.1 * rng.standard_normal(4)).astype(np.float32)),
    }
    fc_w = _w(rng, (5, 4), 4)
    fc_b = (0.1 * rng.standard_normal(5)).astype(np.float32)
    inits = []
    for node, (wt, b) in w.items():
        key = node.split("/")[1]
        f = np.float32(scale.get(node, 1.0))
        inits.append(numpy_helper.from_array((wt * f).astype(np.float32), f"{key}.conv.weight"))
        inits.append(numpy_helper.from_array(b, f"{key}.conv.bias"))
    inits.append(numpy_helper.from_array((fc_w * np.float32(scale.get(FC, 1.0))).astype(np.float32),
                                         "head.fc.weight"))
    inits.append(numpy_helper.from_array(fc_b, "head.fc.bias"))
    inits.append(numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "up.scales"))

    def out(n):
        return n + "_output_0"

    N = helper.make_node
    nodes = [
        N("Conv", ["x", "stem.conv.weight", "stem.conv.bias"], [out("/stem/conv/Conv")],
          name=STEM_CONV, kernel_shape=[3, 3], pads=pads.get(STEM_CONV, [1, 1, 1, 1])),
        N("Relu", [out("/stem/conv/Conv")], [out("/stem/relu/Relu")], name=STEM_RELU),
        N("MaxPool", [out("/stem/relu/Relu")], [out("/stem/pool/MaxPool")], name=POOL,
          kernel_shape=[2, 2], strides=[2, 2]),
        N("Conv", [out("/stem/pool/MaxPool"), "block.conv.weight", "block.conv.bias"],
          [out("/block/conv/Conv")], name=BLOCK_CONV, kernel_shape=[3, 3],
          pads=pads.get(BLOCK_CONV, [1, 1, 1, 1])),
        N("Add", [out("/stem/pool/MaxPool"), out("/block/conv/Conv")], [out("/block/Add")],
          name=ADD),
        N("Resize", [out("/block/Add"), "", "up.scales"], [out("/up/Resize")], name=RESIZE,
          mode="linear", coordinate_transformation_mode=faults.get("resize_mode", "half_pixel")),
        N("Conv", [out("/up/Resize"), "head.conv.weight", "head.conv.bias"],
          [out("/head/conv/Conv")], name=HEAD_CONV, kernel_shape=[1, 1]),
        N("GlobalAveragePool", [out("/head/conv/Conv")], [out("/head/GlobalAveragePool")],
          name=GAP),
        N("Flatten", [out("/head/GlobalAveragePool")], [out("/head/Flatten")], name=FLATTEN,
          axis=1),
        N("Gemm", [out("/head/Flatten"), "head.fc.weight", "head.fc.bias"], ["logits"], name=FC,
          transB=1),
    ]
    g = helper.make_graph(nodes, "validate_net",
                          [helper.make_tensor_value_info("x", TP.FLOAT, [batch, 3, 8, 8])],
                          [helper.make_tensor_value_info("logits", TP.FLOAT, [batch, 5])],
                          initializer=inits)
    return _save(g, path)


TWO_CONV = "/enc/conv/Conv"
TWO_ADD = "/enc/Add"
TWO_RELU = "/enc/relu/Relu"
TWO_GAP = "/cls/GlobalAveragePool"
TWO_FLATTEN = "/cls/Flatten"
TWO_FC = "/cls/fc/Gemm"


def build_two_io(path, seed=11):
    """Inputs image [1,3,8,8] and bias_map [1,4,8,8]; outputs features [1,4,8,8]
    (relu(conv(image) + bias_map)) and scores [1,3] (a Gemm over its global average)."""
    from onnx import helper, numpy_helper, TensorProto as TP
    rng = np.random.default_rng(seed)
    inits = [
        numpy_helper.from_array(_w(rng, (4, 3, 3, 3), 27), "enc.conv.weight"),
        numpy_helper.from_array((0.1 * rng.standard_normal(4)).astype(np.float32), "enc.conv.bias"),
        numpy_helper.from_array(_w(rng, (3, 4), 4), "cls.fc.weight"),
        numpy_helper.from_array((0.1 * rng.standard_normal(3)).astype(np.float32), "cls.fc.bias"),
    ]
    N = helper.make_node
    nodes = [
        N("Conv", ["image", "enc.conv.weight", "enc.conv.bias"], ["enc_conv"], name=TWO_CONV,
          kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        N("Add", ["enc_conv", "bias_map"], ["enc_sum"], name=TWO_ADD),
        N("Relu", ["enc_sum"], ["features"], name=TWO_RELU),
        N("GlobalAveragePool", ["features"], ["pooled"], name=TWO_GAP),
        N("Flatten", ["pooled"], ["flat"], name=TWO_FLATTEN, axis=1),
        N("Gemm", ["flat", "cls.fc.weight", "cls.fc.bias"], ["scores"], name=TWO_FC, transB=1),
    ]
    g = helper.make_graph(nodes, "validate_two_io",
                          [helper.make_tensor_value_info("image", TP.FLOAT, [1, 3, 8, 8]),
                           helper.make_tensor_value_info("bias_map", TP.FLOAT, [1, 4, 8, 8])],
                          [helper.make_tensor_value_info("features", TP.FLOAT, [1, 4, 8, 8]),
                           helper.make_tensor_value_info("scores", TP.FLOAT, [1, 3])],
                          initializer=inits)
    return _save(g, path)


def build_dynamic(path, seed=7):
    """The main net with a symbolic batch: x ['N',3,8,8] -> logits ['N',5]."""
    return build_net(path, batch="N", seed=seed)


def net_numpy(x, faults=None, seed=7):
    """The main net in NumPy (float64), for checking the fixtures themselves."""
    faults = faults or {}
    scale = faults.get("scale", {})
    pads = faults.get("pads", {})
    rng = np.random.default_rng(seed)
    ws = {}
    for node, shape, fan in ((STEM_CONV, (8, 3, 3, 3), 27), (BLOCK_CONV, (8, 8, 3, 3), 72),
                             (HEAD_CONV, (4, 8, 1, 1), 8)):
        wt = _w(rng, shape, fan)
        b = (0.1 * rng.standard_normal(shape[0])).astype(np.float32)
        ws[node] = ((wt * np.float32(scale.get(node, 1.0))).astype(np.float64), b)
    fc_w = _w(rng, (5, 4), 4).astype(np.float64) * scale.get(FC, 1.0)
    fc_b = (0.1 * rng.standard_normal(5)).astype(np.float32)

    def conv(v, node, p):
        wt, b = ws[node]
        t, l, bo, r = p[0], p[1], p[2], p[3]
        v = np.pad(v, ((0, 0), (0, 0), (t, bo), (l, r)))
        k = wt.shape[2]
        n, c, h, wd = v.shape
        oh, ow = h - k + 1, wd - k + 1
        o = np.zeros((n, wt.shape[0], oh, ow))
        for i in range(k):
            for j in range(k):
                o += np.einsum("nchw,oc->nohw", v[:, :, i:i + oh, j:j + ow], wt[:, :, i, j])
        return o + b[None, :, None, None]

    def resize2(v, mode):
        n, c, h, wd = v.shape

        def axis(size):
            o = np.arange(2 * size, dtype=np.float64)
            src = (o + 0.5) / 2 - 0.5 if mode == "half_pixel" else o / 2
            src = np.clip(src, 0, size - 1)
            lo = np.floor(src).astype(int)
            hi = np.minimum(lo + 1, size - 1)
            return lo, hi, src - lo

        ylo, yhi, fy = axis(h)
        xlo, xhi, fx = axis(wd)
        top = v[:, :, ylo, :] * (1 - fy)[None, None, :, None] + v[:, :, yhi, :] * fy[None, None, :, None]
        return top[:, :, :, xlo] * (1 - fx) + top[:, :, :, xhi] * fx

    v = np.maximum(conv(x.astype(np.float64), STEM_CONV, pads.get(STEM_CONV, [1, 1, 1, 1])), 0)
    n, c, h, wd = v.shape
    p = v.reshape(n, c, h // 2, 2, wd // 2, 2).max(axis=(3, 5))
    a = p + conv(p, BLOCK_CONV, pads.get(BLOCK_CONV, [1, 1, 1, 1]))
    u = resize2(a, faults.get("resize_mode", "half_pixel"))
    hc = conv(u, HEAD_CONV, [0, 0, 0, 0])
    g = hc.mean(axis=(2, 3))
    return g @ fc_w.T + fc_b


if __name__ == "__main__":
    import sys
    d = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(d, exist_ok=True)
    print(build_net(os.path.join(d, "net.onnx")))
    print(build_two_io(os.path.join(d, "two_io.onnx")))
    print(build_dynamic(os.path.join(d, "dyn.onnx")))
