"""What ferry's Python test suites share: where things are, the per-check output lines and
their counts, running ferry (or any program) with a timeout, and summaries of a run.

A suite puts the tests folder on sys.path and imports this module:

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import harness
    from harness import FERRY, report, skip, finish

Output protocol (tests/run.py reads the last line): one line per check, "ok NAME[: note]",
"FAIL NAME[: why]" or "skip NAME[: why]", and last "N passed, N failed" (finish()). Skips are
counted apart and are neither passed nor failed.

Paths, from the environment as tests/run.py sets it:
  ROOT    the repository (the folder holding tests/)
  BUILD   $FERRY_BUILD, else <repo>/build
  FERRY   $FERRY_BIN, else $FERRY_BUILD/release/ferry
  SHARED  $FERRY_SHARED, else <repo>/../shared (normalized); MODELS = SHARED/models
  PEERS   <repo>/tests/peers (the node peers: ONNX Runtime and TFLite)
"""
import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import time

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
BUILD = os.environ.get("FERRY_BUILD") or os.path.join(ROOT, "build")
FERRY = os.environ.get("FERRY_BIN") or os.path.join(BUILD, "release", "ferry")
SHARED = os.path.normpath(os.environ.get("FERRY_SHARED") or os.path.join(ROOT, "..", "shared"))
MODELS = os.path.join(SHARED, "models")
PEERS = os.path.join(TESTS, "peers")

# ---- check lines and counts ----------------------------------------------------------------

passed = failed = skipped = 0
_lock = threading.Lock()


def _line(text):
    print(text, flush=True)


def ok(name, note=""):
    """A passed check: "ok NAME", or "ok NAME: note" when note is not empty."""
    global passed
    with _lock:
        passed += 1
        _line(f"ok {name}" + (f": {note}" if note else ""))


def fail(name, why=None):
    """A failed check: "FAIL NAME: why", or "FAIL NAME" when why is None."""
    global failed
    with _lock:
        failed += 1
        _line(f"FAIL {name}" + (f": {why}" if why is not None else ""))


def skip(name, why=None):
    """A check not made (neither passed nor failed): "skip NAME: why", or "skip NAME"."""
    global skipped
    with _lock:
        skipped += 1
        _line(f"skip {name}" + (f": {why}" if why is not None else ""))


def report(name, why=None, note=""):
    """ok(name, note) when why is None, else fail(name, why)."""
    if why is None:
        ok(name, note)
    else:
        fail(name, why)


VERDICTS = {"ok": ok, "FAIL": fail, "skip": skip}


def verdict(word, name, text=""):
    """A line by its first word ("ok", "FAIL" or "skip"); ": text" only when text is not empty."""
    VERDICTS[word](name, text or None)


def summary():
    """The closing line: "N passed, N failed"."""
    return f"{passed} passed, {failed} failed"


def finish():
    """Prints the closing line; returns the suite's exit code (1 when anything failed)."""
    _line(summary())
    return 1 if failed else 0


def setup_failed(why):
    """A suite that cannot start: "FAIL setup: why", then the closing line; returns 1."""
    fail("setup", why)
    return finish()


def abort(message):
    """A suite that cannot start, said in its own words (not a FAIL line): prints message,
    counts it as one failure, prints the closing line; returns 1."""
    global failed
    with _lock:
        failed += 1
        _line(message)
    return finish()


# ---- work folders ---------------------------------------------------------------------------

@contextlib.contextmanager
def scratch(prefix):
    """A private temporary folder (tempfile.mkdtemp(prefix=prefix)), removed afterwards however
    the block ends."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def tidy(work, kept=None):
    """Removes the work folder when nothing has failed; otherwise keeps it for inspection and
    prints the line `kept` (when given)."""
    if failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    elif kept is not None:
        _line(kept)


# ---- running programs -----------------------------------------------------------------------

def run(argv, timeout=None, cwd=None, *, errors="replace", timed_out="timed out after {}s",
        start_errors=False):
    """argv's CompletedProcess with text stdout and stderr (decoding errors replaced unless
    errors=None). A timeout gives returncode -999 and stderr timed_out.format(timeout); with
    start_errors, a program that cannot start gives -998 and "cannot start: ..." (otherwise
    the OSError is raised)."""
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              errors=errors, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, -999, "", timed_out.format(timeout))
    except OSError as e:
        if not start_errors:
            raise
        return subprocess.CompletedProcess(argv, -998, "", f"cannot start: {e}")


def timed_run(argv, timeout=None, **kw):
    """(run(argv, timeout, **kw), seconds it took)."""
    t0 = time.time()
    p = run(argv, timeout, **kw)
    return p, time.time() - t0


def ferry_runner(timeout, **kw):
    """A function ferry(*args, cwd=None) running the ferry binary FERRY with args (see run)."""
    def ferry(*args, cwd=None):
        return run([FERRY, *args], timeout, cwd=cwd, **kw)
    return ferry


# ---- summaries ------------------------------------------------------------------------------

def squash(text, n=400):
    """text on one line (runs of white space as one space), at most n characters."""
    return " ".join(str(text).split())[:n]


def show(p, err=400, out=0):
    """A CompletedProcess in one line: exit code, stderr (n <= err characters) and, when out > 0
    and it printed any, stdout (n <= out characters)."""
    text = f"exit {p.returncode}; stderr: '{squash(p.stderr, err)}'"
    o = squash(p.stdout, out) if out else ""
    return text + (f"; stdout: '{o}'" if o else "")


# ---- numbers --------------------------------------------------------------------------------

def close(a, r, atol=1e-4, rtol=1e-4):
    """|a - r| <= atol + rtol*|r| everywhere; returns (ok, worst description)."""
    import numpy as np
    a = np.asarray(a, np.float64)
    r = np.asarray(r, np.float64)
    if a.shape != r.shape:
        return False, f"shape {a.shape}, expected {r.shape}"
    bad = np.abs(a - r) > atol + rtol * np.abs(r)
    if bad.any():
        i = np.unravel_index(np.argmax(np.abs(a - r) - rtol * np.abs(r)), a.shape)
        return False, f"at {tuple(int(x) for x in i)} got {a[i]!r}, expected {r[i]!r}"
    return True, ""
