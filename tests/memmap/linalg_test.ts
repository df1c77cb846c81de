import assert from "node:assert/strict";
import {
  arange,
  array,
  memmap,
  type NDArray,
  type NumericName,
  zeros,
} from "../../mod.ts";
import { dot, matmul, settings } from "../../src/memmap/linalg.ts";
import {
  type ArraySpec,
  attempt,
  check,
  cleanup,
  differentialTests,
  type Encoded,
  HAS_NUMPY,
  makeArray,
  NAMES,
  oracle,
  Random,
  randomSpec,
} from "./_vocab.ts";
import { tempDir } from "./_numpy.ts";

type Case = {
  op: "matmul" | "dot";
  a: ArraySpec;
  b: ArraySpec;
  /** Run with the TypeScript kernel. */
  plain?: boolean;
};

/**
 * Values whose products and sums are exact in every float type, so that
 * any order of additions (blocked, fused or not) gives NumPy's bits; NaN
 * and infinities (inf * 0, inf - inf) included.
 */
const EXACT = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.5,
  3,
  2,
  -7,
  0.25,
  NaN,
  Infinity,
  -Infinity,
];
/**
 * Finite values, for results NumPy computes with BLAS (float32, float64,
 * complex): BLAS may skip a zero factor (so inf * 0 adds nothing, where
 * IEEE and this library give NaN), and OpenBLAS's complex kernels give NaN
 * parts in their own order.
 */
const FINITE = EXACT.filter(Number.isFinite);

/** Integer values that meet floats. */
const SMALL = [0, 1, 2, 3, 5, 7];

/** Types whose products NumPy computes without BLAS (float16 results, integers, bool). */
const NO_BLAS = ["bool", "int8", "uint8", "float16"];

/** A pair of shapes: matching, broadcast stacks, 1-D, 0-d or mismatched. */
function shapes(r: Random, op: Case["op"]): [number[], number[]] {
  const dim = () => r.next() < 0.1 ? 0 : 1 + r.int(5);
  const m = dim(), k = dim(), n = dim();
  const roll = r.next();
  if (roll < 0.05) return [[], [k]];
  if (roll < 0.1) return [[m, k], []];
  if (roll < 0.2) return [[k], [k]];
  if (roll < 0.3) return [[m, k], [k]];
  if (roll < 0.4) return [[k], [k, n]];
  if (roll < 0.45) return [[m, k], [k + 1, n]];
  if (op === "dot" && roll < 0.7) {
    const lead = Array.from({ length: r.int(3) }, dim);
    const stacks = Array.from({ length: r.int(2) }, dim);
    return [[...lead, k], r.next() < 0.3 ? [k] : [...stacks, k, n]];
  }
  if (roll < 0.75) {
    // Stacks that broadcast (1 against any) or not.
    const s = Array.from({ length: 1 + r.int(2) }, () => 1 + r.int(3));
    const t = s.map((x) => (r.next() < 0.3 ? 1 : r.next() < 0.1 ? x + 1 : x));
    return [[...s, m, k], r.next() < 0.3 ? [k, n] : [...t, k, n]];
  }
  return [[m, k], [k, n]];
}

function cases(seed: number, count: number): Case[] {
  const r = new Random(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    const op = r.next() < 0.5 ? "matmul" : "dot";
    const [sa, sb] = shapes(r, op);
    const names = [r.pick(NAMES), r.pick(NAMES)];
    const blas = !names.every((n) => NO_BLAS.includes(n));
    const float = names.some((n) => /float|complex/.test(n));
    // Integers meet floats as small values (sums of 2^63 and 0.5 round).
    const spec = (name: NumericName, shape: number[]) =>
      randomSpec(r, name, shape, {
        values: /float|complex/.test(name)
          ? (blas ? FINITE : EXACT)
          : float
          ? SMALL
          : undefined,
      });
    const a = spec(names[0], sa), b = spec(names[1], sb);
    if (r.next() < 0.15) a.memmap = true;
    out.push({ op, a, b, plain: r.next() < 0.25 });
  }
  return out;
}

function run(c: Case): Encoded {
  settings.off = c.plain === true;
  try {
    return attempt(() => {
      const a = makeArray(c.a), b = makeArray(c.b);
      return c.op === "matmul" ? matmul(a, b) : dot(a, b);
    });
  } finally {
    settings.off = false;
  }
}

