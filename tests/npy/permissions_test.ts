import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FIXTURES, tempDir } from "./_helpers.ts";

Deno.test("load() into memory needs only --allow-read; mapping and saving name the missing flag", () => {
  using dir = tempDir();
  const child = fileURLToPath(new URL("./_no_ffi_child.ts", import.meta.url));
  const out = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      `--allow-read`,
      child,
      `${FIXTURES}scalar_f8.npy`,
      dir.path,
    ],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const result = JSON.parse(text);
  assert.deepEqual(result.shape, []);
  assert.equal(result.sum, 2.5);
  assert.match(result.mmap, /^NotCapable: .*--allow-ffi/);
  assert.match(result.save, /^NotCapable: .*--allow-write/);
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});
