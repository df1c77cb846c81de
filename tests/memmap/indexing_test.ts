import assert from "node:assert/strict";
import { arange, array, memmap, zeros } from "../../mod.ts";
import {
  type ArraySpec,
  attempt,
  check,
  cleanup,
  differentialTests,
  type Encoded,
  makeArray,
  NAMES,
  Random,
  randomSpec,
} from "./_vocab.ts";
import { tempDir } from "./_numpy.ts";

type Index = number | number[] | number[][] | ArraySpec;
type Case =
  | {
    op: "take";
    a: ArraySpec;
    b: Index;
    kw: { axis?: number; mode?: "raise" | "wrap" | "clip" };
  }
  | {
    op: "compress";
    a: ArraySpec;
    b: boolean[] | ArraySpec;
    kw: { axis?: number };
  }
  | {
    op: "put";
    a: ArraySpec;
    b: Index;
    values: number[] | ArraySpec;
    kw: { mode?: "raise" | "wrap" | "clip" };
  }
  | {
    op: "putmask";
    a: ArraySpec;
    b: boolean[] | ArraySpec;
    values: number[] | ArraySpec;
  }
  | { op: "nonzero"; a: ArraySpec };

const INDEX_TYPES = [
  "int8",
  "uint8",
  "int16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "bool",
  "float64",
] as const;

function cases(seed: number, count: number): Case[] {
  const r = new Random(seed);
  const out: Case[] = [];
  const indices = (n: number, len: number): Index => {
    const list = Array.from({ length: len }, () => r.int(2 * n + 3) - n - 1);
    const roll = r.next();
    if (roll < 0.15) return list[0] ?? 0;
    if (roll < 0.3 && len >= 2) {
      return [list.slice(0, len >> 1), list.slice(len >> 1, 2 * (len >> 1))];
    }
    if (roll < 0.55) {
      return randomSpec(r, r.pick(INDEX_TYPES), [len], {
        view: false,
        values: list.map((x) => Math.abs(x)),
      });
    }
    return list;
  };
  for (let i = 0; i < count; i++) {
    const a = randomSpec(r, undefined, undefined, { nans: true });
    if (r.next() < 0.2) a.memmap = true;
    const nd = a.shape.length;
    const axis = nd === 0 || r.next() < 0.25
      ? undefined
      : r.int(nd + 1) - (r.next() < 0.3 ? nd : 0);
    const n = axis === undefined
      ? a.shape.reduce((x, y) => x * y, 1)
      : a.shape[axis < 0 ? axis + nd : axis] ?? 1;
    const mode = r.next() < 0.7
      ? {}
      : { mode: r.pick(["raise", "wrap", "clip"] as const) };
    out.push({ op: "take", a, b: indices(n, r.int(5)), kw: { axis, ...mode } });
    const cond = Array.from(
      { length: Math.max(0, n + r.int(3) - 1) },
      () => r.next() < 0.5,
    );
    out.push({
      op: "compress",
      a: randomSpec(r, undefined, a.shape, { nans: true }),
      b: r.next() < 0.7
        ? cond
        : randomSpec(r, r.pick(NAMES), [cond.length], { view: false }),
      kw: { axis },
    });
    const size = a.shape.reduce((x, y) => x * y, 1);
    const values = () =>
      r.next() < 0.6
        ? Array.from(
          { length: r.int(4) },
          () => r.pick([0, 1, -1, 2.5, 7, 300]),
        )
        // Finite values: float to integer casts of inf and NaN are undefined in C.
        : randomSpec(r, r.pick(NAMES), [1 + r.int(4)], {
          view: false,
          values: [0, 1, 2, 3, 100, 200],
        });
    out.push({
      op: "put",
      a: randomSpec(r, undefined, a.shape),
      b: indices(size, r.int(5)),
      values: values(),
      kw: mode,
    });
    const mask = Array.from(
      { length: r.next() < 0.9 ? size : size + 1 },
      () => r.next() < 0.5,
    );
    out.push({
      op: "putmask",
      a: randomSpec(r, undefined, a.shape),
      b: r.next() < 0.7
        ? mask
        : randomSpec(r, r.pick(NAMES), [mask.length], { view: false }),
      values: values(),
    });
    out.push({ op: "nonzero", a: randomSpec(r) });
  }
  return out;
}

