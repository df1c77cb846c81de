import assert from "node:assert/strict";
import { ALLOCATIONGRANULARITY, Mmap, PAGESIZE } from "../../mod.ts";
import { sys } from "../../src/ffi/platform.ts";
import { EMULATOR, tempDir, writeFile } from "../test_util.ts";

Deno.test("PAGESIZE is the system's page size, as Python's mmap.PAGESIZE", () => {
  // Tests run with --allow-ffi: the size read at load is the system's.
  assert.equal(PAGESIZE, sys.pageSize());
  assert.equal(ALLOCATIONGRANULARITY % PAGESIZE, 0);
  // .ci/arm64.sh runs qemu-user with 64 KiB pages.
  if (EMULATOR === "qemu-user") assert.equal(PAGESIZE, 65536);
});

Deno.test("Mmap.open() maps at an offset of one PAGESIZE where the granularity is the page size", () => {
  using dir = tempDir();
  const bytes = new Uint8Array(3 * PAGESIZE);
  bytes[PAGESIZE] = 7;
  const path = writeFile(dir.path, "pages.bin", bytes);
  if (ALLOCATIONGRANULARITY !== PAGESIZE) {
    assert.throws(() => Mmap.open(path, { offset: PAGESIZE }), RangeError);
    return;
  }
  using m = Mmap.open(path, { offset: PAGESIZE });
  assert.equal(m.length, 2 * PAGESIZE);
  assert.equal(m.get(0), 7);
});
