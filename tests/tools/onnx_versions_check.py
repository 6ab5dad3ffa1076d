#!/usr/bin/python3
"""The version history of ONNX's default-domain operators, as the onnx-opsetN
target (src/targets/onnx_opset.c) needs it: for every operator, each
since_version and the element types that version's type constraints allow.

By default the facts come from the installed python onnx's schemas
(onnx.defs.get_all_schemas_with_history(); Debian's python3-onnx 1.12 knows
opsets up to 17). With --changelog PATH they come from a copy of onnx's
docs/Changelog.md instead (all opsets it lists), for checking the rest of
the table by hand.

Output, one operator per line, sorted by name:
    # onnx <version> opset <max>
    <Op> <since>:<dtype>,<dtype>,... <since>:- ...
Types use ferry's (NumPy) spelling and only those ferry's IR has; a
deprecated version prints "-". tests/unit/test_target_opset.c runs this
script and compares the lines with the C table; nothing here reads that
table.
"""
import re
import sys

# ONNX type names -> ferry's IR dtype names (types the IR lacks are left out)
IR_NAMES = {
    "float": "float32", "float16": "float16", "bfloat16": "bfloat16", "double": "float64",
    "int8": "int8", "uint8": "uint8", "int16": "int16", "uint16": "uint16",
    "int32": "int32", "uint32": "uint32", "int64": "int64", "uint64": "uint64",
    "bool": "bool", "int4": "int4", "uint4": "uint4",
    "complex64": "complex64", "complex128": "complex128", "string": "string",
}
ORDER = list(IR_NAMES.values())


def dtypes_of(type_strings):
    """The IR dtypes named anywhere in a version's type strings
    ("tensor(float)", "seq(tensor(int64))", ...)."""
    found = set()
    for s in type_strings:
        for t in re.findall(r"tensor\((\w+)\)", s):
            if t in IR_NAMES:
                found.add(IR_NAMES[t])
    return [t for t in ORDER if t in found]


def from_onnx():
    import onnx
    import onnx.defs

    ops = {}
    for s in onnx.defs.get_all_schemas_with_history():
        if s.domain not in ("", "ai.onnx"):
            continue
        strs = []
        for tc in s.type_constraints:
            strs.extend(tc.allowed_type_strs)
        for p in list(s.inputs) + list(s.outputs):
            strs.append(getattr(p, "type_str", None) or getattr(p, "typeStr", ""))
        ops.setdefault(s.name, []).append((s.since_version, s.deprecated, dtypes_of(strs)))
    return "onnx %s opset %d" % (onnx.__version__, onnx.defs.onnx_opset_version()), ops


def from_changelog(path):
    text = open(path, encoding="utf-8").read()
    text = text.split("## Version 1 of the 'ai.onnx.preview'")[0]
    parts = re.split(r'### <a name="([A-Za-z0-9]+)-(\d+)"></a>\*\*[^\n]*\n', text)
    ops = {}
    top = 0
    for i in range(1, len(parts), 3):
        name, since, body = parts[i], int(parts[i + 1]), parts[i + 2]
        body = body.split("\n## Version")[0]
        deprecated = "has been deprecated since version" in body
        strs = []
        for title in ("Inputs", "Outputs", "Type Constraints"):
            m = re.search(r"#### " + title + r"[^\n]*\n\n?<dl>(.*?)</dl>", body, re.S)
            if m:
                strs.append(m.group(1))
        ops.setdefault(name, []).append((since, deprecated, dtypes_of(strs)))
        top = max(top, since)
    return "Changelog %s opset %d" % (path, top), ops


def main(argv):
    if len(argv) == 3 and argv[1] == "--changelog":
        title, ops = from_changelog(argv[2])
    elif len(argv) == 1:
        title, ops = from_onnx()
    else:
        sys.stderr.write("usage: onnx_versions_check.py [--changelog docs/Changelog.md]\n")
        return 2
    print("# " + title)
    for name in sorted(ops):
        items = []
        for since, deprecated, types in sorted(ops[name]):
            items.append("%d:%s" % (since, "-" if deprecated else ",".join(types)))
        print(name + " " + " ".join(items))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
