#!/usr/bin/python3
"""onnx_check.py MODEL [MODEL...]: run onnx.checker.check_model (full_check=False) on each
file; print "OK path" or "FAIL path: <first line of the error>". Exit 0 iff all are OK.

Debian's onnx 1.12 knows IR versions <= 8 and opsets <= 17, so newer files FAIL here whatever
their content: callers compare the verdict on an original with the verdict on its rewrite.
"""
import sys

import onnx


def first_line(e):
    lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
    return lines[0] if lines else type(e).__name__


def main(paths):
    if not paths:
        print("usage: onnx_check.py MODEL [MODEL...]", file=sys.stderr)
        return 2
    ok = True
    for p in paths:
        try:
            # Given a path, the checker also verifies that external data files exist.
            onnx.checker.check_model(p, full_check=False)
            print(f"OK {p}")
        except Exception as e:  # ValidationError, DecodeError, OSError, ...
            ok = False
            print(f"FAIL {p}: {first_line(e)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
