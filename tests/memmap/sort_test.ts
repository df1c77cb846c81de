import assert from "node:assert/strict";
import { arange, array, memmap, NDArray, zeros } from "../../mod.ts";
import {
  type ArraySpec,
  attempt,
  check,
  cleanup,
  differentialTests,
  type Encoded,
  makeArray,
  Random,
  randomSpec,
} from "./_vocab.ts";
import { tempDir } from "./_numpy.ts";

type Case =
  | { op: "sort"; a: ArraySpec; kw: { axis?: number } }
  | { op: "argsort"; a: ArraySpec; kw: { axis?: number | null } };

function cases(seed: number, count: number): Case[] {
  const r = new Random(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    // Longer lanes now and then, so that the radix paths run too.
    const shape = r.next() < 0.2
      ? [1 + r.int(3), 30 + r.int(100)]
      : Array.from({ length: r.int(4) }, () => r.pick([0, 1, 2, 3, 5, 8]));
    if (r.next() < 0.5) shape.reverse();
    const a = randomSpec(r, undefined, shape, { nans: true });
    if (r.next() < 0.2) a.memmap = true;
    const nd = shape.length;
    const axis = r.next() < 0.3 ? {} : { axis: r.int(2 * nd + 2) - nd - 1 };
    out.push({ op: "sort", a, kw: axis });
    const b = randomSpec(r, undefined, shape, { nans: true });
    out.push({
      op: "argsort",
      a: b,
      kw: r.next() < 0.15 ? { axis: null } : axis,
    });
  }
  return out;
}

function run(c: Case): Encoded {
  return attempt(() => {
    const a = makeArray(c.a);
    if (c.op === "sort") return a.sort(c.kw.axis);
    return a.argsort(c.kw.axis);
  });
}

function compare(list: Case[], results: Encoded[]): void {
  list.forEach((c, i) => {
    check(`${c.op} ${JSON.stringify(c).slice(0, 200)}`, run(c), results[i], {
      exact: true,
    });
  });
  cleanup();
}

differentialTests(
  "sort",
  "sort() and argsort() give NumPy's stable results bit for bit",
  "every dtype, views, NaN payloads",
  cases,
  compare,
  { fixture: 40, live: 80 },
);

Deno.test("sort() puts NaNs last and keeps the order of -0 and +0 and of NaN payloads", () => {
  const x = new Float64Array([0, -0, NaN, -Infinity, 0, -0, 1]);
  const bits = new Uint32Array(x.buffer);
  bits[5] = 0x7ff80001; // NaN with a payload (high word of element 2)
  const a = array(x).sort();
  const s = a.toTypedArray();
  assert.deepEqual([...s].map((v) => Object.is(v, -0) ? "-0" : v), [
    -Infinity,
    0,
    "-0",
    0,
    "-0",
    1,
    NaN,
  ]);
  assert.equal(new Uint32Array(s.buffer)[13], 0x7ff80001);
  const f16 = array([2, NaN, -0, 0, -1], { dtype: "float16" }).sort();
  assert.deepEqual(
    [...f16.toTypedArray()].map((v) => Object.is(v, -0) ? "-0" : v),
    [-1, "-0", 0, 2, NaN],
  );
});

Deno.test("sort() of 64-bit integers is exact", () => {
  const big = [
    2n ** 63n - 1n,
    -(2n ** 63n),
    0n,
    -1n,
    2n ** 53n + 1n,
    2n ** 53n,
  ];
  assert.deepEqual(
    array(big, { dtype: "int64" }).sort().toArray(),
    [...big].sort((x, y) => x < y ? -1 : x > y ? 1 : 0),
  );
  const u = [2n ** 64n - 1n, 0n, 2n ** 63n, 1n];
  assert.deepEqual(array(u, { dtype: "uint64" }).sort().toArray(), [
    0n,
    1n,
    2n ** 63n,
    2n ** 64n - 1n,
  ]);
  const n = 1000;
  const r = new Random(7);
  const many = Array.from(
    { length: n },
    () =>
      BigInt.asIntN(64, BigInt(r.int(2 ** 32)) << 32n | BigInt(r.int(2 ** 32))),
  );
  assert.deepEqual(
    array(many, { dtype: "int64" }).sort().toArray(),
    many.slice().sort((x, y) => x < y ? -1 : x > y ? 1 : 0),
  );
});

Deno.test("sort() works in place on a memmap and refuses a read-only one", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/a.bin`;
  {
    using fp = memmap(path, { mode: "w+", dtype: ">i4", shape: [3, 4] });
    fp.assign(array([[4, 3, 2, 1], [0, 9, 8, 7], [5, 5, 1, 1]]));
    fp.sort(0);
    assert.deepEqual(fp.toArray(), [[0, 3, 1, 1], [4, 5, 2, 1], [5, 9, 8, 7]]);
    fp.T.sort(0); // rows, through a transposed view
  }
  using fp = memmap(path, { mode: "r", dtype: ">i4", shape: [3, 4] });
  assert.deepEqual(fp.toArray(), [[0, 1, 1, 3], [1, 2, 4, 5], [5, 7, 8, 9]]);
  assert.throws(() => fp.sort(), TypeError);
  assert.throws(() => fp.sort(2), RangeError); // the axis is checked first
  assert.deepEqual(fp.argsort(0).toArray(), [
    [0n, 0n, 0n, 0n],
    [1n, 1n, 1n, 1n],
    [2n, 2n, 2n, 2n],
  ]);
});

Deno.test("sort() and argsort() check their arguments", () => {
  assert.throws(() => array(5).sort(), RangeError);
  assert.deepEqual(array(5).argsort().toArray(), [0n]);
  assert.throws(() => arange(3).sort(null as unknown as number), TypeError);
  assert.throws(() => arange(3).sort(0.5), TypeError);
  assert.throws(() => arange(3).argsort(1), RangeError);
  assert.deepEqual(arange(6).reshape(2, 3).argsort(null).shape, [6]);
  const fp = arange(3);
  assert.deepEqual(fp.sort(-1), fp);
});

Deno.test("argsort() of an array with no elements gives an empty int64 array of its shape, however long its lanes (attack13 C6)", () => {
  // NumPy 2.4: np.zeros(shape, dt).argsort(axis) has the shape, int64.
  const cases: [number[], number | null][] = [
    [[3, 0, 2 ** 52], 2],
    [[3, 0, 2 ** 52], 1],
    [[0, 2 ** 33], 1],
    [[2 ** 33, 0], 0],
    [[0, 2 ** 32], 1],
    [[2 ** 32, 0], 0],
    [[0, 2 ** 32], 0],
    [[0, 2 ** 33], null],
  ];
  for (const [shape, axis] of cases) {
    for (const dtype of ["float64", "int32", "bool", "complex128", "S3"]) {
      const a = zeros(shape, { dtype: dtype as "float64" });
      const r = a.argsort(axis);
      const want = axis === null ? [0] : shape;
      assert.deepEqual(r.shape, want, `${dtype} ${shape} axis ${axis}`);
      assert.equal(r.dtype.name, "int64");
      assert.deepEqual(a.sort(axis ?? -1).shape, shape);
    }
  }
  // With lanes, the limit stands.
  assert.throws(
    () =>
      new NDArray({ bytes: new Uint8Array(8), readOnly: false }, "float64", [
        1,
        2 ** 32,
      ], [
        0,
        0,
      ]).argsort(1),
    (e) => e instanceof Error && /at most 2\*\*32 - 1/.test(e.message),
  );
});
