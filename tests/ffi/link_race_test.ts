/**
 * Deno's permissions bind to the file the library really opens, not to where
 * a symbolic link led a moment before: a link (or a directory) flipped by
 * another process between the permission check and `open(2)` never lets a
 * write map land outside `--allow-write` (attack9 F3). Every entry point that
 * opens a path for writing is tried with the link changed at the worst time
 * (a test hook between the check and the open), then raced against a real
 * flipping process.
 */
import assert from "node:assert/strict";
import {
  CAN_SPAWN_DENO,
  denoRunWithin,
  raceWithFlipper,
  tempDir,
} from "../test_util.ts";

const linux = Deno.build.os === "linux";
const SECRET = "SECRETSECRETSECR";

/** Entry points that open an existing file for writing: [name, code with P for the path]. */
const WRITERS: [string, string][] = [
  ["Mmap.open (shared)", `Mmap.open(P).close()`],
  ["Mmap.open with a length", `Mmap.open(P, { length: 16 }).close()`],
  [
    "memmap r+",
    `memmap(P, { mode: "r+", dtype: "u1", shape: [16] }).close()`,
  ],
  [
    "memmap w+",
    `memmap(P, { mode: "w+", dtype: "u1", shape: [16] }).close()`,
  ],
  [
    "openMemmap w+",
    `openMemmap(P, { mode: "w+", dtype: "u1", shape: [4] }).close()`,
  ],
  [
    "the platform's open with truncate",
    `sys.close(sys.open(P, { write: true, truncate: true }))`,
  ],
];

/** Makes `allowed/` (a.bin, the link race -> a.bin, real/, sub -> real) and `secret/s.bin`. */
function layout(root: string): { allowed: string; secret: string } {
  const allowed = `${root}/allowed`;
  const secret = `${root}/secret`;
  Deno.mkdirSync(allowed);
  Deno.mkdirSync(secret);
  Deno.mkdirSync(`${allowed}/real`);
  Deno.writeTextFileSync(`${allowed}/a.bin`, "A".repeat(16));
  Deno.writeTextFileSync(`${secret}/s.bin`, SECRET);
  Deno.symlinkSync("a.bin", `${allowed}/race`);
  Deno.symlinkSync("real", `${allowed}/sub`);
  return { allowed, secret };
}

function flags(allowed: string): string[] {
  return ["--allow-ffi", `--allow-read=${allowed}`, `--allow-write=${allowed}`];
}

const IMPORTS = `
  import { memmap, Mmap, openMemmap } from "MOD";
  const { openHooks } = await import(new URL("./src/ffi/posix_file.ts", "MOD").href);
  const { sys } = await import(new URL("./src/ffi/platform.ts", "MOD").href);
`;

