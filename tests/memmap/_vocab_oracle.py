"""NumPy's answers for the vocabulary tests (tests/memmap/_vocab.ts): reads a
JSON list of cases from the file named by its argument, runs each in NumPy, prints a JSON list of
results. An array is given as {"dtype": "<f8", "shape": [...], "hex": bytes
in C order, "view": [["T"] | ["rev", axis] | ["step", axis, step], ...]};
a result array comes back as {"dtype": str, "shape": [...], "hex": its
elements in C order and native byte order}; a failure as {"error": name}.
Sorts are NumPy's stable sorts (kind="stable"), which ours match bit for
bit."""
import json
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")


def arr(spec):
    if not isinstance(spec, dict) or "hex" not in spec:
        return spec
    dt = np.dtype(spec["dtype"])
    a = np.frombuffer(bytes.fromhex(spec["hex"]), dtype=dt)
    a = a.reshape(spec["shape"]).copy()
    for v in spec.get("view", []):
        if v[0] == "T":
            a = a.T
        else:
            idx = [slice(None)] * a.ndim
            idx[v[1]] = slice(None, None, -1 if v[0] == "rev" else v[2])
            a = a[tuple(idx)]
    return a


def enc(r):
    if isinstance(r, (list, tuple)):
        return {"list": [enc(x) for x in r]}
    r = np.asarray(r)
    native = r.astype(r.dtype.newbyteorder("="))
    return {
        "dtype": r.dtype.str,
        "shape": list(r.shape),
        "hex": np.ascontiguousarray(native).tobytes().hex(),
    }


def run(case):
    op = case["op"]
    a = arr(case.get("a"))
    b = arr(case.get("b"))
    kw = {k: tuple(v) if isinstance(v, list) else v
          for k, v in case.get("kw", {}).items()}
    if op == "arange":
        return np.arange(*case["args"], **kw)
    if op == "linspace":
        return np.linspace(*case["args"], **kw)
    if op in ("zeros", "ones", "empty"):
        # np.empty's memory is uninitialised; ours is zero: compare with zeros.
        name = "zeros" if op == "empty" else op
        return getattr(np, name)(case["shape"], **kw)
    if op == "full":
        return np.full(case["shape"], b, **kw)
    if op == "concatenate":
        return np.concatenate([arr(x) for x in case["arrays"]], **kw)
    if op == "stack":
        return np.stack([arr(x) for x in case["arrays"]], **kw)
    if op == "take":
        return np.take(a, b, **kw)
    if op == "compress":
        return np.compress(b, a, **kw)
    if op == "put":
        np.put(a, b, arr(case["values"]), **kw)
        return a
    if op == "putmask":
        np.putmask(a, b, arr(case["values"]))
        return a
    if op == "nonzero":
        return np.nonzero(a)
    if op == "sort":
        a.sort(kind="stable", **kw)
        return a
    if op == "argsort":
        return a.argsort(kind="stable", **kw)
    if op == "dot":
        return np.dot(a, b)
    if op == "matmul":
        return np.matmul(a, b)
    if op == "squeeze":
        return np.squeeze(a, **kw)
    if op == "expand_dims":
        return np.expand_dims(a, **kw)
    if op == "swapaxes":
        return np.swapaxes(a, *case["args"])
    if op == "ravel":
        return a.ravel()
    if op == "flatten":
        return a.flatten()
    raise ValueError("unknown op " + op)


def hook(d):
    if len(d) == 1 and "int" in d:
        return int(d["int"])
    if len(d) == 1 and "float" in d:
        return float(d["float"])
    return d


with open(sys.argv[1]) as f:
    cases = json.load(f, object_hook=hook)
out = []
for case in cases:
    try:
        out.append(enc(run(case)))
    except Exception as e:  # noqa: BLE001 - the kind is the answer
        out.append({"error": type(e).__name__, "message": str(e)})
print(json.dumps(out))
