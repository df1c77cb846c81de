/**
 * A process that ends in the middle of a save (killed, or its Worker's
 * thread ended with it) leaves no temporary file in the directory
 * (attack11 A12): no `finally` runs then, so a save's own cleanup cannot;
 * where the platform can (Linux `O_TMPFILE`, with `--allow-ffi`), the file
 * is written with no name and named only once complete, right before it is
 * renamed over the file. Every writer, over an existing file and a new one,
 * the process killed (`SIGKILL`) once the content is written (a test hook).
 */
import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRunWithin, tempDir } from "../test_util.ts";

const WRITERS = ["save", "savez", "savezCompressed"] as const;
const OLD = "OLD-CONTENT";

Deno.test({
  name:
    "a process killed during save, savez or savezCompressed (--allow-ffi, Linux) leaves no temporary file and the old file as it was",
  ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  async fn() {
    for (const writer of WRITERS) {
      for (const existing of [true, false]) {
        using dir = tempDir();
        const path = `${dir.path}/f.${writer === "save" ? "npy" : "npz"}`;
        if (existing) Deno.writeTextFileSync(path, OLD);
        const run = await denoRunWithin(
          [
            `--allow-read=${dir.path}`,
            `--allow-write=${dir.path}`,
            "--allow-ffi",
          ],
          `
          import { arange, save, savez, savezCompressed } from "MOD";
          const { saveHooks } = await import(new URL("./src/npy/_files.ts", "MOD").href);
          saveHooks.written = () => Deno.kill(Deno.pid, "SIGKILL");
          const a = arange(1 << 16);
          const writers = { save, savez, savezCompressed };
          writers[${JSON.stringify(writer)}](${JSON.stringify(path)}, ${
            writer === "save" ? "a" : "{ a }"
          });
          console.log("not killed");
          `,
        );
        const what = `${writer}, ${existing ? "over a file" : "a new file"}`;
        assert.equal(
          run.signal,
          "SIGKILL",
          `${what}: ${run.stdout}${run.stderr}`,
        );
        const names = [...Deno.readDirSync(dir.path)].map((e) => e.name);
        assert.deepEqual(names, existing ? [path.split("/").at(-1)] : [], what);
        if (existing) assert.equal(Deno.readTextFileSync(path), OLD, what);
      }
    }
  },
});
