/**
 * argmin/argmax of datetimes, timedeltas, text and bytes against NumPy 2
 * (which gives the first NaT for both): every axis choice, keepdims, NaT in
 * some lines, both byte orders, reversed views, in memory and mapped.
 * NumPy's results are committed (tests/testdata/records/item_arg.json) so
 * that the test runs without Python; with NumPy the fixture is checked
 * against NumPy itself.
 */
import assert from "node:assert/strict";
import { array, type NDArray } from "../../mod.ts";
import {
  checkCases,
  numpy,
  numpyFixtureTests,
  reductionCases,
} from "./_numpy.ts";

/** The arrays (2 x 5): their type, our values, NumPy's expression for them. */
const ARRAYS: [string, unknown[], string][] = [
  [
    "M8[ns]",
    [3n, -5n, 2n ** 62n, 3n, null, 7n, null, 1n, 2n, -(2n ** 62n)],
    `[3, -5, 2**62, 3, "NaT", 7, "NaT", 1, 2, -2**62]`,
  ],
  [
    ">m8[s]",
    [9n, 8n, 9n, -6n, 5n, 4n, 4n, 2n, 1n, null],
    `[9, 8, 9, -6, 5, 4, 4, 2, 1, "NaT"]`,
  ],
  [
    "M8[D]",
    [null, null, null, null, null, 1n, 0n, 1n, 0n, -1n],
    `["NaT"] * 5 + [1, 0, 1, 0, -1]`,
  ],
  [
    "U3",
    ["b", "", "ab", "a\0b", "b", "\uffff", "😀", "ab", "", "a"],
    `["b", "", "ab", "a\\x00b", "b", "\\uffff", "\\U0001F600", "ab", "", "a"]`,
  ],
  [
    ">U2",
    ["yy", "y", "z", "yz", "a", "a", "b", "a", "c", "b"],
    `["yy", "y", "z", "yz", "a", "a", "b", "a", "c", "b"]`,
  ],
  [
    "S2",
    [
      ...[[98], [97, 0], [97], [0, 97], [255]],
      ...[[1, 2], [1], [], [1, 2], [2]],
    ].map((b) => new Uint8Array(b)),
    `[b"b", b"a\\x00", b"a", b"\\x00a", b"\\xff", b"\\x01\\x02", b"\\x01", b"", b"\\x01\\x02", b"\\x02"]`,
  ],
];
const OPS = ["argmin", "argmax"] as const;
const AXES = [undefined, 0, 1, -1];

interface Case {
  array: number;
  reversed: boolean;
  op: typeof OPS[number];
  axis: number | undefined;
  keepdims: boolean;
}

const CASES: Case[] = reductionCases(ARRAYS.length, () => OPS, AXES);

function make(i: number, reversed: boolean): NDArray {
  const [dt, values] = ARRAYS[i];
  const a = array(values as never, { dtype: dt }).reshape(2, 5);
  return reversed ? a.slice("::-1", "::-2") : a;
}

/** One result: the flat index, or the indices and shape of the array of them. */
type Result = number | { indices: number[]; shape: number[] };

function ours(a: NDArray, c: Case): Result {
  const r = a[c.op](c.axis as never, c.keepdims ? { keepdims: true } : {});
  if (typeof r === "number") return r;
  return {
    indices: [...(r.toTypedArray() as BigInt64Array)].map(Number),
    shape: [...r.shape],
  };
}

function fromNumpy(): Result[] {
  return numpy<Result[]>(`
arrays = [np.array(${
    ARRAYS.map(([dt, , py]) => `${py}, "${dt}"`).join("), np.array(")
  })]
out = []
for c in json.loads(${JSON.stringify(JSON.stringify(CASES))}):
    a = arrays[c["array"]].reshape(2, 5)
    if c["reversed"]: a = a[::-1, ::-2]
    kw = {"keepdims": True} if c["keepdims"] else {}
    r = getattr(a, c["op"])(c.get("axis"), **kw)
    # The library gives an array whenever an axis or keepdims is given.
    if isinstance(r, np.ndarray):
        out.append({"indices": [int(x) for x in r.ravel()], "shape": list(r.shape)})
    else:
        out.append(int(r))
print(json.dumps(out))`);
}

const FIXTURE = new URL("../testdata/records/item_arg.json", import.meta.url);

// `deno run -A tests/memmap/item_arg_reduce_test.ts` rewrites the fixture.
numpyFixtureTests(
  "argmin and argmax of datetimes, timedeltas, text and bytes give NumPy's indices (the first NaT for both)",
  FIXTURE,
  fromNumpy,
  (expected: Result[]) =>
    checkCases(ARRAYS.length, CASES, make, ours, expected),
  import.meta.main,
);

Deno.test("argmin and argmax of records and raw bytes are a TypeError, as NumPy's", () => {
  const cases: [unknown, unknown[]][] = [
    ["V2", [new Uint8Array([1, 2]), new Uint8Array([0, 3])]],
    [[["a", "<i4"]], [{ a: 2 }, { a: 1 }]],
  ];
  for (const [dt, values] of cases) {
    const a = array(values as never, { dtype: dt as never });
    assert.throws(() => a.argmin(), TypeError);
    assert.throws(() => a.argmax(), TypeError);
  }
});
