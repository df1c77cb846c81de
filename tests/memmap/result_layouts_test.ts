import assert from "node:assert/strict";
import { arange, type NDArray, where } from "../../mod.ts";

// Result layouts of round(decimals), astype, copy and where/ufuncs with
// casts as NumPy 2.4 (attack13 C3), from tests/testdata/strides/layouts.json
// (make_layouts.py next to it).

interface Layout {
  shape: number[];
  perm: number[] | null;
  slice: string[] | null;
}

const { layouts, rows } = JSON.parse(
  Deno.readTextFileSync(
    new URL("../testdata/strides/layouts.json", import.meta.url),
  ),
) as {
  layouts: Layout[];
  rows: { layout: number; dtype: string; op: string; strides: number[] }[];
};

const DTYPES: Record<string, string> = {
  f8: "float64",
  f4: "float32",
  i4: "int32",
  c16: "complex128",
};

function make(lay: Layout, dtype: string): NDArray {
  const n = lay.shape.reduce((x, y) => x * y, 1);
  let a = arange(n).astype(dtype as "float64").reshape(lay.shape) as NDArray;
  if (lay.perm !== null) a = a.transpose(...lay.perm);
  if (lay.slice !== null) a = a.slice(...lay.slice);
  return a;
}

const OPS: Record<string, (a: NDArray) => NDArray> = {
  "round 0": (a) => a.round(0),
  "round 1": (a) => a.round(1),
  "round 2": (a) => a.round(2),
  "round -1": (a) => a.round(-1),
  "astype float32": (a) => a.astype("float32"),
  "astype int16": (a) => a.astype("int16"),
  copy: (a) => a.copy(),
  "where(a > 1, a, 0)": (a) => where(a.gt(1), a, 0),
  "where(a, a, a)": (a) => where(a, a, a),
  "add(a > 1, a)": (a) => a.gt(1).add(a),
  "add(a, a)": (a) => a.add(a),
  exp: (a) => a.exp(),
  "add(a, 1.5)": (a) => a.add(1.5),
  "mul(a, 2)": (a) => a.mul(2),
};

Deno.test("round(decimals), astype, copy and where/ufuncs with casts lay their results out as NumPy 2.4", () => {
  const wrong: string[] = [];
  for (const r of rows) {
    const a = make(layouts[r.layout], DTYPES[r.dtype]);
    const x = make(layouts[r.layout], DTYPES[r.dtype]);
    const got = OPS[r.op](a);
    // Values as the C-order computation (layouts change nothing else).
    assert.deepEqual(got.toArray(), OPS[r.op](x.copy()).toArray(), r.op);
    if (JSON.stringify(got.strides) !== JSON.stringify(r.strides)) {
      wrong.push(
        `${r.op} of ${r.dtype} layout ${r.layout}: [${got.strides}] want [${r.strides}]`,
      );
    }
  }
  assert.deepEqual(wrong, []);
});
