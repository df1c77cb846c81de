"""Result layouts NumPy 2.4 gives reductions along axes (keepdims too),
var/std, linalg.norm and cumsum/cumprod (attack13 C9): the iterator sorts
the input's axes by stride (K order) and lays the new result out in that
order, the reduced axes dropped (kept as length 1 with keepdims); cumsum
and cumprod along an axis follow the input's K order; argmax/argmin are C.

Run: python3 tests/testdata/strides/make_reductions.py > tests/testdata/strides/reductions.json
"""
import json
import warnings

import numpy as np

warnings.simplefilter("ignore")

LAYOUTS = []
for perm in [None, [3, 2, 1, 0], [1, 3, 0, 2], [2, 0, 3, 1]]:
    for rev in [False, True]:
        LAYOUTS.append({"shape": [2, 3, 4, 5], "perm": perm,
                        "slice": ["::-1"] if rev else None})
LAYOUTS += [
    {"shape": [2, 3, 4], "perm": [1, 0, 2], "slice": None},
    {"shape": [4, 6], "perm": [1, 0], "slice": [":", "::2"]},
    {"shape": [3, 1, 4], "perm": [2, 1, 0], "slice": None},
    {"shape": [1, 4, 3], "perm": [2, 1, 0], "slice": [":", ":", "::-1"]},
    {"shape": [4, 3], "perm": [1, 0], "slice": [":", "::-1"]},
]
# Inputs with an axis of length 0 (fix14a): results with elements follow the
# input's strides as any other (K order), empty results have strides of 0.
LAYOUTS += [
    {"shape": [0, 3, 4], "perm": None, "slice": None},
    {"shape": [0, 3, 4], "perm": [2, 1, 0], "slice": None},
    {"shape": [2, 3, 4], "perm": None, "slice": [":", ":0"]},
    {"shape": [2, 3, 4], "perm": [2, 1, 0], "slice": [":", ":", ":0"]},
    {"shape": [2, 3, 4], "perm": [2, 1, 0], "slice": [":0"]},
    {"shape": [2, 3, 4], "perm": [1, 2, 0], "slice": ["::-1", ":0"]},
    {"shape": [2, 3, 4, 5], "perm": [3, 1, 0, 2], "slice": [":", ":0"]},
    {"shape": [3, 4], "perm": [1, 0], "slice": [":0"]},
    {"shape": [3, 4], "perm": [1, 0], "slice": [":", ":0"]},
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


REDUCTIONS = ["sum", "mean", "min", "max", "prod", "var", "std", "any",
              "all", "norm"]
DTYPES = ["f8", "f4", "i4", "c16"]


def axes_of(nd):
    out = [[k] for k in range(nd)]
    if nd >= 3:
        out += [[0, 2], [1, nd - 1]]
    return out + [None]


def call(a, name, axis, kd):
    ax = None if axis is None else (axis[0] if len(axis) == 1 else tuple(axis))
    if name == "norm":
        return np.linalg.norm(a, axis=ax, keepdims=kd)
    return getattr(a, name)(axis=ax, keepdims=kd)


rows = []
for li, lay in enumerate(LAYOUTS):
    for dt in DTYPES:
        a = make(lay, dt)
        for axis in axes_of(a.ndim):
            for kd in [False, True]:
                for name in REDUCTIONS:
                    if dt == "c16" and name in ("min", "max"):
                        continue
                    if name == "norm" and axis is not None and len(axis) > 2:
                        continue
                    if name == "norm" and axis is None and a.ndim > 2:
                        continue
                    try:
                        r = np.asarray(call(a, name, axis, kd))
                    except ValueError:  # min/max/norm of nothing
                        continue
                    if r.ndim == 0:
                        continue
                    rows.append({"layout": li, "dtype": dt, "op": name,
                                 "axis": axis, "keepdims": kd,
                                 "strides": list(r.strides)})
        for k in range(a.ndim):
            for name in ["cumsum", "cumprod", "argmax", "argmin"]:
                try:
                    r = getattr(a, name)(axis=k)
                except ValueError:  # argmax/argmin of nothing
                    continue
                rows.append({"layout": li, "dtype": dt, "op": name,
                             "axis": [k], "keepdims": False,
                             "strides": list(r.strides)})

print('{"numpy": "%s", "layouts": %s, "rows": [\n%s\n]}' % (
    np.__version__, json.dumps(LAYOUTS),
    ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows)))
