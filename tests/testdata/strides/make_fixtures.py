"""Strides NumPy 2.4 gives arrays of no elements (attack13 C1): new arrays
(allocations, copies, results) step 0 on every axis; arrays over existing
bytes (a loaded or mapped .npy, frombuffer().reshape(), reshapes, slices)
keep the contiguous strides of a 0 dimension counted as 1, and an empty
slice steps +1 whatever its step.

Run: python3 tests/testdata/strides/make_fixtures.py > tests/testdata/strides/empty_strides.json
"""
import json
import os
import tempfile

import numpy as np

SHAPES = [[0], [0, 3], [3, 0], [0, 0], [5, 0, 7], [2**52, 0], [0, 2**52],
          [2**50, 0, 8], [3, 2**40, 0]]
DTYPES = ["f8", "i2", "U3", "c16", "b1", "V0"]
SMALL = lambda s: all(d < 2**40 for d in s)

tmp = tempfile.mkdtemp()


def load(a, mmap):
    path = os.path.join(tmp, "a.npy")
    np.save(path, a)
    return np.load(path, mmap_mode="r" if mmap else None)


PRODUCERS = {
    "zeros": lambda s, d, o: np.zeros(s, d, order=o),
    "empty": lambda s, d, o: np.empty(s, d, order=o),
    "ones": lambda s, d, o: np.ones(s, d, order=o),
    "copy": lambda s, d, o: np.zeros(s, d, order=o).copy(),
    "T.copy": lambda s, d, o: np.zeros(s, d, order=o).T.copy(),
    "astype f4": lambda s, d, o: np.zeros(s, d, order=o).astype("f4") if d in ("f8", "i2", "b1") else None,
    "add 1": lambda s, d, o: np.zeros(s, "f8", order=o) + 1,
    "concatenate": lambda s, d, o: np.concatenate([np.zeros(s, d, order=o)] * 2) if SMALL(s) else None,
    "stack": lambda s, d, o: np.stack([np.zeros(s, d, order=o)] * 2) if SMALL(s) else None,
    "reshape reversed": lambda s, d, o: np.zeros(s, d, order=o).reshape(s[::-1]),
    "reshape -1": lambda s, d, o: np.zeros(s, d, order=o).reshape(-1),
    "T": lambda s, d, o: np.zeros(s, d, order=o).T,
    "load": lambda s, d, o: load(np.zeros(s, d, order=o), False),
    "load mapped": lambda s, d, o: load(np.zeros(s, d, order=o), True),
    "frombuffer reshape": lambda s, d, o: np.frombuffer(b"", d).reshape(s) if d != "V0" else None,
}

rows = []
for s in SHAPES:
    for d in DTYPES:
        for o in "CF":
            for name, make in PRODUCERS.items():
                a = make(s, d, o)
                if a is None:
                    continue
                rows.append({"producer": name, "shape": s, "dtype": d, "order": o,
                             "result_shape": list(a.shape), "strides": list(a.strides)})

# Empty slices step +1 whatever their step; their offset stays.
SLICES = [
    ([5], ["3:3:-1"]), ([5], ["::-1"]), ([5], ["4:1"]), ([5], ["2:2:-2"]),
    ([3, 4], [":", "2:2:-1"]), ([3, 4], ["2:2:-1", "::-1"]),
    ([3, 4], ["1:1", "2:3"]), ([3, 4], ["2:3", "3:3:-1"]), ([3, 4], ["::-1", "1:0"]),
    ([3, 4], ["3:2:-1", "::-2"]),
]


def sl(spec):
    parts = [int(p) if p else None for p in spec.split(":")]
    return slice(*parts)


for s, spec in SLICES:
    a = np.arange(int(np.prod(s)), dtype="f8").reshape(s)
    v = a[tuple(sl(p) for p in spec)]
    off = v.__array_interface__["data"][0] - a.__array_interface__["data"][0]
    rows.append({"producer": "slice", "shape": s, "spec": spec,
                 "result_shape": list(v.shape), "strides": list(v.strides), "offset": off})

print('{"numpy": "%s", "rows": [\n%s\n]}' % (
    np.__version__, ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows)))
