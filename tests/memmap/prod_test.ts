import assert from "node:assert/strict";
import { array, frombuffer, memmap } from "../../mod.ts";
import { arrayShower, settings } from "../../src/memmap/kernels/runtime.ts";
import { tempDir } from "../test_util.ts";

Deno.test("prod() multiplies one element after another, as NumPy's loop, in place or copied, in pieces", () => {
  using dir = tempDir();
  const n = 150_001; // more than two pieces of 64Ki
  const xs = Array.from({ length: n }, (_, i) => 1 + Math.sin(i) * 1e-4);
  let want = 1;
  for (const x of xs) want *= x;
  const a = array(xs);
  assert.equal(a.prod(), want);
  const path = `${dir.path}/p.f8`;
  {
    using m = memmap(path, { dtype: "float64", mode: "w+", shape: [n] });
    m.assign(a);
    m.flush();
  }
  using m = memmap(path, { dtype: "float64", mode: "r", shape: [n] });
  assert.equal(m.prod(), want);
  let tail = 1;
  for (const x of xs.slice(1)) tail *= x;
  assert.equal(m.slice("1:").prod(), tail); // a view from the second element
  // Complex: (re, im) products in order.
  const zs = Array.from(
    { length: 70_000 },
    (_, i) => ({ re: 1 + Math.cos(i) * 1e-5, im: Math.sin(i) * 1e-5 }),
  );
  let re = 1, im = 0;
  for (const z of zs) [re, im] = [re * z.re - im * z.im, re * z.im + im * z.re];
  assert.deepEqual(array(zs, { dtype: "complex128" }).prod(), { re, im });
});

Deno.test("prod() of float64 and float32 gives the same sequential product in an array memory, over a caller's buffer, a memory map and without kernels", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const n = 1_400_001; // 5.6 MB of float32: an array memory of its own when the library allocates it
    const xs = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) xs[i] = 1 + Math.sin(i) * 1e-3;
    const round = dtype === "float64" ? (x: number) => x : Math.fround;
    const productOf = (from: number) => {
      let p = 1;
      for (let i = from; i < n; i++) p = round(p * xs[i]);
      return p;
    };
    const want = productOf(0);
    const own = array(xs, { dtype });
    const caller = frombuffer(xs.buffer, { dtype });
    assert.ok(arrayShower(own.storage.bytes) !== null);
    assert.equal(arrayShower(caller.storage.bytes), null);
    assert.equal(own.prod(), want, dtype);
    assert.equal(caller.prod(), want, dtype);
    assert.equal(own.slice("3:").prod(), productOf(3), dtype);
    using dir = tempDir();
    const path = `${dir.path}/p.bin`;
    Deno.writeFileSync(path, new Uint8Array(xs.buffer));
    using m = memmap(path, { dtype, mode: "r" });
    const minBytes = settings.overlayMinBytes;
    settings.overlayMinBytes = 4096; // the file's pages shown in place (where overlays exist)
    try {
      assert.equal(m.prod(), want, dtype);
    } finally {
      settings.overlayMinBytes = minBytes;
    }
    assert.equal(m.prod(), want, dtype); // copied
    settings.off = true;
    try {
      assert.equal(own.prod(), want, dtype);
      assert.equal(caller.prod(), want, dtype);
      assert.equal(m.prod(), want, dtype);
    } finally {
      settings.off = false;
    }
  }
});
