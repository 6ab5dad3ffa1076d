#!/usr/bin/python3
"""CLI contract checks (DESIGN.md: exit codes, atomic output, never over the input, --json).

Runs the release binary ($FERRY_BIN, else $FERRY_BUILD/release/ferry, else <repo>/build/...).
Every file it writes is in a private temporary folder; fixtures are only read (copied first).
One line per check, "ok NAME" or "FAIL NAME: why", then "N passed, N failed". Exit 1 on failure.
"""
import filecmp
import functools
import json
import re
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import FERRY, ROOT, report  # noqa: E402

MNIST = os.path.join(ROOT, "fixtures", "mnist-8.onnx")
TIMEOUT = 60
CONVERT_JSON_FIELDS = {  # DESIGN.md, "convert --json has at least"
    "output": str, "format": str, "passes": list, "batchnorms_folded": int,
    "activations_fused": int, "transposes": list, "decompositions": list,
}

ferry = harness.ferry_runner(TIMEOUT)
show = functools.partial(harness.show, err=400, out=200)


def expect_exit(name, p, code):
    if p.returncode != code:
        report(name, f"expected exit {code}, got {show(p)}")
        return False
    return True


def leftovers(folder, before):
    """Files in folder that were not in `before` (temporary outputs left behind)."""
    return sorted(set(os.listdir(folder)) - set(before))


def main():
    if not os.access(FERRY, os.X_OK):
        return harness.setup_failed(f"{FERRY} not built; run `make release`")
    with harness.scratch("ferry-cli-") as tmp:
        run_checks(tmp)
    return harness.finish()


