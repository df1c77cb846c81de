import assert from "node:assert/strict";
import { arange, array, zeros } from "../../mod.ts";

// 64-bit indices a number cannot hold exactly (past 2**53 in magnitude) are
// out of bounds of every axis: "wrap" takes their exact value modulo the
// length (as NumPy's take and put), "raise" names them exactly.
const WIDE: bigint[] = [
  2n ** 53n + 1n,
  2n ** 62n + 3n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  -(2n ** 60n) - 7n,
  12345678901234567n,
];
const N = 10;
const wrapped = (i: bigint) =>
  Number(((i % BigInt(N)) + BigInt(N)) % BigInt(N));

const forms: [string, () => unknown][] = [
  ["an int64 array", () => array(WIDE, { dtype: "int64" })],
  ["a list of bigints", () => WIDE],
];

for (const [form, indices] of forms) {
  Deno.test(`take() wraps ${form} past 2**53 by the exact integers`, () => {
    const got = arange(N).take(indices() as never, null, { mode: "wrap" });
    assert.deepEqual([...got.toTypedArray()].map(Number), WIDE.map(wrapped));
  });

  Deno.test(`put() wraps ${form} past 2**53 by the exact integers`, () => {
    const a = zeros([N], { dtype: "int32" });
    a.put(indices() as never, 1, { mode: "wrap" });
    const want = new Array(N).fill(0);
    for (const i of WIDE) want[wrapped(i)] = 1;
    assert.deepEqual([...a.toTypedArray()], want);
  });

  Deno.test(`take() and put() name ${form} past 2**53 exactly when out of bounds`, () => {
    for (
      const call of [
        () => arange(N).take(indices() as never),
        () => zeros([N]).put(indices() as never, 1),
      ]
    ) {
      assert.throws(call, {
        name: "RangeError",
        message: `Cannot index with ${WIDE[0]}: index ${
          WIDE[0]
        } is out of bounds for axis 0 with size ${N}`,
      });
    }
  });
}

Deno.test("take() wraps uint64 indices past 2**63 by the exact integers", () => {
  const idx = [2n ** 64n - 1n, 2n ** 63n + 5n];
  const got = arange(N).take(array(idx, { dtype: "uint64" }), null, {
    mode: "wrap",
  });
  assert.deepEqual([...got.toTypedArray()].map(Number), idx.map(wrapped));
});
