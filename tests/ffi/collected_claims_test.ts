/**
 * A map dropped without `close()` whose buffer was handed out keeps the
 * file's pages mapped once collected (for reads in flight), and with them
 * the open file description: its claim (the lock that makes a shrink or an
 * overwrite under a live map `Busy`) must still go when the map is
 * collected, and forgotten maps must not pile up in the file's lock list.
 * Subprocesses with `--expose-gc` (Linux: `/proc/locks`).
 */
import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRun, tempDir, WINDOWS } from "../test_util.ts";

const LINUX = !WINDOWS && CAN_SPAWN_DENO && Deno.build.os === "linux";

/**
 * Ways to drop a map of `path` after handing its memory out, as child code:
 * what opens it (`m`) and what uses its memory.
 */
const FORGOTTEN: Record<string, [open: string, use: string]> = {
  "Mmap.open bytes": [`Mmap.open(path, { access: "read" })`, "m.bytes[0]"],
  "Mmap.open write bytes": [`Mmap.open(path)`, "m.bytes[0]"],
  "Mmap.open copy bytes": [`Mmap.open(path, { access: "copy" })`, "m.bytes[0]"],
  "memmap r sum": [`memmap(path, { mode: "r", dtype: "u1" })`, "m.sum()"],
  "memmap r+ sum": [`memmap(path, { mode: "r+", dtype: "u1" })`, "m.sum()"],
};

/** Child code: `locks()` counts the file's lines in /proc/locks; `settle()` collects. */
const PRELUDE = `
  import { memmap, Mmap } from "MOD";
  const gc = globalThis.gc;
  const locks = (p) => {
    const ino = String(Deno.statSync(p).ino);
    return Deno.readTextFileSync("/proc/locks").split("\\n")
      .filter((l) => l.split(/\\s+/)[5]?.endsWith(":" + ino)).length;
  };
  const settle = async () => {
    for (let k = 0; k < 8; k++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
  };
`;

Deno.test({
  name:
    "a map forgotten with its buffer handed out lets go of its claim when collected: the file can be overwritten and cut",
  ignore: !LINUX,
  fn() {
    using dir = tempDir();
    const path = `${dir.path}/a.bin`;
    const code = `${PRELUDE}
      const path = ${JSON.stringify(path)};
      const out = {};
      const seen = new FinalizationRegistry((name) => { out[name].collected = true; });
      const rows = {
        ${
      Object.entries(FORGOTTEN).map(([name, [open, use]]) =>
        `${JSON.stringify(name)}: () => { const m = ${open}; ` +
        `seen.register(m, ${JSON.stringify(name)}); ${use}; }`
      ).join(",\n")
    }
      };
      for (const [name, forget] of Object.entries(rows)) {
        Deno.writeFileSync(path, new Uint8Array(8192).fill(1));
        out[name] = { collected: false };
        forget();
        for (let k = 0; k < 50 && !out[name].collected; k++) await settle();
        await settle();
        const row = out[name];
        row.locksAfter = locks(path);
        // Another live map of the file cut to 0 bytes, then the file overwritten.
        try {
          const other = Mmap.open(path);
          other.resize(0);
          other.close();
          row.resize = "ok";
        } catch (e) { row.resize = e.constructor.name + ": " + e.message; }
        try {
          const w = memmap(path, { mode: "w+", dtype: "u1", shape: [16] });
          w.close();
          row.overwrite = "ok";
        } catch (e) { row.overwrite = e.constructor.name + ": " + e.message; }
      }
      console.log(JSON.stringify(out));
    `;
    const result = denoRun(["-A", "--v8-flags=--expose-gc"], code);
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(rows), Object.keys(FORGOTTEN));
    for (const [name, row] of Object.entries(rows)) {
      assert.deepEqual(row, {
        collected: true,
        locksAfter: 0,
        resize: "ok",
        overwrite: "ok",
      }, name);
    }
  },
});

Deno.test({
  name:
    "maps forgotten in a loop do not pile up in the file's lock list: once collected, none of their claims is left",
  ignore: !LINUX,
  fn() {
    using dir = tempDir();
    const path = `${dir.path}/a.bin`;
    Deno.writeFileSync(path, new Uint8Array(8192).fill(1));
    const code = `${PRELUDE}
      const path = ${JSON.stringify(path)};
      let most = 0;
      for (let i = 0; i < 3000; i++) {
        Mmap.open(path, { access: "read" }).bytes[0];
        if (i % 250 === 0) {
          await new Promise((r) => setTimeout(r, 0));
          most = Math.max(most, locks(path));
        }
      }
      await settle();
      await settle();
      console.log(JSON.stringify({ most, left: locks(path) }));
    `;
    const result = denoRun(["-A", "--v8-flags=--expose-gc"], code);
    assert.equal(result.code, 0, result.stderr);
    const { most, left } = JSON.parse(result.stdout);
    // Claims of maps not yet collected may be there (the collector runs
    // when it runs); collected ones all went.
    assert.equal(left, 0, `most ${most}`);
    assert.ok(most < 3000, `most ${most}`);
  },
});
