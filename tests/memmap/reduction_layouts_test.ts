import assert from "node:assert/strict";
import { type NDArray, norm } from "../../mod.ts";
import { type Layout, layoutArray } from "./_layouts.ts";

// Result layouts of reductions along axes (keepdims too), var/std, norm
// and cumsum/cumprod as NumPy 2.4 (attack13 C9): the input's memory order
// (K), the reduced axes dropped or kept as length 1; argmax/argmin C.
// Inputs with an axis of length 0 too: results with elements in the
// input's K order (C for var/std and norm, which reduce a new array, empty
// with strides of 0), results with none strides of 0. From
// tests/testdata/strides/reductions.json (make_reductions.py next to it).

interface Row {
  layout: number;
  dtype: string;
  op: string;
  axis: number[] | null;
  keepdims: boolean;
  strides: number[];
}

const { layouts, rows } = JSON.parse(
  Deno.readTextFileSync(
    new URL("../testdata/strides/reductions.json", import.meta.url),
  ),
) as { layouts: Layout[]; rows: Row[] };

function run(a: NDArray, r: Row): NDArray {
  const axis = r.axis === null
    ? null
    : r.axis.length === 1
    ? r.axis[0]
    : r.axis;
  const o = { keepdims: r.keepdims };
  // deno-lint-ignore no-explicit-any
  const x = a as any;
  switch (r.op) {
    case "norm":
      return norm(a, { axis: axis as number, ...o }) as NDArray;
    case "cumsum":
    case "cumprod":
      return x[r.op](axis);
    case "argmax":
    case "argmin":
      return x[r.op](axis);
    default:
      return x[r.op](axis, o);
  }
}

/** The bytes of an array's elements in C order. */
function bytesOf(a: NDArray): Uint8Array {
  const t = a.toTypedArray();
  return new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
}

Deno.test("reductions along axes, var/std, norm and cumsum/cumprod lay their results out as NumPy 2.4", () => {
  const wrong: string[] = [];
  for (const r of rows) {
    const a = layoutArray(layouts[r.layout], r.dtype);
    const got = run(a, r);
    // Integer results bit for bit as the C-ordered input's (float sums
    // may add in another order).
    const c = run(layoutArray(layouts[r.layout], r.dtype).copy(), r);
    assert.deepEqual(got.shape, c.shape);
    if (got.dtype.kind !== "f" && got.dtype.kind !== "c") {
      assert.deepEqual(bytesOf(got), bytesOf(c), `${r.op} values`);
    }
    if (JSON.stringify(got.strides) !== JSON.stringify(r.strides)) {
      wrong.push(
        `${r.op}(${
          JSON.stringify(r.axis)
        }, keepdims ${r.keepdims}) of ${r.dtype} layout ${r.layout}: [${got.strides}] want [${r.strides}]`,
      );
    }
  }
  assert.deepEqual(wrong, []);
});
