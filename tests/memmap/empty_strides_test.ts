import assert from "node:assert/strict";
import {
  concatenate,
  empty,
  frombuffer,
  load,
  type Memmap,
  type NDArray,
  ones,
  save,
  stack,
  zeros,
} from "../../mod.ts";
import { tempDir } from "../test_util.ts";

// NumPy 2.4's strides of arrays of no elements (attack13 C1), from
// tests/testdata/strides/empty_strides.json (make_fixtures.py next to it):
// new arrays step 0 on every axis; arrays over existing bytes (a loaded or
// mapped .npy, frombuffer().reshape(), reshapes) keep the contiguous
// strides of a 0 dimension counted as 1; an empty slice steps +1.

interface Row {
  producer: string;
  shape: number[];
  dtype?: string;
  order?: "C" | "F";
  spec?: string[];
  result_shape: number[];
  strides: number[];
  offset?: number;
}

const { rows } = JSON.parse(
  Deno.readTextFileSync(
    new URL("../testdata/strides/empty_strides.json", import.meta.url),
  ),
) as { rows: Row[] };

const DTYPES: Record<string, string> = {
  f8: "float64",
  i2: "int16",
  U3: "U3",
  c16: "complex128",
  b1: "bool",
  V0: "V0",
};

Deno.test("arrays of no elements have NumPy 2.4's strides: 0 when new, contiguous (a 0 dimension as 1) over existing bytes, +1 for an empty slice", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.npy`;
  // Maps are closed before the file is saved over or removed (Windows
  // refuses both while a map is open).
  const maps: Memmap[] = [];
  const producers: Record<
    string,
    (s: number[], d: string, o: "C" | "F") => NDArray
  > = {
    zeros: (s, d, o) => zeros(s, { dtype: d as "float64", order: o }),
    empty: (s, d, o) => empty(s, { dtype: d as "float64", order: o }),
    ones: (s, d, o) => ones(s, { dtype: d as "float64", order: o }),
    copy: (s, d, o) => zeros(s, { dtype: d as "float64", order: o }).copy(),
    "T.copy": (s, d, o) =>
      zeros(s, { dtype: d as "float64", order: o }).T.copy(),
    "astype f4": (s, d, o) =>
      zeros(s, { dtype: d as "float64", order: o }).astype("float32"),
    "add 1": (s, _d, o) => zeros(s, { order: o }).add(1),
    concatenate: (s, d, o) => {
      const z = zeros(s, { dtype: d as "float64", order: o });
      return concatenate([z, z]);
    },
    stack: (s, d, o) => {
      const z = zeros(s, { dtype: d as "float64", order: o });
      return stack([z, z]);
    },
    "reshape reversed": (s, d, o) =>
      zeros(s, { dtype: d as "float64", order: o }).reshape(s.toReversed()),
    "reshape -1": (s, d, o) =>
      zeros(s, { dtype: d as "float64", order: o }).reshape(-1),
    T: (s, d, o) => zeros(s, { dtype: d as "float64", order: o }).T,
    load: (s, d, o) => {
      for (const m of maps.splice(0)) m.close();
      save(path, zeros(s, { dtype: d as "float64", order: o }));
      return load(path) as NDArray;
    },
    "load mapped": (s, d, o) => {
      for (const m of maps.splice(0)) m.close();
      save(path, zeros(s, { dtype: d as "float64", order: o }));
      const m = load(path, { mmapMode: "r" }) as Memmap;
      maps.push(m);
      return m;
    },
    "frombuffer reshape": (s, d) =>
      frombuffer(new Uint8Array(0), { dtype: d as "float64" }).reshape(s),
  };
  let checked = 0;
  const wrong: string[] = [];
  for (const r of rows) {
    let got: NDArray;
    let what: string;
    if (r.producer === "slice") {
      const n = r.shape.reduce((x, y) => x * y, 1);
      const a = zeros([n]).reshape(r.shape);
      got = a.slice(...r.spec!);
      what = `zeros(${r.shape}).slice(${r.spec!.join(", ")})`;
      if (got.byteOffset - a.byteOffset !== r.offset) {
        wrong.push(`${what}: offset ${got.byteOffset} want ${r.offset}`);
      }
    } else {
      what = `${r.producer} ${JSON.stringify(r.shape)} ${r.dtype} ${r.order}`;
      got = producers[r.producer](r.shape, DTYPES[r.dtype!], r.order!);
    }
    assert.deepEqual(got.shape, r.result_shape, what);
    // Strides beyond 2**53 - 1 are not held: such an array of no elements
    // has all strides 0 (the library's documented limit).
    const want = r.strides.some((x) => Math.abs(x) > Number.MAX_SAFE_INTEGER)
      ? r.strides.map(() => 0)
      : r.strides;
    if (JSON.stringify(got.strides) !== JSON.stringify(want)) {
      wrong.push(`${what}: strides [${got.strides}] want [${want}]`);
    }
    checked++;
  }
  for (const m of maps) m.close();
  assert.equal(checked, rows.length);
  assert.deepEqual(wrong, []);
});
