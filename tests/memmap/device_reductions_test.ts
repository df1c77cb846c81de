import assert from "node:assert/strict";
import { memmap, Mmap } from "../../mod.ts";
import { canLoop, loopDevice, tempDir } from "../test_util.ts";

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

// A block device maps as a file whose size lseek tells (fstat says 0): the
// calls that read it in place (16 MiB and more: reductions, element-wise
// kernels; lines() 4 MiB at a time) must see its size, not refuse it.
Deno.test({
  name:
    "calls that read a block device in place give what they give over its image file",
  ignore: !canLoop(),
  fn() {
    using dir = tempDir();
    const n = 4 << 20; // 32 MiB of float64
    const values = new Float64Array(n).map((_, i) => i % 1000);
    const bytes = new Uint8Array(values.buffer);
    for (let i = 100; i < bytes.length; i += 777) bytes[i] = 10; // lines
    const device = loopDevice(dir.path, bytes);
    assert.notEqual(device, null);
    try {
      const image = `${dir.path}/image`;
      const cases: [string, (path: string) => unknown][] = [
        ["sum", (p) => array(p).sum()],
        ["max", (p) => array(p).max()],
        ["sum(1)", (p) => array(p).reshape([n / 1024, 1024]).sum(1).get(7)],
        ["add", (p) => array(p).add(array(p)).get(n - 1)],
        ["mul", (p) => array(p).mul(0.5).get(12345)],
        ["lines", (p) => {
          using m = Mmap.open(p, { access: "read" });
          let count = 0;
          for (const _ of m.lines()) count++;
          return count;
        }],
      ];
      for (const [name, run] of cases) {
        assert.deepEqual(run(device!), run(image), name);
      }
    } finally {
      new Deno.Command("losetup", { args: ["-d", device!] }).outputSync();
    }
    function array(path: string) {
      return memmap(path, { dtype: "float64", mode: "r", shape: [n] });
    }
  },
});
