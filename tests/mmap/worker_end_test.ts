/**
 * What a Worker's maps become when it ends (README, "What is not
 * guaranteed"): maps it did not close stay mapped, with their descriptors
 * and claims, until the process exits (a Worker has no unload event and its
 * garbage is never collected); maps it closed before ending leave nothing.
 */
import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRun, tempDir, WINDOWS } from "../test_util.ts";

/** What the Worker maps, as code on `f`. */
const MAPS: Record<string, string> = {
  "Mmap.open": `Mmap.open(f)`,
  memmap: `memmap(f, { mode: "r+", dtype: "u1" })`,
  openMemmap: `openMemmap(f + ".npy", { mode: "r+" })`,
};

/** How the Worker ends. */
const ENDS = ["terminate()", "self.close()"];

Deno.test({
  name:
    "a Worker's maps left open when it ends stay mapped and Busy for the process's life; closed before it ends, nothing is left",
  ignore: WINDOWS || !CAN_SPAWN_DENO || Deno.build.os !== "linux",
  fn() {
    using dir = tempDir();
    const rows = [];
    for (const [what, open] of Object.entries(MAPS)) {
      for (const end of ENDS) {
        for (const closes of [false, true]) {
          rows.push({ what, open, end, closes });
        }
      }
    }
    const code = `
      import { array, memmap, Mmap, openMemmap, save } from "MOD";
      const dir = ${JSON.stringify(dir.path)};
      const rows = ${JSON.stringify(rows)};
      const out = [];
      for (const [i, { open, end, closes }] of rows.entries()) {
        const f = dir + "/f" + i;
        Deno.writeFileSync(f, new Uint8Array(8192));
        save(f + ".npy", array(new Uint8Array(8192)));
        const src = \`
          import { memmap, Mmap, openMemmap } from "MOD";
          const f = \${JSON.stringify(f)};
          const m = \${open};
          self.onmessage = (e) => {
            if (${"e.data.closes"}) m.close();
            self.postMessage("ending");
            if (e.data.end === "self.close()") self.close();
          };
          self.postMessage("mapped");
        \`;
        const w = new Worker(
          URL.createObjectURL(new Blob([src], { type: "text/javascript" })),
          { type: "module" },
        );
        await new Promise((r) => (w.onmessage = r));
        w.postMessage({ closes, end });
        await new Promise((r) => (w.onmessage = r));
        if (end === "terminate()") w.terminate();
        await new Promise((r) => setTimeout(r, 200));
        const target = open.includes(".npy") ? f + ".npy" : f;
        const mapped = Deno.readTextFileSync("/proc/self/maps").split("\\n")
          .filter((l) => l.endsWith(" " + target)).length;
        let overwrite;
        try {
          memmap(target, { mode: "w+", dtype: "u1", shape: [16] }).close();
          overwrite = "ok";
        } catch (e) {
          overwrite = e.constructor.name + " " + e.code;
        }
        // Reading and writing it stays possible either way.
        const m = memmap(target, { mode: "r+", dtype: "u1" });
        m.close();
        out.push({ mapped, overwrite });
      }
      console.log(JSON.stringify(out));
    `;
    const result = denoRun(["-A"], code);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(out.length, rows.length);
    for (const [i, { what, end, closes }] of rows.entries()) {
      const where = `${what}, ${end}, ${closes ? "closed" : "left open"}`;
      assert.deepEqual(
        out[i],
        closes
          ? { mapped: 0, overwrite: "ok" }
          : { mapped: 1, overwrite: "Busy EBUSY" },
        where,
      );
    }
  },
});
