import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRunWithin } from "../test_util.ts";

// Another program cutting a block's /dev/shm file short: walks over an
// array of the block are EFAULT errors, as over a memmap, not SIGBUS. In a
// subprocess: the fault guarded against kills the process.
Deno.test({
  name:
    "walks over a SharedMemory array whose block another program cut short throw EFAULT instead of faulting",
  ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  async fn() {
    const walks: Record<string, string> = {
      "sum()": "a.sum()",
      "sum(0)": "a.reshape(4096, 2048).sum(0)",
      copy: "a.copy()",
      "::2 copy": 'a.slice("::2").copy()',
      fill: "a.fill(1)",
      exp: "a.exp()",
      take: "a.take([1, 5])",
      put: "a.put([1, 5], 2)",
      sort: "a.sort()",
      nonzero: "a.nonzero()",
      dot: "a.dot(a)",
    };
    const run = await denoRunWithin(
      ["-A"],
      `
      import { SharedMemory } from "MOD";
      const walks = {${
        Object.entries(walks).map(([n, w]) =>
          `${JSON.stringify(n)}: (a) => ${w}`
        ).join(", ")
      }};
      const rows = {};
      for (const [name, walk] of Object.entries(walks)) {
        const shm = new SharedMemory({ create: true, size: 64 << 20 });
        const a = shm.ndarray({ dtype: "float64" });
        Deno.truncateSync("/dev/shm/" + shm.name.replace(/^\\//, ""), 4096);
        console.error("walk:", name);
        try {
          walk(a);
          rows[name] = "returned";
        } catch (e) {
          rows[name] = e.code + (e.message.includes("cut short") ? " cut short" : " " + e.message);
        }
        shm.close();
        shm.unlink();
      }
      console.log(JSON.stringify(rows));
      `,
    );
    const last = run.stderr.trim().split("\n").pop();
    assert.equal(run.signal, null, `${last}: ${run.signal}`);
    const rows = JSON.parse(run.stdout);
    for (const name of Object.keys(walks)) {
      assert.equal(rows[name], "EFAULT cut short", name);
    }
  },
});
