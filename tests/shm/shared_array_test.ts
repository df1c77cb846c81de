import assert from "node:assert/strict";
import { SharedMemory } from "../../mod.ts";
import { HAS_NUMPY, python } from "../test_util.ts";
import { removeShm, uniqueName } from "./_helpers.ts";

function withBlock(size: number, fn: (shm: SharedMemory) => void): void {
  const shm = new SharedMemory({ create: true, size });
  try {
    fn(shm);
  } finally {
    shm.close();
    shm.unlink();
  }
}

Deno.test("SharedMemory.ndarray() defaults to uint8 over the whole block", () => {
  withBlock(10, (shm) => {
    shm.buf.set([1, 2, 3]);
    const a = shm.ndarray();
    assert.equal(a.dtype.name, "uint8");
    assert.deepEqual(a.shape, [10]);
    assert.deepEqual(a.toArray(), [1, 2, 3, 0, 0, 0, 0, 0, 0, 0]);
    a.set(9, 200);
    assert.equal(shm.buf[9], 200);
  });
});

Deno.test("SharedMemory.ndarray() with dtype and shape views the block's bytes in place", () => {
  withBlock(6 * 8, (shm) => {
    const a = shm.ndarray({ dtype: "float64", shape: [2, 3] });
    assert.deepEqual(a.strides, [24, 8]);
    a.assign([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual([...new Float64Array(shm.buf.buffer)], [1, 2, 3, 4, 5, 6]);
    new Float64Array(shm.buf.buffer)[4] = -5;
    assert.equal(a.get(1, 1), -5);
    assert.equal(a.slice(1).sum(), -5 + 4 + 6);
    assert.equal(a.T.get(2, 0), 3);
  });
});

Deno.test("SharedMemory.ndarray() of another attachment shares the array", () => {
  withBlock(4 * 4, (shm) => {
    using other = new SharedMemory({ name: shm.name });
    const a = shm.ndarray({ dtype: "int32", shape: [2, 2] });
    const b = other.ndarray({ dtype: "int32", shape: [2, 2] });
    a.fill(7);
    b.set(0, 1, -1);
    assert.deepEqual(a.toArray(), [[7, -1], [7, 7]]);
    other.close();
    assert.deepEqual(
      a.toArray(),
      [[7, -1], [7, 7]],
      "other's close is not ours",
    );
    assert.throws(() => b.get(0, 0), Deno.errors.BadResource);
  });
});

Deno.test("SharedMemory.ndarray() with an unaligned offset, big-endian type and F order", () => {
  withBlock(64, (shm) => {
    const a = shm.ndarray({
      dtype: ">i4",
      shape: [2, 3],
      offset: 3,
      order: "F",
    });
    assert.deepEqual(a.strides, [4, 8]);
    a.set(1, 0, 0x01020304);
    assert.deepEqual([...shm.buf.subarray(7, 11)], [1, 2, 3, 4]);
    const view = new DataView(shm.buf.buffer);
    view.setInt32(3 + 4 * 4, -9); // element [0, 2] in F order
    assert.equal(a.get(0, 2), -9);
  });
});

Deno.test("SharedMemory.ndarray() without shape takes the rest of the block after offset", () => {
  withBlock(40, (shm) => {
    assert.deepEqual(shm.ndarray({ dtype: "f8", offset: 16 }).shape, [3]);
    assert.deepEqual(shm.ndarray({ dtype: "i2", offset: 40 }).shape, [0]);
    assert.throws(() => shm.ndarray({ dtype: "f8", offset: 3 }), {
      name: "RangeError",
      message:
        `Cannot view 37 bytes after offset 3 of shared memory "${shm.name}" as float64: size is not a multiple of the item size 8`,
    });
  });
});

Deno.test("SharedMemory.ndarray() refuses arrays that do not fit and bad options", () => {
  withBlock(24, (shm) => {
    assert.throws(() => shm.ndarray({ dtype: "float64", shape: 4 }), {
      name: "RangeError",
      message:
        `Cannot view (4,) float64 at offset 0 of shared memory "${shm.name}": needs 32 bytes but the block has 24`,
    });
    assert.throws(
      () => shm.ndarray({ dtype: "float64", shape: 3, offset: 1 }),
      RangeError,
    );
    assert.throws(() => shm.ndarray({ offset: -1 }), RangeError);
    assert.throws(() => shm.ndarray({ offset: 25 }), RangeError);
    assert.throws(() => shm.ndarray({ offset: 1.5 }), TypeError);
    assert.throws(() => shm.ndarray({ dtype: "float99" }), TypeError);
    assert.throws(() => shm.ndarray({ shape: [-1] }), RangeError);
    assert.throws(
      () => shm.ndarray({ order: "K" as "C" }),
      TypeError,
    );
    assert.throws(
      () => shm.ndarray(null as unknown as Record<string, never>),
      TypeError,
    );
  });
});

Deno.test("SharedMemory.close() makes its arrays and their views throw BadResource", () => {
  const shm = new SharedMemory({ create: true, size: 8 * 6 });
  const a = shm.ndarray({ dtype: "float64", shape: [2, 3] });
  a.fill(1);
  const row = a.slice(1);
  const t = a.T;
  const flat = a.reshape(6);
  shm.close();
  for (
    const [what, call] of [
      ["get", () => a.get(0, 0)],
      ["set", () => a.set(0, 0, 1)],
      ["sum", () => a.sum()],
      ["toArray", () => a.toArray()],
      ["slice view", () => row.get(0)],
      ["transposed view", () => t.get(0, 0)],
      ["reshaped view", () => flat.fill(2)],
      ["new array", () => shm.ndarray()],
    ] as const
  ) {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof Deno.errors.BadResource, `${what} threw ${e}`);
      assert.match((e as Error).message, /closed/);
      return true;
    });
  }
  shm.unlink();
});

