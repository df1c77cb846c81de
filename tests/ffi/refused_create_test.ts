/**
 * A file made by an open that is then refused is taken back: when a
 * directory on the way is swapped for a link outside `--allow-write`
 * between the permission check and `open(2)`, the check made again on what
 * was opened refuses it, and the empty file the open made there is removed
 * (device and inode checked), so nothing is left outside the grant. Where
 * `openat2` does the open (Linux 5.6+), the swapped link is met and nothing
 * is made; without it (older kernels, macOS: forced here by a test hook),
 * the open is made the usual way and must clean up after itself (attack10).
 * Every entry point that creates a file by path is tried both ways.
 */
import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRunWithin, tempDir } from "../test_util.ts";

const linux = Deno.build.os === "linux";

/** Entry points that create a file: [name, code with P for the path]. */
const CREATORS: [string, string][] = [
  ["Mmap.open create", `Mmap.open(P, { create: true, length: 16 }).close()`],
  ["memmap w+", `memmap(P, { mode: "w+", dtype: "u1", shape: [16] }).close()`],
  [
    "openMemmap w+",
    `openMemmap(P, { mode: "w+", dtype: "u1", shape: [4] }).close()`,
  ],
  [
    "the platform's open, create",
    `sys.close(sys.open(P, { write: true, create: true }))`,
  ],
  [
    "the platform's open, create and truncate",
    `sys.close(sys.open(P, { write: true, create: true, truncate: true }))`,
  ],
  [
    "the platform's open, create new",
    `sys.close(sys.open(P, { write: true, create: true, exclusive: true }))`,
  ],
];

Deno.test({
  name:
    "a file made by an open refused on what it opened is removed (every creating entry point, with and without openat2)",
  ignore: !linux || !CAN_SPAWN_DENO,
  async fn() {
    using dir = tempDir();
    const allowed = `${dir.path}/allowed`;
    const secret = `${dir.path}/secret`;
    Deno.mkdirSync(allowed);
    Deno.mkdirSync(secret);
    Deno.writeTextFileSync(`${secret}/s.bin`, "SECRET");
    // allowed/sub -> real: the path checked; real is swapped for a link to
    // ../secret right before the open. (The child may rename links but not
    // make them: they are made here.)
    Deno.mkdirSync(`${allowed}/real`);
    Deno.symlinkSync("real", `${allowed}/sub`);
    Deno.symlinkSync("../secret", `${allowed}/outside`);
    const result = await denoRunWithin(
      ["--allow-ffi", `--allow-read=${allowed}`, `--allow-write=${allowed}`],
      `
      import { memmap, Mmap, openMemmap } from "MOD";
      const { openHooks } = await import(new URL("./src/ffi/posix_file.ts", "MOD").href);
      const { sys } = await import(new URL("./src/ffi/platform.ts", "MOD").href);
      const allowed = ${JSON.stringify(allowed)};
      const swap = () => {
        Deno.renameSync(allowed + "/real", allowed + "/real.moved");
        Deno.renameSync(allowed + "/outside", allowed + "/real");
      };
      const unswap = () => {
        Deno.renameSync(allowed + "/real", allowed + "/outside");
        Deno.renameSync(allowed + "/real.moved", allowed + "/real");
      };
      const out = {};
      for (const withoutOpenat2 of [false, true]) {
        openHooks.withoutOpenat2 = withoutOpenat2;
        let row = 0;
        for (const [name, run] of [${
        CREATORS.map(([name, code]) =>
          `[${JSON.stringify(name)}, (P) => ${code}]`
        ).join(",")
      }]) {
          const path = allowed + "/sub/new" + row++ + ".bin";
          // Unswapped, the call makes the file; the hook counts the opens.
          let calls = 0;
          openHooks.beforeOpen = () => { calls++; };
          run(path);
          Deno.removeSync(allowed + "/real/" + path.split("/").pop());
          const plain = calls;
          // Swapped right before the last open (the one that creates).
          calls = 0;
          openHooks.beforeOpen = () => { if (++calls === plain) swap(); };
          let error = null;
          try {
            run(path);
          } catch (e) {
            error = e.constructor.name + ": " + e.message;
          }
          openHooks.beforeOpen = null;
          if (calls >= plain) unswap();
          out[(withoutOpenat2 ? "without" : "with") + " openat2: " + name] = { plain, calls, error };
        }
      }
      console.log(JSON.stringify(out));
      `,
    );
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout);
    assert.equal(Object.keys(rows).length, 2 * CREATORS.length);
    for (
      const [name, { plain, calls, error }] of Object.entries(rows) as [
        string,
        { plain: number; calls: number; error: string | null },
      ][]
    ) {
      assert.ok(plain >= 1 && calls === plain, `${name}: ${plain} ${calls}`);
      assert.match(
        error ?? "",
        name.startsWith("with ")
          ? /\(ELOOP\)/
          : /^NotCapable: Requires (read|write) access to ".*\/secret\/new\d\.bin" \(where ".*\/allowed\/sub\/new\d\.bin" led when opened\)/,
        `${name}: ${error}`,
      );
    }
    assert.deepEqual([...Deno.readDirSync(secret)].map((e) => e.name), [
      "s.bin",
    ]);
    assert.equal(Deno.readTextFileSync(`${secret}/s.bin`), "SECRET");
  },
});
