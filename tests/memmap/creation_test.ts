import assert from "node:assert/strict";
import {
  arange,
  array,
  concatenate,
  empty,
  full,
  linspace,
  ones,
  stack,
  zeros,
} from "../../mod.ts";
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
import { HAS_NUMPY, python } from "../test_util.ts";

type Case =
  | {
    op: "arange" | "linspace";
    args: (number | bigint)[];
    kw: { dtype?: string; endpoint?: boolean };
  }
  | {
    op: "zeros" | "ones" | "empty";
    shape: number[];
    kw: { dtype?: string; order?: "C" | "F" };
  }
  | {
    op: "full";
    shape: number[];
    b: number | bigint | boolean | ArraySpec;
    kw: { dtype?: string };
  }
  | {
    op: "concatenate" | "stack";
    arrays: ArraySpec[];
    kw: { axis?: number | null };
  };

const BOUNDS = [0, 1, 2, 3, -3, 5, 10, 0.5, -2.5, 1.25, 7.75, 100, 1e-9];
const STEPS = [1, 2, -1, -2, 0.1, 0.25, -0.5, 3, 0.3];

function cases(seed: number, count: number): Case[] {
  const r = new Random(seed);
  const out: Case[] = [];
  const dtypeKw = (p = 0.5) => r.next() < p ? { dtype: r.pick(NAMES) } : {};
  for (let i = 0; i < count; i++) {
    const args = [r.pick(BOUNDS), r.pick(BOUNDS), r.pick(STEPS)];
    out.push({
      op: "arange",
      args: args.slice(0, 1 + r.int(3)),
      kw: dtypeKw(),
    });
    out.push({
      op: "linspace",
      args: [r.pick(BOUNDS), r.pick(BOUNDS), r.int(9)],
      kw: { ...dtypeKw(0.4), endpoint: r.next() < 0.7 },
    });
    const shape = Array.from({ length: r.int(4) }, () => r.int(4));
    const order = r.next() < 0.3 ? "F" as const : "C" as const;
    out.push({
      op: r.pick(["zeros", "ones", "empty"] as const),
      shape,
      kw: { ...dtypeKw(0.8), order },
    });
    out.push({
      op: "full",
      shape,
      b: r.pick<number | bigint | boolean>([1.5, -3, 7n, true, 0, 300]),
      kw: dtypeKw(0.7),
    });
    // Arrays that join: the same shape but for the axis (or not, sometimes).
    const nd = 1 + r.int(3);
    const base = Array.from({ length: nd }, () => 1 + r.int(3));
    const axis = r.int(nd + 1) - (r.next() < 0.3 ? nd + 1 : 0);
    const arrays = Array.from({ length: 1 + r.int(3) }, () => {
      const s = base.slice();
      if (axis >= 0 && axis < nd) s[axis] = r.int(3);
      if (r.next() < 0.05) s.push(1);
      return randomSpec(r, r.pick(NAMES), s);
    });
    out.push({
      op: "concatenate",
      arrays,
      kw: r.next() < 0.2 ? { axis: null } : { axis },
    });
    const same = Array.from(
      { length: 1 + r.int(3) },
      () => randomSpec(r, r.pick(NAMES), r.next() < 0.1 ? [...base, 1] : base),
    );
    out.push({ op: "stack", arrays: same, kw: { axis } });
  }
  return out;
}

function run(c: Case): Encoded {
  return attempt(() => {
    switch (c.op) {
      case "arange":
        return c.args.length === 1
          ? arange(c.args[0], c.kw)
          : arange(c.args[0], c.args[1], c.args[2], c.kw);
      case "linspace":
        return linspace(c.args[0], c.args[1], c.args[2] as number, c.kw);
      case "zeros":
        return zeros(c.shape, c.kw);
      case "ones":
        return ones(c.shape, c.kw);
      case "empty":
        return empty(c.shape, c.kw);
      case "full":
        return full(
          c.shape,
          typeof c.b === "object" ? makeArray(c.b) : c.b,
          c.kw,
        );
      case "concatenate":
        return concatenate(c.arrays.map(makeArray), c.kw.axis);
      case "stack":
        return stack(c.arrays.map(makeArray), c.kw.axis as number);
    }
  });
}

function compare(list: Case[], results: Encoded[]): void {
  list.forEach((c, i) => {
    // NumPy infers int64 from Python ints where this library gives float64
    // for numbers (full); compare values of the same type only.
    if (
      c.op === "full" && c.kw.dtype === undefined && typeof c.b === "number"
    ) {
      return;
    }
    check(
      `${c.op} ${
        JSON.stringify(c, (_k, v) => typeof v === "bigint" ? `${v}n` : v).slice(
          0,
          160,
        )
      }`,
      run(c),
      results[i],
    );
  });
  cleanup();
}

