"""Cases and NumPy's results for the differential test of the element-wise
vocabulary (tests/memmap/ufunc/vocab_differential_test.ts).

    python3 _vocab_numpy.py SEED COUNT [OP,OP,...] [SPECIAL_TYPES]

prints JSON {"cases": [...]}: each case names an operation, its operands
(arrays as the bytes of a base array plus the slices and transpose that make
the view, in either byte order; or plain scalars) and NumPy's result (its
dtype name, shape and native bytes) or the class of the error NumPy raised.
Shapes are random (0-d to 4-D, empty axes, broadcasting), as are dtypes
(every numeric dtype), views (strided, reversed, transposed) and values
(edge values first: NaN, +-inf, -0, the integer minimum, 0 divisors ...).
The committed fixture tests/testdata/ufunc/vocab_results.json is this
script's output for seed 1, count 600, gzipped
(`python3 _vocab_numpy.py 1 600 | gzip -9 -n`)."""
import json
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")

SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 1
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 200
ONLY = sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else None
SPECIAL_TYPES = (sys.argv[4].split(",") if len(sys.argv) > 4 else
                 ["float16", "float32", "float64", "complex64", "complex128"])
rng = np.random.default_rng(SEED)

NAMES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32",
         "int64", "uint64", "float16", "float32", "float64", "complex64",
         "complex128"]

# NumPy name -> (method here, number of array/scalar inputs)
BINARY = {
    "add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "div",
    "floor_divide": "floorDiv", "remainder": "mod", "power": "pow",
    "maximum": "maximum", "minimum": "minimum", "arctan2": "arctan2",
    "hypot": "hypot", "bitwise_and": "bitwiseAnd", "bitwise_or": "bitwiseOr",
    "bitwise_xor": "bitwiseXor", "left_shift": "leftShift",
    "right_shift": "rightShift", "logical_and": "logicalAnd",
    "logical_or": "logicalOr", "logical_xor": "logicalXor", "equal": "eq",
    "not_equal": "ne", "less": "lt", "less_equal": "le", "greater": "gt",
    "greater_equal": "ge",
}
UNARY = {
    "negative": "neg", "absolute": "abs", "sign": "sign", "sqrt": "sqrt",
    "square": "square", "cbrt": "cbrt", "exp": "exp", "exp2": "exp2",
    "expm1": "expm1", "log": "log", "log2": "log2", "log10": "log10",
    "log1p": "log1p", "sin": "sin", "cos": "cos", "tan": "tan",
    "arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "floor": "floor",
    "ceil": "ceil", "trunc": "trunc", "rint": "rint", "isnan": "isnan",
    "isinf": "isinf", "isfinite": "isfinite", "logical_not": "logicalNot",
    "invert": "invert",
}
SPECIAL = ["round", "clip", "where"]
OPS = list(BINARY) + list(UNARY) + SPECIAL
if ONLY:
    OPS = [op for op in OPS if op in ONLY]

FLOAT_EDGES = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5,
               1.5, 2.5, -2.5, 3.0, -7.0, 1e-300, 5e-324, 1e300, -1e300,
               65504.0, 1e-7, 0.1, 100.5, np.pi, -np.e, 2.0**53 + 2, 1e20,
               -1e-20, 0.99999, 709.0, 89.0, 11.0]


def values(dt, n, op):
    """n values of dtype dt: edge values, then random ones of many scales."""
    return _values(dt.newbyteorder("="), n, op).astype(dt)


