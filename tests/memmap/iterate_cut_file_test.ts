import assert from "node:assert/strict";
import { memmap } from "../../mod.ts";
import { tempDir } from "../test_util.ts";

// attack8 F1: iterating a memmap read each element through a direct view, so
// a file cut short by another program was SIGBUS; runs of elements now have
// their pages asked for first, as a walk's windows.
Deno.test({
  name:
    "iterating a 1-D memmap over a file cut short by another program is EFAULT, for every view",
  // MADV_POPULATE_READ (Linux 5.14+); qemu-user does not pass it on.
  ignore: Deno.build.os !== "linux" ||
    Deno.env.get("SEED_MMAP_EMULATOR") !== undefined,
}, () => {
  using dir = tempDir();
  const views: [string, string][] = [["whole", ":"], ["reversed", "::-1"], [
    "every other",
    "::2",
  ], ["tail", "4096:"]];
  for (const [name, index] of views) {
    const path = `${dir.path}/${name}.bin`;
    Deno.writeFileSync(path, new Uint8Array(0));
    Deno.truncateSync(path, 64 << 20);
    const a = memmap(path, { dtype: "float64", mode: "r" });
    try {
      Deno.truncateSync(path, 4096);
      assert.throws(
        () => {
          let s = 0;
          for (const x of a.slice(index)) s += Number(x);
          return s;
        },
        (e: unknown) => (e as { code?: string }).code === "EFAULT",
        name,
      );
    } finally {
      a.close();
    }
  }
});

Deno.test("iterating a 1-D memmap yields every element in order across runs", () => {
  using dir = tempDir();
  const path = `${dir.path}/a.bin`;
  const n = (1 << 16) * 2 + 5;
  const data = new Int32Array(n).map((_, i) => i * 3);
  Deno.writeFileSync(path, new Uint8Array(data.buffer));
  const a = memmap(path, { dtype: "int32", mode: "r" });
  try {
    let i = 0;
    for (const x of a) assert.equal(x, data[i++]);
    assert.equal(i, n);
    i = n;
    for (const x of a.slice("::-1")) assert.equal(x, data[--i]);
    assert.equal(i, 0);
  } finally {
    a.close();
  }
});
