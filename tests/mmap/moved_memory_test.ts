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

Deno.test("iterators and streams made before an Mmap is closed or its memory moved throw BadResource at their next step, never end quietly", async () => {
  // Each source reads one item, then the map goes, then the next step must
  // throw (or error the stream) instead of reporting the end.
  const sources: [string, (m: Mmap) => () => Promise<unknown>][] = [
    ["lines()", (m) => {
      const it = m.lines();
      it.next();
      return async () => await Promise.resolve().then(() => it.next());
    }],
    ["[Symbol.iterator]()", (m) => {
      const it = m[Symbol.iterator]();
      it.next();
      return async () => await Promise.resolve().then(() => it.next());
    }],
    ["readable()", (m) => {
      const reader = m.readable({ chunkSize: 2 }).getReader();
      return async () => {
        await reader.read();
        return await reader.read();
      };
    }],
  ];
  const endings: [string, (m: Mmap) => void][] = [
    ["close()", (m) => m.close()],
    ["a transfer of bytes.buffer", (m) => {
      structuredClone(m.bytes.buffer, { transfer: [m.bytes.buffer] });
    }],
  ];
  for (const [source, start] of sources) {
    for (const [ending, end] of endings) {
      const m = Mmap.anonymous(16);
      m.write("a\nb\nc\nd\n");
      m.seek(0);
      const step = start(m);
      end(m);
      await assert.rejects(
        step,
        Deno.errors.BadResource,
        `${source} after ${ending}`,
      );
      m.close();
    }
  }
});

Deno.test("an Mmap's byte iterator follows a resize", () => {
  const m = Mmap.anonymous(4);
  try {
    m.write(new Uint8Array([1, 2, 3, 4]));
    const it = m[Symbol.iterator]();
    assert.equal(it.next().value, 1);
    m.resize(6);
    m.bytes.set([5, 6], 4);
    assert.deepEqual([...it], [2, 3, 4, 5, 6]);
  } catch (error) {
    // Maps that cannot grow (no mremap on this platform) are not the point.
    if (!(error instanceof Deno.errors.NotSupported)) throw error;
  } finally {
    m.close();
  }
});