function compare(list: Case[], results: Encoded[]): void {
  list.forEach((c, i) => {
    const short = (x: ArraySpec) => ({ ...x, hex: x.hex.slice(0, 64) });
    const label = { ...c, a: short(c.a), b: short(c.b) };
    // Values are exact, so any order of additions gives NumPy's, but the
    // sign of a zero sum is BLAS's own (OpenBLAS's complex kernels can give
    // -0 where a sum from +0 gives +0): zeros of either sign are equal.
    check(`${c.op} ${JSON.stringify(label)}`, run(c), results[i], {
      tolerance: () => 0,
    });
  });
  cleanup();
}

differentialTests(
  "linalg",
  "matmul() and dot() give NumPy's shapes, dtypes, errors and bits",
  "every pair of dtypes, views, byte orders",
  cases,
  compare,
  { fixture: 120, live: 150 },
);

/** A float64 matrix of random values in [-1, 1) (not exact: the order of additions shows). */
function randomMatrix(
  r: Random,
  shape: number[],
  view?: ArraySpec["view"],
): ArraySpec {
  const data = new Float64Array(shape[0] * shape[1]).map(() =>
    r.next() * 2 - 1
  );
  const bytes = new Uint8Array(data.buffer);
  const hex = Array.from(bytes, (x) => x.toString(16).padStart(2, "0"));
  return { dtype: "<f8", shape, hex: hex.join(""), view };
}

Deno.test(
  "matmul() of blocks larger than the kernels' (depth, rows and columns past every block edge) and of a matrix and a vector is within rounding of NumPy's",
  { ignore: !HAS_NUMPY },
  () => {
    const r = new Random(11);
    const list: Case[] = [];
    for (const [m, k, n] of [[97, 600, 33], [7, 257, 41], [200, 3, 9]]) {
      for (const plain of [false, true]) {
        list.push({
          op: "matmul",
          a: randomMatrix(r, [m, k]),
          b: randomMatrix(r, [n, k], [["T"]]), // read across its strides
          plain,
        });
      }
    }
    // Matrix times vector (rows read in place; every other row of a matrix).
    for (const view of [undefined, [["step", 0, 2]] as ArraySpec["view"]]) {
      list.push({
        op: "matmul",
        a: randomMatrix(r, [1000, 301], view),
        b: randomMatrix(r, [301, 1]),
      });
    }
    const results = oracle(list);
    list.forEach((c, i) => {
      const k = c.a.shape[1];
      // |error| <= k * eps * sum |a||b| <= k * eps * k (elements in [-1, 1]).
      check(`matmul ${c.a.shape} ${c.b.shape}`, run(c), results[i], {
        tolerance: () => k * k * 2 ** -52,
      });
    });
  },
);

Deno.test("matmul() past a tile of C (rows and columns) matches the outer product it is", () => {
  // float64 tiles hold 960 rows of 2052 columns: 2 x 2 tiles here.
  const m = 1100, n = 2050;
  const a = arange(m, { dtype: "float64" }).reshape(m, 1);
  const b = arange(n, { dtype: "float64" }).sub(1000).reshape(1, n);
  const c = a.matmul(b);
  assert.deepEqual(c.shape, [m, n]);
  const d = c.data;
  for (let i = 0; i < m; i += 37) {
    for (let j = 0; j < n; j += 13) {
      assert.equal(d[i * n + j], i * (j - 1000) + 0);
    }
  }
  assert.equal(d[m * n - 1], (m - 1) * (n - 1 - 1000));
  const ints = a.astype("int32").matmul(b.astype("int32"));
  assert.equal(ints.dtype.name, "int32");
  assert.equal(ints.get(m - 1, n - 1), (m - 1) * (n - 1 - 1000));
});

