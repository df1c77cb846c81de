import assert from "node:assert/strict";
import { arange, type NDArray } from "../../mod.ts";
import type { Layout } from "./_layouts.ts";
import { numpy, numpyFixtureTests } from "./_numpy.ts";

// The layouts and types of new arrays "like" an array (NumPy's
// PyArray_NewLikeArray, order K: astype, and the copies round makes of
// integer and complex arrays) against NumPy 2.4, over views with length-1
// axes (attack14 D3: such an axis is placed by its own stride, not where
// an element-wise result's iterator leaves it) and non-native byte orders
// (attack14 D1: round keeps the array's type, byte order included, but
// for float decimals 0, rint's native result). Element-wise results are
// rows too (their own, iterator's rule). NumPy's results are committed in
// tests/testdata/strides/like_layouts.json; `deno run -A` of this file
// rewrites it.

/** Views with length-1 axes (and a few without): shape, transpose, slice. */
const LAYOUTS: Layout[] = [
  { shape: [4, 5, 2], perm: [1, 2, 0], slice: [":", "1:", ":"] },
  { shape: [5, 4, 1], perm: [1, 2, 0], slice: ["::-1", "::-2", ":"] },
  { shape: [5, 3, 1], perm: [1, 2, 0], slice: ["::-1", "::-1", ":"] },
  { shape: [3, 1, 5], perm: [2, 1, 0], slice: null },
  { shape: [1, 4, 3], perm: [2, 1, 0], slice: [":", ":", "::-1"] },
  { shape: [2, 1, 3, 1], perm: [3, 2, 1, 0], slice: null },
  { shape: [2, 1, 3, 1], perm: [1, 3, 0, 2], slice: ["::-1", ":", ":", ":"] },
  { shape: [4, 6], perm: null, slice: [":", "2:3"] },
  { shape: [3, 1], perm: null, slice: ["::-1", "::2"] },
  { shape: [4, 1, 3, 1], perm: [0, 3, 1, 2], slice: ["::-1", ":", "::2", ":"] },
  { shape: [2, 3, 4], perm: [2, 0, 1], slice: null },
  { shape: [4, 3], perm: [1, 0], slice: [":", "::-1"] },
];

const DTYPES = ["f8", ">f8", "f2", ">f4", "c16", ">c8", "i4", ">i4", ">u2"];

const OPS: Record<string, (a: NDArray) => NDArray> = {
  "astype f4": (a) => a.astype("float32"),
  "astype >i2": (a) => a.astype(">i2"),
  "round 0": (a) => a.round(0),
  "round 1": (a) => a.round(1),
  "round -1": (a) => a.round(-1),
  "round 2": (a) => a.round(2),
  exp: (a) => a.exp(),
  "add(a, a)": (a) => a.add(a),
};

const PY_OPS = `{
  "astype f4": lambda a: a.astype("f4"),
  "astype >i2": lambda a: a.astype(">i2"),
  "round 0": lambda a: np.round(a, 0),
  "round 1": lambda a: np.round(a, 1),
  "round -1": lambda a: np.round(a, -1),
  "round 2": lambda a: np.round(a, 2),
  "exp": lambda a: np.exp(a),
  "add(a, a)": lambda a: np.add(a, a),
}`;

interface Row {
  layout: number;
  dtype: string;
  op: string;
  strides: number[];
  str: string;
}

/** Complex arrays do not cast to real types (NumPy warns). */
const skip = (dt: string, op: string) =>
  dt.includes("c") && op.startsWith("astype");

function make(lay: Layout, dt: string): NDArray {
  const n = lay.shape.reduce((x, y) => x * y, 1);
  let a = arange(n).astype(dt as "float64").reshape(lay.shape) as NDArray;
  if (lay.perm !== null) a = a.transpose(...lay.perm);
  if (lay.slice !== null) a = a.slice(...lay.slice);
  return a;
}

function fromNumpy(): Row[] {
  return numpy<Row[]>(`
import warnings
layouts = json.loads(${JSON.stringify(JSON.stringify(LAYOUTS))})
ops = ${PY_OPS}
def sl(spec):
    return slice(*[int(p) if p else None for p in spec.split(":")])
rows = []
for li, lay in enumerate(layouts):
    for dt in ${JSON.stringify(DTYPES)}:
        a = np.arange(int(np.prod(lay["shape"]))).astype(dt).reshape(lay["shape"])
        if lay["perm"] is not None: a = a.transpose(lay["perm"])
        if lay["slice"] is not None: a = a[tuple(sl(p) for p in lay["slice"])]
        for op, f in ops.items():
            if "c" in dt and op.startswith("astype"): continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = f(a)
            rows.append({"layout": li, "dtype": dt, "op": op,
                         "strides": list(r.strides), "str": r.dtype.str})
print(json.dumps(rows))`);
}

function check(rows: Row[]): void {
  assert.equal(
    rows.length,
    LAYOUTS.length * DTYPES.length * Object.keys(OPS).length -
      LAYOUTS.length * DTYPES.filter((d) => d.includes("c")).length * 2,
  );
  const wrong: string[] = [];
  for (const r of rows) {
    if (skip(r.dtype, r.op)) continue;
    const a = make(LAYOUTS[r.layout], r.dtype);
    const got = OPS[r.op](a);
    // Values as the C-order computation (layouts change nothing else).
    assert.deepEqual(got.toArray(), OPS[r.op](a.copy()).toArray(), r.op);
    const mine = `[${got.strides}] ${got.dtype.str}`;
    const want = `[${r.strides}] ${r.str}`;
    if (mine !== want) {
      wrong.push(
        `${r.op} of ${r.dtype} layout ${r.layout} [${a.strides}]: ${mine}, NumPy ${want}`,
      );
    }
  }
  assert.deepEqual(wrong, []);
}

numpyFixtureTests(
  "astype and round's copies lay out length-1 axes and keep byte orders as NumPy 2.4",
  new URL("../testdata/strides/like_layouts.json", import.meta.url),
  fromNumpy,
  check,
  import.meta.main,
);
