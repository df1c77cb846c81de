import assert from "node:assert/strict";
import { array, type NDArray } from "../../mod.ts";
import type { CompareOp } from "../../src/memmap/item_compare.ts";
import { numpy, numpyFixtureTests } from "./_numpy.ts";

const OPS: CompareOp[] = ["eq", "ne", "lt", "le", "gt", "ge"];
const PY_OPS = ["==", "!=", "<", "<=", ">", ">="];

/** Counts at the edges of the 32-bit words of an int64, and NaT. */
const WORD_EDGES = [
  0n,
  -1n,
  1n,
  2n ** 31n - 1n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  -(2n ** 32n),
  -(2n ** 32n) - 1n,
  2n ** 63n - 1n,
  -(2n ** 63n) + 1n,
  -(2n ** 63n),
];
const PY_EDGES = `[${
  WORD_EDGES.map((v) => v === -(2n ** 63n) ? '"NaT"' : String(v)).join(", ")
}]`;

/** Pairs built on both sides: our arrays, and NumPy's expressions for them. */
const PAIRS: [() => [NDArray, NDArray], string, string][] = [
  [
    () => [
      array(["", "a", "ab", "abc", "b", "\uffff", "😀", "a\0b"], {
        dtype: "U3",
      }),
      array(["a", "a", "abd", "ab", "", "😀", "\uffff", "a"], { dtype: ">U4" }),
    ],
    `np.array(["", "a", "ab", "abc", "b", "\\uffff", "\\U0001F600", "a\\x00b"], "U3")`,
    `np.array(["a", "a", "abd", "ab", "", "\\U0001F600", "\\uffff", "a"], ">U4")`,
  ],
  [
    // Native text on both sides: compared as words; a row against a column.
    () => [
      array(["", "a", "ab", "abc", "\uffff", "😀"], { dtype: "U3" }),
      array(["a", "", "abd", "ab", "😀", "\uffff"], { dtype: "U4" })
        .reshape(6, 1),
    ],
    `np.array(["", "a", "ab", "abc", "\\uffff", "\\U0001F600"], "U3")`,
    `np.array(["a", "", "abd", "ab", "\\U0001F600", "\\uffff"], "U4").reshape(6, 1)`,
  ],
  [
    () => [
      array(
        [new Uint8Array([]), new Uint8Array([255]), new Uint8Array([1, 2])],
        { dtype: "S2" },
      ),
      array([
        new Uint8Array([0]),
        new Uint8Array([1]),
        new Uint8Array([1, 2, 3]),
      ], { dtype: "S3" }),
    ],
    `np.array([b"", b"\\xff", b"\\x01\\x02"], "S2")`,
    `np.array([b"\\x00", b"\\x01", b"\\x01\\x02\\x03"], "S3")`,
  ],
  [
    () => [
      array(["2000-01-01", "2000-01-02", "NaT", "1969-12-31", "2000-01-01"], {
        dtype: "M8[D]",
      }),
      array([
        "2000-01-01T00",
        "2000-01-01T23",
        "2000-01-01T00",
        "NaT",
        "2000-01-01T01",
      ], { dtype: ">M8[h]" }),
    ],
    `np.array(["2000-01-01", "2000-01-02", "NaT", "1969-12-31", "2000-01-01"], "M8[D]")`,
    `np.array(["2000-01-01T00", "2000-01-01T23", "2000-01-01T00", "NaT", "2000-01-01T01"], ">M8[h]")`,
  ],
  [
    () => [
      array([1n, 2n, -(2n ** 63n), 60n], { dtype: "m8[m]" }),
      array([60n, 120n, 0n, 3600n], { dtype: "m8[s]" }),
    ],
    `np.array([1, 2, "NaT", 60], "m8[m]")`,
    `np.array([60, 120, 0, 3600], "m8[s]")`,
  ],
  [
    // One unit on both sides: compared as 32-bit word pairs (little-endian)
    // or through DataViews (big-endian), words at their edges, NaT.
    () => [
      array(WORD_EDGES, { dtype: "m8[ns]" }),
      array(WORD_EDGES.toReversed(), { dtype: "m8[ns]" }),
    ],
    `np.array(${PY_EDGES}, "m8[ns]")`,
    `np.array(${PY_EDGES}[::-1], "m8[ns]")`,
  ],
  [
    () => [
      array(WORD_EDGES, { dtype: ">M8[us]" }),
      array([WORD_EDGES.toReversed()], { dtype: ">M8[us]" }),
    ],
    `np.array(${PY_EDGES}, ">M8[us]")`,
    `np.array([${PY_EDGES}[::-1]], ">M8[us]")`,
  ],
  [
    // Strided and broadcast: a column against a row, and a reversed view.
    () => [
      array(WORD_EDGES, { dtype: "M8[s]" }).reshape(-1, 1),
      array(WORD_EDGES, { dtype: "M8[s]" }).slice("::-3"),
    ],
    `np.array(${PY_EDGES}, "M8[s]").reshape(-1, 1)`,
    `np.array(${PY_EDGES}, "M8[s]")[::-3]`,
  ],
  [
    () => [
      array(["2000-01", "2001-03"], { dtype: "M8[M]" }),
      array([["2000-01-01", "2001-02-28"]], { dtype: "M8[D]" }).reshape(2, 1),
    ],
    `np.array(["2000-01", "2001-03"], "M8[M]")`,
    `np.array(["2000-01-01", "2001-02-28"], "M8[D]").reshape(2, 1)`,
  ],
];

