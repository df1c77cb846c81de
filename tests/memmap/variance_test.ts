import assert from "node:assert/strict";
import { array, memmap } from "../../mod.ts";
import { HAS_NUMPY, tempDir } from "../test_util.ts";
import { numpy } from "./_numpy.ts";

Deno.test("var() and std() divide by n - ddof, never below 0 (NaN or inf then)", () => {
  const a = array([1, 2, 3, 4], { dtype: "int8" });
  assert.equal(a.var(), 1.25);
  assert.equal(a.var(null, { ddof: 1 }), 5 / 3);
  assert.equal(a.var(null, { ddof: 0.5 }), 5 / 3.5);
  assert.equal(a.var(null, { ddof: -1 }), 1);
  assert.equal(a.var(null, { ddof: 4 }), Infinity);
  assert.ok(Number.isNaN(array([2, 2]).var(null, { ddof: 5 })));
  assert.ok(Number.isNaN(array([], { dtype: "float32" }).std()));
  assert.equal(a.std(null, { ddof: 1 }), Math.sqrt(5 / 3));
});

Deno.test("var() of complex numbers is the mean of |x - mean|², of the real type", () => {
  const c = array([{ re: 1, im: 1 }, { re: -1, im: -1 }], {
    dtype: "complex64",
  });
  const v = c.var(0);
  assert.equal(v.dtype.name, "float32");
  assert.equal(v.get(), 2);
  assert.equal(
    c.std(),
    Math.SQRT2 === Math.fround(Math.SQRT2)
      ? Math.SQRT2
      : Math.fround(Math.SQRT2),
  );
});

Deno.test("var() and std() over axis lists and keepdims keep NumPy's shapes", () => {
  const a = array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], { dtype: "uint16" });
  assert.deepEqual(a.var([0, 2]).toArray(), [4.25, 4.25]);
  assert.deepEqual(a.std([0, 2], { keepdims: true }).shape, [1, 2, 1]);
  assert.deepEqual(a.var(-1).shape, [2, 2]);
  assert.equal(a.var(null, { keepdims: true }).ndim, 3);
});

Deno.test("var() and std() refuse bad axes, ddof and types with contract errors", () => {
  const a = array([[1, 2], [3, 4]]);
  assert.throws(() => a.var(2), RangeError);
  assert.throws(() => a.var([0, 0]), RangeError);
  assert.throws(() => array(1.5).var(0), RangeError); // NumPy: a 0-d array has no axis 0 here
  assert.throws(() => a.std(null, { ddof: NaN }), RangeError);
  assert.throws(() => a.std(null, { ddof: "1" as never }), TypeError);
  assert.throws(() => a.var(null, { keepdims: 1 as never }), TypeError);
  assert.throws(() => array(["ab"], { dtype: "U2" }).var(), TypeError);
  assert.throws(() => array([1], { dtype: "float128" }).std(), TypeError);
});

Deno.test("var() of a memory map equals var() of the same data in memory", () => {
  using dir = tempDir();
  const path = `${dir.path}/v.bin`;
  const n = 3 * 1024 * 1024; // 12 MiB of float32
  {
    using m = memmap(path, { dtype: "float32", mode: "w+", shape: [n] });
    const d = m.data as Float32Array;
    for (let i = 0; i < n; i++) d[i] = Math.sin(i) * 1000 + (i % 7);
    m.flush();
  }
  using m = memmap(path, { dtype: "float32", mode: "r", shape: [n] });
  const inMemory = m.copy();
  assert.equal(m.var(), inMemory.var());
  assert.equal(m.std(null, { ddof: 1 }), inMemory.std(null, { ddof: 1 }));
  const rows = m.reshape(1024, n / 1024);
  assert.deepEqual(
    rows.var(1).toArray(),
    inMemory.reshape(1024, n / 1024).var(1).toArray(),
  );
});

Deno.test({
  name:
    "var() and std() of large contiguous arrays (made in subtrees of NumPy's recursion) equal NumPy's bit for bit",
  ignore: !HAS_NUMPY,
  fn() {
    using dir = tempDir();
    for (const dtype of ["float64", "float32", "int32", "complex64"]) {
      const n = 300_001;
      const path = `${dir.path}/${dtype}.bin`;
      const a = array(
        Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3 + (i % 13)),
      ).astype(dtype);
      const t = a.toTypedArray();
      Deno.writeFileSync(
        path,
        new Uint8Array(t.buffer, t.byteOffset, t.byteLength),
      );
      const want = numpy<string[]>(`
a = np.fromfile(${JSON.stringify(path)}, "${dtype}")
b = a.reshape(3, -1) if a.size % 3 == 0 else a[:-1].reshape(2, -1)
print(json.dumps([repr(float(x)) for x in (a.var(), a.std(ddof=1), b.var(), b.T.std(), a[::-1].var())]))`);
      const b = n % 3 === 0 ? a.reshape(3, -1) : a.slice("0:-1").reshape(2, -1);
      const got = [
        a.var(),
        a.std(null, { ddof: 1 }),
        b.var(),
        b.T.std(),
        a.slice("::-1").var(),
      ];
      assert.deepEqual(got.map((x) => Number(x)), want.map(Number), dtype);
    }
  },
});