Deno.test({
  name:
    "SharedMemory.ndarray() and NumPy's np.ndarray(buffer=shm.buf) see one array",
  ignore: !HAS_NUMPY || Deno.build.os !== "linux",
  fn() {
    const name = uniqueName("numpy");
    try {
      const out = python(
        `
import sys
import numpy as np
from multiprocessing import resource_tracker
from multiprocessing.shared_memory import SharedMemory
shm = SharedMemory(name=sys.argv[1], create=True, size=3 * 4 * 4 + 8)
resource_tracker.unregister(shm._name, "shared_memory")
a = np.ndarray((3, 4), dtype="<f4", buffer=shm.buf, offset=8)
a[:] = np.arange(12, dtype="<f4").reshape(3, 4) / 4
b = np.ndarray((1,), dtype="<i8", buffer=shm.buf)
b[0] = -(2**40)
print(a.sum())
del a, b
shm.close()
`,
        name,
      );
      assert.equal(Number(out), 16.5);
      using shm = new SharedMemory({ name });
      const a = shm.ndarray({ dtype: "<f4", shape: [3, 4], offset: 8 });
      assert.deepEqual(a.toArray(), [
        [0, 0.25, 0.5, 0.75],
        [1, 1.25, 1.5, 1.75],
        [2, 2.25, 2.5, 2.75],
      ]);
      assert.equal(
        shm.ndarray({ dtype: "int64", shape: 1 }).get(0),
        -(2n ** 40n),
      );
      a.slice(":", 0).assign([100, 200, 300]);
      const back = python(
        `
import sys
import numpy as np
from multiprocessing import resource_tracker
from multiprocessing.shared_memory import SharedMemory
shm = SharedMemory(name=sys.argv[1])
resource_tracker.unregister(shm._name, "shared_memory")
a = np.ndarray((3, 4), dtype="<f4", buffer=shm.buf, offset=8)
print(a[:, 0].tolist(), float(a.sum()))
del a
shm.close()
shm.unlink()
`,
        name,
      );
      assert.equal(back.trim(), "[100.0, 200.0, 300.0] 613.5");
    } finally {
      removeShm(name);
    }
  },
});