differentialTests(
  "creation",
  "creation functions give NumPy's dtypes and bits",
  "random cases",
  cases,
  compare,
  { fixture: 40, live: 60 },
);

Deno.test("arange() gives NumPy's values and length rule", () => {
  assert.deepEqual(arange(4).toArray(), [0n, 1n, 2n, 3n]);
  assert.equal(arange(1, 2, 0.1).get(9), 1.9000000000000008);
  assert.equal(arange(1, 2, 0.1).size, 10);
  assert.equal(arange(10, 0).size, 0);
  assert.equal(arange(0, 10, -1).size, 0);
  assert.deepEqual(arange(5n, 0n, -2n).toArray(), [5n, 3n, 1n]);
  assert.deepEqual(
    arange(0, 5, 0.5, { dtype: "int64" }).toArray(),
    new Array(10).fill(0n),
  );
  assert.deepEqual(arange(250, 260, 1, { dtype: "uint8" }).toArray(), [
    250,
    251,
    252,
    253,
    254,
    255,
    0,
    1,
    2,
    3,
  ]);
  assert.equal(arange(2n ** 60n, 2n ** 60n + 3n).get(2), 2n ** 60n + 2n);
  assert.equal(arange(3, { dtype: "float32" }).dtype.name, "float32");
});

Deno.test("arange() refuses a zero step, NaN or infinite bounds and bad types", () => {
  assert.throws(() => arange(0, 1, 0), RangeError);
  assert.throws(() => arange(NaN), RangeError);
  assert.throws(() => arange(0, Infinity), RangeError);
  assert.throws(() => arange(0, 2 ** 60), RangeError);
  assert.throws(() => arange("3" as unknown as number), TypeError);
  assert.throws(() => arange(0, 5, 1, { dtype: "bool" }), TypeError);
  assert.throws(() => arange(300, 310, 1, { dtype: "uint8" }), RangeError);
  assert.throws(() => arange(3, { dtype: "nope" }), TypeError);
});

Deno.test("linspace() sets the endpoint exactly and floors for integer types", () => {
  assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(linspace(0, 1, 0).toArray(), []);
  assert.deepEqual(linspace(3, 4, 1).toArray(), [3]);
  assert.equal(linspace(0, 1).size, 50);
  assert.equal(linspace(0.1, 0.7, 7).get(6), 0.7);
  assert.deepEqual(linspace(-2.5, 3, 5, { dtype: "int32" }).toArray(), [
    -3,
    -2,
    0,
    1,
    3,
  ]);
  assert.throws(() => linspace(0, 1, -1), RangeError);
  assert.throws(() => linspace(0, 1, 1.5), TypeError);
  assert.throws(
    () => linspace(0, 1, 3, { endpoint: 1 as unknown as boolean }),
    TypeError,
  );
});

Deno.test("zeros/ones/empty/full take shapes, dtypes and orders as NumPy", () => {
  assert.deepEqual(zeros([2, 3], { order: "F" }).strides, [8, 16]);
  assert.deepEqual(ones(2, { dtype: ">i2" }).toArray(), [1, 1]);
  assert.equal(ones(2, { dtype: ">i2" }).dtype.str, ">i2");
  assert.deepEqual(empty(0).shape, [0]);
  assert.deepEqual(full([2, 2], [1, 2]).toArray(), [[1, 2], [1, 2]]);
  assert.deepEqual(full(1, { re: 1, im: 2 }).toArray(), [{ re: 1, im: 2 }]);
  assert.throws(() => full(0, 300, { dtype: "uint8" }), RangeError);
  assert.throws(() => full([2, 2], [1, 2, 3]), RangeError);
  assert.throws(() => zeros(-1), RangeError);
  assert.throws(() => zeros([2], { order: "K" as "C" }), TypeError);
  assert.throws(() => zeros(2.5), TypeError);
  assert.throws(() => zeros(2, null as unknown as undefined), TypeError);
});

