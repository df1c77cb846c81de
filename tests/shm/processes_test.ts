import assert from "node:assert/strict";
import { SharedMemory } from "../../mod.ts";
import {
  blockSize,
  ELEMENTS,
  expectedSum,
  incrementPart,
  initialize,
  ROUNDS,
} from "./_increment.ts";
import { runDeno } from "./_helpers.ts";

const EXPECTED = [expectedSum(0), expectedSum(1)];

Deno.test("Two Deno processes increment disjoint parts of one float64 block and see each other's results", async () => {
  const shm = new SharedMemory({ create: true, size: blockSize(2) });
  try {
    initialize(shm, 2);
    const child = new URL("./increment_child.ts", import.meta.url);
    const outputs = await Promise.all([
      runDeno(child, shm.name, "0", "2"),
      runDeno(child, shm.name, "1", "2"),
    ]);
    for (const out of outputs) assert.deepEqual(JSON.parse(out), EXPECTED);
    const array = new Float64Array(shm.buf.buffer, 64, 2 * ELEMENTS);
    for (let i = 0; i < array.length; i++) assert.equal(array[i], i + ROUNDS);
  } finally {
    shm.close();
    shm.unlink();
  }
});

Deno.test("A Worker attached by name and the main thread increment one float64 block together", async () => {
  const shm = new SharedMemory({ create: true, size: blockSize(2) });
  const worker = new Worker(
    new URL("./increment_worker.ts", import.meta.url),
    { type: "module" },
  );
  try {
    initialize(shm, 2);
    const fromWorker = new Promise<number[]>((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message));
      };
    });
    worker.postMessage({ name: shm.name, part: 1, parts: 2 });
    const mine = await incrementPart(shm, 0, 2);
    assert.deepEqual(mine, EXPECTED);
    assert.deepEqual(await fromWorker, EXPECTED);
  } finally {
    worker.terminate();
    shm.close();
    shm.unlink();
  }
});