def _values(dt, n, op):
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        edge = [0, 1, -1, 2, 3, -2, info.min, info.max, info.min + 1,
                info.max - 1, 7, -7, 100]
        edge = [v for v in edge if info.min <= v <= info.max]
        if op == "round_u4":
            return rng.integers(0, 2**32 - 100000, n).astype(dt)
        if op == "small_power":
            v = rng.integers(max(info.min, -3), min(info.max, 30), n).astype(dt)
            rng.shuffle(v)
            return v
        if op in ("left_shift", "right_shift", "power"):
            small = rng.integers(max(info.min, -2), min(info.max, dt.itemsize * 8 + 3), n)
            raw = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
            pick = rng.random(n) < 0.6
            v = np.where(pick, small.astype(dt), raw)
        else:
            v = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
            small = rng.integers(-20, 21, n)
            pick = rng.random(n) < 0.4
            v = np.where(pick & (small >= info.min), small.astype(dt), v)
        k = min(len(edge), n // 2)
        start = rng.integers(0, len(edge))
        v[:k] = np.array([edge[(start + i) % len(edge)] for i in range(k)], dt)
        rng.shuffle(v)
        return v
    scale = rng.choice([1.0, 1.0, 1.0, 1e-3, 1e3, 1e30, 1e-30, 300.0])
    if op == "small_power":
        scale = 3.0
    v = rng.standard_normal(n) * scale
    if op in ("arcsin", "arccos", "arctanh", "log1p"):
        v = rng.uniform(-1.2, 1.2, n)
    if op in ("exp", "exp2", "expm1", "sinh", "cosh"):
        v = rng.uniform(-30, 30, n) * rng.choice([1, 1, 10, 25])
    edge = FLOAT_EDGES
    k = min(len(edge), max(n // 3, 1))
    start = rng.integers(0, len(edge))
    if n > 0 and rng.random() < 0.8 and op != "small_power":
        v[:k] = [edge[(start + i) % len(edge)] for i in range(k)]
    rng.shuffle(v)
    if dt.kind == "c":
        w = rng.standard_normal(n) * scale
        if n > 0 and rng.random() < 0.5 and op != "small_power":
            w[: k // 2] = [edge[(start + 7 + i) % len(edge)] for i in range(k // 2)]
        rng.shuffle(w)
        return (v + 1j * w).astype(dt)
    return v.astype(dt)


def random_shape():
    ndim = int(rng.choice([0, 1, 1, 2, 2, 3, 4]))
    dims = [int(rng.choice([0, 1, 1, 2, 3, 4, 5, 7])) for _ in range(ndim)]
    while int(np.prod(dims)) > 96:
        dims = [max(1, d // 2) for d in dims]
    if 0 in dims and rng.random() < 0.7:
        dims = [d if d != 0 else 1 for d in dims]
    return dims


def broadcast_from(shape):
    """A shape that broadcasts to `shape` (leading axes dropped, some set to 1)."""
    drop = rng.integers(0, len(shape) + 1) if rng.random() < 0.3 else 0
    s = list(shape[drop:])
    return [1 if rng.random() < 0.25 else int(d) for d in s]


def pick_dtype(op):
    name = rng.choice(NAMES)
    dt = np.dtype(name)
    if dt.itemsize > 1 and rng.random() < 0.25:
        dt = dt.newbyteorder(">")
    return dt


def make_array(shape, dt, op):
    """An operand: a (maybe strided, reversed, transposed) view of a base array."""
    nd = len(shape)
    perm = [int(p) for p in rng.permutation(nd)] if nd > 1 and rng.random() < 0.3 else list(range(nd))
    inv = [0] * nd
    for i, p in enumerate(perm):
        inv[p] = i
    vshape = [shape[inv[j]] for j in range(nd)]
    steps = [int(rng.choice([1, 1, 1, 2, -1, -2])) if rng.random() < 0.5 else 1
             for _ in range(nd)]
    offs = [int(rng.integers(0, 2)) for _ in range(nd)]
    base = [vshape[k] * abs(steps[k]) + offs[k] for k in range(nd)]
    index = []
    for k in range(nd):
        s, o, n = steps[k], offs[k], vshape[k]
        if n == 0:
            index.append("0:0")
        elif s > 0:
            index.append(f"{o}:{o + n * s}:{s}")
        else:
            start = o + (n - 1) * -s
            stop = o + s
            index.append(f"{start}:{'' if stop < 0 else stop}:{s}")
    size = int(np.prod(base)) if nd else 1
    flat = values(dt, size, op)
    b = np.asarray(flat, dtype=dt).reshape(base)
    view = b[tuple(slice(*[int(p) if p else None for p in ix.split(":")]) for ix in index)] if nd else b
    view = view.transpose(perm) if nd else view
    assert list(view.shape) == list(shape), (view.shape, shape)
    spec = {"kind": "array", "dtype": dt.str, "base": [int(d) for d in base],
            "hex": b.tobytes().hex(), "index": index, "perm": perm}
    return view, spec


def make_scalar(op, other_dt):
    """A plain Python scalar of a kind JavaScript can express."""
    kind = rng.choice(["int", "int", "float", "bool", "complex"] if op not in ("left_shift", "right_shift") else ["int"])
    if op == "small_power" and kind == "int":
        v = int(rng.integers(-3, 30))
        return v, {"kind": "scalar", "value": v}
    if kind == "bool":
        v = bool(rng.integers(0, 2))
        return v, {"kind": "scalar", "value": v}
    if kind == "int":
        if rng.random() < 0.15:
            v = int(rng.choice([300, -1, 1000, 2**40, -(2**63), 2**64 - 1, 2**70]))
        else:
            v = int(rng.integers(-5, 9))
        return v, {"kind": "scalar", "value": str(v) + "n" if abs(v) > 2**53 else v}
    if kind == "float":
        v = float(rng.choice([0.5, -2.5, 1.5, 0.1, np.nan, np.inf, -np.inf, 3.75, 1e-3]))
        return v, {"kind": "scalar", "value": v if np.isfinite(v) else str(v)}
    re, im = float(rng.choice([0.5, -1.0, 2.0])), float(rng.choice([0.5, -1.5, 0.0]))
    return complex(re, im), {"kind": "scalar", "value": {"re": re, "im": im}}


def operand(shape, op, other_dt=None, scalar_ok=True):
    if scalar_ok and rng.random() < 0.2:
        return make_scalar(op, other_dt)
    return make_array(shape, pick_dtype(op), op)


def result_spec(r):
    r = np.asarray(r)
    native = r.astype(r.dtype.newbyteorder("="))
    return {"dtype": r.dtype.name, "shape": list(r.shape),
            "hex": np.ascontiguousarray(native).tobytes().hex()}


def error_kind(e):
    name = type(e).__name__
    if any(m in str(e) for m in ("Cannot cast ufunc", "Cannot cast array data", "Cannot cast scalar")):
        return "RangeError"  # out of a type the result does not cast to
    if isinstance(e, TypeError):
        return "TypeError"
    if isinstance(e, (ValueError, OverflowError)):
        return "RangeError"
    if isinstance(e, SystemError):
        # NumPy 2.4 reports power's ValueError (a negative integer exponent)
        # as SystemError when the loop runs through a cast to out.
        return "RangeError"
    return name


def case(op):
    shape = random_shape()
    out_dt = None
    if op in BINARY:
        xshape, yshape, xdt = broadcast_from(shape), broadcast_from(shape), pick_dtype(op)
        x, xs = make_array(xshape, xdt, op)
        y, ys = operand(yshape, op)
        if op == "power" and (xdt.kind == "c" or np.asarray(y).dtype.kind == "c"):
            # Complex powers go through C's cpow (exp(b log a), in float
            # precision for complex64), whose error grows with |b log a|
            # and whose overflow to inf or NaN depends on its internals:
            # keep bases and exponents moderate.
            x, xs = make_array(xshape, xdt, "small_power")
            y, ys = operand(yshape, "small_power")
        args, specs = [x, y], [xs, ys]
        fn = lambda *a, **k: getattr(np, op)(*a, **k)
    elif op in UNARY:
        x, xs = make_array(shape, pick_dtype(op), op)
        args, specs = [x], [xs]
        fn = lambda *a, **k: getattr(np, op)(*a, **k)
    elif op == "round":
        dt = pick_dtype(op)
        # float64 -> uint32 of values past 2**32 (10**k-rounding of the
        # largest uint32) is undefined in C; NumPy's result depends on its
        # loop: leave uint32 to the smaller values.
        x, xs = make_array(shape, dt, "round_u4" if dt.name == "uint32" else op)
        d = int(rng.integers(-3, 5))
        args, specs = [x, d], [xs, {"kind": "decimals", "value": int(d)}]
        fn = lambda a, d, **k: np.round(a, d, **k)
    elif op == "clip":
        x, xs = make_array(broadcast_from(shape), pick_dtype(op), op)
        bounds = []
        for _ in range(2):
            if rng.random() < 0.15:
                bounds.append((None, {"kind": "null"}))
            else:
                bounds.append(operand(broadcast_from(shape), op))
        args = [x, bounds[0][0], bounds[1][0]]
        specs = [xs, bounds[0][1], bounds[1][1]]
        fn = lambda a, lo, hi, **k: np.clip(a, lo, hi, **k)
    else:  # where
        c, cs = operand(broadcast_from(shape), op)
        x, xs = operand(broadcast_from(shape), op)
        y, ys = operand(broadcast_from(shape), op)
        if not isinstance(x, np.ndarray) and not isinstance(y, np.ndarray) and not isinstance(c, np.ndarray):
            c, cs = make_array(shape, np.dtype(bool), op)
        args, specs = [c, x, y], [cs, xs, ys]
        fn = lambda c, x, y: np.where(c, x, y)
    entry = {"op": op, "args": specs}
    if op != "where" and rng.random() < 0.12:
        # out=: an array of the broadcast shape (sometimes not) and some dtype.
        try:
            full = np.broadcast_shapes(*[np.shape(a) for a in args if isinstance(a, np.ndarray)])
        except ValueError:
            full = tuple(shape)
        if rng.random() < 0.1:
            full = tuple(list(full) + [2])
        out_dt = pick_dtype(op)
        out = np.zeros(full, out_dt)
        entry["out"] = {"dtype": out_dt.str, "shape": [int(d) for d in full]}
        try:
            # The loop's own type: ulps count in it, not in out's type.
            entry["loop"] = np.asarray(fn(*args)).dtype.name
        except Exception:
            pass
        try:
            fn(*args, out=out)
            entry["result"] = result_spec(out)
        except Exception as e:
            entry["error"] = error_kind(e)
        return entry
    try:
        entry["result"] = result_spec(fn(*args))
    except Exception as e:
        entry["error"] = error_kind(e)
    return entry


SPECIAL_VALUES = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, 2.0,
                  1e300, -1e300, 5e-324, 710.0, -710.0, 1000.0, 1e-20]


def special_cases():
    """Every unary float function on every pair of special values (complex)
    and every special value (real), in every float type."""
    out = []
    grid = np.array([complex(a, b) for a in SPECIAL_VALUES for b in SPECIAL_VALUES])
    for op in UNARY:
        if ONLY and op not in ONLY:
            continue
        for name in SPECIAL_TYPES:
            dt = np.dtype(name)
            base = (grid if dt.kind == "c" else np.array(SPECIAL_VALUES)).astype(dt)
            spec = {"kind": "array", "dtype": dt.str, "base": [len(base)],
                    "hex": base.tobytes().hex(), "index": [":"], "perm": [0]}
            entry = {"op": op, "args": [spec]}
            try:
                entry["result"] = result_spec(getattr(np, op)(base))
            except Exception as e:
                entry["error"] = error_kind(e)
            out.append(entry)
    return out


cases = special_cases() + [case(OPS[i % len(OPS)]) for i in range(COUNT)]
print(json.dumps({"seed": SEED, "count": COUNT, "cases": cases}))
