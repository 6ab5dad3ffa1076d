#!/usr/bin/python3
"""onnx_facts.py MODEL: print one JSON object of facts about an ONNX model, computed by
the onnx Python package alone (the reference for `ferry inspect --json`; see DESIGN.md).

Fields: inputs, outputs ([{name, dtype, shape}]; inputs exclude initializers), node_count,
subgraph_node_count, param_count, opset, producer_name, producer_version, ir_version, op_counts.
Exit 0 on success, 3 if the file cannot be read or parsed.
"""
import json
import sys

import onnx

# TensorProto.DataType -> NumPy spelling. Written out by number because onnx 1.12 has no
# names for the float8/int4 types (14+), yet their numbers can appear in newer files.
DTYPES = {
    1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
    8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64",
    14: "complex64", 15: "complex128", 16: "bfloat16", 17: "float8e4m3fn", 18: "float8e4m3fnuz",
    19: "float8e5m2", 20: "float8e5m2fnuz", 21: "uint4", 22: "int4", 23: "float4e2m1",
}


def value_info(vi):
    """{name, dtype, shape} of a graph input/output; dtype and shape null for non-tensors."""
    t = vi.type
    kind = t.WhichOneof("value")
    if kind not in ("tensor_type", "sparse_tensor_type"):  # sequence, map, optional, or no type
        return {"name": vi.name, "dtype": None, "shape": None}
    tt = getattr(t, kind)
    dtype = DTYPES.get(tt.elem_type) if tt.elem_type else None
    shape = None
    if tt.HasField("shape"):  # absent shape = unknown rank; an empty shape is a scalar
        shape = []
        for d in tt.shape.dim:
            which = d.WhichOneof("value")
            shape.append(d.dim_value if which == "dim_value" else d.dim_param if which == "dim_param" else None)
    return {"name": vi.name, "dtype": dtype, "shape": shape}


def subgraphs(node):
    for a in node.attribute:
        if a.type == onnx.AttributeProto.GRAPH:
            yield a.g
        elif a.type == onnx.AttributeProto.GRAPHS:
            yield from a.graphs


def nested_node_count(graph):
    """Nodes inside the graph attributes of graph's nodes, at any depth."""
    total = 0
    for n in graph.node:
        for g in subgraphs(n):
            total += len(g.node) + nested_node_count(g)
    return total


def elements(dims):
    count = 1
    for d in dims:
        count *= d
    return count


def facts(model):
    g = model.graph
    init_names = {t.name for t in g.initializer} | {s.values.name for s in g.sparse_initializer}
    op_counts = {}
    for n in g.node:
        op_counts[n.op_type] = op_counts.get(n.op_type, 0) + 1
    return {
        "inputs": [value_info(vi) for vi in g.input if vi.name not in init_names],
        "outputs": [value_info(vi) for vi in g.output],
        "node_count": len(g.node),
        "subgraph_node_count": nested_node_count(g),
        # Top-level initializers only; a sparse initializer counts its dense shape.
        "param_count": sum(elements(t.dims) for t in g.initializer)
        + sum(elements(s.dims) for s in g.sparse_initializer),
        # "ai.onnx" is an alias of the default domain "".
        "opset": {("" if o.domain == "ai.onnx" else o.domain): o.version for o in model.opset_import},
        "producer_name": model.producer_name,
        "producer_version": model.producer_version,
        "ir_version": model.ir_version,
        "op_counts": dict(sorted(op_counts.items())),
    }


def main(argv):
    if len(argv) != 2:
        print("usage: onnx_facts.py MODEL", file=sys.stderr)
        return 2
    try:
        # External data is not needed for any fact here, and may be absent.
        model = onnx.load(argv[1], load_external_data=False)
    except Exception as e:  # DecodeError, OSError, ...
        print(f"onnx_facts: {argv[1]}: {e}", file=sys.stderr)
        return 3
    print(json.dumps(facts(model)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
