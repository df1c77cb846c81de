import assert from "node:assert/strict";
import { arange, NDArray, where } from "../../mod.ts";

// attack13 C8: argument forms NumPy takes (or refuses with its own message)
// that the library refused with a wrong message or accepted unchecked.

Deno.test("var() and std() take ddof as a bigint as every numeric argument (NumPy's ddof=np.int64(d))", () => {
  const a = arange(0, 24, 1, { dtype: "float64" }).reshape(2, 3, 4);
  // NumPy 2.4: np.var/np.std(np.arange(24.).reshape(2,3,4), axis, ddof=np.int64(d)).
  const cases: [number | number[] | null, bigint, number, number][] = [
    [null, 1n, 50, 7.0710678118654755],
    [1, 2n, 32, 5.656854249492381],
    [0, 1n, 72, 8.48528137423857],
    [2, 3n, 5, 2.23606797749979],
    [[0, 2], 5n, 99.33333333333333, 9.966610925150702],
  ];
  for (const [axis, ddof, v, s] of cases) {
    const vr = a.var(axis as number, { ddof });
    const sr = a.std(axis as number, { ddof });
    const first = (x: unknown) =>
      typeof x === "number" ? x : (x as NDArray).toTypedArray()[0];
    assert.equal(first(vr), v, `var axis ${axis} ddof ${ddof}`);
    assert.equal(first(sr), s, `std axis ${axis} ddof ${ddof}`);
    assert.deepEqual(
      a.var(axis as number, { ddof: Number(ddof) }),
      vr,
      "a bigint gives the number's result",
    );
  }
  assert.throws(
    () => a.var(1, { ddof: 2n ** 60n }),
    (e) => e instanceof RangeError && /^Cannot .*ddof/.test(e.message),
  );
  assert.throws(
    () => a.var(1, { ddof: "2" as unknown as number }),
    (e) => e instanceof TypeError && /^Cannot .*ddof/.test(e.message),
  );
});

Deno.test("where() with x or y missing is the library's TypeError naming them (NumPy: either both or neither of x and y)", () => {
  const c = arange(6).gt(3);
  const calls: [string, () => unknown, RegExp][] = [
    ["where(c)", () => (where as (...a: unknown[]) => unknown)(c), /x and y/],
    [
      "where(c, 1)",
      () => (where as (...a: unknown[]) => unknown)(c, 1),
      /without y: either both or neither of x and y/,
    ],
    [
      "where(c, undefined, 1)",
      () => (where as (...a: unknown[]) => unknown)(c, undefined, 1),
      /without x: either both or neither of x and y/,
    ],
    [
      "where([true], 1)",
      () => (where as (...a: unknown[]) => unknown)([true], 1),
      /without y/,
    ],
  ];
  for (const [name, f, re] of calls) {
    assert.throws(
      f,
      (e) =>
        e instanceof TypeError && /^Cannot compute where/.test(e.message) &&
        re.test(e.message),
      name,
    );
  }
  assert.deepEqual(where(c, 1.5, 0).toArray(), [0, 0, 0, 0, 1.5, 1.5]);
});

Deno.test("new NDArray() checks the byte offset of an array with no elements: within 0..storage length", () => {
  const bytes = new Uint8Array(64);
  const refused: [number[], number[] | undefined, number][] = [
    [[0], undefined, 65], // NumPy: TypeError buffer is too small
    [[0], undefined, 1e9],
    [[0], undefined, -1],
    [[0, 5], [8, 2 ** 50], -1e9],
    [[3, 0], [2 ** 52, -(2 ** 52)], 2 ** 53 - 1],
  ];
  for (const [shape, strides, offset] of refused) {
    assert.throws(
      () =>
        new NDArray(
          { bytes, readOnly: false },
          "float64",
          shape,
          strides,
          offset,
        ),
      (e) => e instanceof RangeError && /^Cannot view bytes/.test(e.message),
      `${shape} at ${offset}`,
    );
  }
  for (const offset of [0, 8, 63, 64]) {
    const a = new NDArray(
      { bytes, readOnly: false },
      "float64",
      [0],
      undefined,
      offset,
    );
    assert.equal(a.byteOffset, offset);
    assert.deepEqual(a.toArray(), []);
  }
});
