import assert from "node:assert/strict";
import { denoRunWithin, tempDir } from "../test_util.ts";

Deno.test({
  name:
    "an NpzFile dropped without close() closes its file once collected (load(f).get() in a loop)",
  ignore: Deno.build.os !== "linux",
  async fn() {
    using dir = tempDir();
    const result = await denoRunWithin(
      ["-A", "--v8-flags=--expose-gc"],
      `
      import { array, load, NpzFile, savez } from "MOD";
      const gc = globalThis.gc;
      const path = ${JSON.stringify(`${dir.path}/a.npz`)};
      savez(path, { x: array([1, 2, 3]) });
      const fds = () => [...Deno.readDirSync("/proc/self/fd")].length;
      const before = fds();
      let sum = 0;
      for (let i = 0; i < 300; i++) {
        sum += load(path).get("x").sum();
        sum += new NpzFile(path).get("x").sum();
      }
      const during = fds();
      for (let i = 0; i < 1000 && fds() > before + 5; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 10));
      }
      console.log(JSON.stringify({ before, during, after: fds(), sum }));
      `,
    );
    assert.equal(result.code, 0, result.stderr);
    const { before, during, after, sum } = JSON.parse(result.stdout);
    assert.equal(sum, 600 * 6);
    const counts = JSON.stringify({ before, during, after });
    // (A few descriptors of the runtime's own may come and go meanwhile.)
    assert.ok(during > before + 100, `open while reachable: ${counts}`);
    assert.ok(after <= before + 5, `closed once collected: ${counts}`);
  },
});
