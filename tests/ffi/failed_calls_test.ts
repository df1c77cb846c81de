import assert from "node:assert/strict";
import {
  array,
  memmap,
  Mmap,
  openMemmap,
  save,
  SharedMemory,
} from "../../mod.ts";
import { tempDir } from "../test_util.ts";

/**
 * Calls that ask for more than the file system, the disk or the address
 * space can hold (but for sizes that are valid numbers): every one must
 * fail with an OS error that carries `code`, and leave the file's bytes as
 * they were. 2^50 bytes is past ext4's largest file (EFBIG), past any disk
 * where the file system has no such limit (ENOSPC when the blocks are
 * reserved), and past the address space where nothing can be reserved.
 */
const TOO_BIG = 2 ** 50;
const SIDE = 2 ** 25; // SIDE * SIDE = TOO_BIG

const FAILING: Record<string, (path: string) => unknown> = {
  "Mmap.open length": (p) => Mmap.open(p, { length: TOO_BIG }),
  "Mmap.open length at an offset": (p) =>
    Mmap.open(p, { length: 4096, offset: TOO_BIG }),
  "Mmap.resize()": (p) => {
    using m = Mmap.open(p);
    try {
      m.resize(TOO_BIG);
    } finally {
      assert.equal(m.length, 10_128, "the map keeps its length");
      assert.equal(m.get(10_127), 9999 % 251, "and stays usable");
    }
  },
  "memmap r+": (p) => memmap(p, { mode: "r+", shape: [SIDE, SIDE] }),
  "memmap r+ at an offset": (p) =>
    memmap(p, { mode: "r+", offset: TOO_BIG, shape: [8] }),
  "memmap w+": (p) => memmap(p, { mode: "w+", shape: [SIDE, SIDE] }),
  "memmap w+ float64": (p) =>
    memmap(p, { mode: "w+", dtype: "float64", shape: [SIDE, SIDE / 8] }),
  "openMemmap w+": (p) =>
    openMemmap(p, { mode: "w+", dtype: "u1", shape: [SIDE, SIDE] }),
};

Deno.test("a call that asks for a file too large fails with a coded OS error and leaves the file's bytes", () => {
  using dir = tempDir();
  const path = `${dir.path}/victim.npy`;
  save(
    path,
    array(Array.from({ length: 10_000 }, (_, i) => i % 251), {
      dtype: "u1",
    }),
  );
  const original = Deno.readFileSync(path);
  for (const [name, call] of Object.entries(FAILING)) {
    assert.throws(
      () => call(path),
      (e: Error & { code?: string }) =>
        // errno names, or Win32 names on Windows (ERROR_INVALID_PARAMETER)
        typeof e.code === "string" && /^(E[A-Z]+|ERROR_[A-Z_]+)$/.test(e.code),
      name,
    );
    assert.deepEqual(Deno.readFileSync(path), original, `${name}: the bytes`);
    assert.deepEqual(
      [...Deno.readDirSync(dir.path)].map((e) => e.name),
      ["victim.npy"],
      `${name}: nothing left beside it`,
    );
  }
  // The file is not held by anything the failed calls opened.
  using m = Mmap.open(path);
  m.resize(10);
  assert.equal(Deno.statSync(path).size, 10);
});

Deno.test("a call that fails to create a file leaves no file", () => {
  using dir = tempDir();
  const path = `${dir.path}/new.bin`;
  const creators: Record<string, () => unknown> = {
    "Mmap.open create": () =>
      Mmap.open(path, { create: true, length: TOO_BIG }),
    "memmap w+": () => memmap(path, { mode: "w+", shape: [SIDE, SIDE] }),
    "openMemmap w+": () =>
      openMemmap(path, { mode: "w+", dtype: "u1", shape: [SIDE, SIDE] }),
  };
  for (const [name, create] of Object.entries(creators)) {
    assert.throws(create, (e: Error & { code?: string }) => !!e.code, name);
    assert.deepEqual([...Deno.readDirSync(dir.path)], [], name);
  }
});

Deno.test({
  name:
    "SharedMemory larger than /dev/shm can hold is an error at creation (ENOSPC), and no block is left",
  ignore: Deno.build.os !== "linux",
  fn() {
    const before = [...Deno.readDirSync("/dev/shm")].length;
    assert.throws(
      () => new SharedMemory({ create: true, size: TOO_BIG }),
      { code: "ENOSPC" },
    );
    assert.equal([...Deno.readDirSync("/dev/shm")].length, before);
  },
});
