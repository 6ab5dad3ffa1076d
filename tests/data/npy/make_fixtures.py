#!/usr/bin/python3
"""Writes the .npy/.npz fixtures of tests/unit/test_npy.c with NumPy itself.

Run from anywhere: /usr/bin/python3 tests/data/npy/make_fixtures.py
The test checks the values against the formulas below, so keep them in step.
"""
import os
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
V = np.array([[0, 1, 2], [3, 4, 5]])
DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
          "uint16", "uint32", "uint64", "bool", "complex64", "complex128"]


def value(d):
    if d.startswith("float"):
        return (V * 0.5 - 1).astype(d)
    if d.startswith("int"):
        return (V - 2).astype(d)
    if d.startswith("uint"):
        return (V * 40).astype(d)
    if d == "bool":
        return V % 2 == 1
    return ((V * 0.5 - 1) + 1j * V).astype(d)


def path(name):
    return os.path.join(HERE, name)


def main():
    arrays = {d: value(d) for d in DTYPES}
    for d, a in arrays.items():
        np.save(path(f"{d}.npy"), a)
    np.save(path("scalar_i64.npy"), np.int64(-7))
    np.save(path("empty_u8.npy"), np.zeros((0, 3), np.uint8))
    np.save(path("f16_special.npy"), np.array([65504, -0.0, np.inf, -np.inf, np.nan, 6e-8],
                                              np.float16))
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(64).astype(np.float32)
    np.save(path("noise.npy"), noise)
    for version in [(2, 0), (3, 0)]:
        with open(path(f"v{version[0]}_f32.npy"), "wb") as f:
            np.lib.format.write_array(f, arrays["float32"], version=version)
    # refused layouts
    np.save(path("big_endian.npy"), arrays["float32"].astype(">f4"))
    np.save(path("fortran.npy"), np.asfortranarray(arrays["float32"]))
    np.save(path("object.npy"), np.array([1, "a"], dtype=object), allow_pickle=True)
    # archives: STORED and DEFLATE (dynamic Huffman from `ramp`, literals from `noise`)
    np.savez(path("dtypes.npz"), **arrays)
    ramp = (np.arange(2000) % 13).astype(np.int32)
    np.savez_compressed(path("compressed.npz"), ramp=ramp, noise=noise,
                        **{"input:0": arrays["float32"]})
    np.savez(path("stored.npz"), ramp=ramp, **{"input:0": arrays["float32"]})


if __name__ == "__main__":
    main()
