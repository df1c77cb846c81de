/**
 * Posting or cloning an object that owns memory throws a DataCloneError
 * whose message is the library's sentence: V8 appends only its "could not
 * be cloned." (no "Symbol(...)" around it), and names what to post instead.
 */
import assert from "node:assert/strict";
import { array, memmap, Mmap, SharedMemory } from "../mod.ts";
import { tempDir } from "./test_util.ts";

const NDARRAY =
  "Cannot post an NDArray to a Worker (post a memmap's describe() and memmap() that there, or toTypedArray()): this NDArray could not be cloned.";

Deno.test("posting or cloning an NDArray, a Memmap, an Mmap or a SharedMemory throws a DataCloneError in the library's words", () => {
  using dir = tempDir();
  using m = memmap(`${dir.path}/a.bin`, { mode: "w+", shape: [4] });
  using map = Mmap.anonymous(8);
  const shm = new SharedMemory({ create: true, size: 8 });
  const channel = new MessageChannel();
  // [what, value, message]
  const rows: [string, unknown, string][] = [
    ["NDArray", array([1, 2]), NDARRAY],
    ["Memmap", m, NDARRAY],
    ["a Memmap's view", m.slice("1:"), NDARRAY],
    ["an NDArray inside an object", { a: array([1]) }, NDARRAY],
    [
      "Mmap",
      map,
      "Cannot post an Mmap to a Worker (post its file path, or use SharedMemory, and map it again there): this Mmap could not be cloned.",
    ],
    [
      "SharedMemory",
      shm,
      "Cannot post a SharedMemory to a Worker (post its name and attach there with new SharedMemory({ name })): this SharedMemory could not be cloned.",
    ],
  ];
  try {
    for (const [what, value, message] of rows) {
      for (
        const [how, send] of [
          ["structuredClone", (v: unknown) => structuredClone(v)],
          ["postMessage", (v: unknown) => channel.port1.postMessage(v)],
        ] as const
      ) {
        assert.throws(() => send(value), (error: unknown) => {
          assert.ok(error instanceof DOMException, `${what} ${how}`);
          assert.equal(error.name, "DataCloneError", `${what} ${how}`);
          assert.equal(error.message, message, `${what} ${how}`);
          return true;
        });
      }
    }
  } finally {
    channel.port1.close();
    channel.port2.close();
    shm.unlink();
    shm.close();
  }
});