const arg = (x: unknown) =>
  typeof x === "object" && x !== null && "hex" in x
    ? makeArray(x as ArraySpec)
    : x;

function run(c: Case): Encoded {
  return attempt(() => {
    const a = makeArray(c.a);
    switch (c.op) {
      case "take":
        return a.take(arg(c.b) as number[], c.kw.axis, c.kw);
      case "compress":
        return a.compress(arg(c.b) as boolean[], c.kw.axis);
      case "put":
        a.put(arg(c.b) as number[], arg(c.values) as number[], c.kw);
        return a;
      case "putmask":
        a.putmask(arg(c.b) as boolean[], arg(c.values) as number[]);
        return a;
      case "nonzero":
        return a.nonzero();
    }
  });
}

function compare(list: Case[], results: Encoded[]): void {
  list.forEach((c, i) => {
    const want = results[i];
    // Where NumPy takes a list of Python floats as indices (truncating
    // them), this library refuses non-integers: not compared.
    check(`${c.op} ${JSON.stringify(c).slice(0, 200)}`, run(c), want, {
      errors: c.op === "nonzero" ? { ValueError: "RangeError" } : undefined,
      exact: c.op === "take" || c.op === "compress",
    });
  });
  cleanup();
}

differentialTests(
  "indexing",
  "take/compress/put/putmask/nonzero give NumPy's results and errors",
  "random cases",
  cases,
  compare,
  { fixture: 40, live: 80 },
);

Deno.test("take() follows NumPy's shapes, modes and index rules", () => {
  const a = arange(6, { dtype: "int32" }).reshape(2, 3);
  assert.deepEqual(a.take([[0, 1], [1, 0]], 1).shape, [2, 2, 2]);
  assert.deepEqual(a.take(4).toArray(), 4);
  assert.deepEqual(a.take([7, -8], 1, { mode: "wrap" }).toArray(), [[1, 1], [
    4,
    4,
  ]]);
  assert.deepEqual(a.take([7, -8], 1, { mode: "clip" }).toArray(), [[2, 0], [
    5,
    3,
  ]]);
  assert.deepEqual(a.take(array([1, 0], { dtype: "bool" })).toArray(), [1, 0]);
  assert.throws(() => a.take([6]), RangeError);
  assert.throws(() => a.take([1.5]), TypeError);
  assert.throws(() => a.take([true]), TypeError);
  assert.throws(() => a.take(array([1.0])), TypeError);
  assert.throws(() => a.take([0], 2), RangeError);
  assert.throws(() => a.take([0], 0, { mode: "nope" as "raise" }), TypeError);
  assert.throws(() => zeros([0, 3]).take([0], 0, { mode: "clip" }), RangeError);
  assert.deepEqual(zeros([0, 3]).take([], 0).shape, [0, 3]);
  const big = array([1, 2], { dtype: ">f8" }).take([1, 0]);
  assert.equal(big.dtype.str, ">f8");
  assert.deepEqual(big.toArray(), [2, 1]);
});

Deno.test("put() and putmask() convert every value before writing any", () => {
  const a = zeros(4, { dtype: "uint8" });
  assert.throws(() => a.put([0, 1], [1, 300]), RangeError);
  assert.throws(() => a.put([0, 9], [1]), RangeError);
  assert.throws(
    () => a.putmask([true, true, false, false], [1, 300]),
    RangeError,
  );
  assert.throws(
    () => a.putmask([true, true, false, false], array([1], { dtype: "int64" })),
    TypeError,
  );
  assert.throws(() => a.putmask([true, true], [1]), RangeError);
  assert.throws(() => a.put([0], { re: 1, im: 2 }), TypeError);
  assert.deepEqual(a.toArray(), [0, 0, 0, 0]);
  a.put([0, 0, 3], [5, 6]);
  assert.deepEqual(a.toArray(), [6, 0, 0, 5]);
  a.put([1], array([300])); // an array of values casts unsafely, as NumPy
  assert.equal(a.get(1), 44);
  a.putmask(array([0, 2, 0, 1], { dtype: "int8" }), [9, 8, 7, 6]);
  assert.deepEqual(a.toArray(), [6, 8, 0, 6]);
});

