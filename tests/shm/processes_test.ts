import assert from "node:assert/strict";
import { SharedMemory } from "../../mod.ts";
import { firstReply, HAS_NUMPY } from "../test_util.ts";
import {
  ARRAY_OFFSET,
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
    const fromWorker = firstReply<number[]>(worker);
    worker.postMessage({ name: shm.name, part: 1, parts: 2 });
    // A failing worker rejects at once instead of leaving the main thread
    // waiting for its flag.
    const [mine, theirs] = await Promise.all([
      incrementPart(shm, 0, 2),
      fromWorker,
    ]);
    assert.deepEqual(mine, EXPECTED);
    assert.deepEqual(theirs, EXPECTED);
  } finally {
    worker.terminate();
    shm.close();
    shm.unlink();
  }
});

// The same party's work as _increment.ts, in NumPy on Python's SharedMemory.
const NUMPY_PARTY = `
import json, sys, time
import numpy as np
from multiprocessing import resource_tracker
from multiprocessing.shared_memory import SharedMemory
name, part, parts, elements, rounds, offset = sys.argv[1], *map(int, sys.argv[2:])
shm = SharedMemory(name=name)
resource_tracker.unregister(shm._name, "shared_memory")
flags = np.ndarray((parts,), dtype=np.int32, buffer=shm.buf)
a = np.ndarray((parts, elements), dtype=np.float64, buffer=shm.buf, offset=offset)
for _ in range(rounds):
    a[part] += 1
flags[part] = 1
deadline = time.time() + 30
while not (flags == 1).all():
    if time.time() > deadline:
        sys.exit("the other party never finished")
    time.sleep(0.002)
print(json.dumps(a.sum(axis=1).tolist()))
del flags, a
shm.close()
`;

Deno.test({
  name:
    "A Deno NDArray and a NumPy array over one block increment disjoint rows at the same time",
  ignore: !HAS_NUMPY || Deno.build.os !== "linux",
  async fn() {
    const shm = new SharedMemory({ create: true, size: blockSize(2) });
    try {
      initialize(shm, 2);
      const numpy = new Deno.Command("python3", {
        args: ["-c", NUMPY_PARTY, shm.name, "1", "2", String(ELEMENTS)]
          .concat([String(ROUNDS), String(ARRAY_OFFSET)]),
        stdout: "piped",
        stderr: "piped",
      }).output();
      const mine = await incrementPart(shm, 0, 2);
      const out = await numpy;
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      assert.ok(out.success, decode(out.stderr));
      assert.deepEqual(mine, EXPECTED);
      assert.deepEqual(JSON.parse(decode(out.stdout)), EXPECTED);
    } finally {
      shm.close();
      shm.unlink();
    }
  },
});
