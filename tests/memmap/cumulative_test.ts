import assert from "node:assert/strict";
import { array, memmap } from "../../mod.ts";
import { tempDir } from "../test_util.ts";

Deno.test("cumsum() and cumprod() widen bools and integers to 64 bits and wrap there", () => {
  const b = array([true, true, false, true], { dtype: "bool" });
  assert.equal(b.cumsum().dtype.name, "int64");
  assert.deepEqual(b.cumsum().toArray(), [1n, 2n, 2n, 3n]);
  const u = array([255, 255], { dtype: "uint8" });
  assert.deepEqual(u.cumsum().toArray(), [255n, 510n]);
  assert.equal(u.cumprod().dtype.name, "uint64");
  const big = array([2n ** 62n, 4n], { dtype: "int64" });
  assert.deepEqual(big.cumprod().toArray(), [2n ** 62n, 0n]);
  const neg = array([-(2n ** 63n), -1n], { dtype: "int64" });
  assert.deepEqual(neg.cumsum().toArray(), [-(2n ** 63n), 2n ** 63n - 1n]);
});

Deno.test("cumsum() rounds at every step in the array's float type", () => {
  const f = array([1, 2 ** -24, 2 ** -24], { dtype: "float32" });
  // float32: 1 + 2^-24 rounds to 1 each time (ties to even).
  assert.deepEqual(f.cumsum().toArray(), [1, 1, 1]);
  const d = array([1, 2 ** -24, 2 ** -24]);
  assert.deepEqual(d.cumsum().toArray(), [1, 1 + 2 ** -24, 1 + 2 ** -23]);
  const h = array([2048, 1, 1], { dtype: "float16" });
  assert.deepEqual(h.cumsum().toArray(), [2048, 2048, 2048]);
});

Deno.test("cumsum() without an axis flattens in C order; with one keeps the shape", () => {
  const a = array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
  assert.deepEqual(a.T.cumsum().toArray(), [1n, 5n, 7n, 12n, 15n, 21n]);
  assert.deepEqual(a.cumsum(1).toArray(), [[1n, 3n, 6n], [4n, 9n, 15n]]);
  assert.deepEqual(a.cumprod(-2).toArray(), [[1n, 2n, 3n], [4n, 10n, 18n]]);
  assert.deepEqual(array(7).cumsum().shape, [1]);
  assert.deepEqual(array(7).cumsum(0).shape, [1]);
  assert.deepEqual(array([[]]).cumsum(1).shape, [1, 0]);
  const c = array([{ re: 1, im: 1 }, { re: 0, im: 1 }], {
    dtype: "complex128",
  });
  assert.deepEqual(c.cumprod().toArray(), [{ re: 1, im: 1 }, {
    re: -1,
    im: 1,
  }]);
});

Deno.test("cumsum() and cumprod() refuse axis lists, missing axes and non-numeric types", () => {
  const a = array([[1, 2]]);
  assert.throws(() => a.cumsum([0] as never), TypeError);
  assert.throws(() => a.cumsum(2), RangeError);
  assert.throws(() => a.cumprod(1.5), TypeError);
  assert.throws(() => array(["x"], { dtype: "U1" }).cumsum(), TypeError);
});

Deno.test("cumsum() of a memory map equals cumsum() of the same data in memory", () => {
  using dir = tempDir();
  const path = `${dir.path}/c.bin`;
  const n = 2 * 1024 * 1024;
  {
    using m = memmap(path, { dtype: "int16", mode: "w+", shape: [n] });
    const d = m.data as Int16Array;
    for (let i = 0; i < n; i++) d[i] = (i * 7919) % 65536 - 32768;
    m.flush();
  }
  using m = memmap(path, { dtype: "int16", mode: "r", shape: [n] });
  const got = m.cumsum();
  const want = m.copy().cumsum();
  assert.equal(got.get(n - 1), want.get(n - 1));
  assert.deepEqual(
    got.reshape(2, n / 2).get(1, 5),
    want.reshape(2, n / 2).get(1, 5),
  );
});
