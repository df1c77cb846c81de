"""Result layouts NumPy 2.4 gives round(decimals), astype and
where/ufuncs with casts (attack13 C3): round uses the rint ufunc (order K)
for decimals == 0 only; for other decimals a float result is C (F for an
F- and not C-contiguous input), an integer one a K copy for decimals >= 0
and C for decimals < 0, a complex one C; astype's default order is K;
where never takes the trivial C/F loop, nor do ufuncs whose array inputs
are cast (so length-1 axes land where the iterator puts them).

Run: python3 tests/testdata/strides/make_layouts.py > tests/testdata/strides/layouts.json
"""
import json

import numpy as np

LAYOUTS = [
    {"shape": [2, 3, 4], "perm": None, "slice": None},
    {"shape": [2, 3, 4], "perm": [1, 0, 2], "slice": None},
    {"shape": [2, 3, 4], "perm": [2, 1, 0], "slice": None},
    {"shape": [2, 3, 4], "perm": [2, 0, 1], "slice": None},
    {"shape": [4, 3], "perm": [1, 0], "slice": None},
    {"shape": [4, 3], "perm": [1, 0], "slice": [":", "::-1"]},
    {"shape": [4, 3], "perm": None, "slice": ["::-1"]},
    {"shape": [4, 6], "perm": None, "slice": [":", "::2"]},
    {"shape": [6], "perm": None, "slice": ["::-1"]},
    {"shape": [3, 1, 4], "perm": [2, 1, 0], "slice": None},
    {"shape": [3, 1, 4], "perm": [1, 0, 2], "slice": None},
    {"shape": [1, 4, 3], "perm": [2, 1, 0], "slice": [":", ":", "::-1"]},
]


def sl(spec):
    return slice(*[int(p) if p else None for p in spec.split(":")])


def make(lay, dt):
    a = np.arange(int(np.prod(lay["shape"])), dtype=dt).reshape(lay["shape"])
    if lay["perm"] is not None:
        a = a.transpose(lay["perm"])
    if lay["slice"] is not None:
        a = a[tuple(sl(p) for p in lay["slice"])]
    return a


OPS = {
    "round 0": lambda a: np.round(a, 0),
    "round 1": lambda a: np.round(a, 1),
    "round 2": lambda a: np.round(a, 2),
    "round -1": lambda a: np.round(a, -1),
    "astype float32": lambda a: a.astype("f4"),
    "astype int16": lambda a: a.astype("i2"),
    "copy": lambda a: a.copy(),
    "where(a > 1, a, 0)": lambda a: np.where(a > 1, a, 0),
    "where(a, a, a)": lambda a: np.where(a, a, a),
    "add(a > 1, a)": lambda a: np.add(a > 1, a),
    "add(a, a)": lambda a: np.add(a, a),
    "exp": lambda a: np.exp(a),
    "add(a, 1.5)": lambda a: np.add(a, 1.5),
    "mul(a, 2)": lambda a: np.multiply(a, 2),
}
DTYPES = ["f8", "f4", "i4", "c16"]

rows = []
for li, lay in enumerate(LAYOUTS):
    for dt in DTYPES:
        a = make(lay, dt)
        for name, op in OPS.items():
            if dt == "c16" and name.startswith("astype"):
                continue
            if dt == "c16" and name.startswith("where(a > 1"):
                continue
            if dt == "c16" and name.startswith("add(a > 1"):
                continue
            r = op(a)
            rows.append({"layout": li, "dtype": dt, "op": name,
                         "strides": list(r.strides), "dtype_out": r.dtype.str})

print('{"numpy": "%s", "layouts": %s, "rows": [\n%s\n]}' % (
    np.__version__, json.dumps(LAYOUTS),
    ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows)))
