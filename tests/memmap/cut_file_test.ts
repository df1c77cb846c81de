import assert from "node:assert/strict";
import { CAN_SPAWN_DENO, denoRunWithin, tempDir } from "../test_util.ts";

// Linux 5.14+ (MADV_POPULATE_*): a walk over pages the kernel cannot give
// (here: the file was cut short behind the library's back, by Deno's own
// API; on a full disk: holes that cannot be filled) is an EFAULT error, not
// SIGBUS. In a subprocess: the fault being tested kills the process.
Deno.test(
  "memmap walks over a file cut short by another program throw EFAULT instead of faulting",
  {
    ignore: Deno.build.os !== "linux" || !CAN_SPAWN_DENO,
  },
  async () => {
    using dir = tempDir();
    const code = `
import { memmap } from "MOD";
const path = ${JSON.stringify(`${dir.path}/cut.bin`)};
const walks = {
  fill: (fp) => fp.fill(1),
  copy: (fp) => fp.copy(),
  astype: (fp) => fp.astype("float32"),
  mul: (fp) => fp.mul(2),
  "mul out=": (fp) => fp.mul(2, { out: fp }),
  assign: (fp) => fp.assign(3),
};
const rows = {};
for (const [name, walk] of Object.entries(walks)) {
  Deno.writeFileSync(path, new Uint8Array(0));
  Deno.truncateSync(path, 64 << 20);
  const fp = memmap(path, { dtype: "float64", mode: "r+" });
  Deno.truncateSync(path, 4096);
  try {
    walk(fp);
    rows[name] = "returned";
  } catch (e) {
    rows[name] = e.code + (e.message.includes("cut short") ? " cut short" : "");
  }
  fp.close();
}
console.log(JSON.stringify(rows));
`;
    const run = await denoRunWithin(["-A"], code);
    assert.equal(run.signal, null, run.stderr);
    const rows = JSON.parse(run.stdout);
    for (const [name, result] of Object.entries(rows)) {
      assert.equal(result, "EFAULT cut short", name);
    }
    assert.equal(Object.keys(rows).length, 6);
  },
);
