import assert from "node:assert/strict";
import { array, memmap, type NDArray } from "../../mod.ts";
import { tempDir } from "../test_util.ts";
import { NO_NUMPY, numpy } from "./_numpy.ts";

const NAT = -(2n ** 63n);

/** Arrays (2 x 3) and NumPy's expressions for them. */
const ARRAYS: [() => NDArray, string][] = [
  [
    () => array([["b", "", "\0a"], ["\0", "", ""]], { dtype: "U2" }),
    `np.array([["b", "", "\\x00a"], ["\\x00", "", ""]], "U2")`,
  ],
  [
    () => array([["b", "", "\0a"], ["\0", "", ""]], { dtype: ">U2" }),
    `np.array([["b", "", "\\x00a"], ["\\x00", "", ""]], ">U2")`,
  ],
  [
    () =>
      array(
        [[[98], [], [0, 99]], [[0], [], [255, 0]]].map((r) =>
          r.map((b) => new Uint8Array(b))
        ),
        { dtype: "S2" },
      ),
    `np.array([[b"b", b"", b"\\x00c"], [b"\\x00", b"", b"\\xff"]], "S2")`,
  ],
  [
    () => array([[0n, 1n, NAT], [0n, 0n, 0n]], { dtype: "M8[s]" }),
    `np.array([[0, 1, "NaT"], [0, 0, 0]], "M8[s]")`,
  ],
  [
    () => array([[0n, -1n, NAT], [0n, 0n, 7n]], { dtype: ">m8[D]" }),
    `np.array([[0, -1, "NaT"], [0, 0, 7]], ">m8[D]")`,
  ],
];

/** Each call, on our array and as NumPy's Python. */
const CALLS: [(a: NDArray) => unknown, string][] = [
  [
    (a) => a.nonzero().map((i) => i.toArray()),
    "[i.tolist() for i in np.nonzero(a)]",
  ],
  [(a) => a.any(), "bool(a.any())"],
  [(a) => a.all(), "bool(a.all())"],
  [(a) => (a.any(0) as NDArray).toArray(), "a.any(0).tolist()"],
  [(a) => (a.all(1) as NDArray).toArray(), "a.all(1).tolist()"],
  [(a) => a.astype("bool").toArray(), "a.astype(bool).tolist()"],
];

function ours(a: NDArray): unknown[] {
  return CALLS.map(([f]) =>
    JSON.parse(
      JSON.stringify(f(a), (_, v) => typeof v === "bigint" ? Number(v) : v),
    )
  );
}

/** NumPy 2.4's answers (the NumPy test checks they are still NumPy's). */
const EXPECTED = [
  [[[0, 0], [0, 2]], true, false, [true, false, true], [false, false], [[
    true,
    false,
    true,
  ], [false, false, false]]],
  [[[0, 0], [0, 2]], true, false, [true, false, true], [false, false], [[
    true,
    false,
    true,
  ], [false, false, false]]],
  [[[0, 0, 1], [0, 2, 2]], true, false, [true, false, true], [false, false], [[
    true,
    false,
    true,
  ], [false, false, true]]],
  [[[0, 0], [1, 2]], true, false, [false, true, true], [false, false], [[
    false,
    true,
    true,
  ], [false, false, false]]],
  [[[0, 0, 1], [1, 2, 2]], true, false, [false, true, true], [false, false], [[
    false,
    true,
    true,
  ], [false, false, true]]],
];

Deno.test("nonzero(), any(), all() and astype(bool) of bytes, text, datetimes and timedeltas follow NumPy's truth (non-empty; non-zero count, NaT included), in memory and mapped", () => {
  using dir = tempDir();
  ARRAYS.forEach(([make], k) => {
    const a = make();
    assert.deepEqual(ours(a), EXPECTED[k], `array ${k}`);
    const path = `${dir.path}/a.bin`;
    {
      using m = memmap(path, { dtype: a.dtype, mode: "w+", shape: a.shape });
      m.assign(a);
    }
    using m = memmap(path, { dtype: a.dtype, mode: "r", shape: a.shape });
    assert.deepEqual(ours(m), EXPECTED[k], `array ${k}, mapped`);
    assert.deepEqual(ours(a.T.copy().T), EXPECTED[k], `array ${k}, F order`);
  });
  const records = array([{ a: 1 }], { dtype: [["a", "<i4"]] });
  assert.throws(() => records.any(), TypeError);
  assert.throws(() => records.nonzero(), TypeError);
});

Deno.test({
  name: "the truth of bytes, text, datetimes and timedeltas above is NumPy's",
  ignore: NO_NUMPY,
  fn() {
    const got = numpy(`
out = []
for a in [${ARRAYS.map(([, py]) => py).join(", ")}]:
    out.append([${CALLS.map(([, py]) => py).join(", ")}])
print(json.dumps(out))`);
    assert.deepEqual(got, EXPECTED);
  },
});
