"""Writes expected.json: NumPy's reductions of arrays both sides can remake.

The data comes from one linear congruential generator that TypeScript repeats
exactly (tests/memmap/_reduce_cases.ts): "bytes" data is its bytes, read as
any dtype; "floats" data is dyadic numbers (exact in every float width used).
Run from the repository root with Python 3.11 and NumPy 2.4:

    python3 tests/testdata/reduce/make_fixtures.py > tests/testdata/reduce/expected.json
"""
import json
import numpy as np


def lcg_bytes(n, seed):
    out = bytearray(n)
    for i in range(n):
        seed = (seed * 1103515245 + 12345) % 2147483648
        out[i] = (seed >> 16) & 255
    return bytes(out)


def lcg_floats(n, seed):
    out = np.empty(n)
    for i in range(n):
        seed = (seed * 1103515245 + 12345) % 2147483648
        out[i] = (seed - 2**30) * 2.0 ** -(10 + i % 7)
    return out


def make(data):
    if data["kind"] == "bytes":
        size = np.dtype(data["dtype"]).itemsize
        return np.frombuffer(lcg_bytes(data["n"] * size, data["seed"]), dtype=data["dtype"])
    return lcg_floats(data["n"], data["seed"]).astype(data["dtype"])


def parse(s):
    if ":" not in s:
        return int(s)
    return slice(*[int(p) if p else None for p in s.split(":")])


def view(a, steps):
    for st in steps:
        if st[0] == "reshape":
            a = a.reshape(st[1])
        elif st[0] == "slice":
            a = a[tuple(parse(s) for s in st[1])]
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


def cases():
    out = []
    ints = ["<i8", "<u8", "<i4", "<u4", "<i2", ">i2", "|i1", "|u1", "|b1", ">u8"]
    int_views = [[], [["slice", ["::-1"]]], [["slice", ["1::3"]]], [["reshape", [20, 30]]],
                 [["reshape", [20, 30]], ["T"]]]
    for i, dt in enumerate(ints):
        data = {"kind": "bytes", "dtype": dt, "n": 600, "seed": i + 1}
        for steps in int_views:
            for op in ["sum", "min", "max", "mean"]:
                axes = [None, 0, 1] if steps and steps[0][0] == "reshape" and op != "mean" else [None]
                for axis in axes:
                    out.append({"data": data, "steps": steps, "op": op, "axis": axis})
    # Long enough for NumPy's pairwise recursion and buffers: whole-array sums and means.
    long_views = [[], [["slice", ["::-1"]]], [["slice", ["1::3"]]], [["reshape", [100, 200]], ["T"]],
                  [["reshape", [100, 200]], ["slice", ["::2", "1:"]]],
                  [["reshape", [10, 20, 100]], ["slice", [":", "::-1", ":"]]]]
    for i, dt in enumerate(["<f8", "<f4", ">f8", "<f2", "<c16", "<c8", "<i8"]):
        data = {"kind": "floats" if dt[1] != "i" else "bytes", "dtype": dt, "n": 20000, "seed": 100 + i}
        for steps in long_views:
            for op in ["sum", "mean"]:
                out.append({"data": data, "steps": steps, "op": op, "axis": None})
    # Axes of small float arrays.
    for i, dt in enumerate(["<f8", "<f4", ">f4", "<c16"]):
        data = {"kind": "floats", "dtype": dt, "n": 600, "seed": 200 + i}
        for steps in int_views[3:] + [[["reshape", [4, 3, 50]], ["slice", [":", "::-1", "::5"]]]]:
            for op in ["sum", "mean", "min", "max"]:
                if dt.startswith("<c") and op in ("min", "max"):
                    continue
                for axis in ([0, -1] if op != "mean" else [-1]):
                    out.append({"data": data, "steps": steps, "op": op, "axis": axis})
    empty = {"kind": "bytes", "dtype": "<i4", "n": 0, "seed": 1}
    for op in ["sum", "min", "mean"]:
        out.append({"data": empty, "steps": [], "op": op, "axis": None})
        out.append({"data": empty, "steps": [["reshape", [0, 3]]], "op": op, "axis": 0})
        out.append({"data": empty, "steps": [["reshape", [0, 3]]], "op": op, "axis": 1})
    return out


def main():
    import warnings
    warnings.simplefilter("ignore")
    datas, results, arrays = [], [], []
    for c in cases():
        if c["data"] not in datas:
            datas.append(c["data"])
            arrays.append(make(c["data"]))
        d = datas.index(c["data"])
        v = view(arrays[d], c["steps"])
        case = {"data": d, "steps": c["steps"], "op": c["op"], "axis": c["axis"]}
        try:
            r = getattr(v, c["op"])(axis=c["axis"])
            case["values"] = show(r)
            case["dtype"] = np.asarray(r).dtype.name
            case["scalar"] = np.ndim(r) == 0
        except ValueError as e:
            case["error"] = str(e)
        results.append(case)
    print(json.dumps({"numpy": np.__version__, "data": datas, "cases": results}, separators=(",", ":")))


if __name__ == "__main__":
    main()
