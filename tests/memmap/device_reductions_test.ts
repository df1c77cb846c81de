import assert from "node:assert/strict";
import { memmap } from "../../mod.ts";

// A device's private map is not what its shared map shows: /dev/zero gives
// fresh zeros. Reductions large enough to read a file in place (16 MiB and
// more) must read such a memmap through the map itself.
Deno.test(
  "reductions of a memmap over /dev/zero read what was written, at every size",
  {
    ignore: Deno.build.os !== "linux",
  },
  () => {
    for (const n of [1024, 1 << 21, 1 << 22]) {
      using fp = memmap("/dev/zero", {
        dtype: "float64",
        mode: "r+",
        shape: n,
      });
      fp.fill(1);
      assert.equal(fp.sum(), n, `sum of ${n}`);
      assert.equal(fp.max(), 1, `max of ${n}`);
      assert.equal(fp.mean(), 1, `mean of ${n}`);
      const square = fp.reshape([n / 512, 512]);
      assert.equal(square.min(), 1);
      assert.deepEqual([...square.sum(0).toTypedArray()].slice(0, 3), [
        n / 512,
        n / 512,
        n / 512,
      ]);
    }
  },
);
