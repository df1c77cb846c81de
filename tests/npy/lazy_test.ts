import assert from "node:assert/strict";
import { load, type Memmap, openMemmap } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";

const GiB = 2 ** 30;

Deno.test("load() with mmapMode of a 2 GiB .npy reads only what is used", () => {
  using dir = tempDir();
  const path = `${dir.path}/big.npy`;
  const n = (2 * GiB) / 8;
  {
    // A sparse file: header plus 2 GiB of holes, with three values written.
    using w = openMemmap(path, { mode: "w+", dtype: "float64", shape: [n] });
    w.set(0, 1.5);
    w.set(n / 2, 2.5);
    w.set(n - 1, 3.5);
  }
  assert.equal(Deno.statSync(path).size, 128 + 2 * GiB);
  const before = Deno.memoryUsage().rss;
  using m = load(path, { mmapMode: "r" }) as Memmap;
  assert.equal(m.size, n);
  assert.equal(m.get(0), 1.5);
  assert.equal(m.get(n / 2), 2.5);
  assert.equal(m.get(n - 1), 3.5);
  assert.equal(m.get(12345), 0);
  const grown = Deno.memoryUsage().rss - before;
  assert.ok(
    grown < 64 * 2 ** 20,
    `RSS grew by ${(grown / 2 ** 20).toFixed(1)} MiB`,
  );
});
