/**
 * Calls whose write access is a default (Python's and NumPy's defaults:
 * `Mmap.open` read/write, `memmap` and `openMemmap` mode "r+") name both
 * fixes when `--allow-write` is missing: the flag, or opening read-only.
 * Calls that asked for write access name the flag only.
 */
import assert from "node:assert/strict";
import { denoRun, tempDir } from "./test_util.ts";

Deno.test("NotCapable for a defaulted write access names --allow-write and the read-only option", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.npy`;
  // A 3-element uint8 .npy, made without the library.
  const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }";
  const padded = header.padEnd(128 - 10 - 1, " ") + "\n";
  const bytes = new Uint8Array(128 + 3);
  bytes.set([0x93, ..."NUMPY".split("").map((c) => c.charCodeAt(0)), 1, 0]);
  new DataView(bytes.buffer).setUint16(8, padded.length, true);
  bytes.set(new TextEncoder().encode(padded), 10);
  Deno.writeFileSync(path, bytes);
  const out = denoRun(
    ["--allow-ffi", `--allow-read=${dir.path}`],
    `import { Mmap, memmap, openMemmap } from "MOD";
     const p = ${JSON.stringify(path)};
     const calls = {
       mmap: () => Mmap.open(p),
       mmapWrite: () => Mmap.open(p, { access: "write" }),
       mmapRead: () => Mmap.open(p, { access: "read" }),
       memmap: () => memmap(p),
       memmapRead: () => memmap(p, { mode: "r" }),
       openMemmap: () => openMemmap(p),
       openMemmapRead: () => openMemmap(p, { mode: "r" }),
     };
     const result = {};
     for (const [name, call] of Object.entries(calls)) {
       try {
         call().close();
         result[name] = "ok";
       } catch (error) {
         result[name] = error.constructor.name + ": " + error.message;
       }
     }
     console.log(JSON.stringify(result));`,
  );
  assert.equal(out.code, 0, out.stderr);
  const result = JSON.parse(out.stdout);
  for (
    const [name, hint] of [
      ["mmap", 'access: "read"'],
      ["memmap", 'mode: "r"'],
      ["openMemmap", 'mode: "r"'],
    ]
  ) {
    assert.match(result[name], /^NotCapable: /, name);
    assert.ok(result[name].includes("--allow-write"), result[name]);
    assert.ok(result[name].includes(hint), result[name]);
    assert.equal(result[`${name}Read`], "ok", name);
  }
  assert.match(result.mmapWrite, /^NotCapable: .*--allow-write/);
  assert.ok(!result.mmapWrite.includes("read-only"), result.mmapWrite);
});
