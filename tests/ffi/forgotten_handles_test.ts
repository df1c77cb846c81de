/**
 * Handles dropped without `close()` in a loop that awaits are released by
 * the garbage collector before descriptors or memory run out: every entry
 * point that leaves a descriptor or a mapping open, forgotten again and
 * again under a low descriptor limit (`ulimit -n 256`).
 */
import assert from "node:assert/strict";
import { array, save, savez } from "../../mod.ts";
import { CAN_SPAWN_DENO, denoRun, tempDir, WINDOWS } from "../test_util.ts";

/** Each entry point that returns an open handle, as child code on `dir`. */
const FORGOTTEN: Record<string, string> = {
  "Mmap.open": `Mmap.open(dir + "/a.bin", { access: "read" }).get(0)`,
  "Mmap.open write": `Mmap.open(dir + "/a.bin").get(0)`,
  memmap: `memmap(dir + "/a.bin", { mode: "r", dtype: "u1" }).sum()`,
  openMemmap: `openMemmap(dir + "/a.npy", { mode: "r" }).sum()`,
  "load mapped": `load(dir + "/a.npy", { mmapMode: "r" }).sum()`,
  "NpzFile mapped member":
    `load(dir + "/a.npz", { mmapMode: "r" }).get("x").sum()`,
  "SharedMemory attached": `new SharedMemory({ name: shm.name }).buf[0]`,
  // 2 MiB of memory written each time: 1.2 GiB if none were released.
  "Mmap.anonymous": `Mmap.anonymous(2 << 20).bytes.fill(1)[0]`,
};

Deno.test({
  name:
    "handles dropped without close() in a loop that awaits are released before descriptors or memory run out (ulimit -n 256)",
  ignore: WINDOWS || !CAN_SPAWN_DENO || Deno.build.os !== "linux",
  fn() {
    using dir = tempDir();
    Deno.writeFileSync(`${dir.path}/a.bin`, new Uint8Array(8192).fill(1));
    save(`${dir.path}/a.npy`, array([1, 2, 3]));
    savez(`${dir.path}/a.npz`, { x: array([1, 2, 3]) });
    const code = `
      import { load, memmap, Mmap, openMemmap, SharedMemory } from "MOD";
      const dir = ${JSON.stringify(dir.path)};
      const shm = new SharedMemory({ create: true, size: 4096 });
      const loops = {
        ${
      Object.entries(FORGOTTEN).map(([name, call]) =>
        `${JSON.stringify(name)}: () => ${call}`
      ).join(",\n")
    }
      };
      const out = {};
      for (const [name, run] of Object.entries(loops)) {
        const rss = Deno.memoryUsage().rss;
        let i = 0;
        try {
          for (; i < 600; i++) {
            run();
            // The program awaits now and then (a timer, I/O...).
            if (i % 20 === 0) await new Promise((r) => setTimeout(r, 0));
          }
          out[name] = { done: i, grew: Deno.memoryUsage().rss - rss };
        } catch (e) {
          out[name] = { done: i, error: e.message };
        }
      }
      shm.close();
      shm.unlink();
      console.log(JSON.stringify(out));
    `;
    const out = denoRun(["-A"], code, { files: 256 });
    assert.equal(out.code, 0, out.stderr);
    const results = JSON.parse(out.stdout);
    assert.deepEqual(Object.keys(results), Object.keys(FORGOTTEN));
    for (const [name, result] of Object.entries(results)) {
      const { done, grew, error } = result as {
        done: number;
        grew?: number;
        error?: string;
      };
      assert.equal(done, 600, `${name}: ${error}`);
      assert.ok(grew! < 2 ** 29, `${name}: RSS grew by ${grew} bytes`);
    }
  },
});
