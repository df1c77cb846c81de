import assert from "node:assert/strict";
import { type NDArray, where } from "../../mod.ts";
import { type Layout, layoutArray } from "./_layouts.ts";

// Result layouts of round(decimals), astype, copy and where/ufuncs with
// casts as NumPy 2.4 (attack13 C3), from tests/testdata/strides/layouts.json
// (make_layouts.py next to it).

const { layouts, rows } = JSON.parse(
  Deno.readTextFileSync(
    new URL("../testdata/strides/layouts.json", import.meta.url),
  ),
) as {
  layouts: Layout[];
  rows: { layout: number; dtype: string; op: string; strides: number[] }[];
};

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
    const a = layoutArray(layouts[r.layout], r.dtype);
    const x = layoutArray(layouts[r.layout], r.dtype);
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
