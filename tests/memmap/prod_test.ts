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

Deno.test("prod() of float64 gives the same sequential product in an array memory, over a caller's buffer, a memory map and without kernels", () => {
  const n = 700_001; // 5.6 MB: an array memory of its own when the library allocates it
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = 1 + Math.sin(i) * 1e-3;
  let want = 1;
  for (let i = 0; i < n; i++) want *= xs[i];
  const own = array(xs);
  const caller = frombuffer(xs.buffer, { dtype: "float64" });
  assert.ok(arrayShower(own.storage.bytes) !== null);
  assert.equal(arrayShower(caller.storage.bytes), null);
  assert.equal(own.prod(), want);
  assert.equal(caller.prod(), want);
  assert.equal(own.slice("3:").prod(), xs.slice(3).reduce((p, x) => p * x, 1));
  using dir = tempDir();
  const path = `${dir.path}/p.f8`;
  Deno.writeFileSync(path, new Uint8Array(xs.buffer));
  using m = memmap(path, { dtype: "float64", mode: "r" });
  const minBytes = settings.overlayMinBytes;
  settings.overlayMinBytes = 4096; // the file's pages shown in place (where overlays exist)
  try {
    assert.equal(m.prod(), want);
  } finally {
    settings.overlayMinBytes = minBytes;
  }
  assert.equal(m.prod(), want); // copied
  settings.off = true;
  try {
    assert.equal(own.prod(), want);
    assert.equal(caller.prod(), want);
    assert.equal(m.prod(), want);
  } finally {
    settings.off = false;
  }
});
