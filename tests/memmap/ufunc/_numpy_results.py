"""NumPy's results for the ufunc tests: every cast between the 14 numeric
dtypes and add/subtract/multiply/true_divide of every pair of dtypes, on
edge values and random bits, as hex bytes. Run by tests/memmap/ufunc/numpy_test.ts
(python3 _numpy_results.py SEED COUNT [PAIRS]); the committed fixture
tests/testdata/ufunc/numpy_results.json is its output for seed 1, count 4,
pairs "same" (arithmetic between arrays of one dtype only)."""
import json
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")
NAMES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
         "uint64", "float16", "float32", "float64", "complex64", "complex128"]
SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 1
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 24
PAIRS = sys.argv[3] if len(sys.argv) > 3 else "all"
rng = np.random.default_rng(SEED)

FLOAT_EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -1.5, 2.5, 255.5, 256.0, -129.0,
               127.99, 1e10, -1e10, 3e9, -3e9, 2**31, 2**31 - 0.5, -2**31 - 1,
               2**32, 2**32 + 1, 2**63, 2**63 + 4096, -2**63, -2**63 - 4096,
               2**64, 2**64 - 2048, 1e20, -1e20, np.inf, -np.inf, np.nan, 65504,
               65520, 65519.9, 1e-8, 6e-8, 3e-5, 1e38, 3.5e38, 1e-40, 2.0**-149,
               np.pi, -np.e, 4e9, -5e9, 1.9e19, 70000.0, -70000.0, 40000.0]
INT_EDGES = [0, 1, -1, 2, 127, 128, 255, 256, -128, -129, 32767, 32768, 65535,
             65536, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53 + 1,
             2**54 + 2**30 + 1, 4890094247338191195, 2**63 - 1, -(2**63),
             2**64 - 1, 2**24 + 1, 2**24 + 3, 65519, 65520, 65504,
             2**62 + 2**38 + 1, -(2**62) - 2**38 - 1, -(2**31), -(2**31) - 1]


def cast_values(name):
    dt = np.dtype(name)
    raw = rng.integers(0, 256, size=COUNT * dt.itemsize, dtype=np.uint8).view(dt)
    if dt.kind == "b":
        edge = np.array([True, False])
        raw = raw != 0
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        edge = np.array([v for v in INT_EDGES if info.min <= v <= info.max], dt)
    elif dt.kind == "f":
        edge = np.array(FLOAT_EDGES, np.float64).astype(dt)
    else:
        edge = (np.array(FLOAT_EDGES, np.float64).astype(dt) +
                np.array(FLOAT_EDGES[::-1], np.float64).astype(dt) * 1j)
    return np.concatenate([edge, raw])


def arith_values(name, n):
    """n + 6 values: for floats, 0, -0, inf, -inf, nan, 1 first."""
    dt = np.dtype(name)
    if dt.kind == "b":
        return rng.integers(0, 2, n + 6).astype(bool)
    if dt.kind in "iu":
        return rng.integers(0, 256, size=(n + 6) * dt.itemsize,
                            dtype=np.uint8).view(dt)
    v = rng.standard_normal(n) * np.exp(rng.uniform(-20, 20, n))
    if dt.kind == "c":
        v = v + 1j * rng.standard_normal(n) * np.exp(rng.uniform(-20, 20, n))
    return np.concatenate([[0, -0.0, np.inf, -np.inf, np.nan, 1], v]).astype(dt)


def main():
    casts = {}
    for a in NAMES:
        v = cast_values(a)
        casts[a] = {"src": v.tobytes().hex(),
                    "to": {b: v.astype(b).tobytes().hex() for b in NAMES}}
    vals = {a: arith_values(a, COUNT) for a in NAMES}
    ops = {"add": np.add, "sub": np.subtract, "mul": np.multiply,
           "div": np.true_divide}
    res = {}
    for a in NAMES:
        for b in NAMES:
            if PAIRS == "same" and a != b:
                continue
            for key, f in ops.items():
                try:
                    r = f(vals[a], vals[b])
                    res[f"{a},{b},{key}"] = [r.dtype.name, r.tobytes().hex()]
                except TypeError:
                    res[f"{a},{b},{key}"] = ["TypeError"]
    json.dump({"seed": SEED, "count": COUNT, "casts": casts,
               "arith": {"vals": {a: v.tobytes().hex() for a, v in vals.items()},
                         "res": res}}, sys.stdout)


main()