Deno.test({
  name:
    "a link flipped between the permission check and open(2) is refused before the file changes (every writing entry point)",
  ignore: !linux || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const { allowed, secret } = layout(dir.path);
    // The child may rename links but not make them (Deno's symlinkSync needs
    // unscoped permissions): the links it flips to are made here.
    WRITERS.forEach((_, i) => {
      Deno.symlinkSync("a.bin", `${allowed}/plain${i}`);
      Deno.symlinkSync("../secret/s.bin", `${allowed}/flip${i}`);
    });
    Deno.symlinkSync("../secret", `${allowed}/dirflip`);
    const result = await denoRunWithin(
      flags(allowed),
      `${IMPORTS}
      const allowed = ${JSON.stringify(allowed)};
      const out = {};
      const flip = (link) => Deno.renameSync(allowed + "/" + link, allowed + "/race");
      let row = 0;
      for (const [name, run] of [${
        WRITERS.map(([name, code]) =>
          `[${JSON.stringify(name)}, (P) => ${code}]`
        ).join(",")
      }]) {
        let calls = 0;
        // Unflipped, the call works and the hook sees the open.
        openHooks.beforeOpen = () => { calls++; };
        run(allowed + "/race");
        const plain = calls;
        openHooks.beforeOpen = () => { calls++; flip("flip" + row); };
        let error = null;
        try {
          run(allowed + "/race");
        } catch (e) {
          error = e.constructor.name + ": " + e.message;
        }
        openHooks.beforeOpen = null;
        out[name] = { plain, calls, error };
        flip("plain" + row);
        row++;
      }
      // A file made through a directory link: the directory is swapped for
      // a link outside between the check and the creation.
      let calls = 0;
      // (The first open, without O_CREAT, finds nothing; the second makes it.)
      openHooks.beforeOpen = () => {
        if (++calls !== 2) return;
        Deno.renameSync(allowed + "/real", allowed + "/real.moved");
        Deno.renameSync(allowed + "/dirflip", allowed + "/real");
      };
      let error = null;
      try {
        memmap(allowed + "/sub/new.bin", { mode: "w+", dtype: "u1", shape: [16] }).close();
      } catch (e) {
        error = e.constructor.name + ": " + e.message;
      }
      openHooks.beforeOpen = null;
      out["memmap w+ creating through a swapped directory"] = { plain: 1, calls, error };
      console.log(JSON.stringify(out));
      `,
    );
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout);
    for (const [name] of WRITERS) {
      const { plain, calls, error } = rows[name];
      assert.ok(plain >= 1, `${name}: the hook ran on a plain open`);
      assert.ok(calls > plain, `${name}: the hook flipped the link`);
      assert.match(
        error ?? "",
        /^NotCapable: Requires (read|write) access to ".*\/secret\/s\.bin" \(where ".*\/allowed\/race" led when opened\)/,
        name,
      );
    }
    const created = rows["memmap w+ creating through a swapped directory"];
    assert.equal(created.calls, 2);
    // openat2 met the link that was not there when checked.
    assert.match(created.error ?? "", /\(ELOOP\)/);
    assert.equal(Deno.readTextFileSync(`${secret}/s.bin`), SECRET);
    assert.deepEqual([...Deno.readDirSync(secret)].map((e) => e.name), [
      "s.bin",
    ]);
  },
});

Deno.test({
  name:
    "a process flipping a link (and swapping a directory) never gets a write outside --allow-write",
  ignore: !linux || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const { allowed, secret } = layout(dir.path);
    // The flipper swaps allowed/race between a.bin and ../secret/s.bin, and
    // allowed/sub between real and ../secret.
    const rows = await raceWithFlipper(
      dir.path,
      `
      const allowed = ${JSON.stringify(allowed)};
      Deno.symlinkSync(i % 2 ? "a.bin" : "../secret/s.bin", allowed + "/race.tmp");
      Deno.renameSync(allowed + "/race.tmp", allowed + "/race");
      Deno.symlinkSync(i % 2 ? "real" : "../secret", allowed + "/sub.tmp");
      Deno.renameSync(allowed + "/sub.tmp", allowed + "/sub");
      `,
      flags(allowed),
      `${IMPORTS}
      const allowed = ${JSON.stringify(allowed)};
      const out = {};
      const writers = [${
        WRITERS.map(([name, code]) =>
          `[${JSON.stringify(name)}, (P) => ${code}]`
        ).join(",")
      }, ["memmap w+ of a new file through sub/", (P) => {
        memmap(allowed + "/sub/new.bin", { mode: "w+", dtype: "u1", shape: [16] }).close();
        try { Deno.removeSync(allowed + "/real/new.bin"); } catch { /* not made */ }
      }]];
      for (const [name, run] of writers) out[name] = tally(() => run(allowed + "/race"));
      console.log(JSON.stringify(out));
      `,
    );
    assert.equal(Object.keys(rows).length, WRITERS.length + 1);
    assert.equal(Deno.readTextFileSync(`${secret}/s.bin`), SECRET);
    assert.deepEqual([...Deno.readDirSync(secret)].map((e) => e.name), [
      "s.bin",
    ]);
  },
});