/** NumPy's results for PAIRS: per pair, per operator, the bool list. */
function fromNumpy(): boolean[][][] {
  return numpy<boolean[][][]>(`
out = []
for a, b in [${PAIRS.map(([, x, y]) => `(${x}, ${y})`).join(", ")}]:
    out.append([(eval("a " + op + " b")).tolist() for op in ${
    JSON.stringify(PY_OPS)
  }])
print(json.dumps(out))`);
}

/** NumPy's results committed, so that the test runs without Python. */
const FIXTURE = new URL("../testdata/records/compare.json", import.meta.url);

function checkAgainst(expected: boolean[][][]): void {
  assert.equal(expected.length, PAIRS.length);
  PAIRS.forEach(([make], i) => {
    const [a, b] = make();
    OPS.forEach((op, k) => {
      assert.deepEqual(a[op](b).toArray(), expected[i][k], `pair ${i} ${op}`);
    });
  });
}

// `deno run -A tests/memmap/item_compare_test.ts` rewrites the fixture.
numpyFixtureTests(
  "comparisons of text, bytes, datetimes and timedeltas give NumPy's results",
  FIXTURE,
  fromNumpy,
  checkAgainst,
  import.meta.main,
);

Deno.test("comparisons with one JavaScript value take it as an element of the array's type", () => {
  const s = array(["pear", "apple", "fig"]);
  assert.deepEqual(s.lt("banana").toArray(), [
    false,
    true,
    false,
  ]);
  const d = array(["2000-01-01", "2020-06-01"], { dtype: "M8[D]" });
  assert.deepEqual(
    d.gt(new Date(Date.UTC(2010, 0, 1))).toArray(),
    [false, true],
  );
  assert.deepEqual(d.ge("2020-06-01").toArray(), [
    false,
    true,
  ]);
  const t = array([1n, 5n], { dtype: "m8[s]" });
  assert.deepEqual(t.lt(3).toArray(), [true, false]);
  assert.deepEqual(t.eq(array([1n, 5n])).toArray(), [
    true,
    true,
  ]);
});

Deno.test("records and raw bytes compare for equality only, field by field; NaT and NaN are unequal", () => {
  const r = array([{ a: 1, b: 0 }, { a: 2, b: NaN }], {
    dtype: [["a", "<i4"], ["b", "<f8"]],
  });
  const q = array([{ a: 1, b: -0 }, { a: 2, b: NaN }], {
    dtype: [["a", "<i8"], ["b", "<f4"]],
  });
  assert.deepEqual(r.eq(q).toArray(), [true, false]);
  assert.deepEqual(r.ne(q).toArray(), [false, true]);
  assert.throws(() => r.lt(q), TypeError);
  assert.throws(
    () =>
      r.eq(
        array([{ x: 1, b: 0 }], { dtype: [["x", "<i4"], ["b", "<f8"]] }),
      ),
    TypeError,
  );
  const v = array([new Uint8Array([1, 2])], { dtype: "V2" });
  assert.deepEqual(v.eq(v).toArray(), [true]);
  assert.throws(() => v.lt(v), TypeError);
  const nat = array([null], { dtype: "M8[s]" });
  assert.deepEqual(nat.eq(nat).toArray(), [false]);
  assert.deepEqual(nat.ne(nat).toArray(), [true]);
  const bytes = array(["a"], { dtype: "S1" });
  const text = array(["a"], { dtype: "U1" });
  assert.deepEqual(bytes.eq(text).toArray(), [false]);
  assert.throws(() => bytes.lt(text), TypeError);
  assert.throws(
    () => nat.lt(array([1n], { dtype: "m8[s]" })),
    TypeError,
  );
  assert.throws(() => text.eq(array([1, 2, 3])), TypeError);
  assert.throws(
    () => array(["a", "b"]).eq(array(["a", "b", "c"])),
    RangeError,
  );
});

Deno.test("comparisons of text and datetimes write to out, and integers compare with timedeltas on either side", () => {
  const s = array(["apple", "banana", "cherry"]);
  const out = array([true, true, true]);
  assert.equal(s.eq("apple", { out }), out);
  assert.deepEqual(out.toArray(), [true, false, false]);
  const counts = array([0, 0, 0], { dtype: "int8" });
  s.ge("banana", { out: counts });
  assert.deepEqual(counts.toArray(), [0, 1, 1]);
  assert.throws(() => s.eq("apple", { out: array([true]) }), RangeError);
  const m = array([1n, 3n], { dtype: "m8[s]" });
  const ints = array([1, 2], { dtype: "int32" });
  assert.deepEqual(ints.lt(m).toArray(), [false, true]);
  assert.deepEqual(m.le(ints).toArray(), [true, false]);
  assert.throws(() => array([1.5, 2]).lt(m), TypeError);
  assert.throws(() => s.add(array(["x"])), TypeError);
});