def run_checks(tmp):
    # --help, --version, usage errors
    p = ferry("--help")
    if expect_exit("help exits 0", p, 0):
        report("help exits 0", None if p.stdout.strip() else "--help printed nothing on stdout")
    p = ferry("--version")
    if expect_exit("version exits 0", p, 0):
        report("version exits 0", None if p.stdout.strip().startswith("ferry ")
               else f"--version printed '{p.stdout.strip()}', expected 'ferry <version>'")
    p = ferry("no-such-command")
    if expect_exit("unknown command exits 2", p, 2):
        report("unknown command exits 2", None if "no-such-command" in p.stderr
               else f"message does not name the command: {show(p)}")
    p = ferry()
    if expect_exit("no command exits 2", p, 2):
        report("no command exits 2")
    p = ferry("convert", MNIST)
    if expect_exit("convert without -o exits 2", p, 2):
        report("convert without -o exits 2")
    p = ferry("convert", MNIST, "-o", os.path.join(tmp, "x.onnx"), "--no-such-flag")
    if expect_exit("convert with an unknown option exits 2", p, 2):
        report("convert with an unknown option exits 2",
               None if not os.path.exists(os.path.join(tmp, "x.onnx"))
               else "wrote an output despite the usage error")

    # unreadable input
    missing = os.path.join(tmp, "does-not-exist", "nothing.onnx")
    p = ferry("inspect", missing)
    if expect_exit("inspect missing file exits 3", p, 3):
        report("inspect missing file exits 3", None if missing in p.stderr
               else f"message does not name {missing}: {show(p)}")
    p = ferry("convert", missing, "-o", os.path.join(tmp, "y.onnx"))
    if expect_exit("convert missing file exits 3", p, 3):
        report("convert missing file exits 3", None if missing in p.stderr
               else f"message does not name {missing}: {show(p)}")

    # truncated copies: malformed input, message with the file and a byte offset
    data = open(MNIST, "rb").read()
    # mnist-8: the GraphProto spans bytes 26..26448 of 26454, so each cut lands inside it.
    for cut in (100, len(data) // 2, len(data) * 9 // 10):
        bad = os.path.join(tmp, f"mnist-cut{cut}.onnx")
        with open(bad, "wb") as f:
            f.write(data[:cut])
        for cmd in (["inspect", bad], ["convert", bad, "-o", os.path.join(tmp, "cut-out.onnx")]):
            name = f"{cmd[0]} truncated mnist ({cut} of {len(data)} bytes) exits 3 naming file and offset"
            p = ferry(*cmd)
            if not expect_exit(name, p, 3):
                continue
            why = []
            if bad not in p.stderr:
                why.append(f"message does not name {bad}")
            if not re.search(r"\b(byte|offset)\s+\d+", p.stderr):
                why.append("message gives no byte offset ('byte N')")
            if os.path.exists(os.path.join(tmp, "cut-out.onnx")):
                why.append("convert wrote an output")
            report(name, f"{'; '.join(why)}: {show(p)}" if why else None)

    # output over the input is refused (exit 2) and the input is unchanged
    src = os.path.join(tmp, "in", "mnist.onnx")
    os.makedirs(os.path.dirname(src))
    shutil.copyfile(MNIST, src)
    os.symlink(src, os.path.join(tmp, "in", "link.onnx"))
    spellings = [
        ("same path", src, None),
        ("./relative path", "./mnist.onnx", os.path.dirname(src)),
        ("path through ..", os.path.join(tmp, "in", "..", "in", "mnist.onnx"), None),
        ("symlink to the input", os.path.join(tmp, "in", "link.onnx"), None),
    ]
    for label, out, cwd in spellings:
        name = f"convert IN -o IN refused ({label})"
        before = os.listdir(os.path.dirname(src))
        p = ferry("convert", src, "-o", out, cwd=cwd)
        why = []
        if p.returncode != 2:
            why.append(f"expected exit 2, got {show(p)}")
        if open(src, "rb").read() != data:
            why.append("THE INPUT WAS CHANGED")
        if not os.path.islink(os.path.join(tmp, "in", "link.onnx")):
            why.append("the symlink was replaced")
        left = leftovers(os.path.dirname(src), before)
        if left:
            why.append(f"left files behind: {left}")
        report(name, "; ".join(why) or None)
        # keep later checks independent of a failure here
        shutil.copyfile(MNIST, src)

    # output into a missing folder: non-zero, nothing left behind
    name = "convert to a missing folder fails and leaves no temp file"
    before = os.listdir(tmp)
    target = os.path.join(tmp, "no-such-dir", "out.onnx")
    p = ferry("convert", src, "-o", target)
    why = []
    if p.returncode == 0:
        why.append(f"exit 0 ({show(p)})")
    elif p.returncode not in (2, 3):
        why.append(f"expected exit 3 (or 2), got {show(p)}")
    if os.path.exists(os.path.dirname(target)):
        why.append(f"created {os.path.dirname(target)}")
    left = leftovers(tmp, before)
    if left:
        why.append(f"left files behind: {left}")
    report(name, "; ".join(why) or None)

    # output path that is a folder: the rename fails after the temp file exists
    name = "convert over a folder fails and leaves no temp file"
    outdir = os.path.join(tmp, "outdir")
    folder_target = os.path.join(outdir, "is-a-folder.onnx")
    os.makedirs(folder_target)
    p = ferry("convert", src, "-o", folder_target)
    why = []
    if p.returncode == 0:
        why.append(f"exit 0 ({show(p)})")
    if not os.path.isdir(folder_target) or os.listdir(folder_target):
        why.append("the folder was changed")
    left = leftovers(outdir, ["is-a-folder.onnx"])
    if left:
        why.append(f"left files behind: {left}")
    report(name, "; ".join(why) or None)

    # converting twice gives byte-identical files
    name = "convert mnist twice: byte-identical outputs"
    a, b = os.path.join(tmp, "twice-a.onnx"), os.path.join(tmp, "twice-b.onnx")
    pa, pb = ferry("convert", MNIST, "-o", a), ferry("convert", MNIST, "-o", b)
    if pa.returncode or pb.returncode:
        report(name, f"convert failed: {show(pa if pa.returncode else pb)}")
    elif not filecmp.cmp(a, b, shallow=False):
        report(name, f"{a} and {b} differ")
    else:
        report(name)
    # and the output can be overwritten by a later conversion (atomic replace)
    name = "convert over an existing output replaces it"
    p = ferry("convert", MNIST, "-o", a)
    if expect_exit(name, p, 0):
        report(name, None if filecmp.cmp(a, b, shallow=False) else "replaced file differs")

    # convert --json
    name = "convert --json prints the DESIGN.md fields"
    out = os.path.join(tmp, "json-out.onnx")
    p = ferry("convert", MNIST, "-o", out, "--json")
    if expect_exit(name, p, 0):
        try:
            doc = json.loads(p.stdout)
        except ValueError as e:
            report(name, f"stdout is not one JSON document ({e}): '{p.stdout[:300]}'")
        else:
            why = []
            if not isinstance(doc, dict):
                why.append("not a JSON object")
            else:
                for field, typ in CONVERT_JSON_FIELDS.items():
                    if field not in doc:
                        why.append(f"missing '{field}'")
                    elif not isinstance(doc[field], typ) or (typ is int and isinstance(doc[field], bool)):
                        why.append(f"'{field}' is {type(doc[field]).__name__}, expected {typ.__name__}")
                if doc.get("output") != out:
                    why.append(f"output is {doc.get('output')!r}, expected {out!r}")
                if doc.get("format") != "onnx":
                    why.append(f"format is {doc.get('format')!r}, expected 'onnx'")
                for i, ps in enumerate(doc.get("passes") or []):
                    if not isinstance(ps, dict) or not {"name", "changes"} <= set(ps):
                        why.append(f"passes[{i}] lacks name/changes")
            if not os.path.exists(out):
                why.append("no output file written")
            report(name, "; ".join(why) or None)
    # JSON with a name that needs escaping
    name = "convert --json escapes the output path"
    odd = os.path.join(tmp, 'we"ird\\name.onnx')
    p = ferry("convert", MNIST, "-o", odd, "--json")
    if expect_exit(name, p, 0):
        try:
            doc = json.loads(p.stdout)
            report(name, None if doc.get("output") == odd else f"output is {doc.get('output')!r}")
        except ValueError as e:
            report(name, f"stdout is not valid JSON ({e}): '{p.stdout[:300]}'")


if __name__ == "__main__":
    sys.exit(main())
