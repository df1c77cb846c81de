import assert from "node:assert/strict";
import { sys } from "../../src/ffi/platform.ts";
import { array, load, type NDArray, save } from "../../mod.ts";
import { tempDir } from "../test_util.ts";

Deno.test("Sys.preallocate() reserves blocks and keeps the size", {
  ignore: Deno.build.os !== "linux",
}, () => {
  using dir = tempDir();
  const path = `${dir.path}/reserved.bin`;
  Deno.writeFileSync(path, new Uint8Array(0));
  const file = sys.open(path, { write: true });
  try {
    sys.preallocate(file, 8 << 20);
  } finally {
    sys.close(file);
  }
  const stat = Deno.statSync(path);
  assert.equal(stat.size, 0);
  assert.ok(stat.blocks! * 512 >= 8 << 20, `blocks: ${stat.blocks}`);
});

Deno.test("save() of a large array reserves space and writes exactly the array", () => {
  using dir = tempDir();
  const n = 9 << 20; // 72 MiB of float64: above the reservation threshold
  const data = new Float64Array(n);
  for (let i = 0; i < n; i += 4097) data[i] = i;
  save(`${dir.path}/big.npy`, array(data));
  const stat = Deno.statSync(`${dir.path}/big.npy`);
  assert.equal(stat.size, 128 + n * 8);
  const back = load(`${dir.path}/big.npy`, { mmapMode: "r" }) as
    & NDArray
    & Disposable;
  using _ = back;
  assert.equal(back.get(4097 * 1000), 4097 * 1000);
  assert.equal(back.get(n - 1), (n - 1) % 4097 === 0 ? n - 1 : 0);
});
