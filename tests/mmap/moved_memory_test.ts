import assert from "node:assert/strict";
import { Mmap, SharedMemory } from "../../mod.ts";
import { tempDir, WINDOWS, writeFile } from "../test_util.ts";

/** Arguments that make each Mmap method do real work on a 16-byte map. */
const CALLS: Record<string, unknown[]> = {
  read: [4],
  readByte: [],
  readline: [],
  lines: [],
  write: [new Uint8Array([1])],
  writeByte: [1],
  seek: [1],
  tell: [],
  seekable: [],
  size: [],
  find: ["A"],
  rfind: ["A"],
  get: [0],
  set: [0, 1],
  slice: [0, 4],
  flush: [],
  madvise: [0],
  move: [0, 1, 2],
  resize: [32],
  readInto: [new Uint8Array(4)],
  readable: [],
};

function methodsOf(m: Mmap): string[] {
  return Object.getOwnPropertyNames(Object.getPrototypeOf(m)).filter((name) =>
    name !== "constructor" && name !== "close" &&
    typeof Object.getOwnPropertyDescriptor(Mmap.prototype, name)?.value ===
      "function"
  );
}

Deno.test("an Mmap whose memory was moved away is closed: every method throws BadResource", () => {
  using dir = tempDir();
  const path = writeFile(dir.path, "a.bin", "A".repeat(16));
  // On Windows a moved buffer keeps its view, so its file, mapped until the
  // process ends (docs/platforms.md): the file could not be deleted, so
  // only anonymous memory is moved there.
  const opens = [() => Mmap.anonymous(16)];
  if (!WINDOWS) opens.unshift(() => Mmap.open(path));
  for (const open of opens) {
    const m = open();
    const moved = structuredClone(m.bytes.buffer, {
      transfer: [m.bytes.buffer],
    });
    assert.equal(m.closed, true);
    assert.equal(m.bytes.length, 0);
    const names = methodsOf(m);
    for (const name of Object.keys(CALLS)) {
      assert.ok(names.includes(name), name);
    }
    for (const name of names) {
      const args = CALLS[name] ?? [];
      assert.throws(
        () =>
          (m as unknown as Record<string, (...a: unknown[]) => unknown>)[name](
            ...args,
          ),
        Deno.errors.BadResource,
        name,
      );
    }
    assert.throws(() => m.length, Deno.errors.BadResource);
    // The moved buffer still reads the memory; close() lets go of the file.
    assert.equal(moved.byteLength, 16);
    m.close();
    m.close();
  }
  assert.equal(
    Deno.readTextFileSync(path),
    "A".repeat(16),
    "nothing was written",
  );
});

Deno.test("a SharedMemory whose buf was moved away says so instead of failing in the engine", () => {
  using shm = new SharedMemory({ create: true, size: 64 });
  try {
    structuredClone(shm.buf.buffer, { transfer: [shm.buf.buffer] });
    assert.throws(
      () => shm.ndarray({ dtype: "uint8" }),
      Deno.errors.BadResource,
    );
  } finally {
    shm.unlink();
  }
});