Deno.test("put() and putmask() write through to a memmap and refuse a read-only one", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/a.bin`;
  {
    using fp = memmap(path, { mode: "w+", dtype: "int16", shape: [2, 3] });
    fp.T.put([0, 1], [4, 5]); // flat positions of the transposed view
    fp.putmask([false, false, false, false, false, true], 9);
  }
  {
    using fp = memmap(path, { mode: "r", dtype: "int16", shape: [2, 3] });
    assert.deepEqual(fp.toArray(), [[4, 0, 0], [5, 0, 9]]);
    assert.throws(() => fp.put([0], [1]), TypeError);
    assert.throws(
      () => fp.putmask([true, false, false, false, false, false], 1),
      TypeError,
    );
    assert.throws(() => fp.put([99], [1]), RangeError); // arguments first
    assert.deepEqual(fp.take([5, 0]).toArray(), [9, 4]);
  }
  const fp = memmap(path, { mode: "r+", dtype: "int16", shape: [2, 3] });
  fp.close();
  assert.throws(() => fp.take([0]), Deno.errors.BadResource);
  assert.throws(() => fp.take([7]), RangeError);
  assert.throws(() => fp.put([0], [1]), Deno.errors.BadResource);
  assert.throws(() => fp.nonzero(), Deno.errors.BadResource);
  assert.throws(() => fp.compress([true]), Deno.errors.BadResource);
});

Deno.test("nonzero() gives int64 indices per axis; NaN is non-zero, -0 is zero", () => {
  const [i, j] = array([[0, NaN], [-0, 2]]).nonzero();
  assert.equal(i.dtype.name, "int64");
  assert.deepEqual(i.toArray(), [0n, 1n]);
  assert.deepEqual(j.toArray(), [1n, 1n]);
  assert.deepEqual(
    array([{ re: 0, im: 1 }, { re: 0, im: 0 }]).nonzero()[0].toArray(),
    [0n],
  );
  assert.throws(() => array(5).nonzero(), RangeError);
});

Deno.test("take() and compress() move elements of any type, text included (its sort and truth are tested in item_sort_test.ts and item_truth_test.ts)", () => {
  const s = array(["b", "", "cc"]);
  assert.deepEqual(s.take([2, 0]).toArray(), ["cc", "b"]);
  assert.deepEqual(s.compress([true, false, true]).toArray(), ["b", "cc"]);
  assert.deepEqual(s.copy().sort().toArray(), ["", "b", "cc"]);
  // Text as a condition: non-empty strings are true, as NumPy.
  assert.deepEqual(s.nonzero()[0].toArray(), [0n, 2n]);
  assert.deepEqual(arange(3).compress(s).toArray(), [0n, 2n]);
  const records = array([{ a: 1 }], { dtype: [["a", "<i4"]] });
  assert.throws(() => arange(1).compress(records), TypeError);
});

Deno.test("take() and compress() of 1-D arrays pick each element's bits, with 64-bit indices of either sign and views", () => {
  const n = 5000;
  const f8 = arange(n, { dtype: "float64" }).mul(1.5).sub(2000);
  const i4 = arange(n, { dtype: "int32" }).mul(-3).add(7000);
  for (const a of [f8, i4, f8.slice("::-2"), i4.slice("1::3")]) {
    const size = a.size;
    const flat = [...a.toTypedArray() as Float64Array | Int32Array];
    for (const dtype of ["int64", "uint64", "int32"] as const) {
      const raw = Array.from(
        { length: 3000 },
        (_, k) =>
          (k * 7919) % size - (dtype !== "uint64" && k % 3 === 0 ? size : 0),
      );
      const got = a.take(array(raw, { dtype })).toTypedArray();
      assert.deepEqual(
        [...got],
        raw.map((k) => flat[(k + size) % size]),
        `${dtype} ${a.dtype.name}`,
      );
    }
    assert.deepEqual(
      [...a.compress(a.gt(0)).toTypedArray()],
      flat.filter((v) => v > 0),
    );
  }
  // Indices past 2**32 keep their value (word by word): out of range.
  assert.throws(
    () => f8.take(array([2 ** 32 + 1], { dtype: "int64" })),
    RangeError,
  );
  assert.throws(
    () => f8.take(array([-(2 ** 40)], { dtype: "int64" })),
    RangeError,
  );
});