Deno.test("matmul() follows NumPy's shape rules", () => {
  const a = arange(24).reshape(2, 3, 4), b = arange(8).reshape(4, 2);
  assert.deepEqual(a.matmul(b).shape, [2, 3, 2]);
  assert.deepEqual(a.matmul(arange(4)).shape, [2, 3]);
  assert.deepEqual(arange(3).matmul(a).shape, [2, 4]);
  assert.deepEqual(arange(4).matmul(arange(4)).shape, []);
  assert.equal(arange(4).matmul(arange(4)).get(), 14n);
  assert.deepEqual(zeros([5, 1, 2, 3]).matmul(zeros([4, 3, 6])).shape, [
    5,
    4,
    2,
    6,
  ]);
  assert.deepEqual(zeros([0, 3]).matmul(zeros([3, 2])).shape, [0, 2]);
  assert.deepEqual(zeros([2, 0]).matmul(zeros([0, 3])).toArray(), [
    [0, 0, 0],
    [0, 0, 0],
  ]);
  assert.throws(() => array(2).matmul(arange(3)), RangeError);
  assert.throws(() => arange(3).matmul(array(2)), RangeError);
  assert.throws(() => zeros([2, 3]).matmul(zeros([2, 3])), RangeError);
  assert.throws(() => zeros([2, 2, 3]).matmul(zeros([3, 3, 1])), RangeError);
  assert.throws(
    () => array(["a", "b"], { dtype: "U1" }).matmul(arange(2)),
    TypeError,
  );
});

Deno.test("dot() gives an element for two vectors and multiplies by a 0-d array", () => {
  assert.equal(array([1, 2, 3]).dot([4, 5, 6]), 32);
  assert.equal(
    array([1, 2], { dtype: "int64" }).dot(array([3, 4], { dtype: "int64" })),
    11n,
  );
  assert.equal(
    array([true, false]).dot(array([false, true])),
    false,
  );
  assert.deepEqual(
    array([1, 2], { dtype: "complex64" }).dot(
      array([{ re: 0, im: 1 }, { re: 1, im: 0 }], { dtype: "complex64" }),
    ),
    { re: 2, im: 1 },
  );
  const scaled = arange(3).dot(array(2)) as NDArray;
  assert.deepEqual(scaled.toArray(), [0, 2, 4]);
  // N-D: the last axis of the first against the second-to-last of the second.
  const d = arange(24).reshape(2, 3, 4).dot(arange(40).reshape(2, 4, 5));
  assert.deepEqual((d as NDArray).shape, [2, 3, 2, 5]);
  assert.throws(() => arange(3).dot(arange(4)), RangeError);
});

Deno.test("matmul() wraps integers in their type and gives bools as NumPy", () => {
  const a = array([[100, 100]], { dtype: "int8" });
  const b = array([[1], [1]], { dtype: "int8" });
  assert.deepEqual(a.matmul(b).toArray(), [[-56]]);
  const big = array([[2n ** 62n, 3n]], { dtype: "int64" });
  const two = array([[4n], [1n]], { dtype: "int64" });
  assert.deepEqual(big.matmul(two).toArray(), [[3n]]);
  const u = array([[2n ** 64n - 1n]], { dtype: "uint64" });
  assert.deepEqual(u.matmul(u).toArray(), [[1n]]);
  const t = array([[true, false], [false, false]]);
  assert.deepEqual(t.matmul(t).toArray(), [[true, false], [false, false]]);
  assert.equal(
    array([1], { dtype: "int16" }).matmul(array([1], { dtype: "uint8" }))
      .dtype.name,
    "int16",
  );
});

Deno.test("matmul() reads memmaps in place and refuses closed ones", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/m.bin`;
  {
    using fp = memmap(path, { mode: "w+", dtype: ">f4", shape: [2, 3] });
    fp.assign(arange(6).reshape(2, 3));
    assert.deepEqual(fp.matmul(fp.T).toArray(), [[5, 14], [14, 50]]);
  }
  const fp = memmap(path, { mode: "r", dtype: ">f4", shape: [2, 3] });
  const b = arange(3);
  assert.deepEqual(fp.matmul(b).dtype.name, "float64");
  fp.close();
  assert.throws(() => fp.matmul(b), Deno.errors.BadResource);
  assert.throws(() => b.matmul(fp), Deno.errors.BadResource);
  assert.throws(() => b.dot(fp), Deno.errors.BadResource);
});

Deno.test("matmul() of a matrix and a vector gives each row's own product, bit for bit, across the rows it copies at a time", () => {
  // 2000 rows of 130: several of the 256 KiB pieces the rows are copied in, for both float types.
  for (const dtype of ["float32", "float64"] as const) {
    const m = 2000, k = 130;
    const a = arange(m * k, { dtype }).reshape(m, k).mul(0.37).sin();
    const v = arange(k, { dtype }).mul(-0.11).cos();
    const c = a.matmul(v).toArray() as number[];
    const own = Array.from(
      { length: m },
      (_, i) => (a.slice(`${i}:${i + 1}`).matmul(v).toArray() as number[])[0],
    );
    assert.deepEqual(c, own);
  }
});
