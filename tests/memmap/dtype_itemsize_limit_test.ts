// NumPy holds a dtype's itemsize, and each dimension of a subarray, in a C
// int: every spelling of a type above 2**31 - 1 bytes is refused, as NumPy
// refuses it (strings: "not understood"; subarrays: "must fit into a C
// int"). Records NumPy builds past the limit come out with a negative
// itemsize (an overflow); dtype() refuses those too.

import assert from "node:assert/strict";
import { dtype, type DTypeLike } from "../../mod.ts";
import { HAS_NUMPY, python } from "../test_util.ts";

const MAX = 2 ** 31 - 1;

interface Row {
  /** The spec given to dtype(). */
  like: DTypeLike;
  /** The same spec for np.dtype(), as Python source. */
  py: string;
  /** NumPy's itemsize, "refused", or "wraps" (NumPy overflows to a negative itemsize). */
  numpy: number | "refused" | "wraps";
}

const ROWS: Row[] = [
  { like: "S2147483647", py: "'S2147483647'", numpy: MAX },
  { like: "|S2147483647", py: "'|S2147483647'", numpy: MAX },
  { like: "S2147483648", py: "'S2147483648'", numpy: "refused" },
  { like: "S4294967296", py: "'S4294967296'", numpy: "refused" },
  { like: "V2147483647", py: "'V2147483647'", numpy: MAX },
  { like: "V2147483648", py: "'V2147483648'", numpy: "refused" },
  { like: "U536870911", py: "'U536870911'", numpy: MAX - 3 },
  { like: ">U536870911", py: "'>U536870911'", numpy: MAX - 3 },
  { like: "U536870912", py: "'U536870912'", numpy: "refused" },
  { like: "<U536870912", py: "'<U536870912'", numpy: "refused" },
  { like: "U1073741824", py: "'U1073741824'", numpy: "refused" },
  { like: "U2147483647", py: "'U2147483647'", numpy: "refused" },
  { like: "S0", py: "'S0'", numpy: 0 },
  { like: "U0", py: "'U0'", numpy: 0 },
  // subarrays
  { like: ["u1", [MAX]], py: "('u1', (2147483647,))", numpy: MAX },
  { like: ["u1", [2 ** 31]], py: "('u1', (2147483648,))", numpy: "refused" },
  {
    like: ["i4", [2 ** 31, 0]],
    py: "('i4', (2147483648, 0))",
    numpy: "refused",
  },
  { like: ["i4", [0, 2 ** 40]], py: "('i4', (0, 2**40))", numpy: "refused" },
  { like: ["f8", [268435455]], py: "('f8', (268435455,))", numpy: 2147483640 },
  { like: ["f8", [268435456]], py: "('f8', (268435456,))", numpy: "refused" },
  {
    like: ["f8", [46341, 46341]],
    py: "('f8', (46341, 46341))",
    numpy: "refused",
  },
  {
    like: ["S1000000", [2147]],
    py: "('S1000000', (2147,))",
    numpy: 2147000000,
  },
  { like: ["S1000000", [2148]], py: "('S1000000', (2148,))", numpy: "refused" },
  { like: ["U536870911", [2]], py: "('U536870911', (2,))", numpy: "refused" },
  { like: ["V2147483647", [1]], py: "('V2147483647', (1,))", numpy: MAX },
  // subarrays of subarrays multiply out
  {
    like: [["u2", [65536]], [16384]],
    py: "(('u2', (65536,)), (16384,))",
    numpy: "refused",
  },
  // records (list form, dict form, subarray fields)
  { like: [["a", "S2147483647"]], py: "[('a', 'S2147483647')]", numpy: MAX },
  {
    like: [["a", "S2147483647"], ["b", "u1"]],
    py: "[('a', 'S2147483647'), ('b', 'u1')]",
    numpy: "wraps",
  },
  {
    like: [["a", "S1073741824"], ["b", "S1073741823"]],
    py: "[('a', 'S1073741824'), ('b', 'S1073741823')]",
    numpy: MAX,
  },
  {
    like: [["a", "S1073741824"], ["b", "S1073741824"]],
    py: "[('a', 'S1073741824'), ('b', 'S1073741824')]",
    numpy: "wraps",
  },
  {
    like: [["a", "u1", [2 ** 31]]],
    py: "[('a', 'u1', (2147483648,))]",
    numpy: "refused",
  },
  {
    like: [["a", "f8", [46341, 46341]]],
    py: "[('a', 'f8', (46341, 46341))]",
    numpy: "refused",
  },
  {
    like: { names: ["a"], formats: ["u1"], offsets: [MAX - 1] },
    py: "{'names': ['a'], 'formats': ['u1'], 'offsets': [2147483646]}",
    numpy: MAX,
  },
  {
    like: { names: ["a"], formats: ["u1"], offsets: [MAX] },
    py: "{'names': ['a'], 'formats': ['u1'], 'offsets': [2147483647]}",
    numpy: "wraps",
  },
  {
    like: { names: ["a"], formats: ["u1"], itemsize: MAX },
    py: "{'names': ['a'], 'formats': ['u1'], 'itemsize': 2147483647}",
    numpy: MAX,
  },
  {
    like: { names: ["a"], formats: ["u1"], itemsize: 2 ** 31 },
    py: "{'names': ['a'], 'formats': ['u1'], 'itemsize': 2147483648}",
    numpy: "refused",
  },
];

function show(like: DTypeLike): string {
  return JSON.stringify(like);
}

for (const row of ROWS) {
  if (typeof row.numpy === "number") {
    const size = row.numpy;
    Deno.test(`dtype(${show(row.like)}) is ${size} bytes, as NumPy`, () => {
      assert.equal(dtype(row.like).itemsize, size);
    });
  } else {
    Deno.test(
      `dtype(${show(row.like)}) passes NumPy's itemsize limit: a TypeError`,
      () => {
        assert.throws(
          () => dtype(row.like),
          (e: unknown) =>
            e instanceof TypeError && /^Cannot /.test(e.message) &&
            !/undefined|NaN/.test(e.message),
        );
      },
    );
  }
}

Deno.test({
  name: "dtype() itemsize limit table: NumPy gives each row's outcome",
  ignore: !HAS_NUMPY,
  fn() {
    const script = `
import json, sys, warnings, numpy as np
warnings.simplefilter("ignore")
out = []
for src in json.loads(sys.argv[1]):
    try:
        out.append(np.dtype(eval(src)).itemsize)
    except (TypeError, ValueError) as e:
        out.append("refused")
print(json.dumps(out))
`;
    const got = JSON.parse(
      python(script, JSON.stringify(ROWS.map((r) => r.py))),
    ) as (number | "refused")[];
    ROWS.forEach((row, i) => {
      const want = row.numpy === "wraps" ? "negative" : row.numpy;
      const have = typeof got[i] === "number" && (got[i] as number) < 0
        ? "negative"
        : got[i];
      assert.equal(have, want, `np.dtype(${row.py})`);
    });
  },
});
