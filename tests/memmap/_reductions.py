"""NumPy's side of the reduction differential tests (tests/memmap/_reductions.ts).

Reads a JSON spec (path in argv[1]): data arrays both sides remake from one
linear congruential generator, and cases (a view of a data array, a
reduction, its arguments). Prints one JSON line: per case NumPy's values
(as `show` writes them), dtype and shape, or the error class as the library
names it (RangeError for ValueError/AxisError, TypeError for TypeError).
"""
import json
import os
import sys
import warnings

import numpy as np

# The generator and slice parsing the reduction fixtures use (same data on both sides).
sys.dont_write_bytecode = True  # no __pycache__ in the fixtures folder
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "testdata", "reduce"))
from make_fixtures import lcg_bytes, lcg_floats, parse  # noqa: E402

warnings.simplefilter("ignore")


SPECIAL = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "-0": -0.0}


def make(d):
    dt = np.dtype(d["dtype"])
    if dt.kind in "iub":
        a = np.frombuffer(lcg_bytes(d["n"] * dt.itemsize, d["seed"]), dtype=dt).copy()
        if dt.kind == "b":
            a = np.frombuffer(lcg_bytes(d["n"], d["seed"]), dtype=np.uint8) & 1
            a = a.astype(dt)
    else:
        a = lcg_floats(d["n"], d["seed"])
        if dt.kind == "c":
            a = a + 1j * lcg_floats(d["n"], d["seed"] + 1)[::-1]
        a = a.astype(dt)
    for i, v in d.get("specials", []):
        if dt.kind == "c":
            a[i] = complex(SPECIAL.get(v[0], v[0]) if isinstance(v[0], str) else v[0],
                           SPECIAL.get(v[1], v[1]) if isinstance(v[1], str) else v[1])
        elif dt.kind == "f":
            a[i] = SPECIAL.get(v, v) if isinstance(v, str) else v
        else:
            a[i] = int(v)
    return a


def view(a, steps):
    for st in steps:
        if st[0] == "reshape":
            a = a.reshape(st[1])
        elif st[0] == "slice":
            a = a[tuple(parse(s) for s in st[1])]
        elif st[0] == "transpose":
            a = a.transpose(st[1])
        else:
            a = a.T
    return a


def show(x):
    x = np.asarray(x)
    if x.dtype.kind == "c":
        return [[repr(float(v.real)), repr(float(v.imag))] for v in x.ravel()]
    if x.dtype.kind == "f":
        return [repr(float(v)) for v in x.ravel()]
    if x.dtype.kind == "b":
        return [bool(v) for v in x.ravel()]
    return [str(int(v)) for v in x.ravel()]


def run(a, c):
    op = c["op"]
    axis = c["axis"]
    if isinstance(axis, list):
        axis = tuple(axis)
    kw = {}
    if c.get("keepdims"):
        kw["keepdims"] = True
    if "ddof" in c:
        kw["ddof"] = c["ddof"]
    if op in ("cumsum", "cumprod"):
        return getattr(a, op)(axis=axis)
    return getattr(a, op)(axis=axis, **kw)


def main():
    spec = json.load(open(sys.argv[1]))
    data = [make(d) for d in spec["data"]]
    out = []
    for c in spec["cases"]:
        v = view(data[c["data"]], c["steps"])
        try:
            r = np.asarray(run(v, c))
            out.append({"values": show(r), "dtype": r.dtype.name, "shape": list(r.shape)})
        except TypeError as e:
            out.append({"error": "TypeError", "message": str(e)})
        except ValueError as e:  # AxisError too
            out.append({"error": "RangeError", "message": str(e)})
    print(json.dumps({"numpy": np.__version__, "results": out}))


main()
