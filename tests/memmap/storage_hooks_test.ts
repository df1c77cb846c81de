import assert from "node:assert/strict";
import { memmap, type NDArray, SharedMemory } from "../../mod.ts";
import { tempDir } from "../test_util.ts";

// The read-ahead and release hooks of a map's storage are reachable through
// `a.storage`: whatever they are called with, they check their arguments
// (the library's TypeError, not an engine message) and never reach memory
// outside the map.

/** Arrays whose storage has hooks: a memmap (r+ and c) and a SharedMemory array. */
function withHooked(fn: (name: string, a: NDArray) => void): void {
  using dir = tempDir();
  const path = `${dir.path}/hooks.bin`;
  Deno.writeFileSync(path, new Uint8Array(1 << 16).fill(7));
  for (const mode of ["r+", "c"] as const) {
    using a = memmap(path, { dtype: "uint8", mode });
    fn(`memmap ${mode}`, a);
  }
  // 17 MiB: a memmap read through its own memory (see mapIntoMemory).
  const large = `${dir.path}/large.bin`;
  Deno.writeFileSync(large, new Uint8Array(17 << 20).fill(7));
  for (const mode of ["r+", "r"] as const) {
    using a = memmap(large, { dtype: "uint8", mode });
    fn(`large memmap ${mode}`, a);
  }
  const shm = new SharedMemory({ create: true, size: 1 << 16 });
  try {
    fn("SharedMemory", shm.ndarray());
  } finally {
    shm.close();
    shm.unlink();
  }
}

const BAD = [NaN, 1.5, Infinity, "0", 0n, {}, undefined, null];

Deno.test("a storage's hooks refuse arguments that are not integers with the library's TypeError", () => {
  withHooked((name, a) => {
    const s = a.storage;
    for (const hook of ["prefetch", "release"] as const) {
      const f = s[hook];
      if (f === undefined) continue;
      for (const bad of BAD) {
        assert.throws(
          () => f.call(s, bad as number, 10),
          (e: Error) =>
            e instanceof TypeError && e.message.startsWith("Cannot"),
          `${name} ${hook}(${String(bad)}, 10)`,
        );
        assert.throws(
          () => f.call(s, 0, bad as number),
          (e: Error) =>
            e instanceof TypeError && e.message.startsWith("Cannot"),
          `${name} ${hook}(0, ${String(bad)})`,
        );
      }
    }
  });
});

Deno.test("a storage's read-ahead and release clip ranges to the map: before it, past it or huge, nothing else is touched", () => {
  withHooked((name, a) => {
    const s = a.storage;
    for (
      const [start, length] of [
        [-(2 ** 40), 2 ** 40 + 4096],
        [-(2 ** 20), 2 ** 20],
        [1 << 16, 1 << 20],
        [0, 2 ** 52],
        [-5, 3],
      ]
    ) {
      for (const write of [false, true]) {
        s.prefetch?.(start, length, write);
      }
      s.release?.(start, length);
    }
    s.verify?.();
    assert.equal(a.get(100), name === "SharedMemory" ? 0 : 7, name);
    assert.equal(a.sum(), BigInt(name === "SharedMemory" ? 0 : 7 * a.size));
  });
});
