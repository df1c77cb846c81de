/**
 * The README's Python side of `SharedMemory`, run as written: two Python
 * processes attach one after the other to a block Deno created, write
 * through NumPy, exit without a resource-tracker warning, and leave the
 * block for Deno to unlink.
 */
import assert from "node:assert/strict";
import { SharedMemory } from "../../mod.ts";
import { HAS_NUMPY, text } from "../test_util.ts";
import { removeShm, shmExists, uniqueName } from "./_helpers.ts";

const README = new URL("../../README.md", import.meta.url);

/** The README's fenced python block that follows `marker`. */
function pythonBlockAfter(marker: string): string {
  const readme = Deno.readTextFileSync(README);
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README has no "${marker}"`);
  const match = /```python\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(match, `README has no python block after "${marker}"`);
  return match[1];
}

Deno.test({
  name:
    "SharedMemory: the README's Python side attaches twice and leaves the block to Deno",
  ignore: !HAS_NUMPY || Deno.build.os !== "linux",
  fn() {
    const script = pythonBlockAfter("The Python side attaches by name");
    const name = uniqueName("readme");
    try {
      const shm = new SharedMemory({ name, create: true, size: 48 });
      const a = shm.ndarray({ dtype: "float64", shape: [2, 3] });
      a.fill(1);
      for (let run = 0; run < 2; run++) {
        const out = new Deno.Command("python3", {
          args: ["-c", script, name],
          stdout: "piped",
          stderr: "piped",
        }).outputSync();
        const stderr = text(out.stderr);
        assert.equal(out.code, 0, stderr);
        // Python 3.11's tracker prints "leaked shared_memory objects" and
        // unlinks the block when it was not told the block is not its own.
        assert.equal(stderr, "");
        assert.ok(shmExists(name), `run ${run} left the block in place`);
      }
      assert.deepEqual(a.toArray(), [[1, 1, 1], [2.5, 2.5, 2.5]]);
      shm.close();
      shm.unlink();
      assert.equal(shmExists(name), false);
    } finally {
      removeShm(name);
    }
  },
});