Deno.test("concatenate() and stack() promote, check shapes and axes", () => {
  const a = array([[1, 2]], { dtype: "int8" }),
    b = array([[3, 4]], { dtype: "uint8" });
  assert.equal(concatenate([a, b]).dtype.name, "int16");
  assert.deepEqual(concatenate([a, b], null).toArray(), [1, 2, 3, 4]);
  assert.deepEqual(concatenate([a, [[5, 6]]]).toArray(), [[1, 2], [5, 6]]);
  assert.throws(() => concatenate([]), RangeError);
  assert.throws(() => concatenate([array(1), array(2)]), RangeError);
  assert.throws(() => concatenate([a, array([1, 2])]), RangeError);
  assert.throws(() => concatenate([a, b], 2), RangeError);
  assert.throws(() => concatenate(a as unknown as []), TypeError);
  assert.deepEqual(stack([array([1, 2]), array([3, 4])], 1).toArray(), [
    [1, 3],
    [2, 4],
  ]);
  assert.throws(() => stack([array([1, 2]), array([3])]), RangeError);
  assert.throws(() => stack([array([1, 2])], 2), RangeError);
  assert.throws(() => stack([array([1, 2])], 0.5), TypeError);
});

Deno.test("concatenate() joins arrays of one non-numeric type and refuses to mix them with numbers", () => {
  const s = array(["ab", "c"]);
  assert.deepEqual(concatenate([s, s]).toArray(), ["ab", "c", "ab", "c"]);
  assert.throws(() => concatenate([s, array([1, 2])]), TypeError);
});

/** The special float64 values creation functions must keep bit for bit. */
const SPECIALS = [
  0,
  -0,
  1,
  -1,
  Infinity,
  -Infinity,
  NaN,
  1e308,
  -1.7e308,
  5e-324,
  2.5,
];

/** Python's repr of a float64, NaN as "nan" (payloads are not compared). */
function pyRepr(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Object.is(v, -0)) return "-0.0";
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  return String(v);
}

const SPECIALS_PYTHON = String.raw`
import json, math, sys
import numpy as np
np.seterr(all="ignore")
def rep(v):
    return "nan" if math.isnan(v) else repr(float(v))
out = []
for row in json.loads(sys.argv[1]):
    row = row[:1] + [float(x) if isinstance(x, str) else x for x in row[1:]]
    op = row[0]
    if op == "linspace":
        a = np.linspace(row[1], row[2], int(row[3]), endpoint=row[4])
    elif op == "arange":
        a = np.arange(row[1], row[2], row[3], dtype=np.float64)
    else:
        a = np.full(2, row[1])
    out.append([rep(v) for v in a])
print(json.dumps(out))
`;

Deno.test({
  name:
    "creation functions keep NumPy's signed zeros, NaN and infinities (linspace, arange, full)",
  ignore: !HAS_NUMPY,
  fn() {
    type Row =
      | ["linspace", number, number, number, boolean]
      | ["arange", number, number, number]
      | ["full", number];
    const rows: Row[] = [];
    for (const a of SPECIALS) {
      rows.push(["full", a]);
      for (const b of SPECIALS) {
        for (const n of [0, 1, 2, 3, 5]) {
          for (const endpoint of [true, false]) {
            rows.push(["linspace", a, b, n, endpoint]);
          }
        }
      }
    }
    // Finite bounds only (arange refuses NaN and infinite ones, as NumPy),
    // steps whose length fits.
    for (const a of [0, -0, 1, -1, 2.5, -2.5]) {
      for (const b of [0, -0, 1, 3, -3]) {
        for (const step of [1, -1, 0.5, -0.5, 0.1, -0.3]) {
          rows.push(["arange", a, b, step]);
        }
      }
    }
    // JSON has no -0, NaN or infinities: send them as Python float strings.
    const wire = (x: unknown) =>
      typeof x === "number" && (Object.is(x, -0) || !Number.isFinite(x))
        ? pyRepr(x)
        : x;
    const expected = JSON.parse(
      python(SPECIALS_PYTHON, JSON.stringify(rows.map((r) => r.map(wire)))),
    ) as string[][];
    const mismatches: string[] = [];
    for (const [i, row] of rows.entries()) {
      const a = row[0] === "linspace"
        ? linspace(row[1], row[2], row[3], { endpoint: row[4] })
        : row[0] === "arange"
        ? arange(row[1], row[2], row[3], { dtype: "float64" })
        : full([2], row[1]);
      const got = Array.from(a.toTypedArray() as Float64Array, pyRepr);
      if (JSON.stringify(got) !== JSON.stringify(expected[i])) {
        mismatches.push(
          `${JSON.stringify(row.map(wire))}: ${got}, NumPy ${expected[i]}`,
        );
      }
    }
    assert.deepEqual(mismatches, []);
    // The row of attack6 F10, spelled out: NumPy stores stop as the last
    // element, -0 included.
    assert.ok(Object.is(linspace(0, -0, 2).get(1), -0));
    assert.ok(Object.is(linspace(-0, -0, 3).get(0), 0));
  },
});
